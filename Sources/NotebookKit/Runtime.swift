import Foundation
import NotebookModel

/// Entry points the Runner's generated `main.swift` calls around each cell. Not for cells.
///
///     _NotebookRuntime.beginCell(0)
///     let x = 1            // cell 0
///     _NotebookRuntime.endCell(0)
///     _NotebookRuntime.inline(0) { x + 1 }
public enum _NotebookRuntime {
    nonisolated(unsafe) private static var cellStart = 0.0
    // nonisolated(unsafe): generated top-level code runs cells one after another on the
    // main thread; nothing else touches `cellStart`.

    public static func beginCell(_ index: Int) {
        cellStart = NotebookSession.now()
        NotebookSession.shared.beginCell(index)
    }

    public static func endCell(_ index: Int) {
        NotebookSession.shared.endCell(index, seconds: NotebookSession.now() - cellStart)
    }

    /// Reports the value of inline expression `index`.
    public static func inline<T>(_ index: Int, _ value: () throws -> T) rethrows {
        let v = try value()
        NotebookSession.shared.send(.inlineValue(index: index, value: inlineText(v)))
    }

    /// Reports and returns the value of the condition of a `::: {when="…"}` block (numbered
    /// with the inline expressions); the generated code puts the block's inline
    /// expressions inside `if _NotebookRuntime.condition(…) { … }`.
    public static func condition(_ index: Int, _ value: () throws -> Bool) rethrows -> Bool {
        let v = try value()
        NotebookSession.shared.send(.inlineValue(index: index, value: v ? "true" : "false"))
        return v
    }

    /// Chosen by the compiler only when a condition is not a `Bool`, to say so plainly.
    @available(
        *, unavailable,
        message:
            "a when/unless condition must be a Bool; compare or test the value, e.g. `count > 0` or `flag ?? false`"
    )
    public static func condition<T>(_ index: Int, _ value: () throws -> T) rethrows -> Bool {
        fatalError("unavailable")
    }

    /// A thrown error in a cell marked `//| error: true`, shown in place.
    public static func cellError(_ index: Int, _ error: any Error) {
        NotebookSession.shared.send(.cellError(cell: index, message: String(describing: error)))
    }

    /// Text for an inline value: floating-point numbers get at most four decimals so prose
    /// reads "0.5123", not "0.512345671653747".
    static func inlineText<T>(_ value: T) -> String {
        switch value {
        case let d as Double: formatDecimal(d)
        case let f as Float: formatDecimal(Double(f))
        default: String(describing: value)
        }
    }

    static func formatDecimal(_ d: Double) -> String {
        guard d.isFinite else { return String(d) }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        var s = String(format: "%.4f", d)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
