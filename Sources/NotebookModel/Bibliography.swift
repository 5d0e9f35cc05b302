/// One entry of the front matter's `references:` list (CSL-YAML-like):
///
///     references:
///       - id: he2016
///         author: [Kaiming He, Xiangyu Zhang]
///         title: Deep Residual Learning for Image Recognition
///         container-title: CVPR
///         year: 2016
///         url: https://arxiv.org/abs/1512.03385
public struct BibliographyEntry: Codable, Sendable, Hashable {
    /// The key prose cites it by (`[@he2016]`).
    public var id: String
    public var authors: [String]
    public var title: String
    public var year: String?
    /// The journal, proceedings or book (`container-title`).
    public var container: String?
    /// Publisher or institution.
    public var publisher: String?
    public var note: String?
    public var url: String?

    public init(
        id: String, authors: [String] = [], title: String, year: String? = nil,
        container: String? = nil, publisher: String? = nil, note: String? = nil,
        url: String? = nil
    ) {
        self.id = id
        self.authors = authors
        self.title = title
        self.year = year
        self.container = container
        self.publisher = publisher
        self.note = note
        self.url = url
    }
}

/// One key of a citation: `@he2016` or `@he2016, p. 3` (the text after the comma is the
/// locator, shown after the number: "[1, p. 3]").
public struct CitationItem: Codable, Sendable, Hashable {
    public var key: String
    public var locator: String?

    public init(key: String, locator: String? = nil) {
        self.key = key
        self.locator = locator
    }
}
