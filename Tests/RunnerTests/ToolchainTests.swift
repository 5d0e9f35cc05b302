import Foundation
import Testing
@testable import Runner

@Suite("Finding the library")
struct ToolchainTests {
    /// A package folder with a build folder holding a library and one module.
    func fakePackage(moduleNewerThanLibrary: Bool) throws -> String {
        let root = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(
            atPath: root + "/Sources/_CDemo", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: root + "/.build/debug/Modules", withIntermediateDirectories: true)
        try "// swift-tools-version: 6.0".write(
            toFile: root + "/Package.swift", atomically: true, encoding: .utf8)
        try "module _CDemo {}".write(
            toFile: root + "/Sources/_CDemo/module.modulemap", atomically: true, encoding: .utf8)
        let library = root + "/.build/debug/libEmotive.so",
            module = root + "/.build/debug/Modules/NotebookKit.swiftmodule"
        try "so".write(toFile: library, atomically: true, encoding: .utf8)
        try "module".write(toFile: module, atomically: true, encoding: .utf8)
        let old = Date(timeIntervalSinceNow: -3600)
        try FileManager.default.setAttributes(
            [.modificationDate: old], ofItemAtPath: moduleNewerThanLibrary ? library : module)
        return root
    }

    @Test func theFlagsNameTheModulesTheLibraryAndEachCModuleMap() throws {
        let root = try fakePackage(moduleNewerThanLibrary: false)
        let t = try Toolchain(buildDirectory: root + "/.build/debug")
        #expect(t.modules == ["NotebookKit"])
        #expect(
            t.flags.contains("-fmodule-map-file=\(t.packageRoot)/Sources/_CDemo/module.modulemap"))
        #expect(t.flags.contains("-lEmotive"))
        #expect(t.staleLibraryWarning == nil)
    }

    @Test func theLibraryModulesAreTheTargetsOfPackageSwiftsEmotiveProduct() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent().path
        let manifest = try String(contentsOfFile: root + "/Package.swift", encoding: .utf8)
        let product = try #require(
            manifest.range(
                of: #"\.library\(\s*name: "Emotive"[^\]]*\]"#, options: .regularExpression))
        let list = try #require(
            manifest[product].range(of: #"targets: \[[^\]]*\]"#, options: .regularExpression))
        let targets = manifest[product][list].split(separator: "\"").enumerated().filter {
            $0.offset % 2 == 1
        }.map { String($0.element) }
        #expect(Set(targets) == Set(EmotiveLibrary.linked))
        #expect(targets.count == EmotiveLibrary.linked.count)
    }

    @Test func aLibraryOlderThanItsModulesIsReported() throws {
        let root = try fakePackage(moduleNewerThanLibrary: true)
        let t = try Toolchain(buildDirectory: root + "/.build/debug")
        #expect(
            t.staleLibraryWarning?.contains("is older than Modules/NotebookKit.swiftmodule") == true
        )
    }

    @Test func noLibraryIsAClearError() {
        #expect {
            try Toolchain.locate(
                environment: ["EMOTIVE_LIBRARY_DIR": "/nonexistent"],
                executable: "/nonexistent/bin/emotive")
        } throws: { error in
            "\(error)".contains(
                "cannot find libEmotive.so next to /nonexistent/bin/emotive. Build it with 'swift build --product Emotive'"
            )
        }
    }
}
