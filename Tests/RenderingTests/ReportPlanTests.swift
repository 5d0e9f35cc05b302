import NotebookModel
import Plots
import Testing
@testable import Rendering

@Suite struct ReportPlanTests {
    let plan = ReportPlan(Sample.report())

    @Test func sectionsAreNumberedFromTheTopHeadingLevel() {
        #expect(plan.headings.map(\.number) == ["1", "1.1", "2", "2.1", "3"])
        #expect(
            plan.headings.map(\.plainTitle) == [
                "Introduction", "Data", "Results", "Long outputs", "Discussion",
            ])
    }

    @Test func notebooksThatStartAtLevelTwoStillNumberFromOne() {
        var nb = Sample.minimal()
        nb.notebook.blocks = [
            .prose(.heading(level: 2, [.text("A")])), .prose(.heading(level: 3, [.text("B")])),
            .prose(.heading(level: 2, [.text("C")])),
        ]
        #expect(ReportPlan(nb).headings.map(\.number) == ["1", "1.1", "2"])
    }

    @Test func figuresAndTablesTakeTheirLabelFromTheCellOrTheOutput() {
        #expect(plan.figures.map(\.id) == ["fig-curves", "fig-loss"])
        #expect(plan.tables.map(\.id) == ["tbl-accuracy", "tbl-per-image"])
        #expect(plan.figures[0].caption == [.text("Training and validation accuracy per epoch.")])
        #expect(plan.tables[0].caption == [.text("Test accuracy by model.")])
    }

    @Test func crossReferencesResolveToNumberedTargets() {
        #expect(plan.references["fig-curves"]?.text == "Figure 1")
        #expect(plan.references["tbl-per-image"]?.text == "Table 2")
        #expect(plan.references["sec-data"]?.text == "Section 1.1")
        #expect(plan.references["sec-data"]?.id == "sec-data")
    }

    @Test func aHeadingAttributeIsStrippedFromTheTitle() {
        let (content, label) = ReportPlan.splitHeadingLabel([.text("Data {#sec-data}")])
        #expect(content == [.text("Data")])
        #expect(label == "sec-data")
    }

    @Test func unlabelledFiguresGetUniqueNumberedIds() {
        var nb = Sample.minimal()
        let figure = Figure.lines(series: [Series(name: "a", y: [1, 2])])
        nb.notebook.blocks = [.cell(Cell(index: 0, line: 1, source: "x"))]
        nb.results[0] = CellResult(
            outputs: [
                .figure(FigureOutput(figure: figure)),
                .figure(FigureOutput(figure: figure)),
            ], seconds: 0)
        #expect(ReportPlan(nb).figures.map(\.id) == ["fig-1", "fig-2"])
    }

    @Test func cellsAfterAFailureAreMarkedNotReached() {
        let partial = ReportPlan(Sample.report(failure: true))
        let cells = partial.items.compactMap { if case .cell(let c) = $0 { c } else { nil } }
        #expect(cells.first { $0.cell.index == 6 }?.failure?.line == 230)
        #expect(cells.first { $0.cell.index == 7 }?.reached == false)
        #expect(cells.first { $0.cell.index == 5 }?.reached == true)
    }

    @Test func outputFalseHidesACellsOutputs() {
        var nb = Sample.minimal()
        nb.notebook.blocks = [
            .cell(Cell(index: 0, line: 1, source: "x", options: CellOptions(output: false)))
        ]
        nb.results[0] = CellResult(outputs: [.text("hidden")], seconds: 0)
        guard case .cell(let c) = ReportPlan(nb).items[0] else { Issue.record("no cell"); return }
        #expect(c.outputs.isEmpty)
    }

    @Test func slugsAreLowercaseAsciiWords() {
        #expect(slug("3.1 Data & Split", fallback: "x") == "3-1-data-split")
        #expect(slug("Ünïcode", fallback: "2.1") == "n-code")
        #expect(slug("???", fallback: "2.1") == "2-1")
    }
}
