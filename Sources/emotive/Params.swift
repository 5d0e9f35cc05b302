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
            print(
                "name".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  type    "
                    + "default".padding(toLength: defaultWidth, withPad: " ", startingAt: 0)
                    + "  help")
            for (spec, d) in zip(fm.params, defaults) {
                print(
                    spec.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                        + spec.defaultValue.typeName.padding(
                            toLength: 6, withPad: " ", startingAt: 0) + "  "
                        + d.padding(toLength: defaultWidth, withPad: " ", startingAt: 0) + "  "
                        + (spec.help ?? ""))
            }
            if !fm.profiles.isEmpty {
                print("\nprofiles (--profile NAME):")
                for name in fm.profiles.keys.sorted() {
                    let set = fm.profiles[name]!.sorted { $0.key < $1.key }.map {
                        "\($0.key)=\($0.value)"
                    }
                    print("  \(name): \(set.joined(separator: ", "))")
                }
            }
            print("\nOverride with -p name=value, --profile NAME or --params-file FILE.")
        } catch {
            throw fail(error)
        }
    }
}
