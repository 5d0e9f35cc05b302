import Checksums
import Foundation
import NotebookModel

/// The freeze cache: a notebook's executed outputs stored under a key made of every code
/// cell, the inline expressions, the params and the library's build identity. A prose-only
/// edit finds its entry and re-renders without compiling or running.
///
/// Entries are `freeze/<key>.json`: a first line `emotive-freeze 1 sha256=<digest>` and the
/// JSON payload. They are written atomically and never trusted when the digest does not
/// match; data the notebook registered with a path is re-checked before use. Runs that
/// ended in a failed cell are not stored; runs with failed `expect`s are (and still fail).
public struct FreezeCache: Sendable {
    public static let formatVersion = 1
    public let directory: String
    /// Set for a store that keeps one entry per notebook (`<name>-<key>.json`); storing a
    /// new entry removes the notebook's older ones, so a committed store stays small.
    public let exclusiveName: String?

    public init(directory: String, exclusiveName: String? = nil) {
        self.directory = directory
        self.exclusiveName = exclusiveName
    }

    /// What an entry holds.
    struct Entry: Codable {
        var run: CollectedRun
        /// Notebook line of each cell when stored, to move expectation lines after prose edits.
        var cellLines: [Int: Int]
        /// Runner-side fingerprint (names, sizes, modification times) of each registered path.
        var pathFingerprints: [String: String]
        var storedAt: String
    }

    public static func key(
        _ parsed: ParsedNotebook, params: [(name: String, value: ParamValue)],
        libraryIdentity: String, ranks: Int = 1
    ) -> String {
        var h = SHA256()
        h.update("emotive-freeze \(formatVersion)\n")
        for cell in parsed.notebook.cells {
            h.update("cell \(cell.index) eval=\(cell.options.eval) error=\(cell.options.error)\n")
            h.update(cell.source)
            h.update("\n\u{0}\n")
        }
        for e in parsed.inlineExpressions {
            // Conditions and what they enclose add to the line, so keys of notebooks
            // without conditional blocks stay what they were.
            let kind = e.kind == .condition ? " condition" : ""
            let enclosing = e.enclosingCondition.map { " in=\($0)" } ?? ""
            h.update(
                "inline \(e.index) after=\(e.afterCell.map(String.init) ?? "-")\(kind)\(enclosing) \(e.source)\n"
            )
        }
        for p in params {
            h.update(
                "param \(p.name): \(p.value.typeName) = \(CodeGenerator.swiftLiteral(p.value))\n")
        }
        h.update("library \(libraryIdentity)\n")
        // Per-rank batch-norm statistics and dropout masks change the numbers; one rank adds
        // nothing, so keys of single-process runs stay what they were.
        if ranks > 1 { h.update("ranks \(ranks)\n") }
        return h.finalizeHex()
    }

    func path(for key: String) -> String {
        "\(directory)/\(exclusiveName.map { "\($0)-" } ?? "")\(key).json"
    }

    /// The stored run for `key`, with expectation lines moved to the cells' current lines;
    /// nil when there is none or it must not be trusted (`reason` says why).
    func load(key: String, parsed: ParsedNotebook, reason: inout String?) -> CollectedRun? {
        let file = path(for: key)
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        guard let newline = data.firstIndex(of: 0x0A) else {
            reason = "a damaged freeze-cache entry was ignored (\(file))"
            try? FileManager.default.removeItem(atPath: file)
            return nil
        }
        let header = String(decoding: data[..<newline], as: UTF8.self)
        let payload = data[(newline + 1)...]
        guard header == "emotive-freeze \(Self.formatVersion) sha256=\(SHA256.hex(payload))",
            let entry = try? JSONDecoder().decode(Entry.self, from: payload)
        else {
            reason = "a freeze-cache entry failed its checksum and was ignored (\(file))"
            try? FileManager.default.removeItem(atPath: file)
            return nil
        }
        for (name, path) in entry.run.dataPaths {
            let now = Self.fingerprint(path: path)
            if now != entry.pathFingerprints[name] {
                reason = "data '\(name)' at \(path) changed since the outputs were stored"
                return nil
            }
        }
        var run = entry.run
        for cell in parsed.notebook.cells {
            guard let old = entry.cellLines[cell.index], old != cell.line,
                var result = run.results[cell.index]
            else { continue }
            let delta = cell.line - old
            result.outputs = result.outputs.map { output in
                guard case .expectation(var e) = output else { return output }
                e.line = e.line.map { $0 + delta }
                return .expectation(e)
            }
            run.results[cell.index] = result
        }
        return run
    }

    func store(_ run: CollectedRun, key: String, parsed: ParsedNotebook) throws {
        var cellLines: [Int: Int] = [:]
        for cell in parsed.notebook.cells { cellLines[cell.index] = cell.line }
        var prints: [String: String] = [:]
        for (name, path) in run.dataPaths { prints[name] = Self.fingerprint(path: path) }
        let entry = Entry(
            run: run, cellLines: cellLines, pathFingerprints: prints,
            storedAt: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let payload = try encoder.encode(entry)
        var data = Data("emotive-freeze \(Self.formatVersion) sha256=\(SHA256.hex(payload))\n".utf8)
        data.append(payload)
        let file = path(for: key)
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        try AtomicFile.write(data, to: file)
        if let name = exclusiveName {
            let older = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter {
                    $0.hasPrefix(name + "-") && $0.hasSuffix(".json")
                        && "\(directory)/\($0)" != file
                        && $0.dropFirst(name.count + 1).dropLast(5).allSatisfy(\.isHexDigit)
                }
            for f in older { try? FileManager.default.removeItem(atPath: "\(directory)/\(f)") }
        }
    }

    /// Names, sizes and modification times of a file or of every file under a folder
    /// (cheap enough for tens of thousands of images; contents are the notebook's job).
    static func fingerprint(path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "missing"
        }
        var h = SHA256()
        func add(_ p: String, name: String) {
            let a = try? FileManager.default.attributesOfItem(atPath: p)
            let size = (a?[.size] as? NSNumber)?.int64Value ?? -1
            let mtime = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            h.update("\(name)\t\(size)\t\(mtime)\n")
        }
        if isDirectory.boolValue {
            let names = (FileManager.default.subpaths(atPath: path) ?? []).sorted()
            for name in names { add(path + "/" + name, name: name) }
        } else {
            add(path, name: URL(fileURLWithPath: path).lastPathComponent)
        }
        return h.finalizeHex()
    }
}
