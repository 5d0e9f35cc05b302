import Foundation
import Testing
@testable import Plots

@Test func writesLookFiles() throws {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plots-look")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (name, fig) in Samples.all {
        try Data(fig.pngData(dpi: 144)).write(to: dir.appendingPathComponent("\(name).png"))
        try fig.svg().write(to: dir.appendingPathComponent("\(name).svg"), atomically: true, encoding: .utf8)
    }
}
