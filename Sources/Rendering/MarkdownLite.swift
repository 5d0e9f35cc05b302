import NotebookModel

/// A deliberately small Markdown reader for what cells show with `show(markdown:)`:
/// paragraphs, `#` headings (rendered as bold lines, outside the numbering), `-`/`*`/`1.`
/// lists, fenced code, and inline `**strong**`, `*emphasis*`, `` `code` `` and
/// `[text](url)`. The notebook's own prose goes through cmark-gfm in the Runner; this only
/// has to carry short generated summaries.
enum MarkdownLite {
    static func parse(_ source: String) -> [ProseBlock] {
        var blocks: [ProseBlock] = []
        var paragraph: [String] = []
        var listItems: [String] = []
        var listOrdered = false
        var fence: (lang: String?, lines: [String])?

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            blocks.append(.paragraph(inlines(paragraph.joined(separator: " "))))
            paragraph = []
        }
        func flushList() {
            guard !listItems.isEmpty else { return }
            blocks.append(.list(ordered: listOrdered, start: 1,
                                items: listItems.map { [.paragraph(inlines($0))] }))
            listItems = []
        }

        for rawLine in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            let trimmed = line.trimmingSpaces()
            if var open = fence {
                if trimmed.hasPrefix("```") {
                    blocks.append(.code(language: open.lang, text: open.lines.joined(separator: "\n")))
                    fence = nil
                } else {
                    open.lines.append(line)
                    fence = open
                }
                continue
            }
            if trimmed.hasPrefix("```") {
                flushParagraph(); flushList()
                let lang = String(trimmed.dropFirst(3)).trimmingSpaces()
                fence = (lang.isEmpty ? nil : lang, [])
            } else if trimmed.isEmpty {
                flushParagraph(); flushList()
            } else if trimmed.hasPrefix("#") {
                flushParagraph(); flushList()
                let text = trimmed.drop { $0 == "#" }.trimmingSpaces()
                blocks.append(.paragraph([.strong(inlines(text))]))
            } else if let item = listItem(trimmed) {
                flushParagraph()
                if !listItems.isEmpty, listOrdered != item.ordered { flushList() }
                listOrdered = item.ordered
                listItems.append(item.text)
            } else if !listItems.isEmpty, line.hasPrefix("  ") {
                listItems[listItems.count - 1] += " " + trimmed
            } else {
                flushList()
                paragraph.append(trimmed)
            }
        }
        if let open = fence {
            blocks.append(.code(language: open.lang, text: open.lines.joined(separator: "\n")))
        }
        flushParagraph(); flushList()
        return blocks
    }

    private static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") {
            return (false, String(line.dropFirst(2)).trimmingSpaces())
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        let rest = line.dropFirst(digits.count)
        if !digits.isEmpty, rest.hasPrefix(". ") || rest.hasPrefix(") ") {
            return (true, String(rest.dropFirst(2)).trimmingSpaces())
        }
        return nil
    }

    /// Inline spans; unmatched markers stay literal text.
    static func inlines(_ text: String) -> [Inline] {
        var out: [Inline] = []
        var plain = ""
        var i = text.startIndex
        func flush() {
            if !plain.isEmpty { out.append(.text(plain)); plain = "" }
        }
        while i < text.endIndex {
            let rest = text[i...]
            if rest.hasPrefix("`"), let close = rest.dropFirst().firstIndex(of: "`") {
                flush()
                out.append(.code(String(text[text.index(after: i)..<close])))
                i = text.index(after: close)
            } else if rest.hasPrefix("**"), let close = rest.dropFirst(2).range(of: "**") {
                flush()
                out.append(.strong(inlines(String(text[text.index(i, offsetBy: 2)..<close.lowerBound]))))
                i = close.upperBound
            } else if rest.hasPrefix("*") || rest.hasPrefix("_"),
                      let close = rest.dropFirst().firstIndex(of: rest.first!),
                      close > text.index(after: i) {
                flush()
                out.append(.emphasis(inlines(String(text[text.index(after: i)..<close]))))
                i = text.index(after: close)
            } else if rest.hasPrefix("["), let mid = rest.range(of: "]("),
                      let close = rest[mid.upperBound...].firstIndex(of: ")") {
                flush()
                let label = String(text[text.index(after: i)..<mid.lowerBound])
                let url = String(text[mid.upperBound..<close])
                out.append(.link(url: url, inlines(label)))
                i = text.index(after: close)
            } else {
                plain.append(text[i])
                i = text.index(after: i)
            }
        }
        flush()
        return out
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
