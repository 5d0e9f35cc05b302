import Foundation
import NotebookModel
import Testing
@testable import Runner

/// A notebook compiled against the release `libEmotive.so` (what `emotive render` links
/// after `swift build -c release`): checks in the library keep their messages at `-O`.
/// Needs the release library of this checkout: `swift build -c release --product Emotive`
/// (`.ci/test` builds it).
extension CompiledNotebookTests {
    static var releaseLibrary: String {
        get throws {
            let root = try Toolchain.locate().packageRoot
            let dir = root + "/.build/release"
            guard FileManager.default.fileExists(atPath: dir + "/libEmotive.so") else {
                throw RunnerError(
                    "no release library in \(dir): build it with 'swift build -c release --product Emotive'"
                )
            }
            return dir
        }
    }

    @Test func aDenseAfterAConvolutionSaysAddFlattenInARelease() throws {
        let library = try Self.releaseLibrary
        try? FileManager.default.removeItem(atPath: Self.notebook("release_errors.md"))
        try FileManager.default.copyItem(
            atPath: "\(TestNotebooks.directory)/release_errors.md",
            toPath: Self.notebook("release_errors.md"))
        #expect(
            try Toolchain.locate(environment: ["EMOTIVE_LIBRARY_DIR": library]).buildDirectory
                .hasSuffix("/release"))
        let report = try Pipeline.run(
            request("release_errors.md", environment: ["EMOTIVE_LIBRARY_DIR": library]),
            log: { _ in })
        let failure = try #require(report.executed.failure)
        #expect(failure.cellIndex == 0)
        #expect(
            failure.message.contains(
                "Dense 'dense' expects [N, features], got [1, 6, 6, 4]; add Flatten() or GlobalAveragePooling() before it"
            ),
            "\(failure)")
        #expect(!failure.message.contains("precondition failure"))
        #expect(report.executed.results[0]?.outputs.first == .text("model made"))
    }
}
