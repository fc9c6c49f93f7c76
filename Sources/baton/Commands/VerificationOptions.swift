import ArgumentParser
import BatonGit
import Foundation

/// `--verify-commits` and its trust list: which commits must be signed, and by whom, before
/// a pass applies them. Shared by `serve`, `reconcile` and `plan`, each with an environment
/// variable, so the daemon and a hand-typed `reconcile --once` judge commits the same way.
struct VerificationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Require signed commits: ssh (keys in --allowed-signers) or openpgp (keys in --trusted-keys); none stops verifying a source that was verified (default $BATON_VERIFY_COMMITS, else off).",
        valueName: "ssh|openpgp|none"))
    var verifyCommits: String?

    @Option(name: .long, help: ArgumentHelp(
        "With --verify-commits ssh: the allowed-signers file, in ssh-keygen's format (default $BATON_ALLOWED_SIGNERS).",
        valueName: "file"))
    var allowedSigners: String?

    @Option(name: .long, help: ArgumentHelp(
        "With --verify-commits openpgp: a folder of trusted public keys, armoured or binary (default $BATON_TRUSTED_KEYS).",
        valueName: "dir"))
    var trustedKeys: String?

    @Option(name: .long, help: ArgumentHelp(
        "head: check the commit being applied; all: also every first-parent commit since the live one (default $BATON_VERIFY_MODE, else head).",
        valueName: "head|all"))
    var verifyMode: String?

    /// The policy the flags describe (nil when off), and whether `none` was asked for.
    /// Flag problems are usage errors (exit 64), found before anything starts.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ValidationError) -> (policy: CommitVerification?, stopVerifying: Bool) {
        func pick(_ flag: String?, _ variable: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let value = environment[variable], !value.isEmpty { return value }
            return nil
        }
        let method = pick(verifyCommits, "BATON_VERIFY_COMMITS")
        let signers = pick(allowedSigners, "BATON_ALLOWED_SIGNERS")
        let keys = pick(trustedKeys, "BATON_TRUSTED_KEYS")
        let modeText = pick(verifyMode, "BATON_VERIFY_MODE")
        guard let method, method != "none" else {
            if signers != nil || keys != nil || modeText != nil {
                if method == nil {
                    throw ValidationError("--allowed-signers, --trusted-keys and --verify-mode only apply with --verify-commits ssh or openpgp")
                }
            }
            return (nil, method == "none")
        }
        let scope: CommitVerification.Scope
        if let modeText {
            guard let parsed = CommitVerification.Scope(rawValue: modeText) else {
                throw ValidationError("--verify-mode must be head or all, not \"\(modeText)\"")
            }
            scope = parsed
        } else {
            scope = .head
        }
        switch method {
        case "ssh":
            guard let signers else {
                throw ValidationError("--verify-commits ssh needs --allowed-signers FILE (or $BATON_ALLOWED_SIGNERS): the keys whose signatures are accepted, one `PRINCIPAL KEY` per line")
            }
            guard keys == nil else {
                throw ValidationError("--trusted-keys is for --verify-commits openpgp; SSH keys go in --allowed-signers")
            }
            return (CommitVerification(trust: .ssh(allowedSigners: Self.absolute(signers)), scope: scope), false)
        case "openpgp":
            guard let keys else {
                throw ValidationError("--verify-commits openpgp needs --trusted-keys DIR (or $BATON_TRUSTED_KEYS): a folder of the public keys whose signatures are accepted")
            }
            guard signers == nil else {
                throw ValidationError("--allowed-signers is for --verify-commits ssh; OpenPGP keys go in --trusted-keys")
            }
            return (CommitVerification(trust: .openpgp(trustedKeys: Self.absolute(keys)), scope: scope), false)
        default:
            throw ValidationError("--verify-commits must be ssh, openpgp or none, not \"\(method)\"")
        }
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}
