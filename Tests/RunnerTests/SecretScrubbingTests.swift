import Foundation
import NotebookModel
import Testing
@testable import Runner

@Suite("Scrubbing secrets")
struct SecretScrubbingTests {
    @Test func valuesOfKeyTokenSecretAndPasswordVariablesAreRedacted() {
        let s = SecretScrubber(
            environment: [
                "OPENAI_API_KEY": "sk-abcdef123", "GH_TOKEN": "ghp_999999",
                "DB_PASSWORD": "hunter22", "MY_SECRET": "s3cr3t!!",
                "HOME": "/root", "SHORT_KEY": "abc",
            ], home: "/nonexistent")
        #expect(
            s.scrub("key sk-abcdef123 tok ghp_999999 pw hunter22 s s3cr3t!! home /root abc")
                == "key [redacted] tok [redacted] pw [redacted] s [redacted] home /root abc")
    }

    @Test func theKaggleKeyIsRedacted() throws {
        let dir = try makeTemporaryDirectory()
        try #"{"username": "someone", "key": "0123456789abcdef"}"#.write(
            toFile: dir + "/kaggle.json", atomically: true, encoding: .utf8)
        let s = SecretScrubber(environment: ["KAGGLE_CONFIG_DIR": dir], home: "/nonexistent")
        #expect(s.scrub("kaggle key 0123456789abcdef") == "kaggle key [redacted]")
    }

    @Test func everyStringInsideAValueIsScrubbedEvenWhenJSONEscapesIt() throws {
        let s = SecretScrubber(secrets: ["a/b\"c-secret"])
        let table = NotebookModel.Table(
            caption: "cap a/b\"c-secret", columns: ["x"], rows: [["a/b\"c-secret!"]])
        let scrubbed = try s.scrub(
            CellResult(outputs: [.table(table), .text("a/b\"c-secret")], seconds: 1))
        #expect(
            scrubbed.outputs == [
                .table(
                    NotebookModel.Table(
                        caption: "cap [redacted]", columns: ["x"], rows: [["[redacted]!"]])),
                .text("[redacted]"),
            ])
    }
}
