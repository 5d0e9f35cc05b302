import Foundation
import NotebookModel
import Plots

/// Shows a figure in the report, after what the cell printed so far.
///
///     show(confusionMatrix, label: "fig-cm", caption: "Confusion matrix on the test set.")
///
/// Without a label, a figure takes the label and caption of its cell (`//| label: fig-…`).
public func show(_ figure: Figure, label: String? = nil, caption: String? = nil) {
    NotebookSession.shared.emit(
        .figure(FigureOutput(label: label, caption: caption, figure: figure)))
}

/// Shows a table; its cells are already formatted strings.
public func show(_ table: NotebookModel.Table) {
    NotebookSession.shared.emit(.table(table))
}

/// Shows a table built from any values (formatted with `String(describing:)`; floating-point
/// values with `decimals` digits).
///
///     show(table: ["model", "accuracy"], rows: [["CNN", 0.51], ["MobileNetV2", 0.63]],
///          label: "tbl-results", caption: "Test accuracy.")
public func show(
    table columns: [String], rows: [[Any]], decimals: Int = 4,
    label: String? = nil, caption: String? = nil,
    alignments: [ColumnAlignment]? = nil
) {
    let formatted = rows.map { row in row.map { formatCell($0, decimals: decimals) } }
    let aligned =
        alignments
        ?? columns.indices.map { c in
            let numeric = !rows.isEmpty && rows.allSatisfy { c < $0.count && isNumber($0[c]) }
            return numeric ? ColumnAlignment.right : .left
        }
    show(
        NotebookModel.Table(
            label: label, caption: caption, columns: columns,
            alignments: aligned, rows: formatted))
}

/// Shows Markdown (rendered like the notebook's own prose).
public func show(markdown: String) {
    NotebookSession.shared.emit(.markdown(markdown))
}

private func isNumber(_ v: Any) -> Bool {
    v is Int || v is Double || v is Float || v is Int32 || v is Int64
}

private func formatCell(_ v: Any, decimals: Int) -> String {
    switch v {
    case let d as Double: String(format: "%.\(decimals)f", d)
    case let f as Float: String(format: "%.\(decimals)f", Double(f))
    default: String(describing: v)
    }
}
