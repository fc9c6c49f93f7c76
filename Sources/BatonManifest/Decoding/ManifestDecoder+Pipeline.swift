import Foundation

/// The top level of a manifest and the fields that are not tasks.
extension ManifestDecoder {
    static let pipelineFields: [StaticString] = [
        "apiVersion", "kind", "name", "description", "owners", "labels", "schedule", "suspend",
        "maxParallel", "timeout", "keepRuns", "parameters", "env", "defaults", "tasks", "alerts",
        "triggers", "onFailure",
    ]
    static let scheduleFields: [StaticString] = ["cron", "every", "offset", "timezone", "missed", "startingDeadline", "concurrency"]
    static let parameterFields: [StaticString] = ["default", "allowed", "required", "description"]
    static let settingsFields: [StaticString] = ["retries", "retryDelay", "retryBackoff", "retryMaxDelay", "timeout"]
    static let alertFields: [StaticString] = ["on", "webhook", "command", "sla"]
    static let maximumDescriptionLength = 1024
    static let maximumTasks = 500

    /// Decodes the whole document; returns the pipeline (meaningful only if no error was
    /// reported), its name and the name's offset. `links` receives the pipelines it names.
    mutating func pipeline(_ root: JSONNode, links: inout [PipelineLink]) -> (Pipeline?, String?, Int?) {
        guard let members = root.members else {
            report(.type, "a manifest must be a JSON object, found \(root.typeName)", at: root.offset)
            return (nil, nil, nil)
        }
        rejectUnknown(members, allowed: Self.pipelineFields, context: "in pipeline")
        require(["apiVersion", "kind", "name", "tasks"], in: members, objectOffset: root.offset, context: "in pipeline")

        _ = field(members, "apiVersion") { d, v in d.constant(v, "apiVersion", expected: Pipeline.apiVersion) }
        _ = field(members, "kind") { d, v in d.constant(v, "kind", expected: Pipeline.kind) }
        var nameOffset: Int?
        let name: String? = field(members, "name") { d, v in
            guard let name = d.string(v, "\"name\"") else { return nil }
            nameOffset = v.offset
            return d.checkName(name, at: v.offset, rule: .pipeline, what: "pipeline name") ? name : name
        }
        let description = field(members, "description") { d, v in d.text(v, "\"description\"", maxLength: Self.maximumDescriptionLength) }
        let owners = field(members, "owners") { d, v in d.stringArray(v, "\"owners\"") } ?? []
        let labels = field(members, "labels") { d, v in d.labels(v) } ?? [:]
        let schedule = field(members, "schedule") { d, v in d.schedule(v) }
        let suspend = field(members, "suspend") { d, v in d.bool(v, "\"suspend\"") } ?? false
        let maxParallel = field(members, "maxParallel") { d, v in d.integer(v, "\"maxParallel\"", in: 1...Int.max) }
        let timeout = field(members, "timeout") { d, v in d.duration(v, "\"timeout\"") }
        let keepRuns = field(members, "keepRuns") { d, v in d.integer(v, "\"keepRuns\"", in: 1...Int.max) } ?? Pipeline.defaultKeepRuns
        let parameters = field(members, "parameters") { d, v in d.parameters(v) } ?? []
        let env = field(members, "env") { d, v in d.environment(v, context: "in pipeline env") } ?? []
        let defaults = field(members, "defaults") { d, v -> TaskSettings? in
            guard let m = d.object(v, "\"defaults\"") else { return nil }
            d.rejectUnknown(m, allowed: Self.settingsFields, context: "in defaults")
            return d.settings(m)
        } ?? TaskSettings()
        let decodedTasks = field(members, "tasks") { d, v in d.tasks(v, parameters: parameters) }
        let alerts = field(members, "alerts") { d, v in d.array(v, "\"alerts\"") { d, item, index in d.alert(item, index: index) } } ?? []
        let triggers = field(members, "triggers") { d, v in d.triggers(v, parameters: parameters, links: &links) } ?? []
        let onFailure = field(members, "onFailure") { d, v in d.onFailure(v, links: &links) }

        guard let name, let decodedTasks else { return (nil, name, nameOffset) }
        let pipeline = Pipeline(
            name: name, description: description, owners: owners, labels: labels, schedule: schedule,
            suspend: suspend, maxParallel: maxParallel, timeout: timeout, keepRuns: keepRuns,
            parameters: parameters, env: env, defaults: defaults, tasks: decodedTasks.tasks, alerts: alerts,
            triggers: triggers, onFailure: onFailure)
        if errorCount == 0 {
            warnings(pipeline, members: members, tasks: decodedTasks)
        }
        return (pipeline, name, nameOffset)
    }

    /// A field whose value is fixed (`apiVersion`, `kind`).
    mutating func constant(_ value: JSONNode, _ key: String, expected: String) -> String? {
        guard let text = string(value, "\"\(key)\"") else { return nil }
        guard text == expected else {
            report(.value, "\"\(key)\" must be \"\(expected)\", found \"\(text)\"", at: value.offset)
            return nil
        }
        return text
    }

    mutating func labels(_ value: JSONNode) -> [String: String]? {
        guard let members = object(value, "\"labels\"") else { return nil }
        var labels: [String: String] = [:]
        for member in members {
            let key = member.key
            at(key) { d in
                guard d.checkName(key, at: member.keyOffset, rule: .label, what: "label key") else { return }
                if let text = d.string(member.value, "label \"\(key)\""), text.utf8.count <= 256 || text.unicodeScalars.count <= 256 {
                    labels[key] = text
                } else if member.value.type == .string {
                    d.report(.value, "label \"\(key)\" is longer than 256 characters", at: member.value.offset)
                }
            }
        }
        return labels
    }

    // MARK: Schedule

    mutating func schedule(_ value: JSONNode) -> PipelineSchedule? {
        guard let members = object(value, "\"schedule\"") else { return nil }
        rejectUnknown(members, allowed: Self.scheduleFields, context: "in schedule")
        let hasCron = members.contains { $0.keyIs("cron") }
        let hasEvery = members.contains { $0.keyIs("every") }
        if hasCron == hasEvery {
            let message = hasCron
                ? "\"cron\" and \"every\" exclude each other in schedule; keep one"
                : "schedule needs exactly one of \"cron\" (a cron expression) or \"every\" (a duration)"
            report(hasCron ? .conflict : .required, message, at: value.offset)
        }
        let zoneName = field(members, "timezone") { d, v -> String? in
            guard let name = d.string(v, "\"timezone\"") else { return nil }
            guard TimeZones.isKnown(name) else {
                var message = "unknown time zone \"\(name)\"; use an IANA name like \"America/New_York\" or \"UTC\""
                if let suggestion = TimeZones.suggestion(for: name) { message += "; did you mean \"\(suggestion)\"?" }
                d.report(.invalidTimezone, message, at: v.offset)
                return nil
            }
            return name
        }
        let timeZone = zoneName.flatMap(TimeZones.named) ?? TimeZones.named("UTC")!
        let cron = field(members, "cron") { d, v in d.cron(v) }
        let every = field(members, "every") { d, v in d.duration(v, "\"every\"") }
        let offset = field(members, "offset") { d, v -> ManifestDuration? in
            guard hasEvery else {
                d.report(.conflict, "\"offset\" applies only to \"every\" schedules", at: v.offset)
                return nil
            }
            return d.duration(v, "\"offset\"")
        }
        let missed = field(members, "missed") { d, v in d.choice(v, "\"missed\"", as: PipelineSchedule.MissedPolicy.self) } ?? .skip
        let deadline = field(members, "startingDeadline") { d, v in d.duration(v, "\"startingDeadline\"") }
        let concurrency = field(members, "concurrency") { d, v in d.choice(v, "\"concurrency\"", as: PipelineSchedule.ConcurrencyPolicy.self) } ?? .forbid

        let schedule: Schedule
        if let cron, !hasEvery {
            schedule = .cron(cron, timeZone: timeZone)
        } else if let every, !hasCron {
            do {
                schedule = try Schedule(every: every, offset: offset)
            } catch {
                // Point at the field the message is about.
                let key: StaticString = error.code == .offsetTooLarge || error.code == .offsetTooPrecise ? "offset" : "every"
                let member = members.first { $0.keyIs(key) } ?? members.first { $0.keyIs("every") }!
                at(member.key) { $0.report(.invalidSchedule, error.message, at: member.value.offset) }
                return nil
            }
        } else {
            return nil
        }
        return PipelineSchedule(schedule: schedule, timeZone: timeZone, missed: missed, startingDeadline: deadline, concurrency: concurrency)
    }

    /// A cron expression; a syntax error is reported at the offending column inside the string.
    mutating func cron(_ value: JSONNode) -> CronExpression? {
        guard let text = string(value, "\"cron\"") else { return nil }
        do {
            return try CronExpression(parsing: text)
        } catch {
            // Column 1 of the expression is the byte after the opening quote. Escapes inside
            // the string would shift it; then point at the string itself.
            let (line, column) = locator.location(of: value.offset)
            let rawLength = text.utf8.count
            let hasEscapes = locator.hasEscapes(from: value.offset, decodedLength: rawLength)
            let shift = hasEscapes ? 0 : error.column
            errorCount += 1
            diagnostics.append(Diagnostic(
                file: file, line: line, column: column + shift, pointer: pointer,
                severity: .error, code: .invalidCron, message: "invalid cron expression \"\(text)\": \(error.message)"))
            return nil
        }
    }

    // MARK: Parameters and environment

    mutating func parameters(_ value: JSONNode) -> [Parameter]? {
        guard let members = object(value, "\"parameters\"") else { return nil }
        var result: [Parameter] = []
        for member in members {
            let key = member.key
            let parameter: Parameter? = at(key) { d in
                let validName = d.checkName(key, at: member.keyOffset, rule: .identifier, what: "parameter name")
                guard let m = d.object(member.value, "parameter \"\(key)\"") else { return nil }
                d.rejectUnknown(m, allowed: Self.parameterFields, context: "in parameter \"\(key)\"")
                let allowed = d.field(m, "allowed") { d, v -> [String]? in
                    guard let list = d.stringArray(v, "\"allowed\"") else { return nil }
                    if list.isEmpty { d.report(.value, "\"allowed\" must list at least one value", at: v.offset) }
                    return list
                }
                let required = d.field(m, "required") { d, v in d.bool(v, "\"required\"") } ?? false
                let defaultValue = d.field(m, "default") { d, v -> String? in
                    guard let text = d.string(v, "\"default\"") else { return nil }
                    if required {
                        d.report(.conflict, "parameter \"\(key)\" is required, so it cannot have a default; remove one of them", at: v.offset)
                    }
                    if let allowed, !allowed.isEmpty, !allowed.contains(text) {
                        d.report(.value, "default \"\(text)\" of parameter \"\(key)\" is not one of its allowed values \(allowed)", at: v.offset)
                    }
                    return text
                }
                let description = d.field(m, "description") { d, v in d.text(v, "\"description\"", maxLength: Self.maximumDescriptionLength) }
                return validName ? Parameter(name: key, defaultValue: defaultValue, allowed: allowed, required: required, description: description) : nil
            }
            if let parameter { result.append(parameter) }
        }
        return result
    }

    /// Environment variables: a string, or `{ "secret": NAME }`.
    mutating func environment(_ value: JSONNode, context: String) -> [EnvironmentVariable]? {
        guard let members = object(value, "\"env\"") else { return nil }
        var result: [EnvironmentVariable] = []
        for member in members {
            let key = member.key
            let variable: EnvironmentVariable? = at(key) { d in
                var ok = d.checkName(key, at: member.keyOffset, rule: .identifier, what: "environment variable")
                if ok, key.hasPrefix("BATON_") {
                    d.report(.invalidName, "environment variable \"\(key)\" starts with BATON_, which is reserved for the variables Baton sets", at: member.keyOffset)
                    ok = false
                }
                guard let value = d.secretOrString(member.value, "variable \"\(key)\"") else { return nil }
                return ok ? EnvironmentVariable(name: key, value: value) : nil
            }
            if let variable { result.append(variable) }
        }
        return result
    }

    /// A plain string or a reference to a secret by name.
    mutating func secretOrString(_ value: JSONNode, _ what: @autoclosure () -> String) -> EnvironmentValue? {
        if let text = value.string { return .literal(text) }
        if let members = value.members {
            rejectUnknown(members, allowed: ["secret"], context: "in secret reference of \(what())")
            require(["secret"], in: members, objectOffset: value.offset, context: "in secret reference of \(what())")
            return field(members, "secret") { d, v -> EnvironmentValue? in
                guard let name = d.string(v, "\"secret\"") else { return nil }
                return d.checkName(name, at: v.offset, rule: .secret, what: "secret name") ? .secret(name) : nil
            }
        }
        report(.type, "\(what()) must be a string or {\"secret\": \"NAME\"}, found \(value.typeName)", at: value.offset)
        return nil
    }

    // MARK: Retry and timeout settings

    /// The fields shared by `defaults` and each task.
    mutating func settings(_ members: JSONNodeMembers) -> TaskSettings {
        TaskSettings(
            retries: field(members, "retries") { d, v in d.integer(v, "\"retries\"", in: 0...100) },
            retryDelay: field(members, "retryDelay") { d, v in d.duration(v, "\"retryDelay\"") },
            retryBackoff: field(members, "retryBackoff") { d, v in d.number(v, "\"retryBackoff\"", atLeast: 1) },
            retryMaxDelay: field(members, "retryMaxDelay") { d, v in d.duration(v, "\"retryMaxDelay\"") },
            timeout: field(members, "timeout") { d, v in d.duration(v, "\"timeout\"") })
    }

    // MARK: Alerts

    mutating func alert(_ value: JSONNode, index: Int) -> Alert? {
        let context = "in alerts[\(index)]"
        guard let members = object(value, "alerts[\(index)]") else { return nil }
        rejectUnknown(members, allowed: Self.alertFields, context: context)
        require(["on"], in: members, objectOffset: value.offset, context: context)
        let events = field(members, "on") { d, v -> [Alert.Event]? in
            guard let list = d.array(v, "\"on\"", { d, item, _ in d.choice(item, "alert event", as: Alert.Event.self) }) else { return nil }
            if let raw = v.elements, raw.isEmpty {
                d.report(.value, "\"on\" must list at least one event: failure, success, retry, missed or late", at: v.offset)
            }
            return list
        }
        let webhook = field(members, "webhook") { d, v -> String? in
            guard let url = d.string(v, "\"webhook\"") else { return nil }
            return d.checkURL(url, at: v.offset) ? url : nil
        }
        let command = field(members, "command") { d, v in d.command(v, "\"command\"") }
        exactlyOne(
            "webhook", "command", in: members, objectOffset: value.offset,
            both: "alerts[\(index)] has both \"webhook\" and \"command\"; keep one",
            neither: "alerts[\(index)] needs a \"webhook\" URL or a \"command\"")
        let sla = field(members, "sla") { d, v in d.duration(v, "\"sla\"") }
        let wantsLate = events?.contains(.late) ?? false
        if wantsLate, !members.contains(where: { $0.keyIs("sla") }) {
            at("sla") { $0.report(.required, "alerts[\(index)] fires on \"late\", so it needs \"sla\": how long after the scheduled time a run may take", at: value.offset) }
        }
        if let member = members.first(where: { $0.keyIs("sla") }), events != nil, !wantsLate {
            at("sla") { $0.report(.conflict, "\"sla\" applies only to alerts on \"late\"; add \"late\" to \"on\" or remove \"sla\"", at: member.value.offset) }
        }
        guard let events else { return nil }
        let target: Alert.Target
        if let webhook { target = .webhook(webhook) } else if let command { target = .command(command) } else { return nil }
        return Alert(on: events, target: target, sla: sla)
    }

    /// A command: a non-empty string for `/bin/sh -c`, or a non-empty array run directly.
    mutating func command(_ value: JSONNode, _ what: @autoclosure () -> String) -> ProcessCommand? {
        if let text = value.string {
            if text.allSatisfy(\.isWhitespace) {
                report(.value, "\(what()) must not be empty", at: value.offset)
                return nil
            }
            return .shell(text)
        }
        if let items = value.elements {
            guard !items.isEmpty else {
                report(.value, "\(what()) must not be an empty array; give the program and its arguments", at: value.offset)
                return nil
            }
            guard let list = stringArray(value, what()), list.count == items.count else { return nil }
            if list[0].isEmpty {
                at(index: 0) { $0.report(.value, "the program (element 0 of \(what())) must not be empty", at: items[0].offset) }
                return nil
            }
            return .arguments(list)
        }
        report(.type, "\(what()) must be a string (run by /bin/sh -c) or an array of strings (run directly), found \(value.typeName)", at: value.offset)
        return nil
    }

    /// Absolute http or https URL with a host.
    mutating func checkURL(_ url: String, at offset: Int) -> Bool {
        if HTTPURL.isValid(url) { return true }
        report(.invalidURL, "\"\(url)\" is not an absolute http:// or https:// URL", at: offset)
        return false
    }
}
