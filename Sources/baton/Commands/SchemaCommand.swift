import ArgumentParser
import BatonManifest

/// `baton schema`: the JSON Schema of a manifest, for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of a pipeline manifest.",
        discussion: """
            Point your editor at it to get completion and checks as you type, for example \
            `baton schema > .vscode/baton.schema.json` and a "json.schemas" entry matching \
            manifests/**/*.json. The schema checks structure; `baton validate` also checks \
            meaning (cron rules, the task graph, unique names).
            """)

    func run() throws {
        print(ManifestSchema.json)
    }
}
