import ArgumentParser
import Foundation
import Runner

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete the caches (freeze cache, compiled programs, training cache).")

    @Argument(
        help:
            "A notebook or folder in the repository whose cache to clear (default: the current folder)."
    )
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
            let probe =
                FileManager.default.fileExists(atPath: base, isDirectory: &isDir) && isDir.boolValue
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
        if !keepTraining,
            (try? FileManager.default.contentsOfDirectory(atPath: layout.root))?.allSatisfy({
                $0 == "locks"
            }) ?? false
        {
            try? FileManager.default.removeItem(atPath: layout.root)
        }
        print(
            "emotive: removed \(removed.isEmpty ? "nothing" : removed.sorted().joined(separator: ", ")) from \(layout.root)"
        )
    }
}
