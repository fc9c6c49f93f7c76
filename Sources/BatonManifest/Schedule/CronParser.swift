/// Reads the cron language of SCHEDULES.md (S1-S7) from UTF-8 bytes.
///
/// Hand-written rather than regex-based because manifest validation parses tens of thousands
/// of expressions a second, and because each refusal must name the field, the token and its
/// column, which a regex cannot say. Works on one byte array per expression and no other
/// allocation on the success path.
enum CronParser {
    private static let macros: [(name: String, expansion: String)] = [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
    ]

    private static let fieldsHint = "write 5 fields: minute hour day-of-month month day-of-week, like \"30 2 * * *\""

    static func parse(_ text: String) throws(CronSyntaxError) -> CronExpression {
        let bytes = Array(text.utf8)
        var start = 0, end = bytes.count
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        guard start < end else {
            throw CronSyntaxError(code: .empty, message: "the cron expression is empty; \(fieldsHint) or a macro like \"@daily\"", column: 1)
        }
        if bytes[start] == UInt8(ascii: "@") {
            return try parseMacro(text, bytes, start..<end)
        }
        return try parseFields(text: text, bytes, start..<end)
    }

    /// S6: a macro is the whole expression; its meaning is the 5-field expansion, but the
    /// expression keeps the macro as its text so messages quote what the author wrote.
    private static func parseMacro(_ text: String, _ bytes: [UInt8], _ span: Range<Int>) throws(CronSyntaxError) -> CronExpression {
        var wordEnd = span.lowerBound
        while wordEnd < span.upperBound, !isBlank(bytes[wordEnd]) { wordEnd += 1 }
        let word = String(decoding: bytes[span.lowerBound..<wordEnd], as: UTF8.self)
        guard let macro = macros.first(where: { $0.name.utf8.elementsEqual(word.utf8.map(asciiLowercased)) }) else {
            throw CronSyntaxError(
                code: .unknownMacro,
                message: "\"\(word)\" is not a schedule macro at column \(column(of: span.lowerBound, in: bytes)); use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly, or \(fieldsHint)",
                column: column(of: span.lowerBound, in: bytes))
        }
        guard wordEnd == span.upperBound else {
            var extra = wordEnd
            while isBlank(bytes[extra]) { extra += 1 }
            let rest = String(decoding: bytes[extra..<span.upperBound], as: UTF8.self)
            throw CronSyntaxError(
                code: .malformed,
                message: "\"\(word)\" must stand alone, but \"\(rest)\" follows it at column \(column(of: extra, in: bytes)); write just \"\(word)\" or 5 fields",
                column: column(of: extra, in: bytes))
        }
        let expansion = Array(macro.expansion.utf8)
        return try parseFields(text: text, expansion, 0..<expansion.count)
    }

    /// S1: exactly five fields separated by runs of spaces or tabs.
    private static func parseFields(text: String, _ bytes: [UInt8], _ span: Range<Int>) throws(CronSyntaxError) -> CronExpression {
        var fields: [Range<Int>] = []
        fields.reserveCapacity(5)
        var index = span.lowerBound
        while index < span.upperBound {
            let fieldStart = index
            while index < span.upperBound, !isBlank(bytes[index]) { index += 1 }
            fields.append(fieldStart..<index)
            while index < span.upperBound, isBlank(bytes[index]) { index += 1 }
        }
        guard fields.count == 5 else {
            if fields.count > 5 {
                let extra = fields[5].lowerBound
                let col = column(of: extra, in: bytes)
                throw CronSyntaxError(
                    code: .fieldCount,
                    message: "the expression has \(fields.count) fields; the 6th starts at column \(col); \(fieldsHint) (Baton has no seconds or year field)",
                    column: col)
            }
            let col = column(of: span.upperBound, in: bytes)
            throw CronSyntaxError(
                code: .fieldCount,
                message: "the expression has only \(fields.count) field\(fields.count == 1 ? "" : "s"); the next one is missing at column \(col); \(fieldsHint)",
                column: col)
        }
        let minute = try parseField(.minute, bytes, fields[0])
        let hour = try parseField(.hour, bytes, fields[1])
        let dayOfMonth = try parseField(.dayOfMonth, bytes, fields[2])
        let month = try parseField(.month, bytes, fields[3])
        let dayOfWeek = try parseField(.dayOfWeek, bytes, fields[4])
        let star = UInt8(ascii: "*")
        let expression = CronExpression(
            text: text,
            isFixedTime: !bytes[fields[0]].contains(star) && !bytes[fields[1]].contains(star),
            minutes: minute.bits, hours: hour.bits, daysOfMonth: dayOfMonth.bits,
            lastDayOfMonth: dayOfMonth.last, months: month.bits,
            daysOfWeek: UInt8(truncatingIfNeeded: dayOfWeek.bits),
            lastWeekdays: dayOfWeek.lastWeekdays, nthWeekdays: dayOfWeek.nth,
            dayOfMonthRestricted: bytes[fields[2].lowerBound] != star,
            dayOfWeekRestricted: bytes[fields[4].lowerBound] != star)
        guard expression.canFire else {
            let col = column(of: fields[2].lowerBound, in: bytes)
            let days = String(decoding: bytes[fields[2]], as: UTF8.self)
            let weekdays = String(decoding: bytes[fields[4]], as: UTF8.self)
            let months = String(decoding: bytes[fields[3]], as: UTF8.self)
            throw CronSyntaxError(
                code: .neverFires,
                message: "day-of-month: \"\(days)\" with month \"\(months)\" and day-of-week \"\(weekdays)\" matches no calendar date at column \(col), so this schedule would never fire; check the day against the month's length",
                column: col)
        }
        return expression
    }

    /// The values one field selects; `last`, `lastWeekdays` and `nth` carry S4's extensions.
    private struct FieldValues {
        var bits: UInt64 = 0
        var last = false
        var lastWeekdays: UInt8 = 0
        var nth: UInt64 = 0
    }

    /// S3: a comma-separated list of items, none empty.
    private static func parseField(_ field: CronField, _ bytes: [UInt8], _ span: Range<Int>) throws(CronSyntaxError) -> FieldValues {
        for index in span where !isAllowed(bytes[index]) {
            throw invalidCharacter(field, bytes, span, at: index)
        }
        var values = FieldValues()
        var itemStart = span.lowerBound
        while true {
            var itemEnd = itemStart
            while itemEnd < span.upperBound, bytes[itemEnd] != UInt8(ascii: ",") { itemEnd += 1 }
            if itemEnd == itemStart {
                let col = column(of: itemStart, in: bytes)
                throw CronSyntaxError(
                    code: .emptyItem,
                    message: "\(field.name): \"\(string(bytes, span))\" has an empty list item at column \(col); remove the extra comma",
                    column: col)
            }
            try parseItem(field, bytes, itemStart..<itemEnd, into: &values)
            if itemEnd == span.upperBound { return values }
            itemStart = itemEnd + 1
        }
    }

    /// One list item: `*`, `a`, `a-b`, any of those with `/n`, `L`, `dL` or `d#n`.
    private static func parseItem(_ field: CronField, _ bytes: [UInt8], _ item: Range<Int>, into values: inout FieldValues) throws(CronSyntaxError) {
        var index = item.lowerBound
        let end = item.upperBound
        if item.count == 1, asciiUppercased(bytes[index]) == UInt8(ascii: "L") {
            switch field {
            case .dayOfMonth:
                values.last = true
                return
            case .dayOfWeek:
                throw error(.invalidLast, field, bytes, item, at: index, "is a bare L", "write a weekday before it, like \"5L\" or \"FRIL\" for the last Friday")
            default:
                throw error(.invalidLast, field, bytes, item, at: index, "is not allowed", "L means the last day only in day-of-month, and dL the last weekday d in day-of-week; \(field.accepted)")
            }
        }
        let low: Int
        var high: Int
        var isSingle = true
        if bytes[index] == UInt8(ascii: "*") {
            low = field.lowest
            high = field.starHighest
            isSingle = false
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "-") {
                throw error(.malformed, field, bytes, item, at: item.lowerBound, "starts a range with *", "write a range of two values like \"\(field.lowest)-5\", or \"*\" alone for every value")
            }
        } else {
            let start = try parseValue(field, bytes, item, at: index)
            low = start.value
            high = start.value
            index = start.next
            if start.lastSuffix {
                guard index == end else {
                    throw error(.invalidLast, field, bytes, item, at: item.lowerBound, "puts something after dL", "dL is a whole list item: write \"5L\" alone or in a list like \"5L,SAT\"")
                }
                values.lastWeekdays |= 1 << UInt8(low % 7)
                return
            }
            if index < end, bytes[index] == UInt8(ascii: "#") {
                try parseNth(field, bytes, item, weekday: low, hashAt: index, into: &values)
                return
            }
            if index < end, bytes[index] == UInt8(ascii: "-") {
                index += 1
                guard index < end else {
                    throw error(.malformed, field, bytes, item, at: item.lowerBound, "is a range without an end", "write both ends, like \"1-5\"")
                }
                let stop = try parseValue(field, bytes, item, at: index)
                if stop.lastSuffix || (stop.next < end && bytes[stop.next] == UInt8(ascii: "#")) {
                    throw error(field == .dayOfWeek ? .invalidNth : .malformed, field, bytes, item, at: item.lowerBound, "combines a range with dL or d#n", "dL and d#n take no range or step; list them instead, like \"1#2,5#2\"")
                }
                high = stop.value
                index = stop.next
                isSingle = false
                if low > high {
                    throw reversedRange(field, bytes, item, low: low, high: high, lowToken: item.lowerBound..<start.next, highToken: (start.next + 1)..<stop.next)
                }
            }
        }
        var step = 1
        if index < end, bytes[index] == UInt8(ascii: "/") {
            index += 1
            let digitsStart = index
            var value = 0
            while index < end, isDigit(bytes[index]) {
                value = min(value * 10 + Int(bytes[index] - 48), 1_000_000)
                index += 1
            }
            guard index > digitsStart else {
                throw error(.invalidStep, field, bytes, item, at: digitsStart - 1, "has no step number after /", "write a whole number of at least 1 after the slash, like \"*/5\"")
            }
            guard value >= 1 else {
                throw error(.invalidStep, field, bytes, item, at: digitsStart, "has a step of 0", "the step after / must be at least 1, like \"*/5\"")
            }
            step = value
            if isSingle {
                // S3: `a/n` runs to the top of `*`'s range, which is 6 in day-of-week.
                high = field.starHighest
                if low > high {
                    throw error(.reversedRange, field, bytes, item, at: item.lowerBound, "is a reversed range (a/n runs from a to \(high) in \(field.name))", "start from 0 to include Sunday, like \"0/\(step)\"")
                }
            }
        }
        if index < end {
            let what = describe(bytes[index])
            let hint: String = switch bytes[index] {
            case UInt8(ascii: "#") where field == .dayOfWeek: "d#n takes one weekday before the #, like \"MON#1\""
            case UInt8(ascii: "#"): "d#n is allowed only in day-of-week, as a whole list item like \"MON#1\""
            case UInt8(ascii: "-"): "a range has exactly two ends, like \"1-5\"; use a list for more, like \"1-5,10-15\""
            default: "\(field.accepted); items are a, a-b, */n, a-b/n or a/n"
            }
            throw error(.malformed, field, bytes, item, at: index, "has an unexpected \(what)", hint)
        }
        var value = low
        while value <= high {
            values.bits |= 1 << UInt64(field == .dayOfWeek ? value % 7 : value)
            value += step
        }
    }

    /// `d#n`: the n-th weekday d of the month, n = 1...5 (S4).
    private static func parseNth(_ field: CronField, _ bytes: [UInt8], _ item: Range<Int>, weekday: Int, hashAt: Int, into values: inout FieldValues) throws(CronSyntaxError) {
        guard field == .dayOfWeek else {
            throw error(.invalidNth, field, bytes, item, at: hashAt, "has a \"#\"", "d#n is allowed only in day-of-week, like \"MON#1\"; \(field.accepted)")
        }
        var index = hashAt + 1
        var n = 0
        while index < item.upperBound, isDigit(bytes[index]) {
            n = min(n * 10 + Int(bytes[index] - 48), 1_000)
            index += 1
        }
        guard index > hashAt + 1, index == item.upperBound else {
            throw error(.invalidNth, field, bytes, item, at: hashAt, "needs a number 1-5 after #", "write the occurrence in the month, like \"MON#1\" for the first Monday; d#n takes no range or step")
        }
        guard (1...5).contains(n) else {
            throw error(.invalidNth, field, bytes, item, at: hashAt + 1, "asks for occurrence \(n)", "a month has at most 5 of a weekday: write #1 to #5")
        }
        values.nth |= UInt64(1 << (weekday % 7)) << UInt64(8 * (n - 1))
    }

    /// A number or a three-letter name, and whether an `L` follows it (day-of-week's `dL`).
    private static func parseValue(_ field: CronField, _ bytes: [UInt8], _ item: Range<Int>, at start: Int) throws(CronSyntaxError) -> (value: Int, next: Int, lastSuffix: Bool) {
        var index = start
        let end = item.upperBound
        if isDigit(bytes[index]) {
            var value = 0
            while index < end, isDigit(bytes[index]) {
                value = min(value * 10 + Int(bytes[index] - 48), 1_000_000)
                index += 1
            }
            let digitsEnd = index
            var lastSuffix = false
            if index < end, isLetter(bytes[index]) {
                var lettersEnd = index
                while lettersEnd < end, isLetter(bytes[lettersEnd]) { lettersEnd += 1 }
                let letters = bytes[index..<lettersEnd].map(asciiUppercased)
                if letters == [UInt8(ascii: "L")], field == .dayOfWeek {
                    lastSuffix = true
                    index = lettersEnd
                } else if letters.contains(UInt8(ascii: "W")), field == .dayOfMonth {
                    throw error(.unsupported, field, bytes, item, at: index, "uses W (nearest weekday)", "Baton does not support W; write the days you mean, like \"1-5\"")
                } else if letters == [UInt8(ascii: "L")] {
                    throw error(.invalidLast, field, bytes, item, at: index, "puts L after a number", field == .dayOfMonth ? "write \"L\" alone for the last day of the month" : "dL is allowed only in day-of-week; \(field.accepted)")
                } else {
                    throw error(.malformed, field, bytes, item, at: index, "has letters right after a number", field.accepted)
                }
            }
            guard value >= field.lowest, value <= field.highest else {
                let token = string(bytes, start..<digitsEnd)
                let col = column(of: start, in: bytes)
                throw CronSyntaxError(
                    code: .outOfRange,
                    message: "\(field.name): \"\(token)\" is out of range \(field.lowest)-\(field.highest) at column \(col); \(field.accepted)",
                    column: col)
            }
            if lastSuffix, value == 7 { return (0, index, true) }
            return (value, index, lastSuffix)
        }
        guard isLetter(bytes[index]) else {
            throw error(.malformed, field, bytes, item, at: index, "has \(describe(bytes[index])) where a value was expected", "\(field.accepted); items are a, a-b, */n, a-b/n or a/n")
        }
        while index < end, isLetter(bytes[index]) { index += 1 }
        let word = bytes[start..<index].map(asciiUppercased)
        let wordText = String(decoding: word, as: UTF8.self)
        if word == [UInt8(ascii: "L")] {
            let problem = field == .dayOfMonth || field == .dayOfWeek ? "uses L inside a range or step" : "uses L"
            let hint = field == .dayOfMonth ? "L is a whole list item: write \"L\" alone or in a list like \"1,15,L\"" : field == .dayOfWeek ? "write the weekday before L, like \"5L\", as a whole list item" : "L is allowed only in day-of-month and day-of-week; \(field.accepted)"
            throw error(.invalidLast, field, bytes, item, at: start, problem, hint)
        }
        if field == .dayOfMonth, word.contains(UInt8(ascii: "W")) {
            throw error(.unsupported, field, bytes, item, at: start, "uses W (nearest weekday)", "Baton does not support W; write the days you mean")
        }
        if word.count == 3, let value = field.names.firstIndex(of: wordText) {
            return (value + field.namesBase, index, false)
        }
        if field == .dayOfWeek, word.count == 4, word[3] == UInt8(ascii: "L"),
           let value = CronField.dayNames.firstIndex(of: String(decoding: word[0..<3], as: UTF8.self)) {
            return (value, index, true)
        }
        let token = string(bytes, start..<index)
        let col = column(of: start, in: bytes)
        let prefix = word.count > 3 ? String(decoding: word[0..<3], as: UTF8.self) : ""
        if word.count == 3, CronField.monthNames.contains(wordText) || CronField.dayNames.contains(wordText) {
            let kind = CronField.monthNames.contains(wordText) ? "a month name" : "a day name"
            throw CronSyntaxError(code: .misplacedName, message: "\(field.name): \"\(token)\" is \(kind), which \(field.name) does not take, at column \(col); \(field.accepted)", column: col)
        }
        if field.names.contains(prefix) {
            throw CronSyntaxError(code: .unknownName, message: "\(field.name): \"\(token)\" is not a name Baton knows at column \(col); write the three-letter abbreviation \"\(prefix)\"", column: col)
        }
        throw CronSyntaxError(code: .unknownName, message: "\(field.name): \"\(token)\" is not a number or a name at column \(col); \(field.accepted)", column: col)
    }

    private static func reversedRange(_ field: CronField, _ bytes: [UInt8], _ item: Range<Int>, low: Int, high: Int, lowToken: Range<Int>, highToken: Range<Int>) -> CronSyntaxError {
        let lowToken = string(bytes, lowToken)
        let highToken = string(bytes, highToken)
        let named = isLetter(bytes[item.lowerBound])
        func spell(_ value: Int) -> String {
            guard named, !field.names.isEmpty else { return String(value) }
            return field.names[(value - field.namesBase) % field.names.count]
        }
        let top = field.starHighest
        let values = Array(low...max(low, top)) + Array(field.lowest...high)
        let wrapped = values.count <= 4
            ? values.map(spell).joined(separator: ",")
            : "\(lowToken)-\(spell(top)),\(spell(field.lowest))-\(highToken)"
        // Ending on Sunday (0) means 7: `SAT-SUN` is written `6-7`.
        let swapped = field == .dayOfWeek && high == 0 ? "\(low)-7" : "\(highToken)-\(lowToken)"
        return error(.reversedRange, field, bytes, item, at: item.lowerBound, "is a reversed range", "write \"\(wrapped)\" or \"\(swapped)\"")
    }

    private static func invalidCharacter(_ field: CronField, _ bytes: [UInt8], _ span: Range<Int>, at index: Int) -> CronSyntaxError {
        let hint: String = switch bytes[index] {
        case UInt8(ascii: "?"): "? is not supported; write \"*\" for any value"
        case UInt8(ascii: "@"): "a macro like \"@daily\" must be the whole expression"
        default: "only digits, letters and * , - / # may appear in a field"
        }
        return error(.invalidCharacter, field, bytes, span, at: index, "has \(describe(bytes[index]))", hint)
    }

    /// Builds the message shape every refusal shares: `field: "token" problem at column N; hint`.
    private static func error(_ code: CronSyntaxError.Code, _ field: CronField, _ bytes: [UInt8], _ token: Range<Int>, at offset: Int, _ problem: String, _ hint: String) -> CronSyntaxError {
        let col = column(of: offset, in: bytes)
        return CronSyntaxError(code: code, message: "\(field.name): \"\(string(bytes, token))\" \(problem) at column \(col); \(hint)", column: col)
    }

    /// The 1-based character column of a byte offset; the expression may hold non-ASCII text
    /// (which is an error), and editors count characters, not bytes.
    private static func column(of offset: Int, in bytes: [UInt8]) -> Int {
        String(decoding: bytes[0..<min(offset, bytes.count)], as: UTF8.self).count + 1
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21, byte < 0x7F { return "\"\(Character(Unicode.Scalar(byte)))\"" }
        if byte < 0x20 || byte == 0x7F { return "a control character" }
        return "a non-ASCII character"
    }

    private static func string(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    @inline(__always) private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    @inline(__always) private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    @inline(__always) private static func isAllowed(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte) || byte == UInt8(ascii: "*") || byte == UInt8(ascii: ",")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "#")
    }
    @inline(__always) private static func asciiUppercased(_ byte: UInt8) -> UInt8 { isLetter(byte) ? byte & ~0x20 : byte }
    @inline(__always) private static func asciiLowercased(_ byte: UInt8) -> UInt8 { isLetter(byte) ? byte | 0x20 : byte }
}
