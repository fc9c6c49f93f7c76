import Foundation
import BatonTestSupport
import GRDB
import Testing
@testable import BatonStore

/// `DatabaseDate.parse` reads the store's own date form without Foundation's calendar; it must
/// give the instant GRDB's parser gives, or the daemon would see dates move.
@Suite struct DatabaseDateParseTests {
    @Test func agreesWithGRDBOnTheWholeRange() {
        let seed = UInt64(ProcessInfo.processInfo.environment["BATON_TEST_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
        print("DatabaseDateParseTests seed: \(seed) (set BATON_TEST_SEED to repeat)")
        var generator = SplitMix64(seed: seed)
        let edges: [TimeInterval] = [0, -0.001, 0.999, 951_782_400 /* 2000-02-29 */, -2_203_891_200 /* 1900-03-01 */,
                                     DatabaseDate.earliest.timeIntervalSince1970, DatabaseDate.latest.timeIntervalSince1970]
        let random = (0..<5_000).map { _ in
            Double(Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)) / 1000
        }
        for interval in edges + random {
            let text = DatabaseDate.text(Date(timeIntervalSince1970: interval))
            let fast = DatabaseDate.parse(text)
            let grdb = Date.fromDatabaseValue(text.databaseValue)
            #expect(fast != nil && grdb != nil, "\(text)")
            guard let fast, let grdb else { continue }
            #expect(DatabaseDate.text(fast) == text, "\(text) reads back as \(DatabaseDate.text(fast))")
            // Before 1583 Foundation's calendar is Julian, while `text` (gmtime) writes the
            // proleptic Gregorian calendar: there the fast reader is the one that agrees with
            // the writer, and such dates only come from clamping.
            if text >= "1583" {
                #expect(abs(fast.timeIntervalSince1970 - grdb.timeIntervalSince1970) < 0.000_5, "\(text): \(fast) vs \(grdb)")
            }
        }
    }

    @Test func otherFormsAreLeftToGRDB() {
        for text in ["2026-12-05", "2026-12-05 09:30", "2026-12-05T09:30:00.000Z", "2026-13-05 09:30:00.000", "2026-12-05 24:00:00.000",
                     "10485-01-01 00:00:00.000", "garbage", "2026-12-05 09:30:00.00x"] {
            #expect(DatabaseDate.parse(text) == nil, "\(text)")
        }
        // And the column reader still takes them through GRDB.
        #expect(DatabaseDate.date("2026-12-05".databaseValue) == Date(timeIntervalSince1970: 1_796_428_800))
    }
}
