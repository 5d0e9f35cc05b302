import ArgumentParser
import Foundation
import Runner

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render Notebooks/fer2013.md (kept for .ci/report until it calls render).",
        shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough)
    var rest: [String] = []

    func run() throws {
        guard FileManager.default.fileExists(atPath: "Notebooks/fer2013.md") else {
            print("emotive demo: Notebooks/fer2013.md does not exist yet; try 'emotive render NOTEBOOK'")
            return
        }
        var render = try Render.parse(["Notebooks/fer2013.md"] + rest)
        try render.run()
    }
}
