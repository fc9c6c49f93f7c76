import BatonManifest
import Foundation

// Next-fire-time calls per second for the expressions Benchmarks/schedule-benchmark.sh also
// gives croniter. Each call asks `Schedule.nextFireTime(after:)`, the entry point the
// scheduler and validator use, for an instant 7,919 s after the previous one, so calls land
// on every minute of the day and every day of the week. Prints one line per case:
// `expression<TAB>zone<TAB>median calls/s<TAB>each repetition...`.

let cases: [(expression: String, zone: String)] = [
    ("0 2 * * *", "UTC"),
    ("0 2 * * *", "America/New_York"),
    ("*/5 * * * *", "UTC"),
    ("0 0 L * *", "UTC"),
    ("0 9 * * MON#1", "UTC"),
]

let arguments = CommandLine.arguments
let repetitions = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
let callsPerRepetition = arguments.count > 2 ? Int(arguments[2]) ?? 500_000 : 500_000
let start = 1_767_225_600.0 // 2026-01-01T00:00:00Z

for (expression, zone) in cases {
    let schedule = Schedule.cron(try! CronExpression(parsing: expression), timeZone: TimeZone(identifier: zone)!)
    _ = schedule.nextFireTime(after: Date(timeIntervalSince1970: start)) // build the zone table
    var rates: [Double] = []
    var checksum = 0.0
    for _ in 0..<repetitions {
        let clock = ContinuousClock()
        let began = clock.now
        var instant = start
        for _ in 0..<callsPerRepetition {
            checksum += schedule.nextFireTime(after: Date(timeIntervalSince1970: instant))!.timeIntervalSince1970
            instant += 7_919
        }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        rates.append(Double(callsPerRepetition) / seconds)
    }
    let median = rates.sorted()[rates.count / 2]
    let each = rates.map { String(Int($0)) }.joined(separator: "\t")
    print("\(expression)\t\(zone)\t\(Int(median))\t\(each)")
    if checksum == 0 { print("unreachable") }
}

// Parsing cost, for the validator's 40,000 manifests/s budget: to standard error, so the
// table above stays one line per case.
do {
    let texts = ["0 2 * * *", "*/5 9-17 * * MON-FRI", "0 0 L * *", "0 9 * * MON#1,FRI#3", "@daily", "30 22 * JAN,JUL 5L"]
    let clock = ContinuousClock()
    let began = clock.now
    var count = 0
    for index in 0..<300_000 {
        count += try! CronExpression(parsing: texts[index % texts.count]).isFixedTime ? 1 : 0
    }
    let elapsed = clock.now - began
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    FileHandle.standardError.write(Data("parse: \(Int(300_000 / seconds)) expressions/s (\(count) fixed-time)\n".utf8))
}
