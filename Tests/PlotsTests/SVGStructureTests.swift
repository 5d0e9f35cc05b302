import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
@testable import Plots

/// What an SVG holds, read back with an XML parser.
final class SVGSummary: NSObject, XMLParserDelegate {
    var classes: [String: Int] = [:]
    var elements: [String: Int] = [:]
    var texts: [String] = []
    var title = ""
    private var inText = false, inTitle = false, current = ""

    static func parse(_ svg: String) throws -> SVGSummary {
        let summary = SVGSummary()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = summary
        guard parser.parse() else {
            throw PlotError.invalidImage(
                "SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "?")")
        }
        return summary
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        elements[name, default: 0] += 1
        if let c = attributes["class"] { classes[c, default: 0] += 1 }
        inText = name == "text"
        inTitle = name == "title"
        current = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText || inTitle { current += string }
    }

    func parser(
        _ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
        qualifiedName: String?
    ) {
        if name == "text" { texts.append(current) }
        if name == "title" { title = current }
        inText = false
        inTitle = false
    }
}

struct SVGStructureTests {
    @Test(arguments: Samples.all.map(\.name))
    func everySampleIsWellFormedSVG(name: String) throws {
        let figure = try #require(Samples.all.first { $0.name == name }?.figure)
        let svg = try SVGSummary.parse(figure.svg())
        #expect(svg.elements["svg"] == 1)
        #expect(svg.classes["panel"] == figure.panels.count)
    }

    @Test func aLineChartHoldsItsTitleLabelsAndOneGroupPerSeries() throws {
        let svg = try SVGSummary.parse(Samples.accuracy.svg())
        #expect(svg.title == "MobileNetV2 accuracy")
        #expect(svg.texts.contains("MobileNetV2 accuracy"))
        #expect(svg.texts.contains("Epoch") && svg.texts.contains("Accuracy"))
        #expect(svg.texts.contains("train") && svg.texts.contains("validation"))
        #expect(svg.texts.contains("best epoch (restored)"))
        #expect(svg.classes["series"] == 2)
        #expect(svg.classes["marker"] == 1)
        #expect(svg.classes["legend"] == 1)
    }

    @Test func theClassDistributionHasOneBarPerClassWithItsCount() throws {
        let svg = try SVGSummary.parse(Samples.distribution.svg())
        #expect(svg.classes["bar"] == 7)
        #expect(svg.texts.contains("7,215") && svg.texts.contains("436"))
        #expect(svg.texts.contains("disgust"))
    }

    @Test func groupedBarsDrawOneBarPerModelAndClass() throws {
        let svg = try SVGSummary.parse(Samples.groupedF1.svg())
        #expect(svg.classes["bar"] == 21)
        #expect(svg.texts.contains("EfficientNetB0"))
    }

    @Test func aConfusionMatrixHasACellPerPairWithCountsAndRowPercentages() throws {
        let svg = try SVGSummary.parse(Samples.confusionMatrix.svg())
        #expect(svg.classes["cell"] == 49)
        #expect(svg.classes["colorbar"] == 1)
        #expect(svg.texts.contains("1,584"))
        // happy row: 1584 of 1774
        #expect(svg.texts.contains("89.3%"))
        #expect(svg.texts.contains("Predicted") && svg.texts.contains("True"))
    }

    @Test func aHeatOverlayGridWithAColourBarSaysWhatTheColoursMean() throws {
        guard case .images(let plain) = Samples.gradCAM.panels[0].chart else {
            Issue.record("the Grad-CAM sample is not an image grid")
            return
        }
        let bar = GridColorBar(low: "least", high: "most", label: "Grad-CAM evidence")
        let figure = Figure.imageGrid(columns: 6, images: plain.images, colorBar: bar)
        let without = Figure.imageGrid(columns: 6, images: plain.images)
        #expect(figure.height == without.height + ImageGrid.colorBarHeight)
        let svg = try SVGSummary.parse(figure.svg())
        #expect(svg.classes["colorbar"] == 1)
        #expect(
            svg.texts.contains("least") && svg.texts.contains("most")
                && svg.texts.contains("Grad-CAM evidence"))
        #expect(try SVGSummary.parse(without.svg()).classes["colorbar"] == nil)
        let decoded = try JSONDecoder().decode(Figure.self, from: JSONEncoder().encode(figure))
        #expect(decoded == figure)
        // A grid encoded before colour bars existed still decodes, without one.
        let old = try JSONDecoder().decode(
            ImageGrid.self, from: Data(#"{"images":[],"columns":3}"#.utf8))
        #expect(old.colorBar == nil && old.columns == 3)
    }

    @Test func everyCellOfAHeatmapWritesItsTextAtTheSameSizes() throws {
        let cms = Figure.grid([Samples.confusionMatrix, Samples.confusionMatrix], columns: 2)
        for figure in [Samples.confusionMatrix, cms] {
            let cells = figure.svg().components(separatedBy: "<g class=\"cell\">").dropFirst()
            let sizes = Set(
                cells.flatMap { chunk in
                    let cell = chunk.components(separatedBy: "</g>")[0]
                    return cell.components(separatedBy: "font-size=\"").dropFirst().map {
                        $0.prefix { $0 != "\"" }
                    }
                })
            #expect(
                sizes.count == (figure == cms ? 1 : 2),
                "counts at one size, percentages (when they fit) at another: \(sizes)")
        }
    }

    @Test func anImageGridEmbedsEveryImageWithItsCaptions() throws {
        let svg = try SVGSummary.parse(Samples.misclassified.svg())
        #expect(svg.classes["image"] == 6)
        #expect(svg.elements["image"] == 6)
        #expect(svg.texts.contains("true: angry") && svg.texts.contains("pred: sad"))
    }

    @Test func trainingCurvesDrawTrainingAndValidationWithTheRestoredEpoch() throws {
        let svg = try SVGSummary.parse(Samples.curvesHelper.svg())
        #expect(svg.classes["series"] == 2)
        #expect(svg.texts.contains("training") && svg.texts.contains("validation"))
        #expect(svg.texts.contains("restored (epoch 9)"))
        #expect(svg.texts.contains("Epoch") && svg.texts.contains("Loss"))
    }

    @Test func anImageGridLabelsItsRows() throws {
        let svg = try SVGSummary.parse(Samples.augmentation.svg())
        #expect(svg.classes["image"] == 10)
        #expect(svg.texts.contains("happy") && svg.texts.contains("sad"))
        #expect(svg.texts.filter { $0 == "zoomed" }.count == 1)
    }

    @Test func aGridOfFiguresKeepsEachFiguresTitleOnItsPanel() throws {
        let svg = try SVGSummary.parse(Samples.sideBySide.svg())
        #expect(svg.classes["panel"] == 3)
        #expect(svg.title == "Training and validation accuracy")
        for name in ["Simple CNN", "MobileNetV2", "EfficientNetB0"] {
            #expect(svg.texts.contains(name))
        }
    }

    @Test func panelsWithTheSameSeriesShareOneLegendUnderTheTitle() throws {
        let svg = try SVGSummary.parse(Samples.sideBySide.svg())
        #expect(svg.classes["legend"] == 1)
        #expect(svg.texts.filter { $0 == "validation" }.count == 1)
        let mixed = try SVGSummary.parse(
            Figure.grid([Samples.accuracy, Samples.curvesHelper], columns: 2).svg())
        #expect(mixed.classes["legend"] == 2, "different series names keep their own legends")
    }

    @Test func clipIdentifiersDifferBetweenFiguresSoTheyCanShareAPage() throws {
        let a = Samples.accuracy.svg(), b = Samples.loss.svg()
        func ids(_ s: String) -> Set<Substring> {
            Set(s.split(separator: "\"").filter { $0.contains("-clip") && !$0.contains("url") })
        }
        #expect(!ids(a).isEmpty)
        #expect(ids(a).isDisjoint(with: ids(b)))
        #expect(Samples.accuracy.svg() == a, "the same figure gives the same SVG")
    }

    @Test func textIsEscaped() throws {
        let figure = Figure.bars(
            title: "A <b> & \"c\"", categories: ["x<y", "a&b"], values: [1, 2])
        let svg = try SVGSummary.parse(figure.svg())
        #expect(svg.title == "A <b> & \"c\"")
        #expect(svg.texts.contains("x<y"))
    }
}
