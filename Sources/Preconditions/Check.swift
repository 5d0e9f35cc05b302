/// Fails with `message` when `condition` is false, in debug and release builds alike.
///
/// Swift's `precondition` and `assert` drop their message in optimised builds, and the
/// `libEmotive.so` a notebook links is one: a user who puts a `Dense` after a `Conv2D`
/// would read "Swift runtime failure: precondition failure" instead of the message written
/// for that mistake. `fatalError` keeps its message at `-O`, so every check in the library
/// targets a notebook links (Tensors, NeuralNetworks, Vision, Plots, NotebookKit) goes
/// through here. Messages name the op or layer and what it got, for example
/// `conv2d: input channels 3 do not match filter input channels 4 (input [1, 8, 8, 3], filter [3, 3, 4, 16])`.
///
/// Not imported by notebook code (the generated program imports the library's public
/// modules, not this one), so `check` never clashes with a name in a cell.
@inlinable @inline(__always)
public func check(
    _ condition: Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition {
        checkFailed(message(), file: file, line: line)
    }
}

/// The failure path of ``check(_:_:file:line:)``, kept out of line so the check inlines small.
@usableFromInline @inline(never)
func checkFailed(_ message: String, file: StaticString, line: UInt) -> Never {
    fatalError(message, file: file, line: line)
}
