import Foundation
import NotebookModel
import Rendering
import Runner

/// Report formats beyond JSON, from the Rendering target. Both draw the same
/// `ExecutedNotebook` (already scrubbed of secrets by the Runner).
enum Renderers {
    static func available(pageSize: PDFRenderer.PageSize = .a4) -> [String: ReportWriter.Renderer] {
        [
            "html": { executed in Data(try HTMLRenderer().render(executed).utf8) },
            "pdf": { executed in try PDFRenderer(pageSize: pageSize).render(executed) },
        ]
    }
}
