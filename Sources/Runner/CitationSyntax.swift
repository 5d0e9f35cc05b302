import NotebookModel

/// Pandoc's bracketed citations in prose text: `[@key]`, `[@a; @b]`, `[@key, p. 3]`.
///
///     CitationSyntax.split("as in [@he2016, p. 3].")
///     // [.text("as in "), .citation([CitationItem(key: "he2016", locator: "p. 3")]), .text(".")]
enum CitationSyntax {
    /// Splits text into text and citations, or nil when it holds none. A bracket is a
    /// citation only when every `;`-separated part is `@key` with an optional `, locator`;
    /// `@fig-`/`@tbl-`/`@sec-` labels are cross-references, not citations.
    static func split(_ text: String) -> [Inline]? {
        var result: [Inline] = []
        var pending = ""
        var found = false
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "[", let close = text[i...].firstIndex(of: "]"),
                let items = items(text[text.index(after: i)..<close])
            {
                if !pending.isEmpty { result.append(.text(pending)); pending = "" }
                result.append(.citation(items))
                found = true
                i = text.index(after: close)
                continue
            }
            pending.append(text[i])
            i = text.index(after: i)
        }
        if !pending.isEmpty { result.append(.text(pending)) }
        return found ? result : nil
    }

    static func items(_ inside: Substring) -> [CitationItem]? {
        var items: [CitationItem] = []
        for part in inside.split(separator: ";", omittingEmptySubsequences: false) {
            let p = part.trimmingCharacters(in: .whitespaces)
            guard p.hasPrefix("@") else { return nil }
            var key = p.dropFirst().prefix(while: {
                $0.isLetter || $0.isNumber || "_-:.#$%&+?<>~/".contains($0)
            })
            while let last = key.last, !(last.isLetter || last.isNumber || last == "_") {
                key = key.dropLast()
            }
            guard let first = key.first, first.isLetter || first.isNumber || first == "_" else {
                return nil
            }
            if key.hasPrefix("fig-") || key.hasPrefix("tbl-") || key.hasPrefix("sec-") {
                return nil
            }
            var rest = p.dropFirst(1 + key.count).trimmingCharacters(in: .whitespaces)
            var locator: String?
            if !rest.isEmpty {
                guard rest.hasPrefix(",") else { return nil }
                rest = rest.dropFirst().trimmingCharacters(in: .whitespaces)
                guard !rest.isEmpty else { return nil }
                locator = rest
            }
            items.append(CitationItem(key: String(key), locator: locator))
        }
        return items.isEmpty ? nil : items
    }
}
