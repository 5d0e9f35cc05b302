import Foundation
import Testing
@testable import Runner

/// Broken and hostile notebooks end in a notebook or a `RunnerError`, never a crash or a
/// hang: seeded random edits of the committed notebooks, parsed one after another.
@Suite("Parsing broken notebooks")
struct ParserRobustnessTests {
    /// SplitMix64, so every run tries the same inputs.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static let fragments = [
        "```", "```swift\n", "---\n", "//| ", "//| label: a\n", "//| echo: maybe\n",
        "`{swift} ", "`", "{swift}", ":", "- ", "| a |\n|---|\n", "\t", "\u{0}", "😀",
        "params:\n  x: [", "@fig-", "\r\n", "\n\n", "\\", "\"", "#sourceLocation()",
    ]

    @Test func randomEditsOfTheTestNotebooksParseOrFailWithAnError() throws {
        var rng = Generator(state: 2024)
        var parsed = 0, rejected = 0
        for name in ["basics.md", "crash.md", "compile_error.md"] {
            let original = Array(try TestNotebooks.text(name))
            for _ in 0..<150 {
                var text = original
                for _ in 0...rng.below(4) {
                    let at = rng.below(text.count + 1)
                    switch rng.below(3) {
                    case 0:  // delete a span
                        let end = min(text.count, at + rng.below(40))
                        text.removeSubrange(at..<end)
                    case 1:  // insert a fragment
                        text.insert(
                            contentsOf: Self.fragments[rng.below(Self.fragments.count)], at: at)
                    default:  // duplicate a span elsewhere
                        let end = min(text.count, at + rng.below(80))
                        text.insert(contentsOf: text[at..<end], at: rng.below(text.count + 1))
                    }
                }
                do {
                    _ = try NotebookParser.parse(String(text), path: "fuzz.md")
                    parsed += 1
                } catch is RunnerError {
                    rejected += 1
                }
            }
        }
        #expect(parsed + rejected == 450)
        #expect(
            parsed > 0 && rejected > 0,
            "the edits exercise both outcomes (\(parsed) parsed, \(rejected) rejected)")
    }
}
