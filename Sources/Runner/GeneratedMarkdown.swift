import NotebookModel

/// Markdown the cells produced — `show(markdown:)` and the captions of figures and tables —
/// read by the notebook's own prose parser (cmark-gfm, `BlockBuilder`), so it knows what
/// the prose knows: emphasis, code, links, autolinks, escapes and entities, `$…$` math and
/// `@fig-…` cross-references. Cells, inline expressions and citations belong to the
/// notebook and are not read here; a heading becomes a bold line outside the numbering.
///
///     GeneratedMarkdown.caption("Counts; *disgust* is `rare`.")
///     // [.text("Counts; "), .emphasis([.text("disgust")]), .text(" is "), .code("rare"), .text(".")]
public enum GeneratedMarkdown {
    /// The blocks of `markdown`.
    public static func blocks(_ markdown: String) -> [ProseBlock] {
        BlockBuilder.generatedBlocks(markdown)
    }

    /// A caption's inlines: its one paragraph, or the text as written when it reads as
    /// anything else (a list, a code block).
    public static func caption(_ text: String) -> [Inline] {
        ExecutedNotebook.captionInlines(text, parsed: blocks(text))
    }

    /// Every Markdown text of `executed`'s outputs and the captions its cells give, parsed,
    /// by text (what the renderers read as `ExecutedNotebook.markdown`).
    public static func parse(_ executed: ExecutedNotebook) -> [String: [ProseBlock]] {
        var texts = Set<String>()
        for cell in executed.notebook.cells {
            if let c = cell.options.caption { texts.insert(c) }
        }
        for result in executed.results.values {
            for output in result.outputs {
                switch output {
                case .markdown(let s): texts.insert(s)
                case .figure(let f): if let c = f.caption { texts.insert(c) }
                case .table(let t): if let c = t.caption { texts.insert(c) }
                default: break
                }
            }
        }
        var parsed: [String: [ProseBlock]] = [:]
        for text in texts { parsed[text] = blocks(text) }
        return parsed
    }
}
