import BatonOperations
import BatonStore
import Foundation
import Testing

/// The codes, exit statuses and HTTP statuses clients match on, and the one JSON form.
@Suite struct OperationErrorTests {
    @Test func codesAreStable() {
        #expect(OperationError.Code.allCases.map(\.rawValue) == [
            "unknown-run", "unknown-task", "unknown-attempt", "unknown-pipeline", "not-retryable", "invalid-parameters",
            "invalid-manifest", "daemon-not-running", "not-reconciled", "store-failed", "timeout", "bad-request", "bad-cursor",
            "unknown-backfill", "no-schedule", "bad-range", "too-many-slots",
        ])
    }

    @Test func everyCodeHasAnExitAndAnHTTPStatus() {
        for code in OperationError.Code.allCases {
            let error = OperationError(code, "x")
            #expect([1, 2].contains(error.exitCode))
            #expect((400...599).contains(error.httpStatus))
        }
        #expect(OperationError(.storeFailed, "x").httpStatus == 500)
        #expect(OperationError(.notRetryable, "x").exitCode == 1)
    }

    @Test func resultsEncodeWithRFC3339InstantsAndRoundTrip() throws {
        let pass = ReconcilePass(outcome: .rejected, commit: "abc", author: Person(name: "Ana", email: "ana@example.com"), errors: 2,
                                 live: "def", finishedAt: Date(timeIntervalSince1970: 1_767_225_600.25))
        let data = try OperationJSON.encoder.encode(pass)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""finishedAt":"2026-01-01T00:00:00.250Z""#), "\(text)")
        #expect(text.contains(#""outcome":"rejected""#))
        #expect(try OperationJSON.decoder.decode(ReconcilePass.self, from: data) == pass)

        let chunk = LogChunk(run: 1, task: "t", attempt: 1, state: .running, offset: 0, nextOffset: 3, size: 9, ended: false, bytes: Array("hé".utf8))
        let encoded = String(decoding: try OperationJSON.encoder.encode(chunk), as: UTF8.self)
        #expect(encoded.contains(#""text":"hé""#) && encoded.contains(#""complete":false"#))
        #expect(try OperationJSON.decoder.decode(LogChunk.self, from: Data(encoded.utf8)) == chunk)
    }

    @Test func anActorIsItsName() {
        #expect(OperationActor.token("ci").description == "ci")
        #expect(!OperationActor.operatingSystemUser.name.isEmpty)
    }
}
