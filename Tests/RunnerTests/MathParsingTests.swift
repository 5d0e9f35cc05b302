import Foundation
import NotebookModel
import Testing
@testable import Runner

/// `$…$` and `$$…$$` in prose, and the TeX subset `MathParser` reads.
@Suite("Parsing math")
struct MathParsingTests {
    func prose(_ text: String) throws -> [ProseBlock] {
        try parse(text + "\n```swift\nlet n = 1\n```\n").notebook.blocks.compactMap {
            if case .prose(let p) = $0 { p } else { nil }
        }
    }

    func error(_ text: String) -> RunnerError? {
        do { _ = try parse(text); return nil } catch { return error as? RunnerError }
    }

    // MARK: Delimiters

    @Test func dollarsAroundAFormulaMakeInlineMath() throws {
        #expect(
            try prose("The weight $w(c) = n / (k \\cdot n(c))$ per class.\n") == [
                .paragraph([
                    .text("The weight "), .math("w(c) = n / (k \\cdot n(c))"), .text(" per class."),
                ])
            ])
    }

    @Test func cmarkNeverSeesTheFormulaSoUnderscoresAndBackslashesStay() throws {
        #expect(
            try prose("Let $a_{i}^{2} * b_{j}*$ and $\\{x\\}$.\n") == [
                .paragraph([
                    .text("Let "), .math("a_{i}^{2} * b_{j}*"), .text(" and "), .math("\\{x\\}"),
                    .text("."),
                ])
            ])
    }

    @Test func doubleDollarsOnTheirOwnLinesAreADisplayBlockThatSplitsTheParagraph() throws {
        #expect(
            try prose("Before\n$$\n\\sum_{i=1}^{n} x_i\n$$\nafter.\n\nNext $$y$$\n") == [
                .paragraph([.text("Before")]),
                .displayMath("\\sum_{i=1}^{n} x_i"),
                .paragraph([.text("after.")]),
                .paragraph([.text("Next")]),
                .displayMath("y"),
            ])
    }

    @Test func aMultiLineFormulaKeepsTheLinesOfTheCellsAfterIt() throws {
        let parsed = try parse("$$\nx\n+ y\n$$\n\n```swift\nlet a = 1\n```\n")
        let cells = parsed.notebook.blocks.compactMap {
            if case .cell(let c) = $0 { c } else { nil }
        }
        #expect(cells.first?.line == 7)
    }

    @Test func dollarsThatArePricesEscapesOrSpacedAreText() throws {
        #expect(
            try prose("It costs $5 or $10.50 today.\n") == [
                .paragraph([.text("It costs $5 or $10.50 today.")])
            ])
        #expect(try prose("Pay \\$x\\$ now.\n") == [.paragraph([.text("Pay $x$ now.")])])
        #expect(
            try prose("From $ 3 to 4 $ here.\n") == [.paragraph([.text("From $ 3 to 4 $ here.")])])
        #expect(
            try prose("A $5 note and $x$.\n") == [
                .paragraph([.text("A $5 note and "), .math("x"), .text(".")])
            ])
        #expect(
            try prose("Closing $a$5 needs no digit after.\n") == [
                .paragraph([.text("Closing $a$5 needs no digit after.")])
            ])
        #expect(try prose("Just $2$.\n") == [.paragraph([.text("Just "), .math("2"), .text(".")])])
    }

    @Test func codeSpansAndCodeBlocksKeepTheirDollars() throws {
        #expect(
            try prose("Run `echo $HOME$` now.\n\n```sh\nx=$a$b\n```\n\n    y=$c$d\n") == [
                .paragraph([.text("Run "), .code("echo $HOME$"), .text(" now.")]),
                .code(language: "sh", text: "x=$a$b"),
                .code(language: nil, text: "y=$c$d"),
            ])
    }

    @Test func mathInHeadingsListsAndLinksIsInline() throws {
        #expect(
            try prose("# Loss $L_2$\n\n- item $\\alpha$\n") == [
                .heading(level: 1, [.text("Loss "), .math("L_2")]),
                .list(
                    ordered: false, start: 0,
                    items: [[.paragraph([.text("item "), .math("\\alpha")])]]),
            ])
    }

    // MARK: Errors at the formula's line

    @Test func anUnsupportedCommandIsAnErrorAtItsLineNamingIt() throws {
        let e = try #require(error("Intro.\n\nThe area $\\int_0^1 f$.\n"))
        #expect(e.line == 3)
        #expect(e.file == "Notebooks/test.md")
        #expect(e.message.contains("unsupported command \\int"))
        #expect(e.message.contains("$\\int_0^1 f$"))
    }

    @Test func anUnbalancedBraceIsAnErrorAtItsLine() throws {
        let open = try #require(error("a\n\n$$\n\\frac{a}{b\n$$\n"))
        #expect(open.line == 3)
        #expect(open.message.contains("unbalanced brace"))
        let close = try #require(error("x $a}$\n"))
        #expect(close.line == 1)
        #expect(close.message.contains("'}' without a matching '{'"))
    }

    @Test func eachMalformedConstructNamesItself() throws {
        #expect(
            error("$\\frac{a}$\n")?.message.contains("\\frac needs a numerator and a denominator")
                == true)
        #expect(error("$\\sqrt x$\n")?.message.contains("\\sqrt needs a braced argument") == true)
        #expect(error("$x^$\n")?.message.contains("'^' needs an argument") == true)
        #expect(error("$x_$\n")?.message.contains("'_' needs an argument") == true)
        #expect(error("$x^a^b$\n")?.message.contains("double superscript") == true)
        #expect(error("$a & b$\n")?.message.contains("unsupported character '&'") == true)
        #expect(error("$\\text{ab$\n")?.message.contains("unbalanced brace") == true)
    }

    // MARK: The TeX subset

    @Test func identifiersNumbersAndOperators() throws {
        #expect(
            try MathParser.parse("2x + 3.5 - y = z")
                == .row([
                    .number("2"), .identifier("x"), .op("+"), .number("3.5"), .op("−"),
                    .identifier("y"), .op("="), .identifier("z"),
                ]))
        #expect(
            try MathParser.parse("a < b > c ≤ d ≥ e · f × g / h")
                == .row([
                    .identifier("a"), .op("<"), .identifier("b"), .op(">"), .identifier("c"),
                    .op("≤"), .identifier("d"),
                    .op("≥"), .identifier("e"), .op("·"), .identifier("f"), .op("×"),
                    .identifier("g"), .op("/"), .identifier("h"),
                ]))
        #expect(
            try MathParser.parse("\\cdot\\times\\pm\\le\\ge\\ne\\approx\\infty\\sum\\prod")
                == .row(
                    ["·", "×", "±", "≤", "≥", "≠", "≈", "∞", "∑", "∏"].map { .op($0) }))
    }

    @Test func scriptsTakeABraceGroupOrOneSymbol() throws {
        #expect(
            try MathParser.parse("x^2")
                == .scripts(base: .identifier("x"), sub: nil, sup: .number("2")))
        #expect(
            try MathParser.parse("x^{10}")
                == .scripts(base: .identifier("x"), sub: nil, sup: .number("10")))
        #expect(
            try MathParser.parse("x_i")
                == .scripts(base: .identifier("x"), sub: .identifier("i"), sup: nil))
        #expect(
            try MathParser.parse("x_{i+1}^\\alpha")
                == .scripts(
                    base: .identifier("x"), sub: .row([.identifier("i"), .op("+"), .number("1")]),
                    sup: .identifier("α")))
        #expect(
            try MathParser.parse("x^12")
                == .row([
                    .scripts(base: .identifier("x"), sub: nil, sup: .number("1")), .number("2"),
                ]))
    }

    @Test func fractionsRootsGreekFunctionsTextAndBrackets() throws {
        #expect(
            try MathParser.parse("\\frac{a}{b+1}")
                == .fraction(.identifier("a"), .row([.identifier("b"), .op("+"), .number("1")])))
        #expect(try MathParser.parse("\\sqrt{x}") == .sqrt(.identifier("x")))
        #expect(
            try MathParser.parse("\\alpha\\omega\\Gamma\\Omega")
                == .row([
                    .identifier("α"), .identifier("ω"), .identifier("Γ"), .identifier("Ω"),
                ]))
        #expect(
            try MathParser.parse("\\log x + \\exp(y)")
                == .row([
                    .identifier("log"), .identifier("x"), .op("+"), .identifier("exp"), .op("("),
                    .identifier("y"), .op(")"),
                ]))
        #expect(
            try MathParser.parse("[a]\\text{ if } b")
                == .row([
                    .op("["), .identifier("a"), .op("]"), .text(" if "), .identifier("b"),
                ]))
    }

    @Test func plainTextGroupsCompositeParts() throws {
        #expect(
            try MathParser.parse("w(c) = \\frac{n}{k \\cdot n(c)}").plainText == "w(c)=n/(k·n(c))")
        #expect(try MathParser.parse("\\sqrt{x^2}").plainText == "√(x^2)")
    }
}
