/// Markdown prose as a block tree (CommonMark + GitHub tables), the subset reports render.
public indirect enum ProseBlock: Codable, Sendable, Hashable {
    case heading(level: Int, [Inline])
    case paragraph([Inline])
    case list(ordered: Bool, start: Int, items: [[ProseBlock]])
    case quote([ProseBlock])
    /// A fenced or indented code block that is not a Swift cell.
    case code(language: String?, text: String)
    case table(header: [[Inline]], alignments: [ColumnAlignment], rows: [[[Inline]]])
    case thematicBreak
    /// Raw HTML; the HTML renderer passes it through, the PDF renderer drops it.
    case html(String)
    /// `::: {.callout-warning}` … `:::`: a labelled box around prose.
    case callout(Callout)
    /// `::: {when="expr"}` … `:::`: prose shown only when a Swift condition held in the run.
    case conditional(Conditional)
    /// `$$…$$`: TeX display math (the subset `MathParser` reads), set on its own line.
    case displayMath(String)
}

/// Inline Markdown content.
public indirect enum Inline: Codable, Sendable, Hashable {
    case text(String)
    case code(String)
    case emphasis([Inline])
    case strong([Inline])
    case strikethrough([Inline])
    case link(url: String, [Inline])
    case image(url: String, alt: String)
    case softBreak
    case lineBreak
    /// `@fig-cm`: resolved to "Figure 4" with a link by the renderers.
    case crossReference(label: String)
    /// `` `{swift} expr` ``: replaced by the value the run produced; `index` numbers the
    /// inline expressions of the notebook from 0 in reading order.
    case inlineExpression(index: Int, source: String)
    case html(String)
    /// `[@he2016]`, `[@a; @b, p. 3]`: numbered by the renderers in order of first citation,
    /// linking to the entry in the report's References section.
    case citation([CitationItem])
    /// `$…$`: TeX inline math (the subset `MathParser` reads), kept as its source.
    case math(String)
}

public enum ColumnAlignment: String, Codable, Sendable, Hashable {
    case none, left, center, right
}
