import Foundation

/// Reads a committed fixture written by Fixtures/make_nn_fixtures.py.
func fixtureURL(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)
        ?? Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(
            name)
}

func fixtureJSON<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(contentsOf: fixtureURL(name)))
}

/// A fresh empty directory under the temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "emotive-nn-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
