import ArgumentParser
import Foundation
import NotebookModel
import Runner

struct Params: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a notebook's params with their types and defaults, and its profiles.")

    @Argument(help: "The notebook (.md).")
    var notebook: String

    func run() throws {
        do {
            let parsed = try NotebookParser.parse(fileAt: notebook)
            let fm = parsed.notebook.frontMatter
            guard !fm.params.isEmpty else {
                print("\(notebook) declares no params.")
                return
            }
            let nameWidth = max(4, fm.params.map(\.name.count).max() ?? 0)
            let defaults = fm.params.map { spec -> String in
                if case .string(let s) = spec.defaultValue { return "\"\(s)\"" }
                return spec.defaultValue.description
            }
            let defaultWidth = max(7, defaults.map(\.count).max() ?? 0)
            print("name".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  type    "
                  + "default".padding(toLength: defaultWidth, withPad: " ", startingAt: 0) + "  help")
            for (spec, d) in zip(fm.params, defaults) {
                print(spec.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                      + spec.defaultValue.typeName.padding(toLength: 6, withPad: " ", startingAt: 0) + "  "
                      + d.padding(toLength: defaultWidth, withPad: " ", startingAt: 0) + "  " + (spec.help ?? ""))
            }
            if !fm.profiles.isEmpty {
                print("\nprofiles (--profile NAME):")
                for name in fm.profiles.keys.sorted() {
                    let set = fm.profiles[name]!.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    print("  \(name): \(set.joined(separator: ", "))")
                }
            }
            print("\nOverride with -p name=value, --profile NAME or --params-file FILE.")
        } catch {
            throw fail(error)
        }
    }
}

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete the caches (freeze cache, compiled programs, training cache).")

    @Argument(help: "A notebook or folder in the repository whose cache to clear (default: the current folder).")
    var path: String?

    @Option(help: "The cache folder to delete.")
    var cacheDir: String?

    @Flag(help: "Keep trained weights (the training cache); delete the rest.")
    var keepTraining = false

    func run() throws {
        let layout: CacheLayout
        if let cacheDir {
            layout = CacheLayout(root: cacheDir)
        } else {
            let base = path ?? FileManager.default.currentDirectoryPath + "/."
            var isDir: ObjCBool = false
            let probe = FileManager.default.fileExists(atPath: base, isDirectory: &isDir) && isDir.boolValue
                ? base + "/." : base
            layout = CacheLayout.forNotebook(probe, override: nil)
        }
        guard FileManager.default.fileExists(atPath: layout.root) else {
            print("emotive: no cache at \(layout.root)")
            return
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: layout.root)) ?? []
        var removed: [String] = []
        for entry in entries where !(keepTraining && entry == "training") && entry != "locks" {
            try FileManager.default.removeItem(atPath: layout.root + "/" + entry)
            removed.append(entry)
        }
        if !keepTraining, (try? FileManager.default.contentsOfDirectory(atPath: layout.root))?.allSatisfy({ $0 == "locks" }) ?? false {
            try? FileManager.default.removeItem(atPath: layout.root)
        }
        print("emotive: removed \(removed.isEmpty ? "nothing" : removed.sorted().joined(separator: ", ")) from \(layout.root)")
    }
}

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
