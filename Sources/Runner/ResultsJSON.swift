import Foundation
import NotebookModel

/// `Reports/<name>.json`: every table, metric, expectation and inline value of a run, in a
/// stable order with sorted keys and no timings, so a change in results is a readable diff.
public struct ResultsJSON: Codable, Sendable, Hashable {
    public struct TableEntry: Codable, Sendable, Hashable {
        public var cell: Int
        public var label: String?
        public var caption: String?
        public var columns: [String]
        public var rows: [[String]]
    }

    public struct ExpectationEntry: Codable, Sendable, Hashable {
        public var cell: Int
        public var line: Int?
        public var message: String
        public var passed: Bool
    }

    public struct FailureEntry: Codable, Sendable, Hashable {
        public var cell: Int
        public var line: Int
        public var message: String
    }

    public var notebook: String
    public var title: String
    public var status: String
    public var params: [String: String]
    public var profile: String?
    public var data: [String: String]
    public var metrics: [String: Double]
    public var tables: [TableEntry]
    public var expectations: [ExpectationEntry]
    /// Values of the `` `{swift} expr` `` expressions, keyed "index: expr".
    public var inline: [String: String]
    public var failure: FailureEntry?

    public init(_ executed: ExecutedNotebook, inlineExpressions: [InlineExpression]) {
        notebook = executed.notebook.path
        title = executed.notebook.frontMatter.title
        params = executed.provenance.params.mapValues { $0.description }
        profile = executed.provenance.profile
        data = executed.provenance.dataFingerprints
        metrics = [:]
        tables = []
        expectations = []
        var passed = executed.failure == nil
        for index in executed.results.keys.sorted() {
            for output in executed.results[index]!.outputs {
                switch output {
                case .metric(let name, let value): metrics[name] = value
                case .table(let t):
                    tables.append(
                        TableEntry(
                            cell: index, label: t.label, caption: t.caption,
                            columns: t.columns, rows: t.rows))
                case .expectation(let e):
                    expectations.append(
                        ExpectationEntry(
                            cell: index, line: e.line, message: e.message, passed: e.passed))
                    if !e.passed { passed = false }
                default: break
                }
            }
        }
        inline = [:]
        for e in inlineExpressions {
            if let v = executed.inlineValues[e.index] { inline["\(e.index): \(e.source)"] = v }
        }
        failure = executed.failure.map {
            FailureEntry(cell: $0.cellIndex, line: $0.line, message: $0.message)
        }
        status = passed ? "passed" : "failed"
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}
