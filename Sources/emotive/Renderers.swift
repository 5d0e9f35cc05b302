import Foundation
import NotebookModel
import Runner

/// Report formats beyond JSON, from the Rendering target.
enum Renderers {
    static var available: [String: ReportWriter.Renderer] {
        [:]
    }
}
