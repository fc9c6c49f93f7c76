/// One node of a pipeline's DAG.
///
/// Named `PipelineTask` so it never shadows Swift's own `Task`.
public struct PipelineTask: Sendable, Hashable {
    /// Which outcomes of its needs let a task start.
    public enum Trigger: String, Sendable, Hashable, CaseIterable {
        /// Every need succeeded (or was served from cache). The default.
        case success
        /// At least one need failed: clean-up and notification tasks.
        case failure
        /// Whatever happened.
        case always
    }

    public var id: String
    public var description: String?
    public var needs: [String]
    public var when: Trigger
    public var condition: TaskCondition?
    public var action: TaskAction
    public var env: [EnvironmentVariable]
    /// Relative to the repository root; never absolute, never `..`.
    public var workdir: String?
    public var settings: TaskSettings
    public var cache: CacheSpec?

    public init(id: String, description: String? = nil, needs: [String] = [], when: Trigger = .success, condition: TaskCondition? = nil, action: TaskAction, env: [EnvironmentVariable] = [], workdir: String? = nil, settings: TaskSettings = TaskSettings(), cache: CacheSpec? = nil) {
        self.id = id
        self.description = description
        self.needs = needs
        self.when = when
        self.condition = condition
        self.action = action
        self.env = env
        self.workdir = workdir
        self.settings = settings
        self.cache = cache
    }
}

/// What a task does.
public enum TaskAction: Sendable, Hashable {
    case process(ProcessCommand)
    case http(HTTPRequestSpec)
}

/// A command line. A string goes to `/bin/sh -c` for people who want pipes; an array is run
/// directly, which is what anything carrying untrusted values should use.
public enum ProcessCommand: Sendable, Hashable {
    case shell(String)
    case arguments([String])
}

/// An HTTP call made by a task.
public struct HTTPRequestSpec: Sendable, Hashable {
    public static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    public var method: String
    public var url: String
    /// In manifest order; values may name secrets.
    public var headers: [EnvironmentVariable]
    public var body: String?
    /// `nil`: any 2xx.
    public var expectStatus: [Int]?

    public init(method: String = "GET", url: String, headers: [EnvironmentVariable] = [], body: String? = nil, expectStatus: [Int]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.expectStatus = expectStatus
    }
}

/// A test that decides, when a task's turn comes, whether it runs or is skipped.
public struct TaskCondition: Sendable, Hashable {
    public enum Subject: Sendable, Hashable {
        case parameter(String)
        /// An output key written by an upstream task.
        case output(task: String, key: String)
    }

    public enum Test: Sendable, Hashable {
        case equals(String)
        case notEquals(String)
        case isIn([String])
    }

    public var subject: Subject
    public var test: Test

    public init(subject: Subject, test: Test) {
        self.subject = subject
        self.test = test
    }
}

/// When a task's earlier successful result may be reused instead of running it again.
public struct CacheSpec: Sendable, Hashable {
    /// Repository paths or globs whose contents are part of the key.
    public var inputs: [String]
    public var key: [String]
    public var ttl: ManifestDuration?

    public init(inputs: [String] = [], key: [String] = [], ttl: ManifestDuration? = nil) {
        self.inputs = inputs
        self.key = key
        self.ttl = ttl
    }
}
