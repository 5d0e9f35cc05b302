/// Breaks long lines of code and terminal text for a fixed-width column, as a book sets
/// listings: at a token boundary (after a comma, a space, an opening bracket or a slash,
/// before a `.member`), the continuation indented four columns deeper than the statement it
/// continues and marked with "↪" two columns in, so it reads as neither a new statement
/// nor a child block.
///
///     CodeWrapping.wrap("    let x = f(alpha, beta)", columns: 20)
///     // "    let x = f(alpha,\n      ↪ beta)"
enum CodeWrapping {
    static let mark: Character = "↪"

    /// One break: the characters `removed` (offsets in the whole text, the spaces at the
    /// break) give way to a newline and `prefix` (indent, mark and a space).
    struct Break: Equatable {
        var removed: Range<Int>
        var prefix: String
    }

    /// The breaks that fit every line of `text` into `columns` characters.
    static func breaks(_ text: String, columns: Int) -> [Break] {
        var result: [Break] = []
        var offset = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            result += breaks(line: Array(line), at: offset, columns: columns)
            offset += line.count + 1
        }
        return result
    }

    /// `text` with its breaks applied (for plain text; highlighted code applies them to
    /// its tokens with `apply`).
    static func wrap(_ text: String, columns: Int) -> String {
        var out = ""
        let pieces: [(String, String?)] = [(text, nil)]
        apply(
            breaks(text, columns: columns), to: pieces, emit: { piece, _ in out += piece },
            mark: { out += $0 })
        return out
    }

    /// Feeds `pieces` (text with a style) to `emit` with the breaks applied; continuation
    /// prefixes go to `mark`, so the caller can colour the mark.
    static func apply<Style>(
        _ breaks: [Break], to pieces: [(String, Style?)],
        emit: (String, Style?) -> Void, mark: (String) -> Void
    ) {
        var k = 0
        var offset = 0
        for (text, style) in pieces {
            var current = ""
            for ch in text {
                if k < breaks.count, offset == breaks[k].removed.lowerBound {
                    if !current.isEmpty { emit(current, style); current = "" }
                    mark("\n" + breaks[k].prefix)
                    if breaks[k].removed.isEmpty { k += 1 }
                }
                if k < breaks.count, breaks[k].removed.contains(offset) {
                    offset += 1
                    if offset == breaks[k].removed.upperBound { k += 1 }
                    continue
                }
                current.append(ch)
                offset += 1
            }
            if !current.isEmpty { emit(current, style) }
        }
    }

    private static func breaks(line: [Character], at base: Int, columns: Int) -> [Break] {
        guard line.count > columns, columns >= 16 else { return [] }
        let lead = line.prefix { $0 == " " }.count
        // Continuations sit four columns right of the statement (at most half the width).
        let indent = min(lead + 4, columns / 2)
        let prefix = String(repeating: " ", count: indent - 2) + String(mark) + " "
        var result: [Break] = []
        var start = 0
        var room = columns
        while line.count - start > room {
            let limit = start + room  // the piece is line[start..<end], end <= limit
            let earliest = start + max(room * 2 / 5, 1)
            // The rightmost break between words (after a space or comma) in the right half
            // of the room, else the rightmost of any kind, else mid-token at the limit.
            var end = limit
            var weak: Int?
            var b = min(limit + 1, line.count - 1)  // a space at the limit goes with the break
            while b > earliest {
                let fits = b <= limit || line[b - 1] == " "
                if fits, let strong = isBreak(line, b) {
                    if strong, b >= start + room / 2 { weak = nil; end = b; break }
                    if weak == nil { weak = b }
                    if strong { break }
                }
                b -= 1
            }
            if let weak, end == limit || weak > end { end = weak }
            var next = end
            while next < line.count, line[next] == " " { next += 1 }
            var cut = end
            while cut > start + 1, line[cut - 1] == " " { cut -= 1 }
            if next >= line.count { break }  // only spaces were left
            result.append(Break(removed: (base + cut)..<(base + next), prefix: prefix))
            start = next
            room = columns - indent
        }
        return result
    }

    /// Whether a line may break between `line[i - 1]` and `line[i]`: nil if not, true
    /// between words (after a space or a comma), false inside an expression (after an
    /// opening bracket or a slash, before a `.member`).
    private static func isBreak(_ line: [Character], _ i: Int) -> Bool? {
        guard i > 0, i < line.count else { return nil }
        let before = line[i - 1], after = line[i]
        if after == " " { return nil }  // break after the run of spaces
        // never a lone closing token
        if before == " " { return ",;:)]}".contains(after) ? nil : true }
        if ",;".contains(before) { return true }
        if "([{".contains(before) { return false }
        if before == "/" || before == "_" || before == "-" && after != ">" { return false }
        if after == "." && (before.isLetter || before.isNumber || before == ")" || before == "]") {
            // before `.member`, not in 1.5
            return i + 1 < line.count && line[i + 1].isLetter ? false : nil
        }
        return nil
    }
}
