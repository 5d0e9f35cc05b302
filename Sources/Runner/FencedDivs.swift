import NotebookModel

/// Pandoc/Quarto fenced divs, found before cmark-gfm sees the Markdown (to cmark a `:::`
/// line is an ordinary paragraph):
///
///     ::: {.callout-note title="Data"}          a callout
///     ::: {when="accuracy > 0.5"}               shown when the Swift condition holds
///     ::: {unless="accuracy > 0.5"}             shown when it does not
///     ::: {.callout-tip when="epochs > 1"}      both: a callout that may be hidden
///     :::                                       closes the innermost open div
///
/// A div line starts at column 0 with three or more colons. Lines inside fenced code
/// blocks (```` ``` ```` or `~~~`, so also inside Swift cells) are never div lines.
/// The scanner cuts the body into Markdown runs between div lines; `BlockBuilder` parses
/// each run with cmark and nests the blocks.
enum FencedDivs {
    /// What a `::: {…}` line asks for.
    struct Opener: Equatable {
        /// 1-based notebook line of the `:::` line.
        var line: Int
        var callout: Callout.Kind?
        var title: String?
        var condition: String?
        /// True for `unless="…"`.
        var negated = false
    }

    enum Token: Equatable {
        /// 0-based indices into the body's lines: Markdown between div lines.
        case markdown(Range<Int>)
        case open(Opener)
        case close(line: Int)
    }

    /// Cuts `lines` (the notebook body, front matter blanked) at div lines, checking that
    /// every div is closed and every `:::` closes one.
    static func scan(_ lines: [String], path: String) throws -> [Token] {
        var tokens: [Token] = []
        var open: [Opener] = []
        var fence: (char: Character, length: Int)?
        var runStart = 0
        for (i, line) in lines.enumerated() {
            if let f = fence {
                if closesFence(line, f) { fence = nil }
                continue
            }
            if let f = opensFence(line) {
                fence = f
                continue
            }
            guard line.hasPrefix(":::") else { continue }
            let rest = line.drop(while: { $0 == ":" }).trimmingCharacters(in: .whitespaces)
            if runStart < i { tokens.append(.markdown(runStart..<i)) }
            runStart = i + 1
            if rest.isEmpty {
                guard !open.isEmpty else {
                    throw RunnerError(
                        file: path, line: i + 1,
                        "this ':::' closes no block; remove it, or open a block above with '::: {.callout-note}' or '::: {when=\"…\"}'"
                    )
                }
                open.removeLast()
                tokens.append(.close(line: i + 1))
            } else {
                let opener = try parseOpener(rest, line: i + 1, path: path)
                open.append(opener)
                tokens.append(.open(opener))
            }
        }
        if runStart < lines.count { tokens.append(.markdown(runStart..<lines.count)) }
        if let unclosed = open.last {
            throw RunnerError(
                file: path, line: unclosed.line,
                "the '::: {…}' block opened on line \(unclosed.line) is never closed; add a ':::' line where it ends"
            )
        }
        return tokens
    }

    static let knownAttributes =
        "classes .callout-note, .callout-tip, .callout-warning, .callout-important, "
        + ".callout-caution; attributes when=\"…\", unless=\"…\", title=\"…\" (callouts only)"

    /// Reads `{.callout-warning title="Careful" when="x > 0"}`.
    static func parseOpener(_ text: String, line: Int, path: String) throws -> Opener {
        func fail(_ message: String) -> RunnerError {
            RunnerError(file: path, line: line, message)
        }
        guard text.hasPrefix("{"), text.hasSuffix("}"), text.count >= 2 else {
            throw fail(
                "a block opener needs its attributes in braces, e.g. '::: {.callout-note}' or "
                    + "'::: {when=\"accuracy > 0.5\"}', got '::: \(text)'")
        }
        var opener = Opener(line: line)
        var s = Substring(text.dropFirst().dropLast())
        func skipSpaces() { s = s.drop(while: { $0 == " " || $0 == "\t" }) }
        skipSpaces()
        while !s.isEmpty {
            if s.first == "." || s.first == "#" {
                let word = s.prefix(while: { $0 != " " && $0 != "\t" })
                s = s.dropFirst(word.count)
                let name = String(word.dropFirst())
                guard word.first == ".", name.hasPrefix("callout-"),
                    let kind = Callout.Kind(rawValue: String(name.dropFirst("callout-".count)))
                else {
                    throw fail("unknown block class or id '\(word)' (known: \(knownAttributes))")
                }
                if let previous = opener.callout {
                    throw fail(
                        "a block can be one callout, not both .callout-\(previous.rawValue) and \(word)"
                    )
                }
                opener.callout = kind
            } else {
                let key = s.prefix(while: { $0 != "=" && $0 != " " && $0 != "\t" })
                s = s.dropFirst(key.count)
                guard s.first == "=" else {
                    throw fail(
                        "block attribute '\(key)' needs a value: \(key)=\"…\" (known: \(knownAttributes))"
                    )
                }
                s = s.dropFirst()
                let value: String
                if let quote = s.first, quote == "\"" || quote == "'" {
                    guard let end = s.dropFirst().firstIndex(of: quote) else {
                        throw fail("the value of '\(key)' opens with \(quote) but is never closed")
                    }
                    value = String(s[s.index(after: s.startIndex)..<end])
                    s = s[s.index(after: end)...]
                } else {
                    let word = s.prefix(while: { $0 != " " && $0 != "\t" })
                    value = String(word)
                    s = s.dropFirst(word.count)
                }
                switch key {
                case "when", "unless":
                    if opener.condition != nil {
                        throw fail(
                            "a block takes one condition: when=\"…\" or unless=\"…\", not both or twice"
                        )
                    }
                    guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                        throw fail(
                            "\(key)=\"\" is empty; give a Swift Bool expression, e.g. \(key)=\"accuracy > 0.5\""
                        )
                    }
                    opener.condition = value
                    opener.negated = key == "unless"
                case "title": opener.title = value
                default:
                    throw fail("unknown block attribute '\(key)' (known: \(knownAttributes))")
                }
            }
            skipSpaces()
        }
        if opener.title != nil, opener.callout == nil {
            throw fail("title=\"…\" is for callouts; add a class such as .callout-note")
        }
        if opener.callout == nil, opener.condition == nil {
            throw fail("an empty block opener; give a class or a condition (\(knownAttributes))")
        }
        return opener
    }

    // MARK: - Code fences (CommonMark: up to three spaces, then ``` or ~~~, three or more)

    static func opensFence(_ line: String) -> (char: Character, length: Int)? {
        let indent = line.prefix(while: { $0 == " " })
        guard indent.count <= 3 else { return nil }
        let rest = line.dropFirst(indent.count)
        guard let c = rest.first, c == "`" || c == "~" else { return nil }
        let run = rest.prefix(while: { $0 == c })
        guard run.count >= 3 else { return nil }
        // inline code, not a fence
        if c == "`", rest.dropFirst(run.count).contains("`") { return nil }
        return (c, run.count)
    }

    static func closesFence(_ line: String, _ fence: (char: Character, length: Int)) -> Bool {
        let indent = line.prefix(while: { $0 == " " })
        guard indent.count <= 3 else { return false }
        let rest = line.dropFirst(indent.count)
        let run = rest.prefix(while: { $0 == fence.char })
        return run.count >= fence.length
            && rest.dropFirst(run.count).allSatisfy { $0 == " " || $0 == "\t" }
    }
}
