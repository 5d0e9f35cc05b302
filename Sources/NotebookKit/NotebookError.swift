import Foundation

/// An error a cell throws to stop the run with a message for the reader
/// (`throw NotebookError("FER-2013 was not found at …; pass -p dataset=PATH")`).
public struct NotebookError: Error, CustomStringConvertible, LocalizedError {
    public let description: String
    public init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}
