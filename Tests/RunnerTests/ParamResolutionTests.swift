import Foundation
import NotebookModel
import Testing
@testable import Runner

@Suite("Resolving params")
struct ParamResolutionTests {
    let frontMatter = FrontMatter(
        title: "t",
        params: [
            ParamSpec(name: "epochs", defaultValue: .int(3)),
            ParamSpec(name: "rate", defaultValue: .double(0.5)),
            ParamSpec(name: "dataset", defaultValue: .string("synthetic")),
            ParamSpec(name: "augment", defaultValue: .bool(true)),
        ],
        profiles: ["ci": ["epochs": .int(1), "dataset": .string("tiny")]])

    func resolve(_ overrides: ParamOverrides) throws -> [String: ParamValue] {
        let values = try ParamResolver.resolve(
            frontMatter, notebookPath: "x.md", overrides: overrides)
        return Dictionary(uniqueKeysWithValues: values.map { ($0.name, $0.value) })
    }

    @Test func defaultsComeFromTheFrontMatter() throws {
        #expect(
            try resolve(ParamOverrides()) == [
                "epochs": .int(3), "rate": .double(0.5), "dataset": .string("synthetic"),
                "augment": .bool(true),
            ])
    }

    @Test func dashPOverridesAreTypedByTheDefault() throws {
        let v = try resolve(
            ParamOverrides(assignments: ["epochs=7", "rate=1", "dataset=/data/fer", "augment=no"]))
        #expect(v["epochs"] == .int(7))
        #expect(v["rate"] == .double(1))
        #expect(v["dataset"] == .string("/data/fer"))
        #expect(v["augment"] == .bool(false))
    }

    @Test func dashPWinsOverTheProfileAndTheProfileOverTheDefault() throws {
        let v = try resolve(ParamOverrides(profile: "ci", assignments: ["dataset=other"]))
        #expect(v["epochs"] == .int(1))
        #expect(v["dataset"] == .string("other"))
    }

    @Test func aParamsFileSetsValues() throws {
        let dir = try makeTemporaryDirectory()
        try "epochs: 9\nrate: 0.25\n".write(
            toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let v = try resolve(ParamOverrides(file: dir + "/p.yaml"))
        #expect(v["epochs"] == .int(9))
        #expect(v["rate"] == .double(0.25))
    }

    @Test func anUnknownParamListsTheValidOnesWithTypes() {
        #expect {
            try resolve(ParamOverrides(assignments: ["epoch=2"]))
        } throws: { error in
            "\(error)"
                == "error: unknown param 'epoch' (from -p epoch=2). Valid params: epochs: Int = 3, "
                + "rate: Double = 0.5, dataset: String = \"synthetic\", augment: Bool = true."
        }
    }

    @Test func aWrongTypeNamesTheParamItsTypeAndTheValue() {
        #expect {
            try resolve(ParamOverrides(assignments: ["epochs=three"]))
        } throws: { error in
            "\(error)".hasPrefix(
                "error: param 'epochs' is Int, but -p epochs=three gives 'three'. Valid params: epochs: Int"
            )
        }
    }

    @Test func anUnknownProfileListsTheProfiles() {
        #expect {
            try resolve(ParamOverrides(profile: "fast"))
        } throws: { error in
            "\(error)" == "x.md: error: unknown profile 'fast'. Profiles: ci."
        }
    }

    @Test func aParamsFileThatDoesNotParseNamesItsLine() throws {
        let dir = try makeTemporaryDirectory()
        try "epochs: 9\nrate: [0.25\n".write(
            toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        #expect {
            try resolve(ParamOverrides(file: dir + "/bad.yaml"))
        } throws: { error in
            "\(error)".hasPrefix("\(dir)/bad.yaml:3:1: error: the params file does not parse")
        }
    }

    @Test func aProfileSettingAnUnknownParamIsAParseError() {
        #expect(throws: RunnerError.self) {
            try parse("---\nparams:\n  a: 1\nprofiles:\n  ci: {b: 2}\n---\n```swift\n1\n```\n")
        }
    }
}
