/// Bad input handling for every op.
///
/// Shape and argument errors are programming errors in model code, so ops trap with
/// `fatalError` (not `precondition`, whose message is dropped in release builds).
/// Every message names the op and the shapes or values it got, for example
/// `conv2d: input channels 3 do not match filter input channels 4 (input [1, 8, 8, 3], filter [3, 3, 4, 16])`.
@inline(__always)
func check(_ condition: Bool, _ message: @autoclosure () -> String,
           file: StaticString = #fileID, line: UInt = #line) {
    if !condition {
        fatalError(message(), file: file, line: line)
    }
}
