import _CCairo
import Foundation
import Testing
@testable import Plots

struct OutputTests {
    @Test func pngSizeFollowsTheDPI() throws {
        let figure = Figure.bars(categories: ["a", "b"], values: [1, 2], width: 100, height: 50)
        let at72 = try figure.raster(dpi: 72)
        let at144 = try figure.raster(dpi: 144)
        #expect(at72.width == 100 && at72.height == 50)
        #expect(at144.width == 200 && at144.height == 100)
        #expect(try RasterImage(png: figure.pngData(dpi: 144)) == at144)
    }

    @Test func aPDFFileIsWrittenWithVectorsAndText() throws {
        let path = NSTemporaryDirectory() + "plots-output-test.pdf"
        try Samples.accuracy.writePDF(to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.starts(with: Array("%PDF".utf8)))
        #expect(data.count > 2000)
    }

    @Test func writingAPDFWhereNoFileCanBeMadeFailsWithTheReason() {
        #expect(throws: PlotError.self) {
            try Samples.accuracy.writePDF(to: "/nonexistent-dir/x.pdf")
        }
    }

    @Test func drawingIntoACallersContextFillsTheGivenRectOnly() throws {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 300)!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        cairo_set_source_rgb(cr, 1, 0, 0)
        cairo_paint(cr)
        Samples.distribution.draw(into: cr, x: 20, y: 10, width: 360, height: 245)
        // The context comes back as it was: same source colour, no leftover transform.
        var m = cairo_matrix_t()
        cairo_get_matrix(cr, &m)
        #expect(m.xx == 1 && m.x0 == 0)
        cairo_destroy(cr)
        let pixels = CairoImage.pixels(of: surface)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] {
            Array(pixels.rgba[(y * 400 + x) * 4..<(y * 400 + x) * 4 + 3])
        }
        #expect(pixel(5, 5) == [255, 0, 0], "outside the rect stays untouched")
        #expect(pixel(30, 20) == [255, 255, 255], "the figure's white background inside")
    }

    @Test func figuresDrawFromManyThreadsAtOnce() async throws {
        let figures = Samples.all.map(\.figure)
        let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
            for figure in figures {
                group.addTask { try figure.pngData(dpi: 72).count + figure.svg().count }
            }
            return try await group.reduce(0, +)
        }
        #expect(sizes > 0)
    }
}
