/// Text escaped for XML and HTML, content and quoted attribute values alike: the one
/// escaper for the SVG writer, the HTML report, Pango's markup in the PDF and the preview page.
///
/// The rule: `&` `<` `>` `"` `'` become `&amp;` `&lt;` `&gt;` `&quot;` `&#39;`; tab, line
/// feed and carriage return are kept; the other C0 control characters (U+0000–U+001F),
/// DEL (U+007F) and the non-characters U+FFFE/U+FFFF are dropped — XML 1.0 does not allow
/// them (an SVG holding one is not well-formed and Pango refuses the markup) and HTML
/// calls them parse errors. Everything else passes through unchanged.
///
///     escapeXML("a < b & \"c\"\u{7}") == "a &lt; b &amp; &quot;c&quot;"
public func escapeXML(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\t", "\n", "\r": out.unicodeScalars.append(ch)
        default:
            if ch.value >= 0x20 && ch.value != 0x7F && ch.value != 0xFFFE && ch.value != 0xFFFF {
                out.unicodeScalars.append(ch)
            }
        }
    }
    return out
}
