/// A callout box, from a fenced div with a callout class:
///
///     ::: {.callout-warning title="Small data"}
///     Accuracy on 48 images per class says little.
///     :::
///
/// The renderers draw a tinted, ruled box headed by the kind's label ("Warning"), followed
/// by the title when one is given ("Warning: Small data").
public struct Callout: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        case note, tip, warning, important, caution

        /// The word a reader sees at the top of the box.
        public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    }

    public var kind: Kind
    public var title: String?
    public var blocks: [ProseBlock]

    public init(kind: Kind, title: String? = nil, blocks: [ProseBlock]) {
        self.kind = kind
        self.title = title
        self.blocks = blocks
    }

    /// "Warning", or "Warning: Small data" with a title.
    public var heading: String { title.map { "\(kind.label): \($0)" } ?? kind.label }
}

/// Prose shown only when a Swift condition held in the run, from a fenced div:
///
///     ::: {when="accuracy > baseline"}
///     The model beats the majority class by `{swift} accuracy - baseline`.
///     :::
///
/// The condition is evaluated like an inline expression (right after the cell before the
/// block, in the cells' scope) and its value is stored with the inline values under
/// `index`, so a frozen re-render makes the same choice. `unless="…"` sets `negated`.
public struct Conditional: Codable, Sendable, Hashable {
    /// The condition's number among the notebook's inline expressions.
    public var index: Int
    public var source: String
    public var negated: Bool
    public var blocks: [ProseBlock]

    public init(index: Int, source: String, negated: Bool = false, blocks: [ProseBlock]) {
        self.index = index
        self.source = source
        self.negated = negated
        self.blocks = blocks
    }

    /// Whether the block appears, given the run's inline values (the condition's value is
    /// "true" or "false"; a condition the run never reached hides the block).
    public func isShown(_ inlineValues: [Int: String]) -> Bool {
        guard let value = inlineValues[index] else { return false }
        return (value == "true") != negated
    }
}
