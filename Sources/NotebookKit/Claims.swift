import NotebookModel

/// States a claim the prose makes; a false claim fails the render and is shown in place.
/// The run goes on so that every claim is checked.
///
///     expect(cnn.testAccuracy > 0.4, "the CNN beats chance by a wide margin")
public func expect(_ condition: Bool, _ message: String, line: Int = #line) {
    NotebookSession.shared.emit(
        .expectation(Expectation(passed: condition, message: message, line: line)))
}

/// Records a named scalar result; it goes to `Reports/<name>.json` for readable diffs.
///
///     record("mobilenet.testAccuracy", accuracy)
public func record(_ name: String, _ value: Double) {
    NotebookSession.shared.emit(.metric(name: name, value: value))
}

public func record<T: BinaryFloatingPoint>(_ name: String, _ value: T) {
    record(name, Double(value))
}

public func record<T: BinaryInteger>(_ name: String, _ value: T) {
    record(name, Double(value))
}

/// Declares a data set the notebook read, for the freeze cache key and the report's
/// provenance. With `path`, the Runner also re-checks the files there (names, sizes,
/// modification times) before reusing stored outputs.
///
///     registerData(name: "fer2013", fingerprint: data.fingerprint, path: params.dataset)
public func registerData(name: String, fingerprint: String, path: String? = nil) {
    NotebookSession.shared.send(.data(name: name, fingerprint: fingerprint, path: path))
}
