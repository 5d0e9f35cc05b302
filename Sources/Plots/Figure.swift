// Transient: the Plots owner replaces this with the real Codable figure description.
public struct Figure: Codable, Sendable, Hashable {
    public init() {}
}
