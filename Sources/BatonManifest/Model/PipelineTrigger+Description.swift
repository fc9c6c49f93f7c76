extension PipelineTrigger: CustomStringConvertible {
    /// The trigger in words, as `plan`, `status` and the dashboard show it beside a schedule:
    /// `after ingest succeeds, with day=${upstream.outputs.day}`,
    /// `for each new file /data/in/*.csv, once unchanged for 30s`.
    public var description: String {
        switch self {
        case .upstream(let trigger): trigger.description
        case .file(let trigger): trigger.description
        }
    }
}

extension UpstreamTrigger: CustomStringConvertible {
    public var description: String {
        let ends = on.map { condition -> String in
            switch condition {
            case .succeeded: "succeeds"
            case .failed: "fails or times out"
            case .any: "ends"
            }
        }
        var text = "after \(pipeline) \(Self.joined(Array(Set(ends)).sorted { ends.firstIndex(of: $0)! < ends.firstIndex(of: $1)! }))"
        if !params.isEmpty {
            text += ", with " + params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: ", ")
        }
        return text
    }

    private static func joined(_ words: [String]) -> String {
        words.count <= 1 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}

extension FileTrigger: CustomStringConvertible {
    public var description: String {
        "for each new file \(path), once unchanged for \(settle)" + (parameter == FileTrigger.defaultParameter ? "" : " (its path in \(parameter))")
    }
}

extension FailureHandler: CustomStringConvertible {
    public var description: String { "a failed run starts \(pipeline)" }
}
