import NotebookModel

/// MathML Core for a formula (`<math>` with `mi mn mo msup msub msubsup mfrac msqrt mrow
/// mtext`), which browsers render natively: no script, no font download.
///
///     MathML.element("x^2", display: false)
///     // <math alttext="x^2"><msup><mi>x</mi><mn>2</mn></msup></math>
enum MathML {
    static func element(_ source: String, display: Bool) -> String {
        // The runner has parsed every formula; one it could not is shown as written.
        guard let node = try? MathParser.parse(source) else { return "<code>\(esc(source))</code>" }
        return "<math\(display ? " display=\"block\"" : "") alttext=\"\(esc(source))\">"
            + body(node, display: display) + "</math>"
    }

    /// Exactly one MathML element for `node`.
    static func body(_ node: MathNode, display: Bool) -> String {
        switch node {
        case .identifier(let s):
            return MathStyle.upright(s) && s.count == 1
                ? "<mi mathvariant=\"normal\">\(esc(s))</mi>" : "<mi>\(esc(s))</mi>"
        case .number(let s): return "<mn>\(esc(s))</mn>"
        case .op(let s): return "<mo>\(esc(s))</mo>"
        case .text(let s): return "<mtext>\(esc(s))</mtext>"
        case .row(let nodes):
            return "<mrow>" + nodes.map { body($0, display: display) }.joined() + "</mrow>"
        case .scripts(let base, let sub, let sup):
            // ∑ and ∏ in display math take their limits below and above.
            let large = display && MathStyle.isLargeOperator(base)
            let b = body(base, display: display)
            switch (sub, sup) {
            case (let s?, let p?):
                return "<\(large ? "munderover" : "msubsup")>" + b + body(s, display: display)
                    + body(p, display: display) + "</\(large ? "munderover" : "msubsup")>"
            case (let s?, nil):
                return "<\(large ? "munder" : "msub")>" + b + body(s, display: display)
                    + "</\(large ? "munder" : "msub")>"
            case (nil, let p?):
                return "<\(large ? "mover" : "msup")>" + b + body(p, display: display)
                    + "</\(large ? "mover" : "msup")>"
            case (nil, nil): return b
            }
        case .fraction(let n, let d):
            return "<mfrac>" + body(n, display: display) + body(d, display: display) + "</mfrac>"
        case .sqrt(let x): return "<msqrt>" + body(x, display: display) + "</msqrt>"
        }
    }
}

enum MathStyle {
    /// Capital Greek letters and function names are set upright, one-letter names in italics.
    static func upright(_ s: String) -> Bool {
        s.count > 1 || "ΓΔΘΛΞΠΣΥΦΨΩ".contains(s)
    }

    static func isLargeOperator(_ node: MathNode) -> Bool {
        node == .op("∑") || node == .op("∏")
    }

    /// Relations get word spaces around them, binary operators thin spaces.
    static func spacing(_ op: String) -> String {
        if "=<>≤≥≠≈∼≡→←∈".contains(op) { return " " }
        if "+−×·±∓÷".contains(op) { return "\u{2009}" }
        return ""
    }
}

extension PangoMarkup {
    /// A formula in Pango markup: identifiers in italics, scripts as `<sub>`/`<sup>`,
    /// fractions as a/b with composite parts in parentheses, roots with an overline.
    mutating func math(_ source: String) {
        guard let node = try? MathParser.parse(source) else { text(source); return }
        math(node)
    }

    /// `script`: inside a sub- or superscript, where operators take no spaces (`i=1`).
    mutating func math(_ node: MathNode, script: Bool = false) {
        switch node {
        case .identifier(let s):
            if MathStyle.upright(s) { text(s) } else { open("<i>"); text(s); close("</i>") }
        case .number(let s), .text(let s): text(s)
        case .op(let s):
            let space = script ? "" : MathStyle.spacing(s)
            text(space + s + space)
        case .row(let nodes): for n in nodes { math(n, script: script) }
        case .scripts(let base, let sub, let sup):
            math(base, script: script)
            if let sub { open("<sub>"); math(sub, script: true); close("</sub>") }
            if let sup { open("<sup>"); math(sup, script: true); close("</sup>") }
        case .fraction(let n, let d):
            grouped(n, script: script); text("/"); grouped(d, script: script)
        case .sqrt(let x):
            text("√")
            span("overline=\"single\"") { $0.math(x, script: script) }
        }
    }

    private mutating func grouped(_ node: MathNode, script: Bool) {
        if node.isSimple {
            math(node, script: script)
        } else {
            text("("); math(node, script: script); text(")")
        }
    }
}
