import NotebookModel
import Yams

/// Reads the front matter's `references:` list (CSL-YAML-like) into `BibliographyEntry`s.
///
///     references:
///       - id: goodfellow2013
///         author: [Ian J. Goodfellow, Dumitru Erhan]     # or one string, or CSL {family, given}
///         title: Challenges in Representation Learning
///         container-title: ICONIP                      # or publisher / institution
///         issued: 2013                                 # or year, or {date-parts: [[2013]]}
///         url: https://arxiv.org/abs/1307.0414
///
/// `id` and `title` are required; unknown fields are ignored with a warning.
enum ReferenceListParser {
    static let fields = [
        "id", "author", "title", "year", "issued", "container-title", "publisher",
        "institution", "note", "url", "doi",
    ]
    static var knownFields: String { fields.joined(separator: ", ") }
    /// CSL fields a report does not show; accepted without a warning.
    static let quietFields: Set = [
        "type", "volume", "issue", "page", "pages", "editor", "isbn",
        "language", "accessed",
    ]

    static func parse(
        _ node: Node, path: String, offset: Int,
        warnings: inout [RunnerWarning]
    ) throws -> [BibliographyEntry] {
        guard let list = node.sequence else {
            throw RunnerError(
                file: path, line: FrontMatterParser.line(of: node, offset),
                "'references' must be a list of entries, each '- id: key' with a title")
        }
        var entries: [BibliographyEntry] = []
        var seen: [String: Int] = [:]
        for (n, item) in list.enumerated() {
            let at = FrontMatterParser.line(of: item, offset)
            guard let mapping = item.mapping else {
                throw RunnerError(
                    file: path, line: at,
                    "reference \(n + 1) must be a mapping with at least 'id' and 'title'")
            }
            var fields: [String: Node] = [:]
            for (k, v) in mapping {
                let key = (k.string ?? "").lowercased()
                if Self.fields.contains(key) {
                    fields[key] = v
                } else if !quietFields.contains(key) {
                    warnings.append(
                        RunnerWarning(
                            file: path, line: FrontMatterParser.line(of: k, offset) ?? at ?? 1,
                            "reference field '\(k.string ?? "")' is ignored (known: \(knownFields))"
                        ))
                }
            }
            guard let id = fields["id"].flatMap(scalar), !id.isEmpty else {
                throw RunnerError(
                    file: path, line: at,
                    "reference \(n + 1) has no 'id'; give it one to cite it by, e.g. 'id: he2016' cited as [@he2016]"
                )
            }
            guard let title = fields["title"].flatMap(scalar), !title.isEmpty else {
                throw RunnerError(
                    file: path, line: at, "reference '\(id)' has no 'title'; add 'title: …'")
            }
            if let first = seen[id] {
                throw RunnerError(
                    file: path, line: at,
                    "reference id '\(id)' is used twice (first on line \(first))")
            }
            seen[id] = at ?? 0
            var url = fields["url"].flatMap(scalar)
            if url == nil, let doi = fields["doi"].flatMap(scalar) {
                url = "https://doi.org/" + doi
            }
            entries.append(
                BibliographyEntry(
                    id: id, authors: fields["author"].map(authors) ?? [], title: title,
                    year: fields["year"].flatMap(scalar) ?? fields["issued"].flatMap(year),
                    container: fields["container-title"].flatMap(scalar),
                    publisher: fields["publisher"].flatMap(scalar)
                        ?? fields["institution"].flatMap(scalar),
                    note: fields["note"].flatMap(scalar), url: url))
        }
        return entries
    }

    private static func scalar(_ node: Node) -> String? {
        node.scalar.map { $0.string.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// `Ada Lovelace`, `[A, B]`, or CSL names `[{family: Lovelace, given: Ada}]`.
    private static func authors(_ node: Node) -> [String] {
        if let s = scalar(node) { return [s] }
        return (node.sequence.map(Array.init) ?? []).compactMap { person in
            if let s = scalar(person) { return s }
            guard let m = person.mapping else { return nil }
            if let literal = m["literal"].flatMap(scalar) { return literal }
            let parts = [m["given"].flatMap(scalar), m["family"].flatMap(scalar)].compactMap { $0 }
            return parts.isEmpty ? nil : parts.joined(separator: " ")
        }
    }

    /// `issued: 2016`, `issued: 2016-06-27` or `issued: {date-parts: [[2016, 6]]}` → "2016".
    private static func year(_ node: Node) -> String? {
        if let s = scalar(node) { return String(s.prefix(4)) }
        if let parts = node.mapping?["date-parts"]?.sequence?.first?.sequence?.first {
            return scalar(parts)
        }
        return node.mapping?["year"].flatMap(scalar)
    }
}
