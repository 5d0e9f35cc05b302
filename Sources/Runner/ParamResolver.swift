import Foundation
import NotebookModel
import Yams

/// Where param values come from, lowest precedence first: front-matter defaults, then
/// `--profile NAME`, then a params file (YAML or JSON mapping), then `-p key=value`.
public struct ParamOverrides: Sendable, Hashable {
    public var profile: String?
    public var file: String?
    /// `key=value` strings as given after `-p`.
    public var assignments: [String]

    public init(profile: String? = nil, file: String? = nil, assignments: [String] = []) {
        self.profile = profile
        self.file = file
        self.assignments = assignments
    }
}

/// Resolves params to typed values; every error lists the valid params with their types.
public enum ParamResolver {
    /// The final values in front-matter order.
    public static func resolve(
        _ frontMatter: FrontMatter, notebookPath: String,
        overrides: ParamOverrides
    ) throws -> [(name: String, value: ParamValue)] {
        let specs = frontMatter.params
        var values = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0.defaultValue) })

        if let profile = overrides.profile {
            guard let set = frontMatter.profiles[profile] else {
                let known = frontMatter.profiles.keys.sorted()
                throw RunnerError(
                    file: notebookPath,
                    "unknown profile '\(profile)'. "
                        + (known.isEmpty
                            ? "The notebook declares no profiles."
                            : "Profiles: \(known.joined(separator: ", "))."))
            }
            for (name, value) in set {
                values[name] = try typed(value, for: name, specs, source: "profile '\(profile)'")
            }
        }
        if let file = overrides.file {
            for (name, value) in try readParamsFile(file) {
                values[name] = try typed(value, for: name, specs, source: file)
            }
        }
        for assignment in overrides.assignments {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                throw RunnerError("-p expects key=value, got '\(assignment)'. " + validList(specs))
            }
            let name = String(assignment[..<eq]).trimmingCharacters(in: .whitespaces)
            let text = String(assignment[assignment.index(after: eq)...])
            values[name] = try typed(
                .string(text), for: name, specs, source: "-p \(assignment)", fromText: true)
        }
        return specs.map { ($0.name, values[$0.name]!) }
    }

    /// "Valid params: epochs: Int = 3, dataset: String = "synthetic"."
    public static func validList(_ specs: [ParamSpec]) -> String {
        guard !specs.isEmpty else { return "The notebook declares no params." }
        return "Valid params: "
            + specs.map { "\($0.name): \($0.defaultValue.typeName) = \(literal($0.defaultValue))" }
            .joined(separator: ", ") + "."
    }

    static func literal(_ v: ParamValue) -> String {
        if case .string(let s) = v { return "\"\(s)\"" }
        return v.description
    }

    /// `value` converted to the type of `target`, or nil when it does not fit.
    /// Text (from `-p`) is parsed; an Int fits a Double param.
    static func convert(_ value: ParamValue, to target: ParamValue, fromText: Bool = false)
        -> ParamValue?
    {
        switch (target, value) {
        case (.int, .int), (.double, .double), (.bool, .bool), (.string, .string): return value
        case (.double, .int(let i)): return .double(Double(i))
        case (.string, _): return .string(value.description)
        case (.int, .string(let s)) where fromText:
            return Int(s.trimmingCharacters(in: .whitespaces)).map(ParamValue.int)
        case (.double, .string(let s)) where fromText:
            return Double(s.trimmingCharacters(in: .whitespaces)).map(ParamValue.double)
        case (.bool, .string(let s)) where fromText:
            switch s.lowercased() {
            case "true", "yes", "1", "on": return .bool(true)
            case "false", "no", "0", "off": return .bool(false)
            default: return nil
            }
        default: return nil
        }
    }

    private static func typed(
        _ value: ParamValue, for name: String, _ specs: [ParamSpec],
        source: String, fromText: Bool = false
    ) throws -> ParamValue {
        guard let spec = specs.first(where: { $0.name == name }) else {
            throw RunnerError("unknown param '\(name)' (from \(source)). " + validList(specs))
        }
        guard let v = convert(value, to: spec.defaultValue, fromText: fromText) else {
            throw RunnerError(
                "param '\(name)' is \(spec.defaultValue.typeName), but \(source) gives "
                    + "'\(value.description)'. " + validList(specs))
        }
        return v
    }

    /// A params file: a YAML (or JSON) mapping of names to values.
    static func readParamsFile(_ path: String) throws -> [(String, ParamValue)] {
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else {
            throw RunnerError(file: path, "cannot read the params file")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let e = FrontMatterParser.yamlError(error, path: path, offset: 0)
            throw RunnerError(
                file: path, line: e.line, column: e.column,
                e.message.replacingOccurrences(
                    of: "invalid YAML front matter",
                    with: "the params file does not parse"))
        }
        guard let mapping = root?.mapping else {
            throw RunnerError(
                file: path, line: 1,
                "the params file must be a mapping of names to values, e.g. 'epochs: 3'")
        }
        return try mapping.map { k, v in
            (
                k.string ?? "",
                try FrontMatterParser.paramValue(
                    v, path: path, offset: 0, what: "param '\(k.string ?? "")'")
            )
        }
    }
}
