@testable import BatonEngine
import BatonManifest
import BatonTestSupport
import Foundation
import Synchronization
import Testing

/// Alerts delivered to a real HTTP server on loopback and through a real command.
@Suite struct AlertNotifierTests {
    let event = AlertEvent(
        event: .failure, pipeline: "sales-etl", runID: 42, state: "failed", scheduledTime: Date(timeIntervalSince1970: 1_800_000_000),
        commit: "9dcf420979ee0123456789abcdef0123456789ab", author: "Bo Chen <bo@example.com>", task: "load",
        reason: "exited with status 1", logTail: ["connecting", "refused"])

    final class Failures: Sendable {
        let list = Mutex<[AlertNotifier.Failure]>([])
        func add(_ failure: AlertNotifier.Failure) { list.withLock { $0.append(failure) } }
        var all: [AlertNotifier.Failure] { list.withLock { $0 } }
    }

    @Test func aWebhookIsRetriedUntilItIsDeliveredAndCarriesEveryField() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let logs = try TemporaryDirectory()
        let failures = Failures()
        let notifier = AlertNotifier(logDirectory: logs.path, retryDelay: .milliseconds(10), report: failures.add)
        await notifier.send(event, to: [Alert(on: [.failure], target: .webhook(server.url("/flaky/2")))], workingDirectory: logs.path)
        #expect(failures.all.isEmpty)
        let seen = try server.seen()
        #expect(seen["tries"] as? Int == 3)
        #expect(seen["method"] as? String == "POST")
        let body = try #require(try JSONSerialization.jsonObject(with: Data((seen["body"] as? String ?? "").utf8)) as? [String: Any])
        #expect(body["event"] as? String == "failure")
        #expect(body["pipeline"] as? String == "sales-etl")
        #expect(body["run"] as? Int == 42)
        #expect(body["state"] as? String == "failed")
        #expect(body["task"] as? String == "load")
        #expect(body["scheduledTime"] as? String == "2027-01-15T08:00:00Z")
        #expect(body["commit"] as? String == "9dcf420979ee0123456789abcdef0123456789ab")
        #expect(body["author"] as? String == "Bo Chen <bo@example.com>")
        #expect(body["logTail"] as? [String] == ["connecting", "refused"])
        let text = try #require(body["text"] as? String)
        #expect(text.hasPrefix(":x: *sales-etl*: run 42 failed at task `load`: exited with status 1"), "\(text)")
        #expect(text.contains("commit `9dcf420979ee` by Bo Chen <bo@example.com>"))
        #expect(text.contains("```\nconnecting\nrefused\n```"))
    }

    @Test func aWebhookThatNeverAnswersWellIsReportedAfterFourTries() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let logs = try TemporaryDirectory()
        let failures = Failures()
        let notifier = AlertNotifier(logDirectory: logs.path, retryDelay: .milliseconds(10), report: failures.add)
        await notifier.send(event, to: [Alert(on: [.failure], target: .webhook(server.url("/status/500")))], workingDirectory: logs.path)
        #expect(failures.all.count == 1)
        #expect(failures.all.first?.message == "not delivered after 4 tries: HTTP 500")
    }

    @Test func onlyAlertsListeningForTheEventAreSent() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let logs = try TemporaryDirectory()
        let notifier = AlertNotifier(logDirectory: logs.path, retryDelay: .milliseconds(10))
        await notifier.send(event, to: [Alert(on: [.success, .missed], target: .webhook(server.url("/record")))], workingDirectory: logs.path)
        #expect(throws: (any Error).self) { try server.seen() }
    }

    @Test func aCommandAlertRunsInTheTreeWithTheAlertVariablesAndACleanEnvironment() async throws {
        let logs = try TemporaryDirectory()
        let tree = try TemporaryDirectory()
        let failures = Failures()
        let notifier = AlertNotifier(logDirectory: logs.path, report: failures.add)
        let script = "pwd; env | sort"
        await notifier.send(event, to: [Alert(on: [.failure], target: .command(.shell(script)))], workingDirectory: tree.path)
        #expect(failures.all.isEmpty)
        let log = try String(contentsOfFile: logs.sub("sales-etl-42-failure-0.log"), encoding: .utf8)
        #expect(log.contains(tree.path))
        for expected in ["BATON_ALERT_EVENT=failure", "BATON_ALERT_PIPELINE=sales-etl", "BATON_ALERT_RUN=42", "BATON_ALERT_STATE=failed",
                         "BATON_ALERT_TASK=load", "BATON_ALERT_SCHEDULED_TIME=2027-01-15T08:00:00Z", "BATON_ALERT_AUTHOR=Bo Chen <bo@example.com>",
                         "PATH=/usr/local/bin:/usr/bin:/bin"] {
            #expect(log.contains(expected), "\(expected) missing from\n\(log)")
        }
        #expect(!log.contains("BATON_STATE=") && !log.contains("HOME=/root"), "Baton's own environment leaked:\n\(log)")
        // A failing command is reported, never thrown.
        await notifier.send(event, to: [Alert(on: [.failure], target: .command(.shell("exit 7")))], workingDirectory: tree.path)
        #expect(failures.all.first?.message.hasPrefix("exited with status 7") == true)
    }
}
