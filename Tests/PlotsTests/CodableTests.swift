import Foundation
import Testing
@testable import Plots

struct CodableTests {
    func roundTrip(_ figure: Figure) throws -> (Figure, String) {
        let json = try JSONEncoder().encode(figure)
        return (
            try JSONDecoder().decode(Figure.self, from: json), String(decoding: json, as: UTF8.self)
        )
    }

    @Test(arguments: Samples.all.map(\.name))
    func everySampleSurvivesJSON(name: String) throws {
        let figure = try #require(Samples.all.first { $0.name == name }?.figure)
        let (back, _) = try roundTrip(figure)
        #expect(back == figure)
        #expect(back.hashValue == figure.hashValue)
        #expect(back.svg() == figure.svg())
    }

    @Test func nanGapsEncodeAsNullAndComeBackAsGaps() throws {
        let figure = Figure.lines(series: [Series(name: "val", y: [0.3, .nan, 0.5, .infinity])])
        let (back, json) = try roundTrip(figure)
        #expect(json.contains("[0.3,null,0.5,null]"))
        #expect(back == Figure.lines(series: [Series(name: "val", y: [0.3, .nan, 0.5, .nan])]))
    }

    @Test func figuresWithNaNAreEqualToThemselvesAndHashAlike() {
        let a = Figure.lines(series: [Series(name: "s", y: [.nan, 1, -0.0])])
        let b = Figure.lines(series: [Series(name: "s", y: [.nan, 1, 0.0])])
        #expect(a == a)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
    }

    @Test func pixelsTravelAsBase64() throws {
        let image = GridImage(pixels: [0, 1, 2, 253, 254, 255], width: 3, height: 2)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let json = String(decoding: try encoder.encode(image), as: UTF8.self)
        #expect(json.contains("\"AAEC/f7/\""))
        #expect(try JSONDecoder().decode(GridImage.self, from: Data(json.utf8)) == image)
        for n in 0..<7 {
            let bytes = (0..<n).map { UInt8($0 * 37 % 256) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    @Test func colorsTravelAsHex() throws {
        let json = String(
            decoding: try JSONEncoder().encode([
                Color(hex: 0x0072B2), Color(hex: 0xD55E00, alpha: 0.5),
            ]),
            as: UTF8.self)
        #expect(json == "[\"#0072b2\",\"#d55e0080\"]")
    }

    @Test func anImageWithTooFewPixelsIsRejectedWithTheReason() throws {
        let json = #"{"width":4,"height":4,"channels":1,"pixels":"AAEC","caption":[]}"#
        #expect {
            try JSONDecoder().decode(GridImage.self, from: Data(json.utf8))
        } throws: { error in
            "\(error)".contains("4x4x1 needs 16 bytes, got 3")
        }
    }

    @Test func floatPixelsInUnitOrByteScaleBecomeBytes() {
        let unit = GridImage(values: [Float(0), 0.5, 1, 2], width: 2, height: 2)
        #expect(unit.pixels.bytes == [0, 128, 255, 255])
        let bytes = GridImage(values: [0.0, 127.6, 255, -3], width: 2, height: 2, scale: .bytes)
        #expect(bytes.pixels.bytes == [0, 128, 255, 0])
    }
}
