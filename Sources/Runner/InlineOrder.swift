import NotebookModel

/// Catches an inline expression that reads a value a later cell declares.
///
/// Cells are top-level code in one `main.swift`, where Swift lets code read a global
/// before its declaration runs and silently gets zero. An inline value is computed right
/// after the cell before it, so `` `{swift} accuracy` `` in the introduction, with
/// `let accuracy` in the last cell, would print 0. This check looks for names declared by
/// `let`/`var` at the start of a line of a later cell, and not by an earlier one.
enum InlineOrder {
    static func check(_ parsed: ParsedNotebook) throws {
        let cells = parsed.notebook.cells.filter(\.options.eval)
        var declaredBy: [String: Cell] = [:]
        for cell in cells {
            for name in topLevelNames(cell.source) where declaredBy[name] == nil {
                declaredBy[name] = cell
            }
        }
        for e in parsed.inlineExpressions {
            for name in identifiers(e.source) {
                guard let cell = declaredBy[name], cell.index > (e.afterCell ?? -1) else {
                    continue
                }
                let what =
                    e.kind == .condition
                    ? "the condition \(e.negated ? "unless" : "when")=\"\(e.source)\""
                    : "inline expression `{swift} \(e.source)`"
                throw RunnerError(
                    file: parsed.notebook.path, line: e.line,
                    "\(what) reads '\(name)', which cell \(cell.index + 1) "
                        + "(line \(cell.line)) declares further down; inline values are computed right after "
                        + "the cell before them, so move this text below that cell")
            }
        }
    }

    /// Names declared by `let x`, `var x` or `let (a, b)` at the start of a line.
    static func topLevelNames(_ source: String) -> [String] {
        var names: [String] = []
        for line in source.split(separator: "\n") {
            var rest: Substring
            if line.hasPrefix("let ") {
                rest = line.dropFirst(4)
            } else if line.hasPrefix("var ") {
                rest = line.dropFirst(4)
            } else {
                continue
            }
            rest = rest.drop(while: { $0 == " " })
            if rest.hasPrefix("(") {
                let inner = rest.dropFirst().prefix(while: { $0 != ")" })
                names += inner.split(separator: ",").compactMap { identifiers(String($0)).first }
            } else if let name = identifiers(String(rest)).first {
                names.append(name)
            }
        }
        return names
    }

    /// Identifiers in an expression that are not member accesses (`a.b` gives only `a`) and
    /// not words inside string literals (`mode == "synthetic"` gives only `mode`).
    static func identifiers(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var afterDot = false
        var previous: Character = " "
        var inString = false
        func finish() {
            if !current.isEmpty, !afterDot, !(current.first!.isNumber) { result.append(current) }
            current = ""
        }
        for c in text {
            if inString {
                if c == "\"" && previous != "\\" { inString = false }
                previous = previous == "\\" && c == "\\" ? " " : c
                continue
            }
            if c == "\"" {
                finish()
                inString = true
                previous = c
                continue
            }
            if c.isLetter || c.isNumber || c == "_" {
                if current.isEmpty { afterDot = previous == "." }
                current.append(c)
            } else {
                finish()
            }
            previous = c
        }
        finish()
        return result
    }
}
