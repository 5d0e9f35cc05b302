import Foundation
import NotebookModel

/// Pandoc's TeX math delimiters in notebook prose, found before cmark reads the text so
/// that cmark's escapes and emphasis never touch a formula.
///
/// `$…$` is inline math when the opening `$` has a non-space after it and the closing `$`
/// a non-space before it and no digit after it; `$5` and `$5.00` (digits not closed by `$`)
/// stay dollars; `$$…$$` is display math; `\$` is a dollar. Fenced code and code spans are
/// left alone. Each span becomes `U+E000 n U+E001` (n indexes the spans) followed by one
/// `\n U+E002` per line the span covered, so cmark's lines stay notebook lines.
///
///     MathSyntax.extract("area $\\pi r^2$.", firstIndex: 0).text
///     // "area \u{E000}0\u{E001}."
enum MathSyntax {
    struct Span: Equatable {
        var source: String
        var display: Bool
        /// The notebook line of the opening `$`.
        var line: Int
        /// The span as written, delimiters included (put back in code and URLs).
        var original: String
    }

    static let open: Character = "\u{E000}"
    static let close: Character = "\u{E001}"
    static let filler: Character = "\u{E002}"

    static func extract(_ text: String, firstIndex: Int) -> (text: String, spans: [Span]) {
        let chars = Array(text)
        // Line number (1-based) of each character, and lines where math cannot be.
        var lineOf = [Int](repeating: 0, count: chars.count)
        var barrier: [Bool] = [false]
        var line = 1
        var lineStart = 0
        var fence: (char: Character, count: Int)?
        for (k, c) in chars.enumerated() {
            lineOf[k] = line
            if c == "\n" || k == chars.count - 1 {
                let end = c == "\n" ? k : k + 1
                let content = String(chars[lineStart..<end])
                barrier.append(lineIsBarrier(content, fence: &fence))
                line += 1
                lineStart = k + 1
            }
        }
        barrier.append(false)
        func blocked(_ k: Int) -> Bool { k >= chars.count || barrier[lineOf[k]] }

        var out = ""
        var spans: [Span] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if blocked(i) || c == "\n" {
                out.append(c); i += 1; continue
            }
            if c == "\\", i + 1 < chars.count, !chars[i + 1].isWhitespace {
                out.append(c); out.append(chars[i + 1]); i += 2; continue
            }
            if c == "`" {
                let n = run(of: "`", in: chars, at: i)
                var j = i + n
                var end = i + n
                while j < chars.count, !blocked(j) {
                    if chars[j] == "`" {
                        let m = run(of: "`", in: chars, at: j)
                        if m == n { end = j + m; break }
                        j += m
                    } else {
                        j += 1
                    }
                }
                out += String(chars[i..<end]); i = end; continue
            }
            guard c == "$" else { out.append(c); i += 1; continue }
            let display = i + 1 < chars.count && chars[i + 1] == "$"
            if let (content, end) = display
                ? displayClose(chars, from: i + 2, blocked: blocked)
                : inlineClose(chars, from: i + 1, blocked: blocked)
            {
                let original = String(chars[i..<end])
                spans.append(
                    Span(source: content, display: display, line: lineOf[i], original: original))
                out.append(open); out += String(firstIndex + spans.count - 1); out.append(close)
                for _ in original.filter({ $0 == "\n" }) { out.append("\n"); out.append(filler) }
                i = end
            } else {
                let n = display ? 2 : 1
                out += String(chars[i..<i + n]); i += n
            }
        }
        return (out, spans)
    }

    /// Puts the written `$…$` back where cmark read a placeholder as code or a URL.
    static func restore(_ s: String, spans: [Span]) -> String {
        guard s.contains(open) || s.contains(filler) else { return s }
        let t = s.replacingOccurrences(of: "\n\(filler)", with: "\n").replacingOccurrences(
            of: String(filler), with: "")
        return pieces(t).map { piece in
            switch piece {
            case .text(let x): x
            case .span(let k): k < spans.count ? spans[k].original : ""
            }
        }.joined()
    }

    enum Piece: Equatable { case text(String), span(Int) }

    /// Splits text at placeholders (fillers dropped).
    static func pieces(_ s: String) -> [Piece] {
        var result: [Piece] = []
        var pending = ""
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == open, let end = s[i...].firstIndex(of: close),
                let k = Int(s[s.index(after: i)..<end])
            {
                if !pending.isEmpty { result.append(.text(pending)); pending = "" }
                result.append(.span(k))
                i = s.index(after: end)
                continue
            }
            if c != filler { pending.append(c) }
            i = s.index(after: i)
        }
        if !pending.isEmpty { result.append(.text(pending)) }
        return result
    }

    // MARK: - Delimiters

    private static func run(of c: Character, in chars: [Character], at i: Int) -> Int {
        var n = 0
        while i + n < chars.count, chars[i + n] == c { n += 1 }
        return n
    }

    /// The content and end of `$…$` opened before `from`, or nil when the `$` is a dollar.
    private static func inlineClose(
        _ chars: [Character], from: Int,
        blocked: (Int) -> Bool
    ) -> (String, Int)? {
        guard from < chars.count, !chars[from].isWhitespace, !blocked(from) else { return nil }
        // `$5`, `$5.00`, `$10,000`: a price unless the digits are closed at once (`$2$`).
        var d = from
        while d < chars.count,
            chars[d].isNumber || ((chars[d] == "." || chars[d] == ",") && d > from)
        { d += 1 }
        if d > from, d >= chars.count || chars[d] != "$" { return nil }
        var j = from
        while j < chars.count, !blocked(j) {
            if chars[j] == "\\" { j += 2; continue }
            if chars[j] == "$" {
                let closes =
                    j > from && !chars[j - 1].isWhitespace
                    && !(j + 1 < chars.count && chars[j + 1].isNumber)
                if closes { return (String(chars[from..<j]), j + 1) }
            }
            if chars[j] == "\n", j + 1 < chars.count, chars[j + 1] == "\n" { return nil }
            j += 1
        }
        return nil
    }

    private static func displayClose(
        _ chars: [Character], from: Int,
        blocked: (Int) -> Bool
    ) -> (String, Int)? {
        var j = from
        while j + 1 < chars.count, !blocked(j) {
            if chars[j] == "\\" { j += 2; continue }
            if chars[j] == "$", chars[j + 1] == "$" {
                let content = String(chars[from..<j]).trimmingCharacters(
                    in: .whitespacesAndNewlines)
                return content.isEmpty ? nil : (content, j + 2)
            }
            j += 1
        }
        return nil
    }

    /// A blank line, or a line of (or fencing) a fenced code block; updates `fence`.
    private static func lineIsBarrier(_ line: String, fence: inout (char: Character, count: Int)?)
        -> Bool
    {
        let indent = line.prefix(while: { $0 == " " }).count
        let body = line.dropFirst(indent)
        if let f = fence {
            let n = body.prefix(while: { $0 == f.char }).count
            if indent <= 3, n >= f.count, body.dropFirst(n).allSatisfy(\.isWhitespace) {
                fence = nil
            }
            return true
        }
        if indent <= 3, let first = body.first, first == "`" || first == "~" {
            let n = body.prefix(while: { $0 == first }).count
            if n >= 3, !(first == "`" && body.dropFirst(n).contains("`")) {
                fence = (first, n)
                return true
            }
        }
        return line.allSatisfy(\.isWhitespace)
    }
}
