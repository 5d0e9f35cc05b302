import Checksums
import Foundation
import NotebookModel

/// The modules of the `Emotive` library product (`libEmotive.so`), in one place.
///
/// Package.swift cannot import code, so its `Emotive` product repeats `linked`;
/// `ToolchainTests` reads the manifest and checks that the two agree.
public enum EmotiveLibrary {
    /// What a cell sees, in import order (the generated program imports these).
    public static let imported = [
        "Tensors", "NeuralNetworks", "Vision", "Plots", "NotebookModel", "NotebookKit",
        "MessagePassing",
    ]
    /// Everything the library holds: the imported modules and those they use, which cells
    /// do not import.
    public static let linked =
        imported + ["Checksums", "SeededRandom", "XMLEscaping", "Preconditions"]
}

/// Where the prebuilt `Emotive` library is and how `swiftc` compiles a notebook against it.
///
/// The library is the package's dynamic product `libEmotive.so`, in the build folder of
/// the running `emotive` (or test) executable: `.build/<config>/libEmotive.so` with the
/// Swift modules in `.build/<config>/Modules`. The C modules its targets import are the
/// package's `Sources/_C*/module.modulemap` files, with the header paths pkg-config gives.
public struct Toolchain: Sendable {
    public var buildDirectory: String
    public var packageRoot: String
    public var swiftc: String
    /// Flags that make the library's modules importable and linkable.
    public var flags: [String]
    /// The library's modules that exist in this build (imported by generated code).
    public var modules: [String]

    public var libraryPath: String { buildDirectory + "/libEmotive.so" }

    /// Set when a library module was rebuilt after libEmotive.so was linked (e.g. only
    /// `swift build --product emotive` ran): compiling may then fail to link.
    public var staleLibraryWarning: String? {
        func modified(_ path: String) -> Date? {
            (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        }
        guard let library = modified(libraryPath) else { return nil }
        for m in EmotiveLibrary.linked {
            let path = "\(buildDirectory)/Modules/\(m).swiftmodule"
            if let module = modified(path), module.timeIntervalSince(library) > 1 {
                return
                    "warning: \(libraryPath) is older than Modules/\(m).swiftmodule; if the notebook "
                    + "fails to link, rebuild the library with 'swift build --product Emotive'"
            }
        }
        return nil
    }

    /// Finds the library next to the running executable, or in `EMOTIVE_LIBRARY_DIR`.
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String? = nil
    ) throws -> Toolchain {
        var candidates: [String] = []
        if let dir = environment["EMOTIVE_LIBRARY_DIR"], !dir.isEmpty { candidates.append(dir) }
        let exe =
            executable
            ?? (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
        // An .xctest bundle directory (macOS layout) sits inside the build folder too.
        for _ in 0..<3 {
            candidates.append(dir.path)
            dir = dir.deletingLastPathComponent()
        }
        guard
            let build = candidates.first(where: {
                FileManager.default.fileExists(atPath: $0 + "/libEmotive.so")
            })
        else {
            throw RunnerError(
                "cannot find libEmotive.so next to \(exe). Build it with "
                    + "'swift build --product Emotive' (or 'swift build --build-tests'), "
                    + "or set EMOTIVE_LIBRARY_DIR to the folder that holds it.")
        }
        return try Toolchain(buildDirectory: build, environment: environment)
    }

    public init(
        buildDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        self.buildDirectory = URL(fileURLWithPath: buildDirectory).resolvingSymlinksInPath().path
        guard let root = Self.packageRoot(above: self.buildDirectory) else {
            throw RunnerError(
                "cannot find the Emotive package (a folder with Package.swift and Sources/) above \(buildDirectory)"
            )
        }
        packageRoot = root
        swiftc = Self.findSwiftc(environment: environment)
        let moduleDir = self.buildDirectory + "/Modules"
        modules = EmotiveLibrary.imported.filter {
            FileManager.default.fileExists(atPath: "\(moduleDir)/\($0).swiftmodule")
        }

        var flags = [
            "-I", moduleDir, "-L", self.buildDirectory, "-lEmotive",
            "-Xlinker", "-rpath", "-Xlinker", self.buildDirectory,
        ]
        let sources = root + "/Sources"
        let shims = ((try? FileManager.default.contentsOfDirectory(atPath: sources)) ?? [])
            .filter { $0.hasPrefix("_C") }.sorted()
        for shim in shims
        where FileManager.default.fileExists(atPath: "\(sources)/\(shim)/module.modulemap") {
            flags += ["-Xcc", "-fmodule-map-file=\(sources)/\(shim)/module.modulemap"]
        }
        // C targets with sources (not system libraries): SwiftPM writes their module maps
        // into the build folder, pointing at Sources/<name>/include.
        let built =
            ((try? FileManager.default.contentsOfDirectory(atPath: self.buildDirectory)) ?? [])
            .filter { $0.hasPrefix("_C") && $0.hasSuffix(".build") }.sorted()
        for dir in built
        where FileManager.default.fileExists(
            atPath: "\(self.buildDirectory)/\(dir)/module.modulemap")
        {
            let name = String(dir.dropLast(".build".count))
            flags += ["-Xcc", "-fmodule-map-file=\(self.buildDirectory)/\(dir)/module.modulemap"]
            if FileManager.default.fileExists(atPath: "\(sources)/\(name)/include") {
                flags += ["-Xcc", "-I\(sources)/\(name)/include"]
            }
        }
        flags += Self.pkgConfigIncludes(packageRoot: root)
        self.flags = flags
    }

    static func packageRoot(above path: String) -> String? {
        var url = URL(fileURLWithPath: path)
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.path + "/Package.swift"),
                FileManager.default.fileExists(atPath: url.path + "/Sources")
            {
                return url.path
            }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    static func findSwiftc(environment: [String: String]) -> String {
        if let s = environment["SWIFTC"], !s.isEmpty { return s }
        for dir in (environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let p = "\(dir)/swiftc"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return "swiftc"
    }

    /// `-I` paths of the C libraries the package's system-library targets name in
    /// `pkgConfig: "…"` (read from Package.swift, so a new C target needs no change here).
    static func pkgConfigIncludes(packageRoot: String) -> [String] {
        guard
            let manifest = try? String(
                contentsOfFile: packageRoot + "/Package.swift", encoding: .utf8)
        else {
            return []
        }
        var names: [String] = []
        var rest = manifest[...]
        while let r = rest.range(of: "pkgConfig: \"") {
            let after = rest[r.upperBound...]
            guard let end = after.firstIndex(of: "\"") else { break }
            names.append(String(after[..<end]))
            rest = after[end...]
        }
        guard !names.isEmpty,
            let result = try? ChildProcess.run(
                "/usr/bin/env", ["pkg-config", "--cflags-only-I"] + names),
            result.status == 0
        else { return [] }
        var seen = Set<String>()
        return result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" })
            .map(String.init).filter { $0.hasPrefix("-I") && seen.insert($0).inserted }
    }

    /// The library's modules whose sources decide what a notebook computes.
    static let librarySourceTargets = [
        "Checksums", "SeededRandom", "MessagePassing", "Tensors", "NeuralNetworks", "Vision",
        "Plots", "NotebookModel", "NotebookKit",
    ]

    /// Identity of the library by its sources, the same on every machine and clone: SHA-256
    /// over the relative path and bytes of every file of the library's targets and C shims,
    /// `Package.swift`, and the build configuration (`debug`/`release`), which can change
    /// floating-point results. Used for stores that are committed (`--freeze-dir`).
    public func sourceIdentity() throws -> String {
        let sources = packageRoot + "/Sources"
        let targets = ((try? FileManager.default.contentsOfDirectory(atPath: sources)) ?? [])
            .filter { $0.hasPrefix("_C") || Self.librarySourceTargets.contains($0) }.sorted()
        var h = SHA256()
        h.update(
            "emotive-sources 1\nconfiguration \(URL(fileURLWithPath: buildDirectory).lastPathComponent)\n"
        )
        var files = ["Package.swift"]
        for t in targets {
            let names = (FileManager.default.subpaths(atPath: "\(sources)/\(t)") ?? []).sorted()
            for n in names {
                var isDirectory: ObjCBool = false
                let full = "\(sources)/\(t)/\(n)"
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory),
                    !isDirectory.boolValue,
                    !n.hasSuffix(".md")
                {
                    files.append("Sources/\(t)/\(n)")
                }
            }
        }
        for f in files {
            guard let data = FileManager.default.contents(atPath: packageRoot + "/" + f) else {
                throw RunnerError(
                    "cannot read \(packageRoot)/\(f) to identify the library's sources")
            }
            h.update("file \(f) \(data.count)\n")
            h.update(data)
        }
        return h.finalizeHex()
    }

    /// Identity of the library build for cache keys: SHA-256 of `libEmotive.so`, memoised
    /// in `memoFile` by path, size and modification time (hashing a large library on every
    /// render would cost more than the rest of a frozen render).
    public func libraryIdentity(memoFile: String?) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: libraryPath)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let stamp = "\(libraryPath)|\(size)|\(mtime)"
        if let memoFile, let memo = try? String(contentsOfFile: memoFile, encoding: .utf8) {
            let parts = memo.split(separator: "\n")
            if parts.count == 2, parts[0] == stamp { return String(parts[1]) }
        }
        let digest = try SHA256.hex(fileAt: libraryPath)
        if let memoFile {
            try? AtomicFile.write(Data("\(stamp)\n\(digest)".utf8), to: memoFile)
        }
        return digest
    }
}
