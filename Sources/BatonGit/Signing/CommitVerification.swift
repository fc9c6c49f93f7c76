import Crypto
import Foundation

/// Which commits must carry a good signature before Baton applies them, and whose keys count.
///
/// Flux's `spec.verify` for Git sources is the model: a commit that fails is rejected whole
/// and what is live stays live. Baton adds SSH keys (Git's `gpg.format = ssh`), which most
/// teams now sign with, and the `all` scope, which closes the gap `head` leaves open: with
/// `head` alone, an unsigned commit followed by a signed one is applied.
public struct CommitVerification: Sendable, Hashable {
    /// Where the trusted keys are.
    public enum Trust: Sendable, Hashable {
        /// An allowed-signers file in `ssh-keygen`'s format (`PRINCIPALS [OPTIONS] KEY`, see
        /// ssh-keygen(1) "ALLOWED SIGNERS"), the same file Git's `gpg.ssh.allowedSignersFile` names.
        case ssh(allowedSigners: String)
        /// A folder of OpenPGP public keys, one or more per file, armoured (`gpg --armor
        /// --export`) or binary (`gpg --export`).
        case openpgp(trustedKeys: String)

        public var format: SignatureFormat {
            switch self {
            case .ssh: .ssh
            case .openpgp: .openpgp
            }
        }
    }

    /// Which commits are checked.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        /// The commit being applied.
        case head
        /// Every first-parent commit since the live one, and the commit being applied: what
        /// landed on the branch since Baton last applied it. With nothing live yet, only the
        /// commit being applied (a repository's whole history would have to be signed).
        case all
    }

    public var trust: Trust
    public var scope: Scope

    public init(trust: Trust, scope: Scope = .head) {
        self.trust = trust
        self.scope = scope
    }

    /// A short description for logs and status: `ssh (all, allowed signers /etc/baton/allowed_signers)`.
    public var description: String {
        switch trust {
        case .ssh(let file): "ssh (\(scope.rawValue), allowed signers \(file))"
        case .openpgp(let folder): "openpgp (\(scope.rawValue), trusted keys \(folder))"
        }
    }

    /// The commits a pass on `head` must check, oldest first: `head`, or with scope `all`
    /// the first-parent commits since `live` as well. A rewind or an unrelated history
    /// checks only what is new on the first-parent chain; a `live` commit the mirror no
    /// longer holds (a history rewritten on the remote) checks `head` alone, as does no
    /// `live` commit at all.
    public func commits(in repository: GitRepository, head: GitObjectID, live: GitObjectID?) throws(GitError) -> [CommitInfo] {
        guard scope == .all, let live, live != head, repository.contains(live) else {
            return [try repository.commitInfo(head)]
        }
        let landed = try repository.firstParentHistory(from: live, to: head, order: .oldestFirst)
        return landed.isEmpty ? [try repository.commitInfo(head)] : landed
    }

    /// A digest of the policy and of the trusted keys' bytes. A commit judged under one
    /// fingerprint is judged again when it changes: a key added to the allowed signers lets
    /// a rejected commit through on the next pass, a key removed rejects a head that had
    /// passed.
    public func fingerprint() throws(GitError) -> String {
        var hash = SHA256()
        hash.update(data: Data("\(trust.format.rawValue)\n\(scope.rawValue)\n".utf8))
        switch trust {
        case .ssh(let file):
            hash.update(data: try Self.read(file, what: "the allowed-signers file"))
        case .openpgp(let folder):
            for file in try Self.keyFiles(in: folder) {
                hash.update(data: Data("\((file as NSString).lastPathComponent)\n".utf8))
                hash.update(data: try Self.read(file, what: "the trusted key"))
            }
        }
        return hash.finalize().map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
    }

    // MARK: Trust material

    static func read(_ path: String, what: String) throws(GitError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GitError(code: .verification, message: "cannot read \(what) \(path): \(Self.reason(error))", step: .verifySignature)
        }
    }

    /// The regular files of a trusted-keys folder, by name; hidden files are skipped so an
    /// editor's `.swp` or a `.gitkeep` is not taken for a key.
    static func keyFiles(in folder: String) throws(GitError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw GitError(code: .verification, message: "cannot read the trusted-keys folder \(folder): \(Self.reason(error))", step: .verifySignature)
        }
        let files = names.filter { !$0.hasPrefix(".") }.sorted().map { (folder as NSString).appendingPathComponent($0) }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        guard !files.isEmpty else {
            throw GitError(code: .verification, message: "the trusted-keys folder \(folder) holds no key file; export one with `gpg --armor --export KEYID > \(folder)/NAME.asc`", step: .verifySignature)
        }
        return files
    }

    private static func reason(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return (error as NSError).localizedDescription
    }
}
