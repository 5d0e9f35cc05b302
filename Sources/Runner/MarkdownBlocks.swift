import _CCmark
import Foundation
import NotebookModel

/// Walks the cmark-gfm syntax tree of a notebook body into `Block`s, numbering cells and
/// inline expressions in reading order. Fenced divs (`FencedDivs`) split the body into
/// runs that cmark parses one at a time; the runs' blocks nest into callouts and
/// conditional blocks.
struct BlockBuilder {
    let path: String
    let lines: [String]
    /// The `id`s of the front matter's `references:`, in order (for citation errors).
    let referenceKeys: [String]
    private(set) var blocks: [Block] = []
    private(set) var inlineExpressions: [InlineExpression] = []
    private(set) var warnings: [RunnerWarning] = []
    private(set) var cellCount = 0
    private(set) var firstHeading: String?
    /// Divs opened and not yet closed, innermost last, with the blocks read inside them.
    private var openDivs: [(opener: FencedDivs.Opener, condition: Int?, blocks: [ProseBlock])] = []
    /// The first unknown citation key met while reading inlines (thrown after the run).
    private var citationError: RunnerError?
    /// The notebook line of the block whose inlines are being read.
    private var blockLine = 1
    /// `$…$`/`$$…$$` spans found before cmark read the text (`MathSyntax`), by index.
    private var mathSpans: [MathSyntax.Span] = []
    /// The first formula `MathParser` rejected (thrown after the block).
    private var mathError: RunnerError?
    /// Reading Markdown a cell produced (`show(markdown:)`, captions) rather than the
    /// notebook: no cells, inline expressions or citations, and a formula `MathParser`
    /// rejects stays the text written instead of failing the render.
    private var generated = false

    init(path: String, lines: [String], referenceKeys: [String] = []) {
        self.path = path
        self.lines = lines
        self.referenceKeys = referenceKeys
    }

    mutating func build(markdown: String) throws {
        for token in try FencedDivs.scan(lines, path: path) {
            switch token {
            case .markdown(let range):
                guard lines[range].contains(where: { !$0.allSatisfy(\.isWhitespace) }) else {
                    continue
                }
                // Lines outside the run become blank, so cmark's lines stay notebook lines.
                var text = String(repeating: "\n", count: range.lowerBound)
                text += lines[range].joined(separator: "\n")
                try parse(run: text)
            case .open(let opener):
                var condition: Int?
                if let source = opener.condition {
                    condition = inlineExpressions.count
                    inlineExpressions.append(
                        InlineExpression(
                            index: inlineExpressions.count, source: source,
                            afterCell: cellCount == 0 ? nil : cellCount - 1, line: opener.line,
                            kind: .condition, negated: opener.negated,
                            enclosingCondition: enclosingCondition))
                }
                openDivs.append((opener, condition, []))
            case .close:
                let div = openDivs.removeLast()
                var block = ProseBlock.paragraph([])
                if let kind = div.opener.callout {
                    block = .callout(
                        Callout(kind: kind, title: div.opener.title, blocks: div.blocks))
                }
                if let index = div.condition, let source = div.opener.condition {
                    let inner: [ProseBlock] = div.opener.callout == nil ? div.blocks : [block]
                    block = .conditional(
                        Conditional(
                            index: index, source: source,
                            negated: div.opener.negated, blocks: inner))
                }
                append(block)
            }
        }
    }

    /// The condition index of the innermost open conditional block.
    private var enclosingCondition: Int? {
        openDivs.last(where: { $0.condition != nil })?.condition
    }

    private mutating func append(_ block: ProseBlock) {
        if openDivs.isEmpty {
            blocks.append(.prose(block))
        } else {
            openDivs[openDivs.count - 1].blocks.append(block)
        }
    }

    /// Parses one run of Markdown between div lines.
    private mutating func parse(run markdown: String) throws {
        cmark_gfm_core_extensions_ensure_registered()
        guard let parser = cmark_parser_new(CMARK_OPT_SOURCEPOS) else {
            throw RunnerError(file: path, "cmark-gfm could not start a parser")
        }
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink"] {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        let (text, spans) = MathSyntax.extract(markdown, firstIndex: mathSpans.count)
        mathSpans += spans
        text.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
        guard let document = cmark_parser_finish(parser) else {
            throw RunnerError(file: path, "cmark-gfm could not parse the notebook")
        }
        defer { cmark_node_free(document) }

        var node = cmark_node_first_child(document)
        while let n = node {
            if let cell = try cell(n) {
                if let div = openDivs.last {
                    throw RunnerError(
                        file: path, line: cell.line,
                        "a Swift cell cannot be inside the ':::' block opened on line \(div.opener.line); "
                            + "close the block with ':::' before the cell")
                }
                blocks.append(.cell(cell))
                cellCount += 1
            } else {
                for block in try proseBlocks(n) { append(block) }
            }
            if let error = mathError { throw error }
            if let error = citationError { throw error }
            node = cmark_node_next(n)
        }
    }

    /// Markdown a cell produced, read as the notebook's prose is (see `generated`).
    static func generatedBlocks(_ markdown: String) -> [ProseBlock] {
        let text = markdown.replacingOccurrences(of: "\r\n", with: "\n")
        var builder = BlockBuilder(path: "(cell output)", lines: text.components(separatedBy: "\n"))
        builder.generated = true
        do {
            try builder.parse(run: text)
        } catch {
            return [.paragraph([.text(markdown)])]
        }
        return builder.blocks.compactMap { if case .prose(let p) = $0 { p } else { nil } }
    }

    // MARK: - Cells

    private mutating func cell(_ node: OpaquePointer) throws -> Cell? {
        guard !generated, cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK else { return nil }
        var length: Int32 = 0, offset: Int32 = 0
        var fenceChar: CChar = 0
        guard cmark_node_get_fenced(node, &length, &offset, &fenceChar) != 0 else { return nil }
        let info = string(cmark_node_get_fence_info(node)).trimmingCharacters(in: .whitespaces)
        let language = info.split(separator: " ").first.map(String.init) ?? ""
        guard language == "swift" || language == "{swift}" else { return nil }

        let fenceLine = Int(cmark_node_get_start_line(node))
        try checkClosed(
            node, fenceLine: fenceLine, length: Int(length),
            fence: Character(UnicodeScalar(UInt8(bitPattern: fenceChar))))
        let literal = string(cmark_node_get_literal(node))
        let (options, source, optionLines) = try CellOptionsParser.parse(
            literal, firstLine: fenceLine + 1, path: path, warnings: &warnings)
        return Cell(
            index: cellCount, line: fenceLine + 1 + optionLines, source: source, options: options)
    }

    /// cmark runs an unclosed fence to the end of the document; say so instead.
    private func checkClosed(_ node: OpaquePointer, fenceLine: Int, length: Int, fence: Character)
        throws
    {
        let endLine = Int(cmark_node_get_end_line(node))
        let closing = endLine >= 1 && endLine <= lines.count ? lines[endLine - 1] : ""
        let t = closing.trimmingCharacters(in: .whitespaces)
        let closed = endLine > fenceLine && t.count >= length && t.allSatisfy { $0 == fence }
        if !closed {
            throw RunnerError(
                file: path, line: fenceLine,
                "unterminated code fence: the ``` opened here is never closed; add a closing ``` line after the cell"
            )
        }
    }

    // MARK: - Prose blocks

    private mutating func proseBlock(_ node: OpaquePointer) throws -> ProseBlock? {
        let type = cmark_node_get_type(node)
        switch type {
        case CMARK_NODE_PARAGRAPH:
            return .paragraph(inlines(node))
        case CMARK_NODE_HEADING:
            let content = inlines(node)
            // A cell's heading is a bold line, outside the report's numbering and contents.
            if generated { return .paragraph([.strong(content)]) }
            if firstHeading == nil { firstHeading = plainText(content) }
            return .heading(level: Int(cmark_node_get_heading_level(node)), content)
        case CMARK_NODE_LIST:
            var items: [[ProseBlock]] = []
            var item = cmark_node_first_child(node)
            while let i = item {
                items.append(try childBlocks(i))
                item = cmark_node_next(i)
            }
            return .list(
                ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                start: Int(cmark_node_get_list_start(node)), items: items)
        case CMARK_NODE_BLOCK_QUOTE:
            return .quote(try childBlocks(node))
        case CMARK_NODE_CODE_BLOCK:
            let info = string(cmark_node_get_fence_info(node)).trimmingCharacters(in: .whitespaces)
            let language = info.split(separator: " ").first.map(String.init)
            var text = string(cmark_node_get_literal(node))
            if text.hasSuffix("\n") { text.removeLast() }
            return .code(language: language, text: text)
        case CMARK_NODE_HTML_BLOCK:
            return .html(string(cmark_node_get_literal(node)))
        case CMARK_NODE_THEMATIC_BREAK:
            return .thematicBreak
        default:
            if string(cmark_node_get_type_string(node)) == "table" { return table(node) }
            // Anything else cmark knows (footnote definitions, custom blocks): keep its text.
            let content = inlines(node)
            return content.isEmpty ? nil : .paragraph(content)
        }
    }

    /// A block, or a paragraph split around its `$$…$$` display formulas.
    private mutating func proseBlocks(_ node: OpaquePointer) throws -> [ProseBlock] {
        guard cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH else {
            return try proseBlock(node).map { [$0] } ?? []
        }
        var result: [ProseBlock] = []
        var run: [Inline] = []
        func flush() {
            while let f = run.first, f == .softBreak || f == .lineBreak || f == .text("") {
                run.removeFirst()
            }
            while let l = run.last, l == .softBreak || l == .lineBreak || l == .text("") {
                run.removeLast()
            }
            if case .text(let t)? = run.first {
                run[0] = .text(String(t.drop(while: \.isWhitespace)))
            }
            if case .text(let t)? = run.last {
                run[run.count - 1] = .text(
                    String(t.reversed().drop(while: \.isWhitespace).reversed()))
            }
            if !run.isEmpty, run != [.text("")] { result.append(.paragraph(run)) }
            run = []
        }
        for item in inlines(node, keepDisplay: true) {
            if case .text(let t) = item, t.contains(MathSyntax.open) {
                for piece in MathSyntax.pieces(t) {
                    switch piece {
                    case .text(let x): run.append(.text(x))
                    case .span(let k):
                        flush()
                        result.append(.displayMath(mathSpans[k].source))
                    }
                }
            } else {
                run.append(item)
            }
        }
        flush()
        return result
    }

    private mutating func childBlocks(_ node: OpaquePointer) throws -> [ProseBlock] {
        var result: [ProseBlock] = []
        var child = cmark_node_first_child(node)
        while let c = child {
            result += try proseBlocks(c)
            child = cmark_node_next(c)
        }
        return result
    }

    private mutating func table(_ node: OpaquePointer) -> ProseBlock {
        let columns = Int(cmark_gfm_extensions_get_table_columns(node))
        var alignments = [ColumnAlignment](repeating: .none, count: columns)
        if let raw = cmark_gfm_extensions_get_table_alignments(node) {
            for c in 0..<columns {
                switch UInt8(raw[c]) {
                case UInt8(ascii: "l"): alignments[c] = .left
                case UInt8(ascii: "c"): alignments[c] = .center
                case UInt8(ascii: "r"): alignments[c] = .right
                default: break
                }
            }
        }
        var header: [[Inline]] = []
        var rows: [[[Inline]]] = []
        var row = cmark_node_first_child(node)
        while let r = row {
            var cells: [[Inline]] = []
            var cell = cmark_node_first_child(r)
            while let c = cell {
                cells.append(inlines(c))
                cell = cmark_node_next(c)
            }
            if cmark_gfm_extensions_get_table_row_is_header(r) != 0 {
                header = cells
            } else {
                rows.append(cells)
            }
            row = cmark_node_next(r)
        }
        return .table(header: header, alignments: alignments, rows: rows)
    }

    // MARK: - Inlines

    /// The inlines of `node`; `keepDisplay` leaves `$$…$$` placeholders in the text for
    /// `proseBlocks` to split the paragraph at (elsewhere they are read as inline math).
    private mutating func inlines(_ node: OpaquePointer, keepDisplay: Bool = false) -> [Inline] {
        var result: [Inline] = []
        var child = cmark_node_first_child(node)
        let start = Int(cmark_node_get_start_line(node))
        if start > 0 { blockLine = start }
        let firstLine = blockLine
        while let c = child {
            result += inline(c, blockLine: start)
            child = cmark_node_next(c)
        }
        return math(in: citations(in: result, firstLine: firstLine), keepDisplay: keepDisplay)
    }

    // MARK: - Math

    /// Replaces placeholders in text with `Inline.math`, checking each formula with
    /// `MathParser` (the first error is thrown after the block, at the formula's line).
    private mutating func math(in content: [Inline], keepDisplay: Bool) -> [Inline] {
        var result: [Inline] = []
        for item in content {
            guard case .text(let t) = item,
                t.contains(MathSyntax.open) || t.contains(MathSyntax.filler)
            else {
                result.append(item)
                continue
            }
            for piece in MathSyntax.pieces(t) {
                switch piece {
                case .text(let x): result.append(.text(x))
                case .span(let k):
                    let span = mathSpans[k]
                    if generated, (try? MathParser.parse(span.source)) == nil {
                        result.append(.text(span.original))
                        continue
                    }
                    check(span)
                    if span.display && keepDisplay {
                        result.append(.text("\(MathSyntax.open)\(k)\(MathSyntax.close)"))
                    } else {
                        result.append(.math(span.source))
                    }
                }
            }
        }
        // Neighbouring text pieces back into one.
        var merged: [Inline] = []
        for item in result {
            if case .text(let b) = item, case .text(let a)? = merged.last {
                merged[merged.count - 1] = .text(a + b)
            } else if item != .text("") {
                merged.append(item)
            }
        }
        return merged
    }

    private mutating func check(_ span: MathSyntax.Span) {
        guard mathError == nil else { return }
        do {
            _ = try MathParser.parse(span.source)
        } catch {
            let written = span.display ? "$$\(span.source)$$" : "$\(span.source)$"
            mathError = RunnerError(
                file: path, line: span.line, "in the formula \(written): \(error.message)")
        }
    }

    private mutating func inline(_ node: OpaquePointer, blockLine: Int) -> [Inline] {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT:
            // Raw: math placeholders stay for `math(in:)`.
            return Self.crossReferences(in: p2s(cmark_node_get_literal(node)))
        case CMARK_NODE_CODE:
            let code = string(cmark_node_get_literal(node))
            if code.hasPrefix("{swift}"), !generated {
                let source = code.dropFirst("{swift}".count).trimmingCharacters(in: .whitespaces)
                let index = inlineExpressions.count
                let line = Int(cmark_node_get_start_line(node))
                inlineExpressions.append(
                    InlineExpression(
                        index: index, source: source,
                        afterCell: cellCount == 0 ? nil : cellCount - 1,
                        line: line > 0 ? line : blockLine, enclosingCondition: enclosingCondition))
                return [.inlineExpression(index: index, source: source)]
            }
            return [.code(code)]
        case CMARK_NODE_EMPH: return [.emphasis(inlines(node))]
        case CMARK_NODE_STRONG: return [.strong(inlines(node))]
        case CMARK_NODE_LINK: return [.link(url: string(cmark_node_get_url(node)), inlines(node))]
        case CMARK_NODE_IMAGE:
            return [.image(url: string(cmark_node_get_url(node)), alt: plainText(inlines(node)))]
        case CMARK_NODE_SOFTBREAK: return [.softBreak]
        case CMARK_NODE_LINEBREAK: return [.lineBreak]
        case CMARK_NODE_HTML_INLINE: return [.html(string(cmark_node_get_literal(node)))]
        default:
            if string(cmark_node_get_type_string(node)) == "strikethrough" {
                return [.strikethrough(inlines(node))]
            }
            let children = inlines(node)
            return children.isEmpty ? [.text(string(cmark_node_get_literal(node)))] : children
        }
    }

    /// Splits `see @fig-cm and @tbl-results.` into text and cross-references.
    static func crossReferences(in text: String) -> [Inline] {
        var result: [Inline] = []
        var pending = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let previous = i > text.startIndex ? text[text.index(before: i)] : " "
            if c == "@", !(previous.isLetter || previous.isNumber || previous == "_") {
                let rest = text[text.index(after: i)...]
                if rest.hasPrefix("fig-") || rest.hasPrefix("tbl-") || rest.hasPrefix("sec-") {
                    var end =
                        rest.firstIndex(where: {
                            !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_")
                        })
                        ?? rest.endIndex
                    while end > rest.startIndex, let last = rest[..<end].last,
                        last == "-" || last == "_"
                    {
                        end = rest.index(before: end)
                    }
                    let label = String(rest[..<end])
                    if label.count > 4 {
                        if !pending.isEmpty { result.append(.text(pending)); pending = "" }
                        result.append(.crossReference(label: label))
                        i = end
                        continue
                    }
                }
            }
            pending.append(c)
            i = text.index(after: i)
        }
        if !pending.isEmpty { result.append(.text(pending)) }
        return result
    }

    // MARK: - Citations

    /// Finds `[@key]`, `[@a; @b]` and `[@key, p. 3]` in the text of `content` (cmark splits
    /// text at brackets, so neighbouring text pieces are read together) and checks each key
    /// against the front matter's references. Content without citations comes back as it was.
    private mutating func citations(in content: [Inline], firstLine: Int) -> [Inline] {
        if generated { return content }
        var result: [Inline] = []
        var run: [Inline] = []
        var line = firstLine
        var runLine = firstLine
        func flush(_ builder: inout BlockBuilder) {
            defer { run = [] }
            let text = run.map { if case .text(let t) = $0 { t } else { "" } }.joined()
            guard text.contains("[@"), let pieces = CitationSyntax.split(text) else {
                result += run
                return
            }
            for piece in pieces {
                if case .citation(let items) = piece {
                    for item in items where !builder.referenceKeys.contains(item.key) {
                        builder.unknownCitation(item.key, line: runLine)
                    }
                }
            }
            result += pieces
        }
        for item in content {
            if case .text = item {
                if run.isEmpty { runLine = line }
                run.append(item)
                continue
            }
            flush(&self)
            if item == .softBreak || item == .lineBreak { line += 1 }
            result.append(item)
        }
        flush(&self)
        return result
    }

    private mutating func unknownCitation(_ key: String, line: Int) {
        guard citationError == nil else { return }
        let known =
            referenceKeys.isEmpty
            ? "the front matter has no references; add a 'references:' list with an entry whose id is '\(key)'"
            : "known keys: \(referenceKeys.joined(separator: ", ")); add an entry to 'references:' or fix the key"
        citationError = RunnerError(
            file: path, line: line, "unknown citation key '@\(key)' (\(known))")
    }

    private func plainText(_ inlines: [Inline]) -> String {
        inlines.map { inline -> String in
            switch inline {
            case .text(let s), .code(let s), .html(let s): s
            case .emphasis(let c), .strong(let c), .strikethrough(let c), .link(_, let c):
                plainText(c)
            case .image(_, let alt): alt
            case .softBreak, .lineBreak: " "
            case .crossReference(let label): "@" + label
            case .inlineExpression(_, let source): source
            case .citation(let items):
                "[" + items.map { "@" + $0.key }.joined(separator: "; ") + "]"
            case .math(let source): source
            }
        }.joined()
    }

    /// A cmark string with any math placeholder put back as written (code, URLs, HTML).
    private func string(_ p: UnsafePointer<CChar>?) -> String {
        MathSyntax.restore(p2s(p), spans: mathSpans)
    }

    private func p2s(_ p: UnsafePointer<CChar>?) -> String {
        p.map { String(cString: $0) } ?? ""
    }
}
