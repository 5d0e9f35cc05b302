import NotebookModel
import Yams

/// Splits the YAML front matter off a notebook and reads it into a `FrontMatter`.
///
///     ---
///     title: FER-2013 emotion recognition
///     params:
///       epochs: 3                      # type from the default: Int
///       dataset: {default: synthetic, help: "folder of a FER-2013 download"}
///     profiles:
///       ci: {epochs: 1}
///     ---
enum FrontMatterParser {
    /// The front matter's YAML text, the 1-based notebook line its first YAML line is on,
    /// and the notebook text with the front matter replaced by blank lines (so Markdown
    /// line numbers stay notebook line numbers).
    struct Split {
        var yaml: String?
        var firstLine: Int
        var body: String
    }

    static func split(_ text: String, path: String) throws -> Split {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.trimmingTrailingWhitespace() == "---" else {
            return Split(yaml: nil, firstLine: 1, body: text)
        }
        guard
            let end = lines.indices.dropFirst().first(where: {
                let l = lines[$0].trimmingTrailingWhitespace()
                return l == "---" || l == "..."
            })
        else {
            throw RunnerError(
                file: path, line: 1,
                "the front matter opened with '---' on line 1 is never closed; end it with a '---' line"
            )
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        let body = Array(repeating: "", count: end + 1) + lines[(end + 1)...].map(String.init)
        return Split(yaml: yaml, firstLine: 2, body: body.joined(separator: "\n"))
    }

    static func parse(
        _ split: Split, path: String, fallbackTitle: String,
        warnings: inout [RunnerWarning]
    ) throws -> FrontMatter {
        guard let yaml = split.yaml else { return FrontMatter(title: fallbackTitle) }
        let offset = split.firstLine - 1
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw yamlError(error, path: path, offset: offset)
        }
        guard let root else { return FrontMatter(title: fallbackTitle) }
        guard let mapping = root.mapping else {
            throw RunnerError(
                file: path, line: line(of: root, offset),
                "the front matter must be a YAML mapping (title: …, params: …)")
        }
        var fm = FrontMatter(title: fallbackTitle)
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let at = line(of: keyNode, offset)
            switch key {
            case "title": fm.title = try scalarString(value, key, path, at)
            case "author":
                if let seq = value.sequence {
                    fm.author = seq.compactMap { $0.string }.joined(separator: ", ")
                } else {
                    fm.author = try scalarString(value, key, path, at)
                }
            case "date": fm.date = try scalarString(value, key, path, at)
            case "params": fm.params = try params(value, path: path, offset: offset)
            case "profiles":
                fm.profiles = try profiles(value, params: fm.params, path: path, offset: offset)
            case "references":
                fm.references = try ReferenceListParser.parse(
                    value, path: path, offset: offset, warnings: &warnings)
            default:
                warnings.append(
                    RunnerWarning(
                        file: path, line: at ?? 1,
                        "unknown front-matter key '\(key)' is ignored (known: title, author, date, params, profiles, references)"
                    ))
            }
        }
        // Profiles may come before params in the YAML; check them against the final params.
        for (name, overrides) in fm.profiles {
            for (param, value) in overrides {
                guard let spec = fm.params.first(where: { $0.name == param }) else {
                    throw RunnerError(
                        file: path,
                        "profile '\(name)' sets unknown param '\(param)'. "
                            + ParamResolver.validList(fm.params))
                }
                if spec.defaultValue.typeName != value.typeName,
                    ParamResolver.convert(value, to: spec.defaultValue) == nil
                {
                    throw RunnerError(
                        file: path,
                        "profile '\(name)' sets param '\(param)' to \(value), "
                            + "but '\(param)' is \(spec.defaultValue.typeName)")
                }
            }
        }
        return fm
    }

    // MARK: - Params and profiles

    private static func params(_ node: Node, path: String, offset: Int) throws -> [ParamSpec] {
        guard let mapping = node.mapping else {
            throw RunnerError(
                file: path, line: line(of: node, offset),
                "'params' must be a mapping of names to defaults, e.g. 'epochs: 3'")
        }
        var specs: [ParamSpec] = []
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? ""
            let at = line(of: keyNode, offset)
            guard isSwiftIdentifier(name) else {
                throw RunnerError(
                    file: path, line: at,
                    "param name '\(name)' is not a Swift identifier (cells read it as params.\(name))"
                )
            }
            guard !specs.contains(where: { $0.name == name }) else {
                throw RunnerError(file: path, line: at, "param '\(name)' is declared twice")
            }
            if let detail = value.mapping {
                var help: String?
                var type: String?
                var defaultNode: Node?
                for (k, v) in detail {
                    switch k.string {
                    case "default": defaultNode = v
                    case "help": help = v.string
                    case "type": type = v.string
                    default:
                        throw RunnerError(
                            file: path, line: line(of: k, offset),
                            "param '\(name)': unknown field '\(k.string ?? "")' (use default, type, help)"
                        )
                    }
                }
                guard let defaultNode else {
                    throw RunnerError(
                        file: path, line: at, "param '\(name)' needs a default: {default: …}")
                }
                var value = try paramValue(
                    defaultNode, path: path, offset: offset, what: "param '\(name)'")
                if let type {
                    let typed: ParamValue? =
                        switch type {
                        case "Int": value.typeName == "Int" ? value : nil
                        case "Double": ParamResolver.convert(value, to: .double(0))
                        case "Bool": value.typeName == "Bool" ? value : nil
                        case "String": .string(scalarText(defaultNode))
                        default:
                            throw RunnerError(
                                file: path, line: at,
                                "param '\(name)': type must be Int, Double, Bool or String, got '\(type)'"
                            )
                        }
                    guard let typed else {
                        throw RunnerError(
                            file: path, line: at,
                            "param '\(name)': default \(value) is not a \(type)")
                    }
                    value = typed
                }
                specs.append(ParamSpec(name: name, defaultValue: value, help: help))
            } else {
                let value = try paramValue(
                    value, path: path, offset: offset, what: "param '\(name)'")
                specs.append(ParamSpec(name: name, defaultValue: value))
            }
        }
        return specs
    }

    private static func profiles(
        _ node: Node, params: [ParamSpec], path: String,
        offset: Int
    ) throws -> [String: [String: ParamValue]] {
        guard let mapping = node.mapping else {
            throw RunnerError(
                file: path, line: line(of: node, offset),
                "'profiles' must map profile names to param overrides, e.g. 'ci: {epochs: 1}'")
        }
        var result: [String: [String: ParamValue]] = [:]
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? ""
            guard let overrides = value.mapping else {
                throw RunnerError(
                    file: path, line: line(of: keyNode, offset),
                    "profile '\(name)' must be a mapping of param overrides")
            }
            var values: [String: ParamValue] = [:]
            for (k, v) in overrides {
                values[k.string ?? ""] = try paramValue(
                    v, path: path, offset: offset,
                    what: "profile '\(name)'")
            }
            result[name] = values
        }
        return result
    }

    /// A YAML scalar as a typed param value: plain `3` is Int, `0.5` Double, `true` Bool,
    /// anything else (and anything quoted) String.
    static func paramValue(_ node: Node, path: String, offset: Int, what: String) throws
        -> ParamValue
    {
        guard let scalar = node.scalar else {
            throw RunnerError(
                file: path, line: line(of: node, offset),
                "\(what): expected a single value (number, true/false or text)")
        }
        if scalar.style == .plain {
            switch node.tag.description {
            case Tag.Name.int.rawValue: if let i = node.int { return .int(i) }
            case Tag.Name.float.rawValue: if let d = node.float { return .double(d) }
            case Tag.Name.bool.rawValue: if let b = node.bool { return .bool(b) }
            default: break
            }
        }
        return .string(scalar.string)
    }

    // MARK: - Helpers

    static func line(of node: Node, _ offset: Int) -> Int? {
        node.mark.map { $0.line + offset }
    }

    private static func scalarString(_ node: Node, _ key: String, _ path: String, _ line: Int?)
        throws -> String
    {
        guard let s = node.scalar?.string else {
            throw RunnerError(file: path, line: line, "'\(key)' must be a single text value")
        }
        return s
    }

    private static func scalarText(_ node: Node) -> String { node.scalar?.string ?? "" }

    static func yamlError(_ error: YamlError, path: String, offset: Int) -> RunnerError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let ctx = context.map { " \($0.text)" } ?? ""
            return RunnerError(
                file: path, line: mark.line + offset, column: mark.column,
                "invalid YAML front matter: \(problem)\(ctx)")
        default:
            return RunnerError(file: path, line: offset + 1, "invalid YAML front matter: \(error)")
        }
    }

    static func isSwiftIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first,
            first == "_" || first.properties.isAlphabetic
        else { return false }
        let reserved: Set = [
            "let", "var", "func", "class", "struct", "enum", "in", "is", "as",
            "if", "else", "for", "while", "return", "self", "Self", "init", "true",
            "false", "nil", "import", "default", "case", "switch", "try", "throw",
        ]
        return !reserved.contains(s)
            && s.unicodeScalars.allSatisfy {
                $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)
            }
    }
}

extension Substring {
    func trimmingTrailingWhitespace() -> Substring {
        var s = self
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s.removeLast() }
        return s
    }
}
