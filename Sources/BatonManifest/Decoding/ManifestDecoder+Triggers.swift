/// `triggers` and `onFailure`: what starts a pipeline besides its schedule.
extension ManifestDecoder {
    static let upstreamTriggerFields: [StaticString] = ["pipeline", "on", "params"]
    static let fileTriggerFields: [StaticString] = ["path", "settle", "param"]
    static let onFailureFields: [StaticString] = ["pipeline"]
    static let maximumTriggers = 50

    /// The `triggers` array; `links` collects where each upstream pipeline is named.
    mutating func triggers(_ value: JSONNode, parameters: [Parameter], links: inout [PipelineLink]) -> [PipelineTrigger]? {
        guard let items = value.elements else {
            report(.type, "\"triggers\" must be an array, found \(value.typeName)", at: value.offset)
            return nil
        }
        if items.count > Self.maximumTriggers {
            report(.value, "\"triggers\" holds \(items.count) triggers; at most \(Self.maximumTriggers) are allowed", at: value.offset)
        }
        var result: [PipelineTrigger] = []
        for (index, item) in items.enumerated() {
            let trigger: PipelineTrigger? = at(index: index) { d in
                guard let members = d.object(item, "triggers[\(index)]") else { return nil }
                let kind = d.exactlyOne(
                    "pipeline", "path", in: members, objectOffset: item.offset,
                    both: "triggers[\(index)] has both \"pipeline\" and \"path\"; a trigger is either another pipeline's runs or arriving files",
                    neither: "triggers[\(index)] needs \"pipeline\" (run after another pipeline's runs) or \"path\" (run for each arriving file)")
                if kind.first, !kind.second {
                    return d.upstreamTrigger(members, index: index, parameters: parameters, links: &links).map(PipelineTrigger.upstream)
                }
                if kind.second, !kind.first {
                    return d.fileTrigger(members, index: index, parameters: parameters).map(PipelineTrigger.file)
                }
                // Neither or both: still name the fields no trigger has (a misspelt "pipeline").
                d.rejectUnknown(members, allowed: Self.upstreamTriggerFields + Self.fileTriggerFields, context: "in triggers[\(index)]")
                return nil
            }
            if let trigger { result.append(trigger) }
        }
        return result
    }

    mutating func upstreamTrigger(_ members: JSONNodeMembers, index: Int, parameters: [Parameter], links: inout [PipelineLink]) -> UpstreamTrigger? {
        let context = "in triggers[\(index)]"
        rejectUnknown(members, allowed: Self.upstreamTriggerFields, context: context)
        let upstream = field(members, "pipeline") { d, v -> String? in
            guard let name = d.string(v, "\"pipeline\""), d.checkName(name, at: v.offset, rule: .pipeline, what: "pipeline name") else { return nil }
            let (line, column) = d.locator.location(of: v.offset)
            links.append(PipelineLink(kind: .trigger, target: name, line: line, column: column, pointer: d.pointer))
            return name
        }
        let conditions = field(members, "on") { d, v -> [UpstreamTrigger.Condition]? in
            guard let list = d.array(v, "\"on\"", { d, item, _ in d.choice(item, "trigger state", as: UpstreamTrigger.Condition.self) }) else { return nil }
            if let raw = v.elements, raw.isEmpty {
                d.report(.value, "\"on\" must list at least one state: succeeded, failed or any", at: v.offset)
            }
            return list
        } ?? [.succeeded]
        let declared = Set(parameters.map(\.name))
        var templates: [String: ParameterTemplate] = [:]
        if let member = members.first(where: { $0.keyIs("params") }) {
            at("params") { d in
                guard let params = d.object(member.value, "\"params\"") else { return }
                for param in params {
                    d.at(param.key) { d in
                        guard declared.contains(param.key) else {
                            var message = "\"params\" sets \"\(param.key)\", which this pipeline does not declare in \"parameters\""
                            if let near = Suggestion.nearest(to: param.key, among: Array(declared)) { message += "; did you mean \"\(near)\"?" }
                            d.report(.value, message, at: param.keyOffset)
                            return
                        }
                        guard let text = d.string(param.value, "parameter \"\(param.key)\"") else { return }
                        do throws(ParameterTemplate.SyntaxError) {
                            templates[param.key] = try ParameterTemplate(parsing: text)
                        } catch {
                            d.report(.value, "parameter \"\(param.key)\": \(error.message)", at: param.value.offset)
                        }
                    }
                }
            }
        }
        requireParameters(parameters, given: Set(templates.keys), by: "the trigger on \(upstream.map { "\"\($0)\"" } ?? "another pipeline")", at: members, context: "params", objectOffset: members.first { $0.keyIs("pipeline") }?.value.offset ?? 0)
        guard let upstream else { return nil }
        return UpstreamTrigger(pipeline: upstream, on: conditions, params: templates)
    }

    mutating func fileTrigger(_ members: JSONNodeMembers, index: Int, parameters: [Parameter]) -> FileTrigger? {
        rejectUnknown(members, allowed: Self.fileTriggerFields, context: "in triggers[\(index)]")
        let location = field(members, "path") { d, v -> (String, String)? in
            guard let path = d.string(v, "\"path\"") else { return nil }
            guard let split = FilePattern.split(path) else {
                d.report(.invalidPath, "\"\(path)\" must be an absolute path whose last part may hold a pattern (*, ?, [...]) and whose folders hold none, like \"/data/in/*.csv\"", at: v.offset)
                return nil
            }
            return split
        }
        let settle = field(members, "settle") { d, v in d.duration(v, "\"settle\"") } ?? FileTrigger.defaultSettle
        let parameter = field(members, "param") { d, v -> String? in
            guard let name = d.string(v, "\"param\""), d.checkName(name, at: v.offset, rule: .identifier, what: "parameter name") else { return nil }
            return name
        } ?? FileTrigger.defaultParameter
        if !parameters.contains(where: { $0.name == parameter }) {
            let offset = members.first { $0.keyIs("param") }?.value.offset ?? members.first { $0.keyIs("path") }?.value.offset ?? 0
            at("param") { $0.report(.value, "the arriving file's path goes to parameter \"\(parameter)\", which this pipeline does not declare; add \"\(parameter)\": {} to \"parameters\" (or name another with \"param\")", at: offset) }
        }
        requireParameters(parameters, given: [parameter], by: "the file trigger", at: members, context: "param", objectOffset: members.first { $0.keyIs("path") }?.value.offset ?? 0)
        guard let (directory, pattern) = location else { return nil }
        return FileTrigger(directory: directory, pattern: pattern, settle: settle, parameter: parameter)
    }

    mutating func onFailure(_ value: JSONNode, links: inout [PipelineLink]) -> FailureHandler? {
        guard let members = object(value, "\"onFailure\"") else { return nil }
        rejectUnknown(members, allowed: Self.onFailureFields, context: "in onFailure")
        require(["pipeline"], in: members, objectOffset: value.offset, context: "in onFailure")
        return field(members, "pipeline") { d, v -> FailureHandler? in
            guard let name = d.string(v, "\"pipeline\""), d.checkName(name, at: v.offset, rule: .pipeline, what: "pipeline name") else { return nil }
            let (line, column) = d.locator.location(of: v.offset)
            links.append(PipelineLink(kind: .onFailure, target: name, line: line, column: column, pointer: d.pointer))
            return FailureHandler(pipeline: name)
        }
    }

    /// A trigger must give every required parameter without a default: its runs would
    /// otherwise all fail before starting.
    private mutating func requireParameters(_ parameters: [Parameter], given: Set<String>, by who: String, at members: JSONNodeMembers, context: StaticString, objectOffset: Int) {
        for parameter in parameters where parameter.required && parameter.defaultValue == nil && !given.contains(parameter.name) {
            let offset = members.first { $0.keyIs(context) }?.value.offset ?? objectOffset
            at(context) { $0.report(.required, "\(who) gives no value for the required parameter \"\(parameter.name)\"; map it in \"\(context)\" or give it a default", at: offset) }
        }
    }
}

/// The `path` of a file trigger: an absolute folder without pattern characters, then a
/// file-name pattern.
enum FilePattern {
    static let special: Set<Character> = ["*", "?", "["]

    /// `("/data/in", "*.csv")` for `/data/in/*.csv`; nil for a relative path, a pattern in a
    /// folder, `..`, `//`, or an empty name.
    static func split(_ path: String) -> (directory: String, pattern: String)? {
        // One spelling per folder: a doubled slash would make two keys for one file.
        guard path.hasPrefix("/"), !path.contains("//"), let slash = path.lastIndex(of: "/") else { return nil }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        let pattern = String(path[path.index(after: slash)...])
        guard !pattern.isEmpty, pattern != ".", pattern != "..", !directory.contains(where: special.contains) else { return nil }
        let components = directory.split(separator: "/")
        guard !components.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        return (directory, pattern)
    }
}
