import Foundation
import NotebookModel
import Testing
@testable import Runner

/// Fenced divs (callouts, `when`/`unless` blocks) and citations in the parse stage.
@Suite("Parsing callouts, conditional blocks and citations")
struct NotebookDivParsingTests {
    /// The error a notebook's text fails to parse with.
    func error(_ text: String) -> RunnerError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error as? RunnerError
        }
    }

    let cell = "```swift\nlet n = 3\n```\n"

    @Test func aCalloutHoldsItsProseKindAndTitle() throws {
        let parsed = try parse(
            cell + """

                ::: {.callout-warning title="Small data"}
                Only **three** values.

                - one
                :::

                ::: {.callout-note}
                A note.
                :::
                """)
        let prose = parsed.notebook.blocks.dropFirst().compactMap {
            if case .prose(let p) = $0 { p } else { nil }
        }
        #expect(
            prose == [
                .callout(
                    Callout(
                        kind: .warning, title: "Small data",
                        blocks: [
                            .paragraph([
                                .text("Only "), .strong([.text("three")]), .text(" values."),
                            ]),
                            .list(ordered: false, start: 0, items: [[.paragraph([.text("one")])]]),
                        ])),
                .callout(Callout(kind: .note, blocks: [.paragraph([.text("A note.")])])),
            ])
    }

    @Test func everyCalloutKindIsKnownAndLabelled() throws {
        for kind in Callout.Kind.allCases {
            let parsed = try parse(cell + "\n::: {.callout-\(kind.rawValue)}\nText.\n:::\n")
            #expect(
                parsed.notebook.blocks.last
                    == .prose(.callout(Callout(kind: kind, blocks: [.paragraph([.text("Text.")])])))
            )
        }
        #expect(
            Callout.Kind.allCases.map(\.label) == [
                "Note", "Tip", "Warning", "Important", "Caution",
            ])
    }

    @Test func aConditionIsAnInlineExpressionAfterTheCellBeforeItAndEnclosesTheBlocksExpressions()
        throws
    {
        let parsed = try parse(
            "Before: `{swift} 1`.\n\n" + cell + """

                ::: {when="n > 2"}
                Shown with `{swift} n`.

                ::: {unless="n > 5"}
                Nested: `{swift} n * 2`.
                :::
                :::

                After: `{swift} n + 1`.
                """)
        let e = parsed.inlineExpressions
        #expect(e.map(\.source) == ["1", "n > 2", "n", "n > 5", "n * 2", "n + 1"])
        #expect(e.map(\.kind) == [.value, .condition, .value, .condition, .value, .value])
        #expect(e.map(\.afterCell) == [nil, 0, 0, 0, 0, 0])
        #expect(e.map(\.enclosingCondition) == [nil, nil, 1, 1, 3, nil])
        #expect(e.map(\.negated) == [false, false, false, true, false, false])
        #expect(e.map(\.line) == [1, 7, 8, 10, 11, 15])
        #expect(
            parsed.notebook.blocks[2]
                == .prose(
                    .conditional(
                        Conditional(
                            index: 1, source: "n > 2",
                            blocks: [
                                .paragraph([
                                    .text("Shown with "), .inlineExpression(index: 2, source: "n"),
                                    .text("."),
                                ]),
                                .conditional(
                                    Conditional(
                                        index: 3, source: "n > 5", negated: true,
                                        blocks: [
                                            .paragraph([
                                                .text("Nested: "),
                                                .inlineExpression(index: 4, source: "n * 2"),
                                                .text("."),
                                            ])
                                        ])),
                            ]))))
    }

    @Test func aConditionalCalloutIsACalloutInsideAConditionalBlock() throws {
        let parsed = try parse(
            cell + "\n::: {.callout-tip when='n == 3' title=\"Three\"}\nYes.\n:::\n")
        #expect(
            parsed.notebook.blocks.last
                == .prose(
                    .conditional(
                        Conditional(
                            index: 0, source: "n == 3",
                            blocks: [
                                .callout(
                                    Callout(
                                        kind: .tip, title: "Three",
                                        blocks: [.paragraph([.text("Yes.")])]))
                            ]))))
    }

    @Test func colonsInsideCellsAndCodeBlocksAreNotDivs() throws {
        let parsed = try parse(
            """
            ```swift
            let s = \"""
            ::: {when="x"}
            \"""
            ```

            ~~~text
            :::
            ~~~

                ::: indented code
            """)
        #expect(parsed.notebook.cells[0].source.contains("::: {when=\"x\"}"))
        #expect(
            parsed.notebook.blocks.dropFirst() == [
                .prose(.code(language: "text", text: ":::")),
                .prose(.code(language: nil, text: "::: indented code")),
            ])
        #expect(parsed.inlineExpressions.isEmpty)
    }

    @Test func theGeneratedProgramEvaluatesABlocksExpressionsOnlyInsideItsCondition() throws {
        let parsed = try parse(
            cell
                + "\n::: {unless=\"n > 2\"}\nThe tenth: `{swift} [n][9]`.\n:::\nAfter: `{swift} n`.\n"
        )
        let program = CodeGenerator.generate(parsed, params: [])
        #expect(
            program.contains(
                """
                #sourceLocation(file: "Notebooks/test.md", line: 5)
                if !_NotebookRuntime.condition(0, { (n > 2) }) {
                #sourceLocation()
                #sourceLocation(file: "Notebooks/test.md", line: 6)
                _NotebookRuntime.inline(1) { ([n][9]) }
                #sourceLocation()
                }
                #sourceLocation(file: "Notebooks/test.md", line: 8)
                _NotebookRuntime.inline(2) { (n) }
                """))
    }

    @Test func theFreezeKeyChangesWhenAnExpressionMovesIntoAConditionalBlock() throws {
        let inside = try parse(cell + "\n::: {when=\"true\"}\n`{swift} n`\n:::\n")
        let outside = try parse(cell + "\n::: {when=\"true\"}\n:::\n`{swift} n`\n")
        #expect(
            FreezeCache.key(inside, params: [], libraryIdentity: "x")
                != FreezeCache.key(outside, params: [], libraryIdentity: "x"))
    }

    @Test func aConditionReadingALaterCellsValueIsRefused() {
        let e = error(
            cell + "\n::: {when=\"late > 0\"}\nText.\n:::\n\n```swift\nlet late = 1\n```\n")
        #expect(e?.line == 5)
        #expect(
            e?.message.hasPrefix("the condition when=\"late > 0\" reads 'late', which cell 2")
                == true)
    }

    // MARK: - Div errors

    @Test func anUnclosedBlockNamesTheLineItOpened() {
        let e = error(cell + "\n::: {.callout-note}\nText.\n\n::: {when=\"n > 1\"}\nMore.\n:::\n")
        #expect(
            e
                == RunnerError(
                    file: "Notebooks/test.md", line: 5,
                    "the '::: {…}' block opened on line 5 is never closed; add a ':::' line where it ends"
                ))
    }

    @Test func aStrayClosingLineIsAnError() {
        let e = error(cell + "\nText.\n:::\n")
        #expect(e?.line == 6)
        #expect(e?.message.hasPrefix("this ':::' closes no block") == true)
    }

    @Test func unknownClassesAndAttributesAreErrorsListingTheKnownOnes() {
        let unknownClass = error(cell + "\n::: {.callout-danger}\nText.\n:::\n")
        #expect(unknownClass?.line == 5)
        #expect(
            unknownClass?.message.hasPrefix(
                "unknown block class or id '.callout-danger' (known: classes .callout-note") == true
        )
        let unknownAttribute = error(cell + "\n::: {.callout-note colour=\"red\"}\nText.\n:::\n")
        #expect(
            unknownAttribute?.message.hasPrefix("unknown block attribute 'colour' (known:") == true)
        #expect(
            error(cell + "\n::: {#sec-x}\nText.\n:::\n")?.message.hasPrefix(
                "unknown block class or id '#sec-x'") == true)
        #expect(
            error(cell + "\n::: callout-note\nText.\n:::\n")?.message.hasPrefix(
                "a block opener needs its attributes in braces") == true)
        #expect(
            error(cell + "\n::: {title=\"T\"}\nText.\n:::\n")?.message.hasPrefix(
                "title=\"…\" is for callouts") == true)
        #expect(
            error(cell + "\n::: {when=\"a\" unless=\"b\"}\nText.\n:::\n")?.message.hasPrefix(
                "a block takes one condition") == true)
        #expect(
            error(cell + "\n::: {when=\"\"}\nText.\n:::\n")?.message.hasPrefix("when=\"\" is empty")
                == true)
        #expect(
            error(cell + "\n::: {}\nText.\n:::\n")?.message.hasPrefix("an empty block opener")
                == true)
    }

    @Test func aCellInsideABlockIsRefused() {
        let e = error("::: {.callout-note}\n" + cell + ":::\n")
        #expect(
            e?.message
                == "a Swift cell cannot be inside the ':::' block opened on line 1; close the block with ':::' before the cell"
        )
    }

    // MARK: - Citations and references

    let references = """
        ---
        references:
          - id: goodfellow2013
            author: [Ian Goodfellow, Dumitru Erhan]
            title: Challenges in Representation Learning
            container-title: ICONIP
            issued: {date-parts: [[2013, 11]]}
            url: https://arxiv.org/abs/1307.0414
          - id: he2016
            author:
              - {family: He, given: Kaiming}
              - {literal: Microsoft Research}
            title: Deep Residual Learning
            issued: 2016-06-27
            publisher: IEEE
            doi: 10.1109/CVPR.2016.90
            volume: 1
          - id: report
            author: One Author
            title: A Report
            year: 2020
            institution: A University
            note: Technical report
        ---

        """

    @Test func referencesAreReadFromTheFrontMatter() throws {
        let parsed = try parse(references + cell)
        #expect(
            parsed.notebook.frontMatter.references == [
                BibliographyEntry(
                    id: "goodfellow2013", authors: ["Ian Goodfellow", "Dumitru Erhan"],
                    title: "Challenges in Representation Learning", year: "2013",
                    container: "ICONIP",
                    url: "https://arxiv.org/abs/1307.0414"),
                BibliographyEntry(
                    id: "he2016", authors: ["Kaiming He", "Microsoft Research"],
                    title: "Deep Residual Learning",
                    year: "2016", publisher: "IEEE", url: "https://doi.org/10.1109/CVPR.2016.90"),
                BibliographyEntry(
                    id: "report", authors: ["One Author"], title: "A Report", year: "2020",
                    publisher: "A University", note: "Technical report"),
            ])
        #expect(
            parsed.warnings.isEmpty, "volume is a CSL field the report does not show: no warning")
    }

    @Test func citationsAreParsedBesideCrossReferences() throws {
        let parsed = try parse(
            references + cell + """

                See [@goodfellow2013], [@he2016; @report, p. 3] and @fig-x, but not [a link](https://x.org),
                [plain brackets], mail me@example.org or [see @fig-y].
                """)
        guard case .prose(.paragraph(let inlines))? = parsed.notebook.blocks.last else {
            Issue.record(
                "expected a paragraph, got \(String(describing: parsed.notebook.blocks.last))")
            return
        }
        #expect(
            inlines.filter { if case .citation = $0 { true } else { false } } == [
                .citation([CitationItem(key: "goodfellow2013")]),
                .citation([
                    CitationItem(key: "he2016"), CitationItem(key: "report", locator: "p. 3"),
                ]),
            ])
        #expect(inlines.contains(.crossReference(label: "fig-x")))
        #expect(inlines.contains(.crossReference(label: "fig-y")))
        #expect(inlines.contains(.link(url: "https://x.org", [.text("a link")])))
        #expect(inlines.contains(.text("[plain brackets], mail ")))
        #expect(inlines.contains(.text(" or [see ")))
    }

    @Test func citationsWorkInsideBlocks() throws {
        let parsed = try parse(references + cell + "\n::: {.callout-note}\nAs in [@report].\n:::\n")
        #expect(
            parsed.notebook.blocks.last
                == .prose(
                    .callout(
                        Callout(
                            kind: .note,
                            blocks: [
                                .paragraph([
                                    .text("As in "), .citation([CitationItem(key: "report")]),
                                    .text("."),
                                ])
                            ]))))
    }

    @Test func anUnknownCitationKeyIsAnErrorListingTheKnownKeys() {
        let e = error(references + cell + "\nFirst line,\nthen [@he2016; @nobody].\n")
        #expect(
            e
                == RunnerError(
                    file: "Notebooks/test.md", line: 30,
                    "unknown citation key '@nobody' (known keys: goodfellow2013, he2016, report; add an entry to 'references:' or fix the key)"
                ))
        #expect(
            error(cell + "\n[@he2016]\n")?.message
                == "unknown citation key '@he2016' (the front matter has no references; add a 'references:' list with an entry whose id is 'he2016')"
        )
    }

    @Test func aReferenceWithoutIdOrTitleIsAnError() {
        let noID = error("---\nreferences:\n  - title: Untitled key\n---\n" + cell)
        #expect(noID?.line == 3)
        #expect(noID?.message.hasPrefix("reference 1 has no 'id'") == true)
        let noTitle = error(
            "---\nreferences:\n  - id: a\n    title: A\n  - id: b\n    author: X\n---\n" + cell)
        #expect(
            noTitle
                == RunnerError(
                    file: "Notebooks/test.md", line: 5,
                    "reference 'b' has no 'title'; add 'title: …'"))
        #expect(
            error("---\nreferences: {id: a}\n---\n" + cell)?.message.hasPrefix(
                "'references' must be a list") == true)
        #expect(
            error(
                "---\nreferences:\n  - id: a\n    title: A\n  - id: a\n    title: B\n---\n" + cell)?
                .message
                == "reference id 'a' is used twice (first on line 3)")
    }

    @Test func anUnknownReferenceFieldIsAWarning() throws {
        let parsed = try parse(
            "---\nreferences:\n  - id: a\n    title: A\n    colour: red\n---\n" + cell)
        #expect(
            parsed.warnings.map(\.description) == [
                "Notebooks/test.md:5: warning: reference field 'colour' is ignored (known: id, author, title, year, issued, container-title, publisher, institution, note, url, doi)"
            ])
    }
}
