/// TeX math as a tree, the subset a report needs: identifiers, numbers, operators,
/// `^`/`_` scripts, `\frac`, `\sqrt`, Greek letters, `\text{…}` and a few named operators.
///
///     try MathParser.parse(#"w(c) = \frac{n}{k \cdot n(c)}"#)
///     // .row([.identifier("w"), .op("("), .identifier("c"), .op(")"), .op("="),
///     //       .fraction(.identifier("n"), .row([.identifier("k"), .op("·"), …]))])
public indirect enum MathNode: Sendable, Hashable {
    /// A variable or a function name (`x`, `α`, `log`); one letter is set in italics.
    case identifier(String)
    case number(String)
    case op(String)
    /// `\text{…}`: upright words inside math.
    case text(String)
    case row([MathNode])
    /// A base with a subscript, a superscript or both (`x_i^2`).
    case scripts(base: MathNode, sub: MathNode?, sup: MathNode?)
    case fraction(MathNode, MathNode)
    case sqrt(MathNode)
}

/// What is wrong with a formula, naming the construct (`unsupported command \int`).
public struct MathSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Parses the TeX subset of `MathNode`; anything else is a `MathSyntaxError`.
public enum MathParser {
    public static func parse(_ source: String) throws(MathSyntaxError) -> MathNode {
        var p = Parser(chars: Array(source))
        let nodes = try p.row(closing: nil)
        return nodes.count == 1 ? nodes[0] : .row(nodes)
    }

    /// Greek letters by command name (`alpha` → α); capitals are set upright.
    public static let greek: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
        "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
        "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ",
        "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ",
        "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
        "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    /// Operator commands (`\cdot` → ·).
    static let operators: [String: String] = [
        "cdot": "·", "times": "×", "pm": "±", "mp": "∓", "div": "÷",
        "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠",
        "approx": "≈", "sim": "∼", "equiv": "≡", "infty": "∞", "sum": "∑", "prod": "∏",
        "in": "∈", "to": "→", "rightarrow": "→", "leftarrow": "←", "mid": "∣",
        "ldots": "…", "cdots": "⋯", "partial": "∂", "{": "{", "}": "}", "|": "‖",
        "lbrace": "{", "rbrace": "}",
    ]

    /// Upright function names (`\log x`).
    static let functions: Set<String> = [
        "log", "exp", "ln", "min", "max", "sin", "cos", "tan", "arg",
    ]

    /// Spacing commands, read as nothing (MathML and Pango space operators themselves).
    static let spaces: Set<String> = [",", ";", ":", "!", " ", "quad", "qquad"]

    /// Single characters accepted as operators.
    static let operatorCharacters: Set<Character> = [
        "+", "-", "*", "=", "<", ">", "/", "(", ")", "[", "]", "|", ",", ";", ":", "!", "'", ".",
        "≤", "≥", "·", "×", "±", "≠", "≈", "∞", "−", "→", "…", "∑", "∏", "∈", "∗",
    ]

    private struct Parser {
        let chars: [Character]
        var i = 0

        /// Atoms with their scripts up to `closing` (`}`) or the end.
        mutating func row(closing: Character?) throws(MathSyntaxError) -> [MathNode] {
            var nodes: [MathNode] = []
            while true {
                skipSpaces()
                guard i < chars.count else {
                    if closing != nil {
                        throw MathSyntaxError("unbalanced brace: a '{' is never closed with '}'")
                    }
                    return nodes
                }
                let c = chars[i]
                if c == "}" {
                    guard closing == "}" else {
                        throw MathSyntaxError("unbalanced brace: '}' without a matching '{'")
                    }
                    i += 1
                    return nodes
                }
                if c == "^" || c == "_" {
                    let base = nodes.popLast() ?? .row([])
                    nodes.append(try scripts(on: base))
                    continue
                }
                if let atom = try atom() { nodes.append(atom) }
            }
        }

        mutating func skipSpaces() {
            while i < chars.count, chars[i].isWhitespace { i += 1 }
        }

        /// `x^a_b` or `x_b^a`; a second script of the same kind is an error.
        mutating func scripts(on base: MathNode) throws(MathSyntaxError) -> MathNode {
            var (b, sub, sup) = (base, MathNode?.none, MathNode?.none)
            if case .scripts(let inner, let s, let p) = base { (b, sub, sup) = (inner, s, p) }
            while i < chars.count, chars[i] == "^" || chars[i] == "_" {
                let mark = chars[i]
                i += 1
                let argument = try scriptArgument(mark)
                if mark == "^" {
                    guard sup == nil else {
                        throw MathSyntaxError("double superscript: use braces, as in x^{ab}")
                    }
                    sup = argument
                } else {
                    guard sub == nil else {
                        throw MathSyntaxError("double subscript: use braces, as in x_{ab}")
                    }
                    sub = argument
                }
                skipSpaces()
            }
            return .scripts(base: b, sub: sub, sup: sup)
        }

        /// A braced group, or one character or command (`x^2`, `x^\alpha`).
        mutating func scriptArgument(_ mark: Character) throws(MathSyntaxError) -> MathNode {
            skipSpaces()
            guard i < chars.count, chars[i] != "}", chars[i] != "^", chars[i] != "_" else {
                throw MathSyntaxError("'\(mark)' needs an argument, as in x\(mark){2}")
            }
            if chars[i] == "{" { return try group() }
            if chars[i].isNumber {
                i += 1
                return .number(String(chars[i - 1]))
            }
            guard let node = try atom() else {
                throw MathSyntaxError("'\(mark)' needs an argument, as in x\(mark){2}")
            }
            return node
        }

        /// `{…}` as one node.
        mutating func group() throws(MathSyntaxError) -> MathNode {
            i += 1  // {
            let nodes = try row(closing: "}")
            return nodes.count == 1 ? nodes[0] : .row(nodes)
        }

        /// The text of a `{…}` argument taken literally (`\text{…}`), braces balanced.
        mutating func literalGroup(_ command: String) throws(MathSyntaxError) -> String {
            skipSpaces()
            guard i < chars.count, chars[i] == "{" else {
                throw MathSyntaxError("\\\(command) needs a braced argument, as in \\\(command){…}")
            }
            i += 1
            var depth = 1, text = ""
            while i < chars.count {
                let c = chars[i]
                i += 1
                if c == "{" {
                    depth += 1
                } else if c == "}" {
                    depth -= 1
                    if depth == 0 { return text }
                }
                text.append(c)
            }
            throw MathSyntaxError(
                "unbalanced brace: the '{' of \\\(command) is never closed with '}'")
        }

        mutating func requiredGroup(_ command: String, _ what: String) throws(MathSyntaxError)
            -> MathNode
        {
            skipSpaces()
            guard i < chars.count, chars[i] == "{" else {
                throw MathSyntaxError(
                    "\\\(command) needs \(what), as in \\\(command)\(command == "frac" ? "{a}{b}" : "{x}")"
                )
            }
            return try group()
        }

        /// One identifier, number, operator, command or group; nil for spacing.
        mutating func atom() throws(MathSyntaxError) -> MathNode? {
            let c = chars[i]
            if c == "{" { return try group() }
            if c == "\\" { return try command() }
            if c.isNumber {
                var s = ""
                while i < chars.count,
                    chars[i].isNumber
                        || (chars[i] == "." && i + 1 < chars.count && chars[i + 1].isNumber
                            && !s.isEmpty)
                {
                    s.append(chars[i]); i += 1
                }
                return .number(s)
            }
            if c.isLetter {
                i += 1
                return .identifier(String(c))
            }
            if MathParser.operatorCharacters.contains(c) {
                i += 1
                return .op(c == "-" ? "−" : c == "*" ? "∗" : String(c))
            }
            throw MathSyntaxError("unsupported character '\(c)' in math")
        }

        mutating func command() throws(MathSyntaxError) -> MathNode? {
            i += 1  // backslash
            guard i < chars.count else {
                throw MathSyntaxError("a lone '\\' at the end of the formula")
            }
            var name = ""
            if chars[i].isLetter {
                while i < chars.count, chars[i].isLetter { name.append(chars[i]); i += 1 }
            } else {
                name = String(chars[i]); i += 1
            }
            if let g = MathParser.greek[name] { return .identifier(g) }
            if let o = MathParser.operators[name] { return .op(o) }
            if MathParser.functions.contains(name) { return .identifier(name) }
            if MathParser.spaces.contains(name) { return nil }
            switch name {
            case "frac":
                let numerator = try requiredGroup("frac", "a numerator and a denominator")
                let denominator = try requiredGroup("frac", "a numerator and a denominator")
                return .fraction(numerator, denominator)
            case "sqrt": return .sqrt(try requiredGroup("sqrt", "a braced argument"))
            case "text", "mathrm", "textrm", "operatorname":
                let words = try literalGroup(name)
                return name == "text" || name == "textrm" ? .text(words) : .identifier(words)
            case "left", "right":
                skipSpaces()
                guard i < chars.count else {
                    throw MathSyntaxError("\\\(name) needs a delimiter, as in \\\(name)(")
                }
                if chars[i] == "." { i += 1; return nil }
                guard let d = try atom(), case .op = d else {
                    throw MathSyntaxError("\\\(name) needs a delimiter such as ( [ |")
                }
                return d
            default:
                throw MathSyntaxError(
                    "unsupported command \\\(name) (supported: fractions, sqrt, scripts, Greek letters, "
                        + "\\cdot \\times \\pm \\le \\ge \\ne \\approx \\infty \\sum \\prod \\log \\exp \\text)"
                )
            }
        }
    }
}

extension MathNode {
    /// The formula as plain text (`n/(k·n(c))`), for alt text and plain-text contexts.
    public var plainText: String {
        switch self {
        case .identifier(let s), .number(let s), .op(let s), .text(let s): s
        case .row(let nodes): nodes.map(\.plainText).joined()
        case .scripts(let base, let sub, let sup):
            base.plainText + (sub.map { "_" + $0.groupedText } ?? "")
                + (sup.map { "^" + $0.groupedText } ?? "")
        case .fraction(let n, let d): n.groupedText + "/" + d.groupedText
        case .sqrt(let x): "√" + x.groupedText
        }
    }

    /// Plain text, in parentheses when it is more than one symbol.
    public var groupedText: String {
        isSimple ? plainText : "(" + plainText + ")"
    }

    /// One identifier, number or operator (needs no parentheses when written inline).
    public var isSimple: Bool {
        switch self {
        case .identifier, .number, .op, .text: true
        case .row(let nodes): nodes.count == 1 && nodes[0].isSimple
        case .scripts, .fraction, .sqrt: false
        }
    }
}
