import Foundation
import NotebookModel
import Testing
@testable import Runner

@Suite("Generating main.swift")
struct CodeGenerationTests {
    @Test func cellsShareOneScopeEachBehindItsSourceLocation() throws {
        let parsed = try parse(
            "```swift\nlet a = 1\n```\n\nText `{swift} a + 1`.\n\n```swift\n//| eval: false\nlet b = 2\n```\n"
        )
        let code = CodeGenerator.generate(
            parsed, params: [("n", .int(3)), ("name", .string("a \"b\"\n"))],
            modules: ["NotebookKit"])
        #expect(
            code.contains(
                "struct NotebookParams: Sendable {\n    let n: Int\n    let name: String\n}"))
        #expect(code.contains("let params = NotebookParams(n: 3, name: \"a \\\"b\\\"\\n\")"))
        #expect(
            code.contains(
                """
                _NotebookRuntime.beginCell(0)
                #sourceLocation(file: "Notebooks/test.md", line: 2)
                let a = 1
                #sourceLocation()
                _NotebookRuntime.endCell(0)
                #sourceLocation(file: "Notebooks/test.md", line: 5)
                _NotebookRuntime.inline(0) { (a + 1) }
                """))
        #expect(!code.contains("let b = 2"), "a cell with eval: false is not compiled")
    }

    @Test func aCellWithErrorTrueCatchesItsOwnErrors() throws {
        let parsed = try parse("```swift\n//| error: true\nthrow E()\n```\n")
        let code = CodeGenerator.generate(parsed, params: [])
        #expect(
            code.contains(
                "do {\n#sourceLocation(file: \"Notebooks/test.md\", line: 3)\nthrow E()\n#sourceLocation()\n} catch { _NotebookRuntime.cellError(0, error) }"
            ))
    }

    @Test func doubleParamsAreValidSwiftLiterals() {
        #expect(CodeGenerator.swiftLiteral(.double(1e-5)) == "1e-05")
        #expect(CodeGenerator.swiftLiteral(.double(.infinity)) == "Double.infinity")
    }
}
