import Testing
@testable import Rendering

@Suite struct SwiftHighlighterTests {
    typealias T = SwiftHighlighter.Token

    @Test func tokensConcatenateBackToTheSource() {
        let source = """
            @MainActor let x: [Int] = [1, 0x1F, 2.5e-3] /* a /* nested */ comment */
            let s = "quote \\" inside" + \"\"\"
            multi "line"
            \"\"\" // done
            #if DEBUG
            """
        #expect(SwiftHighlighter.tokens(source).map(\.text).joined() == source)
    }

    @Test func keywordsTypesNumbersStringsAndCommentsAreTold() {
        let tokens = SwiftHighlighter.tokens("let m = Dense(128, \"relu\") // head")
        #expect(
            tokens == [
                T(kind: .keyword, text: "let"), T(kind: .plain, text: " m = "),
                T(kind: .type, text: "Dense"), T(kind: .plain, text: "("),
                T(kind: .number, text: "128"), T(kind: .plain, text: ", "),
                T(kind: .string, text: "\"relu\""), T(kind: .plain, text: ") "),
                T(kind: .comment, text: "// head"),
            ])
    }

    @Test func aKeywordAfterADotIsAMember() {
        let tokens = SwiftHighlighter.tokens("x.default")
        #expect(tokens.allSatisfy { $0.kind == .plain })
    }

    @Test func attributesAndDirectivesAreMarked() {
        let kinds = SwiftHighlighter.tokens("@Test #if").map(\.kind)
        #expect(kinds == [.attribute, .plain, .keyword])
    }

    @Test func anUnterminatedStringEndsAtTheLineEnd() {
        let tokens = SwiftHighlighter.tokens("\"open\nlet")
        #expect(tokens.first == T(kind: .string, text: "\"open\n"))
        #expect(tokens.last == T(kind: .keyword, text: "let"))
    }
}
