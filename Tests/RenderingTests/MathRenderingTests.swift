import Foundation
import NotebookModel
import Testing
@testable import Rendering

/// `Inline.math` and `ProseBlock.displayMath` in every renderer, from a hand-built notebook.
@Suite struct MathRenderingTests {
    static let weight = "w(c) = \\frac{n}{k \\cdot n(c)}"
    static let sum = "\\sum_{i=1}^{n} x_i^2 \\le \\sqrt{\\alpha}"

    static func notebook() -> ExecutedNotebook {
        var nb = Sample.minimal()
        nb.notebook.blocks = [
            .prose(
                .paragraph([
                    .text("Class weights "), .math(weight),
                    .text(" balance the loss; it costs $5."),
                ])),
            .prose(.displayMath(sum)),
        ]
        return nb
    }

    @Test func htmlWritesMathMLCoreInlineAndAsABlock() throws {
        let html = try HTMLRenderer().render(Self.notebook())
        #expect(
            html.contains(
                "Class weights <math alttext=\"w(c) = \\frac{n}{k \\cdot n(c)}\"><mrow><mi>w</mi><mo>(</mo><mi>c</mi><mo>)</mo><mo>=</mo>"
                    + "<mfrac><mi>n</mi><mrow><mi>k</mi><mo>·</mo><mi>n</mi><mo>(</mo><mi>c</mi><mo>)</mo></mrow></mfrac></mrow></math> balance"
            ))
        #expect(
            html.contains(
                "<math display=\"block\" alttext=\"\\sum_{i=1}^{n} x_i^2 \\le \\sqrt{\\alpha}\"><mrow>"
                    + "<munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover>"
                    + "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup><mo>≤</mo><msqrt><mi>α</mi></msqrt></mrow></math>"
            ))
        #expect(!html.contains("<script src"), "no script renders the math")
    }

    @Test func mathMLCoversEveryElementOfTheSubset() {
        #expect(
            MathML.element("x^2", display: false)
                == "<math alttext=\"x^2\"><msup><mi>x</mi><mn>2</mn></msup></math>")
        #expect(
            MathML.element("x_i", display: false)
                == "<math alttext=\"x_i\"><msub><mi>x</mi><mi>i</mi></msub></math>")
        #expect(
            MathML.element("\\text{if } \\Omega", display: false)
                == "<math alttext=\"\\text{if } \\Omega\"><mrow><mtext>if </mtext><mi mathvariant=\"normal\">Ω</mi></mrow></math>"
        )
        #expect(
            MathML.element("a < b", display: false).contains("<mo>&lt;</mo>"),
            "operators are escaped")
    }

    @Test func thePDFSetsTheFormulasCharacters() throws {
        let url = try temporaryDirectory().appendingPathComponent("math.pdf")
        try PDFRenderer().render(Self.notebook(), to: url)
        let text = normalized(try run("pdftotext", [url.path, "-"]))
        #expect(text.contains("Class weights w(c) = n/(k"), "got: \(text)")
        #expect(text.contains("n(c)) balance the loss"))
        #expect(text.contains("∑i=1 n xi 2 ≤ √α"), "the display formula reads in order: \(text)")
    }

    @Test func pangoMarkupItalicisesIdentifiersAndRaisesScripts() {
        var m = PangoMarkup()
        m.math("x_i^2 + \\frac{a}{b+1}")
        #expect(
            m.markup
                == "<i>x</i><sub><i>i</i></sub><sup>2</sup>\u{2009}+\u{2009}<i>a</i>/(<i>b</i>\u{2009}+\u{2009}1)"
        )
    }

    @Test func ipynbAndGFMKeepTheTeXBetweenDollars() throws {
        let ipynb =
            try JSONSerialization.jsonObject(with: IPYNBRenderer().render(Self.notebook()))
            as! [String: Any]
        let source = (ipynb["cells"] as! [[String: Any]]).map {
            ($0["source"] as! [String]).joined()
        }.joined()
        #expect(
            source.contains(
                "Class weights $w(c) = \\frac{n}{k \\cdot n(c)}$ balance the loss; it costs \\$5."))
        #expect(source.contains("$$\n\\sum_{i=1}^{n} x_i^2 \\le \\sqrt{\\alpha}\n$$"))
        let gfm = try GFMRenderer().render(Self.notebook(), filesFolder: "m_files").markdown
        #expect(gfm.contains("$w(c) = \\frac{n}{k \\cdot n(c)}$"))
        #expect(gfm.contains("$$\n\\sum_{i=1}^{n} x_i^2 \\le \\sqrt{\\alpha}\n$$"))
    }
}
