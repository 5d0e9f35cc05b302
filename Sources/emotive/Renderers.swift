import Foundation
import NotebookModel
import Rendering
import Runner

/// Report formats beyond JSON, from the Rendering target. All draw the same
/// `ExecutedNotebook` (already scrubbed of secrets by the Runner).
enum Renderers {
    static func available(pageSize: PDFRenderer.PageSize = .a4) -> [String: ReportWriter.Renderer] {
        [
            "html": { executed, _ in .init(report: Data(try HTMLRenderer().render(executed).utf8))
            },
            "pdf": { executed, _ in
                .init(report: try PDFRenderer(pageSize: pageSize).render(executed))
            },
            "ipynb": { executed, _ in .init(report: try IPYNBRenderer().render(executed)) },
            "gfm": { executed, folder in
                let md = try GFMRenderer().render(executed, filesFolder: folder)
                return .init(report: Data(md.markdown.utf8), folderFiles: md.files)
            },
        ]
    }
}
