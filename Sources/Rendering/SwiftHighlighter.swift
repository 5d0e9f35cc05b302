/// A small Swift tokenizer for syntax colouring: enough to tell keywords, types, strings,
/// numbers, comments and attributes apart. It never fails: anything it does not know is
/// plain text, and concatenating the tokens gives back the source exactly.
///
///     SwiftHighlighter.tokens("let x = 1 // one")
///     // [keyword "let", plain " x = ", number "1", plain " ", comment "// one"]
enum SwiftHighlighter {
    enum Kind: String, Equatable {
        case plain, keyword, type, string, number, comment, attribute
    }

    struct Token: Equatable {
        var kind: Kind
        var text: String
    }

    static let keywords: Set<String> = [
        "actor", "any", "as", "associatedtype", "async", "await", "break", "case", "catch",
        "class", "continue", "default", "defer", "deinit", "do", "else", "enum", "extension",
        "fallthrough", "false", "fileprivate", "for", "func", "guard", "if", "import", "in",
        "init", "inout", "internal", "is", "let", "mutating", "nil", "nonisolated", "open",
        "operator", "private", "protocol", "public", "repeat", "rethrows", "return", "self",
        "Self", "some", "static", "struct", "subscript", "super", "switch", "throw", "throws",
        "true", "try", "typealias", "var", "where", "while", "consume", "borrowing",
        "consuming", "final", "lazy", "weak", "override", "convenience", "required",
    ]

    static func tokens(_ source: String) -> [Token] {
        var out: [Token] = []
        let chars = Array(source.unicodeScalars)
        var i = 0
        func emit(_ kind: Kind, _ start: Int, _ end: Int) {
            var s = ""
            s.unicodeScalars.append(contentsOf: chars[start..<end])
            if kind == .plain, let last = out.last, last.kind == .plain {
                out[out.count - 1].text += s
            } else {
                out.append(Token(kind: kind, text: s))
            }
        }
        func at(_ j: Int) -> Unicode.Scalar? { j < chars.count ? chars[j] : nil }
        func isIdentStart(_ c: Unicode.Scalar) -> Bool {
            c == "_" || c.properties.isAlphabetic
        }
        func isIdent(_ c: Unicode.Scalar) -> Bool {
            isIdentStart(c) || ("0"..."9").contains(c)
        }

        while i < chars.count {
            let c = chars[i]
            let start = i
            if c == "/", at(i + 1) == "/" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                emit(.comment, start, i)
            } else if c == "/", at(i + 1) == "*" {
                var depth = 0
                repeat {
                    if chars[i] == "/", at(i + 1) == "*" {
                        depth += 1; i += 2
                    } else if chars[i] == "*", at(i + 1) == "/" {
                        depth -= 1; i += 2
                    } else {
                        i += 1
                    }
                } while depth > 0 && i < chars.count
                emit(.comment, start, i)
            } else if c == "\"" {
                let triple = at(i + 1) == "\"" && at(i + 2) == "\""
                i += triple ? 3 : 1
                while i < chars.count {
                    if chars[i] == "\\" { i += 2; continue }
                    if triple {
                        if chars[i] == "\"", at(i + 1) == "\"", at(i + 2) == "\"" { i += 3; break }
                    } else if chars[i] == "\"" || chars[i] == "\n" {
                        i += 1; break
                    }
                    i += 1
                }
                i = min(i, chars.count)
                emit(.string, start, i)
            } else if ("0"..."9").contains(c) {
                i += 1
                while let d = at(i),
                    isIdent(d) || (d == "." && at(i + 1).map { ("0"..."9").contains($0) } == true)
                        || ((d == "-" || d == "+") && (chars[i - 1] == "e" || chars[i - 1] == "E")
                            && !(chars[start..<i].contains("x")))
                {
                    i += 1
                }
                emit(.number, start, i)
            } else if c == "@" || c == "#", at(i + 1).map(isIdentStart) == true {
                i += 1
                while let d = at(i), isIdent(d) { i += 1 }
                emit(c == "@" ? .attribute : .keyword, start, i)
            } else if isIdentStart(c) {
                while let d = at(i), isIdent(d) { i += 1 }
                var word = ""
                word.unicodeScalars.append(contentsOf: chars[start..<i])
                let afterDot = start > 0 && chars[start - 1] == "."
                if keywords.contains(word), !afterDot {
                    emit(.keyword, start, i)
                } else if let first = word.unicodeScalars.first, first.properties.isUppercase {
                    emit(.type, start, i)
                } else {
                    emit(.plain, start, i)
                }
            } else {
                i += 1
                emit(.plain, start, i)
            }
        }
        return out
    }
}
