import BatonManifest

/// A run's parameter values: what was given, checked against the manifest, defaults filled.
public enum RunParameters {
    /// - Throws: `EngineError(.parameters)` naming the parameter: an unknown name, a value
    ///   outside `allowed`, or a required one left out.
    public static func resolve(_ declared: [Parameter], given: [String: String]) throws(EngineError) -> [String: String] {
        var byName: [String: Parameter] = [:]
        for parameter in declared { byName[parameter.name] = parameter }
        for name in given.keys.sorted() where byName[name] == nil {
            let known = declared.map(\.name).sorted()
            throw EngineError(.parameters, "unknown parameter \"\(name)\"; this pipeline takes \(known.isEmpty ? "no parameters" : known.joined(separator: ", "))")
        }
        var values: [String: String] = [:]
        for parameter in declared {
            if let value = given[parameter.name] {
                if let allowed = parameter.allowed, !allowed.contains(value) {
                    throw EngineError(.parameters, "parameter \"\(parameter.name)\" is \"\(value)\"; allowed: \(allowed.joined(separator: ", "))")
                }
                values[parameter.name] = value
            } else if let fallback = parameter.defaultValue {
                values[parameter.name] = fallback
            } else if parameter.required {
                throw EngineError(.parameters, "parameter \"\(parameter.name)\" is required; pass --param \(parameter.name)=VALUE")
            }
        }
        return values
    }

    /// `KEY=VALUE` arguments into a dictionary.
    public static func parse(_ arguments: [String]) throws(EngineError) -> [String: String] {
        var values: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw EngineError(.parameters, "\"\(argument)\" is not KEY=VALUE")
            }
            values[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
        }
        return values
    }
}

/// The environment of a task's process: built from nothing, never inherited from Baton.
enum TaskEnvironment {
    /// `BATON_UPSTREAM_<TASK>_<KEY>` and `BATON_PARAM_<NAME>` spell ids upper-case with `-`
    /// as `_`, so every id is a valid shell variable name.
    static func variableName(_ id: String) -> String {
        String(id.uppercased().map { $0 == "-" || $0 == "." ? "_" : $0 })
    }

    static func build(
        pipeline: Pipeline, task: PipelineTask, runID: Int64, attempt: Int, scheduledAt: Date?, commit: String,
        workspace: String, outputPath: String, parameters: [String: String], upstream: [String: [String: String]],
        resolve: (EnvironmentValue) throws(EngineError) -> String
    ) throws(EngineError) -> [String: String] {
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": workspace, "LANG": "C.UTF-8"]
        for variable in pipeline.env { environment[variable.name] = try resolve(variable.value) }
        for variable in task.env { environment[variable.name] = try resolve(variable.value) }
        environment["BATON_PIPELINE"] = pipeline.name
        environment["BATON_RUN_ID"] = String(runID)
        environment["BATON_TASK_ID"] = task.id
        environment["BATON_ATTEMPT"] = String(attempt)
        environment["BATON_SCHEDULED_TIME"] = scheduledAt.map(RFC3339.utcString) ?? ""
        environment["BATON_COMMIT"] = commit
        environment["BATON_WORKSPACE"] = workspace
        environment["BATON_OUTPUT"] = outputPath
        for (name, value) in parameters { environment["BATON_PARAM_" + variableName(name)] = value }
        for need in task.needs {
            for (key, value) in upstream[need] ?? [:] { environment["BATON_UPSTREAM_\(variableName(need))_\(key)"] = value }
        }
        return environment
    }
}

import Foundation
