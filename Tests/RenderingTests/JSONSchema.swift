import Foundation

/// A JSON Schema (draft-04) validator for the keywords nbformat's schema uses: `type`,
/// `$ref` (within the document), `properties`, `patternProperties`, `additionalProperties`,
/// `required`, `enum`, `items`, `oneOf`, `not`, `pattern`, `minLength`, `maxLength`,
/// `minimum`, `maximum`, `uniqueItems`. Another draft-04 keyword fails loudly, so a new
/// schema cannot pass by being half-understood.
///
///     let errors = JSONSchema(schema).validate(instance)   // [] when valid
struct JSONSchema {
    let root: [String: Any]

    init(_ root: [String: Any]) { self.root = root }

    /// Draft-04 keywords this validator does not implement: a schema using one fails.
    /// (Other unknown keys are ignored, as the draft says: nbformat's v4.5 schema has two
    /// misplaced ones, `item` under metadata.authors and `source_hidden` beside `properties`.)
    static let unsupported: Set<String> = [
        "allOf", "anyOf", "dependencies", "minProperties", "maxProperties", "multipleOf",
        "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "additionalItems", "format",
    ]

    /// Messages naming the JSON path of each violation.
    func validate(_ instance: Any) -> [String] {
        var errors: [String] = []
        check(instance, root, path: "$", errors: &errors)
        return errors
    }

    private func resolve(_ ref: String) -> [String: Any] {
        precondition(ref.hasPrefix("#/"), "only local $ref is supported, got \(ref)")
        var node: Any = root
        for part in ref.dropFirst(2).split(separator: "/") {
            node = (node as! [String: Any])[String(part)]!
        }
        return node as! [String: Any]
    }

    private func check(_ value: Any, _ schema: [String: Any], path: String, errors: inout [String])
    {
        for key in schema.keys where Self.unsupported.contains(key) {
            errors.append("\(path): schema keyword '\(key)' is not supported by this validator")
        }
        if let ref = schema["$ref"] as? String {
            check(value, resolve(ref), path: path, errors: &errors)
        }
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [type as! String]
            if !types.contains(where: { Self.isType(value, $0) }) {
                errors.append(
                    "\(path): expected \(types.joined(separator: " or ")), got \(Self.describe(value))"
                )
                return
            }
        }
        if let options = schema["enum"] as? [Any],
            !options.contains(where: { Self.equal($0, value) })
        {
            errors.append("\(path): \(Self.describe(value)) is not one of \(options)")
        }
        if let oneOf = schema["oneOf"] as? [[String: Any]] {
            let results = oneOf.map { sub -> [String] in
                var e: [String] = []
                check(value, sub, path: path, errors: &e)
                return e
            }
            let passing = results.filter(\.isEmpty).count
            if passing != 1 {
                errors.append("\(path): matches \(passing) of the oneOf schemas, not exactly one")
                // The nearest miss says what is wrong (a code cell's bad output, not "not a markdown cell").
                if passing == 0, let nearest = results.min(by: { $0.count < $1.count }) {
                    errors += nearest
                }
            }
        }
        if let not = schema["not"] as? [String: Any] {
            var e: [String] = []
            check(value, not, path: path, errors: &e)
            if e.isEmpty { errors.append("\(path): matches a 'not' schema") }
        }
        if let s = value as? String {
            if let pattern = schema["pattern"] as? String,
                s.range(of: pattern, options: .regularExpression) == nil
            {
                errors.append("\(path): '\(s)' does not match \(pattern)")
            }
            if let min = schema["minLength"] as? Int, s.count < min {
                errors.append("\(path): shorter than \(min)")
            }
            if let max = schema["maxLength"] as? Int, s.count > max {
                errors.append("\(path): longer than \(max)")
            }
        }
        if Self.isType(value, "number"), let n = (value as? NSNumber)?.doubleValue {
            if let min = (schema["minimum"] as? NSNumber)?.doubleValue, n < min {
                errors.append("\(path): below \(min)")
            }
            if let max = (schema["maximum"] as? NSNumber)?.doubleValue, n > max {
                errors.append("\(path): above \(max)")
            }
        }
        if let array = value as? [Any] {
            if let items = schema["items"] as? [String: Any] {
                for (i, item) in array.enumerated() {
                    check(item, items, path: "\(path)[\(i)]", errors: &errors)
                }
            }
            if schema["uniqueItems"] as? Bool == true {
                for i in array.indices {
                    for j in array.indices where j > i && Self.equal(array[i], array[j]) {
                        errors.append("\(path): items \(i) and \(j) are equal")
                    }
                }
            }
        }
        if let object = value as? [String: Any] {
            for key in (schema["required"] as? [String]) ?? [] where object[key] == nil {
                errors.append("\(path): missing required '\(key)'")
            }
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            let patterns = schema["patternProperties"] as? [String: [String: Any]] ?? [:]
            for (key, member) in object {
                var matched = false
                if let sub = properties[key] {
                    matched = true
                    check(member, sub, path: "\(path).\(key)", errors: &errors)
                }
                for (pattern, sub) in patterns
                where key.range(of: pattern, options: .regularExpression) != nil {
                    matched = true
                    check(member, sub, path: "\(path).\(key)", errors: &errors)
                }
                guard !matched else { continue }
                switch schema["additionalProperties"] {
                case let allowed as Bool where !allowed:
                    errors.append("\(path): property '\(key)' is not allowed")
                case let sub as [String: Any]:
                    check(member, sub, path: "\(path).\(key)", errors: &errors)
                default: break
                }
            }
        }
    }

    static func isBool(_ v: Any) -> Bool {
        // JSONSerialization gives booleans as NSNumbers of ObjC type "c" (char).
        guard let n = v as? NSNumber else { return false }
        return String(cString: n.objCType) == "c"
    }

    static func isType(_ v: Any, _ type: String) -> Bool {
        switch type {
        case "null": return v is NSNull
        case "boolean": return isBool(v)
        case "object": return v is [String: Any]
        case "array": return v is [Any]
        case "string": return v is String
        case "integer":
            guard !isBool(v), let n = v as? NSNumber else { return false }
            return n.doubleValue == n.doubleValue.rounded()
        case "number": return !isBool(v) && v is NSNumber
        default: return false
        }
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        (a as? NSObject)?.isEqual(b) ?? false
    }

    static func describe(_ v: Any) -> String {
        for t in ["null", "boolean", "integer", "number", "string", "array", "object"]
        where isType(v, t) { return t }
        return "\(type(of: v))"
    }
}
