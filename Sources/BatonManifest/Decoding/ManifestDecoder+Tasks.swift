/// Tasks: each task's fields, then the DAG they form together.
extension ManifestDecoder {
    static let taskFields: [StaticString] = [
        "id", "description", "needs", "when", "if", "run", "http", "env", "workdir", "retries",
        "retryDelay", "retryBackoff", "retryMaxDelay", "timeout", "cache",
    ]
    static let conditionFields: [StaticString] = ["param", "output", "equals", "notEquals", "in"]
    static let httpFields: [StaticString] = ["method", "url", "headers", "body", "expectStatus"]
    static let cacheFields: [StaticString] = ["inputs", "key", "ttl"]

    /// Where things stood in the file, kept for the checks that need more than one task.
    struct TaskSource {
        var index: Int
        var offset: Int
        var needOffsets: [Int]
        var conditionOffset: Int?
    }

    struct DecodedTasks {
        var tasks: [PipelineTask]
        var sources: [TaskSource]
    }

    mutating func tasks(_ value: JSONNode, parameters: [Parameter]) -> DecodedTasks? {
        guard let items = value.elements else {
            report(.type, "\"tasks\" must be an array, found \(value.typeName)", at: value.offset)
            return nil
        }
        if items.isEmpty {
            report(.value, "\"tasks\" must hold at least one task", at: value.offset)
            return nil
        }
        if items.count > Self.maximumTasks {
            report(.value, "\"tasks\" holds \(items.count) tasks; at most \(Self.maximumTasks) are allowed (split the pipeline)", at: value.offset)
        }
        var decoded = DecodedTasks(tasks: [], sources: [])
        // Where each id was first seen; hashed only for large pipelines (see `TaskIndex`).
        var seen: [String: Int] = [:]
        let hashIDs = items.count > 24
        for (index, item) in items.enumerated() {
            at(index: index) { d in
                guard let (task, source) = d.task(item, index: index) else { return }
                let first = hashIDs
                    ? seen[task.id]
                    : decoded.tasks.firstIndex { $0.id == task.id }.map { decoded.sources[$0].index }
                if let first {
                    let offset = item.members?.first(where: { $0.keyIs("id") })?.value.offset ?? item.offset
                    d.at("id") { $0.report(.duplicateName, "task id \"\(task.id)\" is used twice, by tasks[\(first)] and tasks[\(index)]; task ids must be unique in a pipeline", at: offset) }
                    return
                }
                if hashIDs { seen[task.id] = index }
                decoded.tasks.append(task)
                decoded.sources.append(source)
            }
        }
        checkGraph(decoded, parameters: parameters)
        return decoded
    }

    mutating func task(_ value: JSONNode, index: Int) -> (PipelineTask, TaskSource)? {
        guard let members = object(value, "tasks[\(index)]") else { return nil }
        let id = field(members, "id") { d, v -> String? in
            guard let id = d.string(v, "\"id\"") else { return nil }
            return d.checkName(id, at: v.offset, rule: .task, what: "task id") ? id : nil
        }
        let label = id.map { "task \"\($0)\"" } ?? "tasks[\(index)]"
        let context = "in " + label
        rejectUnknown(members, allowed: Self.taskFields, context: context)
        require(["id"], in: members, objectOffset: value.offset, context: context)

        var source = TaskSource(index: index, offset: value.offset, needOffsets: [], conditionOffset: nil)
        let description = field(members, "description") { d, v in d.text(v, "\"description\"", maxLength: Self.maximumDescriptionLength) }
        let needs = field(members, "needs") { d, v -> [String]? in
            guard let items = v.elements else {
                d.report(.type, "\"needs\" must be an array of task ids, found \(v.typeName)", at: v.offset)
                return nil
            }
            var names: [String] = []
            for (i, item) in items.enumerated() {
                d.at(index: i) { d in
                    guard let name = d.string(item, "element \(i) of \"needs\"") else { return }
                    if names.contains(name) {
                        d.report(.value, "\"needs\" lists \"\(name)\" twice", at: item.offset)
                        return
                    }
                    names.append(name)
                    source.needOffsets.append(item.offset)
                }
            }
            return names
        } ?? []
        let when = field(members, "when") { d, v in d.choice(v, "\"when\"", as: PipelineTask.Trigger.self) } ?? .success
        let condition = field(members, "if") { d, v -> TaskCondition? in
            source.conditionOffset = v.offset
            return d.condition(v, context: context)
        }
        exactlyOne(
            "run", "http", in: members, objectOffset: value.offset,
            both: "\(label) has both \"run\" and \"http\"; a task does one thing",
            neither: "\(label) needs an action: \"run\" (a command) or \"http\" (a request)")
        let run = field(members, "run") { d, v in d.command(v, "\"run\"") }
        let http = field(members, "http") { d, v in d.httpRequest(v, context: context) }
        let env = field(members, "env") { d, v in d.environment(v, context: "in \(context) env") } ?? []
        let workdir = field(members, "workdir") { d, v -> String? in
            guard let path = d.string(v, "\"workdir\"") else { return nil }
            return d.checkRelativePath(path, at: v.offset, what: "workdir") ? path : nil
        }
        let settings = settings(members)
        let cache = field(members, "cache") { d, v in d.cache(v, context: context) }

        guard let id else { return nil }
        let action: TaskAction
        if let run { action = .process(run) } else if let http { action = .http(http) } else { return nil }
        let task = PipelineTask(
            id: id, description: description, needs: needs, when: when, condition: condition, action: action,
            env: env, workdir: workdir, settings: settings, cache: cache)
        return (task, source)
    }

    mutating func condition(_ value: JSONNode, context: String) -> TaskCondition? {
        guard let members = object(value, "\"if\"") else { return nil }
        rejectUnknown(members, allowed: Self.conditionFields, context: "in \"if\" \(context)")
        let subjects = members.filter { $0.keyIs("param") || $0.keyIs("output") }
        let tests = members.filter { $0.keyIs("equals") || $0.keyIs("notEquals") || $0.keyIs("in") }
        if subjects.count != 1 {
            report(.invalidCondition, "\"if\" \(context) needs exactly one of \"param\" or \"output\" to test, found \(subjects.count)", at: value.offset)
        }
        if tests.count != 1 {
            report(.invalidCondition, "\"if\" \(context) needs exactly one of \"equals\", \"notEquals\" or \"in\", found \(tests.count)", at: value.offset)
        }
        let param = field(members, "param") { d, v -> String? in
            guard let name = d.string(v, "\"param\"") else { return nil }
            return d.checkName(name, at: v.offset, rule: .identifier, what: "parameter name") ? name : nil
        }
        let output = field(members, "output") { d, v -> (String, String)? in
            guard let text = d.string(v, "\"output\"") else { return nil }
            let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, NameRule.task.matches(parts[0]), NameRule.identifier.matches(parts[1]) else {
                d.report(.invalidCondition, "\"output\" must be \"<task>.<key>\" (like \"extract.rows\"), found \"\(text)\"", at: v.offset)
                return nil
            }
            return (parts[0], parts[1])
        }
        let equals = field(members, "equals") { d, v in d.string(v, "\"equals\"") }
        let notEquals = field(members, "notEquals") { d, v in d.string(v, "\"notEquals\"") }
        let list = field(members, "in") { d, v -> [String]? in
            guard let list = d.stringArray(v, "\"in\"") else { return nil }
            if list.isEmpty { d.report(.invalidCondition, "\"in\" must list at least one value", at: v.offset) }
            return list
        }
        guard subjects.count == 1, tests.count == 1 else { return nil }
        let subject: TaskCondition.Subject
        if let param { subject = .parameter(param) } else if let output { subject = .output(task: output.0, key: output.1) } else { return nil }
        let test: TaskCondition.Test
        if let equals { test = .equals(equals) } else if let notEquals { test = .notEquals(notEquals) } else if let list { test = .isIn(list) } else { return nil }
        return TaskCondition(subject: subject, test: test)
    }

    mutating func httpRequest(_ value: JSONNode, context: String) -> HTTPRequestSpec? {
        guard let members = object(value, "\"http\"") else { return nil }
        rejectUnknown(members, allowed: Self.httpFields, context: "in \"http\" \(context)")
        require(["url"], in: members, objectOffset: value.offset, context: "in \"http\" \(context)")
        let method = field(members, "method") { d, v -> String? in
            guard let method = d.string(v, "\"method\"") else { return nil }
            guard HTTPRequestSpec.methods.contains(method) else {
                var message = "\"method\" must be one of \(HTTPRequestSpec.methods.joined(separator: ", ")), found \"\(method)\""
                if HTTPRequestSpec.methods.contains(method.uppercased()) { message += "; write \"\(method.uppercased())\"" }
                d.report(.value, message, at: v.offset)
                return nil
            }
            return method
        } ?? "GET"
        let url = field(members, "url") { d, v -> String? in
            guard let url = d.string(v, "\"url\"") else { return nil }
            return d.checkURL(url, at: v.offset) ? url : nil
        }
        let headers = field(members, "headers") { d, v -> [EnvironmentVariable]? in
            guard let m = d.object(v, "\"headers\"") else { return nil }
            var headers: [EnvironmentVariable] = []
            for member in m {
                let key = member.key
                let header: EnvironmentVariable? = d.at(key) { d in
                    guard let value = d.secretOrString(member.value, "header \"\(key)\"") else { return nil }
                    return EnvironmentVariable(name: key, value: value)
                }
                if let header { headers.append(header) }
            }
            return headers
        } ?? []
        let body = field(members, "body") { d, v in d.string(v, "\"body\"") }
        let expect = field(members, "expectStatus") { d, v -> [Int]? in
            guard let list = d.array(v, "\"expectStatus\"", { d, item, i in d.integer(item, "element \(i) of \"expectStatus\"", in: 100...599) }) else { return nil }
            if let raw = v.elements, raw.isEmpty {
                d.report(.value, "\"expectStatus\" must list at least one status; leave it out to accept any 2xx", at: v.offset)
            }
            return list
        }
        guard let url else { return nil }
        return HTTPRequestSpec(method: method, url: url, headers: headers, body: body, expectStatus: expect)
    }

    mutating func cache(_ value: JSONNode, context: String) -> CacheSpec? {
        guard let members = object(value, "\"cache\"") else { return nil }
        rejectUnknown(members, allowed: Self.cacheFields, context: "in \"cache\" \(context)")
        let inputs = field(members, "inputs") { d, v in
            d.array(v, "\"inputs\"") { d, item, i -> String? in
                guard let path = d.string(item, "element \(i) of \"inputs\"") else { return nil }
                return d.checkRelativePath(path, at: item.offset, what: "cache input") ? path : nil
            }
        } ?? []
        let key = field(members, "key") { d, v in d.stringArray(v, "\"key\"") } ?? []
        let ttl = field(members, "ttl") { d, v in d.duration(v, "\"ttl\"") }
        return CacheSpec(inputs: inputs, key: key, ttl: ttl)
    }

    /// Whether any `/`-separated segment of `path` is `..`.
    static func hasParentSegment(_ path: String) -> Bool {
        var segmentLength = 0
        var dots = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                if segmentLength == 2, dots == 2 { return true }
                segmentLength = 0
                dots = 0
            } else {
                segmentLength += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return segmentLength == 2 && dots == 2
    }

    /// A repository-relative path: tasks must never reach outside their commit's tree.
    mutating func checkRelativePath(_ path: String, at offset: Int, what: String) -> Bool {
        if path.isEmpty {
            report(.invalidPath, "\(what) must not be empty", at: offset)
            return false
        }
        if path.hasPrefix("/") {
            report(.invalidPath, "\(what) \"\(path)\" is absolute; give a path relative to the repository root", at: offset)
            return false
        }
        if Self.hasParentSegment(path) {
            report(.invalidPath, "\(what) \"\(path)\" contains \"..\"; it must stay inside the repository", at: offset)
            return false
        }
        return true
    }
}
