import BatonTestSupport
import Foundation
import Testing

/// `baton history` and `baton audit`: who changed what, when, read from the store.
@Suite struct HistoryAuditCommandTests {
    /// Ana creates two pipelines, Bo moves `sales`; both applied.
    func twoAuthors() throws -> (ReconcilerScenario, first: String, second: String) {
        let scenario = try ReconcilerScenario()
        let first = try scenario.addPipelines()
        #expect(try scenario.withSource("reconcile", "--once").status == 0)
        let second = try scenario.moveSalesToThree()
        #expect(try scenario.withSource("reconcile", "--once").status == 0)
        return (scenario, first, second)
    }

    @Test func historyListsVersionsOfTwoAuthorsNewestFirst() throws {
        let (scenario, first, second) = try twoAuthors()
        let result = try scenario.withState("history", "sales")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "sales: 2 versions, active")
        #expect(lines[1].hasPrefix("v2  update  \(second.prefix(12))  Bo Chen <bo@example.com>    authored 2023-11-14T"))
        #expect(lines[1].hasSuffix("manifests/sales.json"))
        #expect(lines[2] == #"    /schedule/cron: "0 2 * * *" → "0 3 * * *""#)
        #expect(lines[3].hasPrefix("v1  create  \(first.prefix(12))  Ana Lima <ana@example.com>  authored 2023-11-14T"))

        let json = try scenario.jsonObject(try scenario.withState("history", "sales", "--json"))
        let versions = try #require(json["versions"] as? [[String: Any]])
        #expect(versions.map { $0["number"] as? Int } == [2, 1])
        #expect(versions.map { (($0["commit"] as? [String: Any])?["author"] as? [String: Any])?["email"] as? String } == ["bo@example.com", "ana@example.com"])
        #expect((versions.first?["fields"] as? [[String: Any]])?.first?["new"] as? String == "0 3 * * *")
    }

    @Test func anUnknownPipelineListsCloseNames() throws {
        let (scenario, _, _) = try twoAuthors()
        let result = try scenario.withState("history", "sale")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: no pipeline named \"sale\" has ever been applied; did you mean \"sales\"?\n")
    }

    @Test func auditListsEveryChangeNewestFirst() throws {
        let (scenario, first, second) = try twoAuthors()
        let result = try scenario.withState("audit")
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("TIME "))
        #expect(lines[1].contains("  sales     update  \(second.prefix(12))  Bo Chen <bo@example.com>  "))
        #expect(lines[1].hasSuffix("  /schedule/cron"))
        #expect(lines[2].contains("  \(first.prefix(12))  Ana Lima <ana@example.com>"))
    }

    @Test func auditFiltersByPipelineAuthorAndSince() throws {
        let (scenario, _, second) = try twoAuthors()
        func events(_ arguments: String...) throws -> [[String: Any]] {
            let result = try BatonBinary.run(["audit", "--json", "--state", scenario.state] + arguments)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            return try #require(try scenario.jsonObject(result)["events"] as? [[String: Any]])
        }
        #expect(try events("--pipeline", "sales").map { $0["change"] as? String } == ["update", "create"])
        #expect(try events("--pipeline", "ops").map { $0["change"] as? String } == ["create"])
        let bo = try events("--author", "BO@example.com")
        #expect(bo.map { $0["commit"] as? String } == [second])
        #expect(bo.first?["fields"] as? [String] == ["/schedule/cron"])
        #expect(try events("--since", "1h").count == 3)
        #expect(try events("--since", "2999-01-01T00:00:00Z").isEmpty)
        #expect(try events("--since", "2000-01-01T00:00:00Z", "--limit", "1").count == 1)
    }

    @Test func aBadSinceIsAUsageError() throws {
        let result = try BatonBinary.run(["audit", "--since", "yesterday"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--since \"yesterday\" is neither an RFC 3339 instant"))
    }
}
