/// A parameter value a trigger fills from the upstream run: literal text with references like
/// `${upstream.outputs.day}`.
///
/// Resolved by Baton into plain text that reaches tasks as `BATON_PARAM_<NAME>`, never by a
/// shell: an output holding `$(rm -rf /)` is passed on as those characters. `$${` writes a
/// literal `${`.
public struct ParameterTemplate: Sendable, Hashable, CustomStringConvertible {
    /// What a `${…}` names.
    public enum Reference: Sendable, Hashable, CustomStringConvertible {
        /// `${upstream.run}`: the upstream run's id.
        case run
        /// `${upstream.pipeline}`.
        case pipeline
        /// `${upstream.state}`: `succeeded`, `failed`, `timedOut` or `cancelled`.
        case state
        /// `${upstream.reason}`: why it ended as it did (empty when it succeeded).
        case reason
        /// `${upstream.scheduledTime}`: its slot, RFC 3339 UTC; empty for a run without one.
        case scheduledTime
        /// `${upstream.params.NAME}`.
        case parameter(String)
        /// `${upstream.outputs.KEY}` (from whichever task wrote it) or
        /// `${upstream.outputs.TASK.KEY}`.
        case output(task: String?, key: String)

        public var description: String {
            switch self {
            case .run: "${upstream.run}"
            case .pipeline: "${upstream.pipeline}"
            case .state: "${upstream.state}"
            case .reason: "${upstream.reason}"
            case .scheduledTime: "${upstream.scheduledTime}"
            case .parameter(let name): "${upstream.params.\(name)}"
            case .output(let task?, let key): "${upstream.outputs.\(task).\(key)}"
            case .output(nil, let key): "${upstream.outputs.\(key)}"
            }
        }
    }

    public enum Part: Sendable, Hashable {
        case text(String)
        case reference(Reference)
    }

    public var parts: [Part]

    public init(parts: [Part]) {
        self.parts = parts
    }

    /// The template as written (with `${` in literal text written `$${`).
    public var description: String {
        parts.map { part in
            switch part {
            case .text(let text): text.replacingOccurrences(of: "${", with: "$${")
            case .reference(let reference): reference.description
            }
        }.joined()
    }

    /// Why a template cannot be read, with the character offset of the problem.
    public struct SyntaxError: Error, Sendable, Hashable {
        public var message: String
        public var offset: Int
    }

    /// Reads `text`; every `${` must close and name a known reference.
    public init(parsing text: String) throws(SyntaxError) {
        var parts: [Part] = []
        var literal = ""
        var index = text.startIndex
        func offset(_ i: String.Index) -> Int { text.distance(from: text.startIndex, to: i) }
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("$${") {
                literal += "${"
                index = text.index(index, offsetBy: 3)
            } else if rest.hasPrefix("${") {
                let open = index
                guard let close = rest.firstIndex(of: "}") else {
                    throw SyntaxError(message: "\"${\" at character \(offset(open) + 1) is not closed with \"}\"; write \"$${\" for a literal \"${\"", offset: offset(open))
                }
                let body = String(text[text.index(open, offsetBy: 2)..<close])
                guard let reference = Self.reference(body) else {
                    throw SyntaxError(
                        message: "unknown reference \"${\(body)}\"; use ${upstream.run}, ${upstream.pipeline}, ${upstream.state}, ${upstream.reason}, ${upstream.scheduledTime}, ${upstream.params.NAME}, ${upstream.outputs.KEY} or ${upstream.outputs.TASK.KEY}",
                        offset: offset(open))
                }
                if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
                parts.append(.reference(reference))
                index = text.index(after: close)
            } else {
                literal.append(text[index])
                index = text.index(after: index)
            }
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        self.parts = parts
    }

    private static func reference(_ body: String) -> Reference? {
        let words = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard words.first == "upstream", words.allSatisfy({ !$0.isEmpty }) else { return nil }
        switch (words.count, words.count > 1 ? words[1] : "") {
        case (2, "run"): return .run
        case (2, "pipeline"): return .pipeline
        case (2, "state"): return .state
        case (2, "reason"): return .reason
        case (2, "scheduledTime"): return .scheduledTime
        case (3, "params"): return .parameter(words[2])
        case (3, "outputs"): return .output(task: nil, key: words[2])
        case (4, "outputs"): return .output(task: words[2], key: words[3])
        default: return nil
        }
    }

    /// The upstream run, as far as a template can see it.
    public struct Upstream: Sendable, Hashable {
        public var runID: Int64
        public var pipeline: String
        public var state: String
        public var reason: String?
        public var scheduledTime: String?
        public var parameters: [String: String]
        /// Outputs by task id, of the task's last successful attempt.
        public var outputs: [String: [String: String]]
        /// Task ids in manifest order, to say which task's output an unqualified key takes.
        public var taskOrder: [String]

        public init(runID: Int64, pipeline: String, state: String, reason: String? = nil, scheduledTime: String? = nil,
                    parameters: [String: String] = [:], outputs: [String: [String: String]] = [:], taskOrder: [String] = []) {
            self.runID = runID
            self.pipeline = pipeline
            self.state = state
            self.reason = reason
            self.scheduledTime = scheduledTime
            self.parameters = parameters
            self.outputs = outputs
            self.taskOrder = taskOrder
        }
    }

    /// Why a reference has no value in the upstream run.
    public struct Unresolved: Error, Sendable, Hashable {
        public var reference: Reference
        public var message: String
    }

    /// The text, with each reference replaced by the upstream run's value.
    ///
    /// An unqualified output key takes the value of the last task (in manifest order) that
    /// wrote it. A parameter or output the run does not have is an error naming it: a
    /// dependent run with a silently empty parameter would do the wrong work.
    public func resolve(_ upstream: Upstream) throws(Unresolved) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text):
                out += text
            case .reference(let reference):
                out += try Self.value(reference, upstream)
            }
        }
        return out
    }

    private static func value(_ reference: Reference, _ upstream: Upstream) throws(Unresolved) -> String {
        switch reference {
        case .run: return String(upstream.runID)
        case .pipeline: return upstream.pipeline
        case .state: return upstream.state
        case .reason: return upstream.reason ?? ""
        case .scheduledTime: return upstream.scheduledTime ?? ""
        case .parameter(let name):
            guard let value = upstream.parameters[name] else {
                throw Unresolved(reference: reference, message: "\(reference): run \(upstream.runID) of \(upstream.pipeline) has no parameter \"\(name)\"")
            }
            return value
        case .output(let task?, let key):
            guard let value = upstream.outputs[task]?[key] else {
                throw Unresolved(reference: reference, message: "\(reference): task \(task) of run \(upstream.runID) (\(upstream.pipeline)) wrote no output \"\(key)\"")
            }
            return value
        case .output(nil, let key):
            let order = upstream.taskOrder + upstream.outputs.keys.filter { !upstream.taskOrder.contains($0) }.sorted()
            guard let value = order.reversed().lazy.compactMap({ upstream.outputs[$0]?[key] }).first else {
                throw Unresolved(reference: reference, message: "\(reference): no task of run \(upstream.runID) (\(upstream.pipeline)) wrote an output \"\(key)\"")
            }
            return value
        }
    }
}
