import NotebookModel

/// Conditional blocks and citations, settled once for both renderers.
extension ReportPlan {
    /// The notebook's blocks as the report shows them: a conditional block is replaced by
    /// its content when its condition held in the run and dropped otherwise (so headings in
    /// a shown block are numbered like any other); callouts keep their place.
    static func resolveConditionals(_ blocks: [Block], values: [Int: String]) -> [Block] {
        blocks.flatMap { block -> [Block] in
            guard case .prose(let prose) = block else { return [block] }
            return resolveConditionals([prose], values: values).map(Block.prose)
        }
    }

    static func resolveConditionals(_ blocks: [ProseBlock], values: [Int: String]) -> [ProseBlock] {
        blocks.flatMap { block -> [ProseBlock] in
            switch block {
            case .conditional(let c):
                return c.isShown(values) ? resolveConditionals(c.blocks, values: values) : []
            case .callout(var c):
                c.blocks = resolveConditionals(c.blocks, values: values)
                return [.callout(c)]
            default:
                return [block]
            }
        }
    }

    /// Cited keys numbered in order of first citation in the shown prose, and the entries
    /// of the References section in that order. Keys with no entry are left out (the parser
    /// refuses them; a renderer shows "?").
    static func numberCitations(_ blocks: [Block], references: [BibliographyEntry])
        -> (numbers: [String: Int], entries: [BibliographyEntry])
    {
        var numbers: [String: Int] = [:]
        var entries: [BibliographyEntry] = []
        let byID = Dictionary(
            references.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func visit(_ inlines: [Inline]) {
            for inline in inlines {
                switch inline {
                case .citation(let items):
                    for item in items where numbers[item.key] == nil {
                        guard let entry = byID[item.key] else { continue }
                        entries.append(entry)
                        numbers[item.key] = entries.count
                    }
                case .emphasis(let c), .strong(let c), .strikethrough(let c), .link(_, let c):
                    visit(c)
                default: break
                }
            }
        }
        func visit(_ block: ProseBlock) {
            switch block {
            case .heading(_, let c), .paragraph(let c): visit(c)
            case .list(_, _, let items): items.joined().forEach(visit)
            case .quote(let blocks): blocks.forEach(visit)
            case .table(let header, _, let rows):
                header.forEach(visit)
                rows.joined().forEach(visit)
            case .callout(let c): c.blocks.forEach(visit)
            case .conditional(let c): c.blocks.forEach(visit)
            case .code, .thematicBreak, .html, .displayMath: break
            }
        }
        for case .prose(let block) in blocks { visit(block) }
        return (numbers, entries)
    }

    /// "[1, 2]" / "[1, p. 3]": the numbers of a citation's keys, each with its locator.
    func citationParts(_ items: [CitationItem]) -> [(text: String, key: String?)] {
        items.map { item in
            guard let n = citationNumbers[item.key] else { return ("?", nil) }
            return ("\(n)" + (item.locator.map { ", \($0)" } ?? ""), item.key)
        }
    }
}

extension ReportText {
    /// An entry of the References section, in pieces the renderers style: the authors, the
    /// title (italic), what follows it, and the URL (a link).
    struct BibliographyLine {
        var authors: String?
        var title: String
        var details: String?
        var url: String?
    }

    /// "He, Zhang and Ren. *Deep Residual Learning*. CVPR, IEEE, 2016. Oral. https://…"
    static func bibliographyLine(_ e: BibliographyEntry) -> BibliographyLine {
        var authors: String?
        switch e.authors.count {
        case 0: authors = nil
        case 1: authors = e.authors[0]
        default: authors = e.authors.dropLast().joined(separator: ", ") + " and " + e.authors.last!
        }
        let venue = [e.container, e.publisher, e.year].compactMap { $0 }.joined(separator: ", ")
        let details = [
            venue.isEmpty ? nil : venue + ".", e.note.map { $0.hasSuffix(".") ? $0 : $0 + "." },
        ]
        .compactMap { $0 }.joined(separator: " ")
        return BibliographyLine(
            authors: authors, title: e.title,
            details: details.isEmpty ? nil : details, url: e.url)
    }

    /// The HTML id and PDF destination of an entry.
    static func referenceID(_ key: String) -> String { "ref-" + key }
}
