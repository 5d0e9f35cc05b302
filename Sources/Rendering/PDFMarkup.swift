import Foundation
import NotebookModel
import Plots
import XMLEscaping

/// Pango markup for inline content, with the byte ranges of links in the laid-out text
/// (Pango indexes the text after markup is parsed, so links are tracked in those bytes).
struct PangoMarkup {
    /// A link's destination: a URI or a named destination inside the document.
    enum Target: Equatable {
        case uri(String)
        case internalDest(String)
    }

    struct Link: Equatable {
        var range: Range<Int>
        var target: Target
    }

    private(set) var markup = ""
    private(set) var links: [Link] = []
    /// UTF-8 length of the plain text so far.
    private(set) var plainLength = 0

    mutating func text(_ s: String) {
        markup += escapeMarkup(s)
        plainLength += s.utf8.count
    }

    mutating func open(_ tag: String) { markup += tag }
    mutating func close(_ tag: String) { markup += tag }

    mutating func span(_ attributes: String, _ body: (inout PangoMarkup) -> Void) {
        markup += "<span \(attributes)>"
        body(&self)
        markup += "</span>"
    }

    mutating func link(_ target: Target, _ body: (inout PangoMarkup) -> Void) {
        let start = plainLength
        span("foreground=\"\(PDFStyle.linkColor)\"", body)
        if plainLength > start { links.append(Link(range: start..<plainLength, target: target)) }
    }

    /// Appends inline Markdown, resolving cross-references and inline values from `plan`.
    mutating func inlines(_ content: [Inline], plan: ReportPlan) {
        for i in content { inline(i, plan: plan) }
    }

    mutating func inline(_ i: Inline, plan: ReportPlan) {
        switch i {
        case .text(let s): text(s)
        case .code(let s):
            span(
                "font_family=\"\(PDFStyle.monoFamily)\" size=\"smaller\" background=\"\(PDFStyle.inlineCodeTint)\""
            ) {
                // Figure spaces: no-break and, unlike U+00A0, not stretched by justification.
                $0.text(s.replacingOccurrences(of: " ", with: "\u{2007}"))
            }
        case .emphasis(let c): open("<i>"); inlines(c, plan: plan); close("</i>")
        case .strong(let c): open("<b>"); inlines(c, plan: plan); close("</b>")
        case .strikethrough(let c): open("<s>"); inlines(c, plan: plan); close("</s>")
        case .link(let url, let c):
            link(.uri(url)) { $0.inlines(c, plan: plan) }
        case .image(_, let alt): open("<i>"); text("[\(alt)]"); close("</i>")
        case .softBreak: text(" ")
        case .lineBreak: text("\u{2028}")
        case .crossReference(let label):
            if let ref = plan.references[label] {
                link(.internalDest(ref.id)) { $0.text(ref.text) }
            } else {
                span("foreground=\"\(PDFStyle.failColor)\" weight=\"bold\"") {
                    $0.text("?@" + label)
                }
            }
        case .inlineExpression(let index, _):
            if let v = plan.inlineValues[index] {
                text(v)
            } else {
                span("foreground=\"\(PDFStyle.failColor)\"") { $0.text("??") }
            }
        case .html: break
        case .math(let source): math(source)
        case .citation(let items):
            text("[")
            for (k, part) in plan.citationParts(items).enumerated() {
                if k > 0 { text(", ") }
                if let key = part.key {
                    link(.internalDest(ReportText.referenceID(key))) { $0.text(part.text) }
                } else {
                    span("foreground=\"\(PDFStyle.failColor)\"") { $0.text(part.text) }
                }
            }
            text("]")
        }
    }

    /// Syntax-coloured Swift source; lines longer than `columns` wrap as `CodeWrapping` says.
    mutating func swift(_ source: String, columns: Int = .max) {
        let pieces = SwiftHighlighter.tokens(source).map { ($0.text, PDFStyle.tokenStyle[$0.kind]) }
        wrapped(pieces, columns: columns)
    }

    /// Monospaced text (logs, other languages), wrapped at `columns` like code.
    mutating func monospaced(_ text: String, columns: Int = .max) {
        wrapped([(text, nil)], columns: columns)
    }

    private mutating func wrapped(_ pieces: [(String, String?)], columns: Int) {
        let source = pieces.map(\.0).joined()
        let breaks = columns == .max ? [] : CodeWrapping.breaks(source, columns: columns)
        CodeWrapping.apply(
            breaks, to: pieces,
            emit: { piece, style in
                if let style { self.span(style) { $0.text(piece) } } else { self.text(piece) }
            },
            mark: { prefix in
                self.span("foreground=\"\(PDFStyle.markColor)\" weight=\"normal\" style=\"normal\"")
                { $0.text(prefix) }
            })
    }
}

/// Text for Pango markup: the one escaper, Plots' `escapeXML` (its doc comment states the
/// rule), under the name the PDF writers use.
func escapeMarkup(_ s: String) -> String { escapeXML(s) }

/// The PDF's typography and colours in one place.
enum PDFStyle {
    static let serifFamily = "Liberation Serif"
    static let sansFamily = "Liberation Sans"
    static let monoFamily = "DejaVu Sans Mono"

    static let body = "\(serifFamily) 10.5"
    static let caption = "\(serifFamily) 9.5"
    static let code = "\(monoFamily) 7.6"
    static let table = "\(sansFamily) 8.3"
    static let small = "\(sansFamily) 7.8"
    static let title = "\(serifFamily) Bold 21"
    static let byline = "\(sansFamily) 10"
    static let headings = [
        "\(sansFamily) Bold 13", "\(sansFamily) Bold 11.2", "\(sansFamily) Bold 10.2",
    ]

    static let linkColor = "#1d4f7a"
    static let failColor = "#a12a1f"
    static let passColor = "#2e6b3a"
    static let mutedColor = "#6a6860"
    static let inlineCodeTint = "#f1eee7"
    /// The continuation mark of wrapped code.
    static let markColor = "#a8a398"

    static let ink = RGB(0.12, 0.12, 0.11)
    static let muted = RGB(0.42, 0.41, 0.38)
    static let rule = RGB(0.80, 0.78, 0.73)
    static let tint = RGB(0.957, 0.949, 0.925)
    static let codeRule = RGB(0.83, 0.80, 0.74)
    static let errorTint = RGB(0.988, 0.945, 0.937)
    static let fail = RGB(0.63, 0.165, 0.12)

    static let tokenStyle: [SwiftHighlighter.Kind: String] = [
        .keyword: "foreground=\"#8a2a6b\" weight=\"bold\"",
        .type: "foreground=\"#1d4f7a\"",
        .string: "foreground=\"#9a4a10\"",
        .number: "foreground=\"#0f6b5c\"",
        .comment: "foreground=\"#7b7a72\" style=\"italic\"",
        .attribute: "foreground=\"#6b4fa0\"",
    ]

    struct RGB {
        var r, g, b: Double
        init(_ r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }
    }
}
