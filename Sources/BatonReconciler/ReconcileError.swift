import BatonGit
import BatonStore

/// Why a pass could not judge a commit at all (as opposed to judging it invalid, which is
/// a rejected revision, not an error).
public struct ReconcileError: Error, Sendable, CustomStringConvertible {
    /// Which step of the pass failed.
    public enum Stage: String, Sendable, Hashable {
        /// Reaching the remote or updating the mirror.
        case fetch
        /// Reading the fetched commit from the mirror.
        case read
        /// Reading or writing the state store.
        case store
        /// Checking commit signatures could not run, or would be dropped (`--verify-commits`).
        case verify
    }

    public var stage: Stage
    /// A stable code: the Git or store error's code.
    public var code: String
    public var message: String
    /// Whether the next pass may succeed without anyone acting.
    public var isTransient: Bool

    public init(stage: Stage, code: String, message: String, isTransient: Bool) {
        self.stage = stage
        self.code = code
        self.message = message
        self.isTransient = isTransient
    }

    init(_ error: GitError, stage: Stage) {
        self.init(stage: stage, code: error.code.rawValue, message: error.description, isTransient: error.isTransient)
    }

    init(_ error: StoreError) {
        self.init(stage: .store, code: error.code.rawValue, message: error.description, isTransient: error.code == .conflict)
    }

    public var description: String {
        "\(stage) failed (\(isTransient ? "transient: the next pass retries" : "permanent: a person must act")): \(message)"
    }
}
