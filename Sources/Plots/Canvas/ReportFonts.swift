import Foundation
@preconcurrency import _CCairo

/// The fonts reports and figures are drawn with, pinned to exact files.
///
/// Pango asks fontconfig for a family, and fontconfig silently substitutes whatever is
/// installed when the family is missing (DejaVu for Liberation, say): other metrics, other
/// line and page breaks, another PDF. So the renderers name their families here, each
/// with the Debian package and file it comes from, and ``pin()`` makes a fontconfig
/// configuration of exactly these files the process's current one. Glyphs a family lacks
/// fall back within this set only. A missing file is an error that names the package;
/// `bash .ci/setup` installs them all.
public enum ReportFonts {
    /// One font file: its family, the Debian package that installs it, and its path.
    public struct File: Sendable, Hashable {
        public let family: String
        public let package: String
        public let path: String

        public init(family: String, package: String, path: String) {
            self.family = family
            self.package = package
            self.path = path
        }
    }

    /// PDF body and captions (serif), headings and tables (sans), code (mono), figures
    /// (DejaVu Sans), and DejaVu Serif for glyphs Liberation lacks.
    public static let files: [File] = {
        let liberation = "/usr/share/fonts/truetype/liberation2/"
        let dejavu = "/usr/share/fonts/truetype/dejavu/"
        var out: [File] = []
        for (family, stem) in [
            ("Liberation Serif", "LiberationSerif"), ("Liberation Sans", "LiberationSans"),
        ] {
            for style in ["Regular", "Bold", "Italic", "BoldItalic"] {
                out.append(
                    File(
                        family: family, package: "fonts-liberation2",
                        path: "\(liberation)\(stem)-\(style).ttf"))
            }
        }
        for (family, stem, italic) in [
            ("DejaVu Sans Mono", "DejaVuSansMono", "Oblique"),
            ("DejaVu Sans", "DejaVuSans", "Oblique"),
            ("DejaVu Serif", "DejaVuSerif", "Italic"),
        ] {
            out.append(
                File(family: family, package: "fonts-dejavu-core", path: "\(dejavu)\(stem).ttf"))
            out.append(
                File(
                    family: family, package: "fonts-dejavu-core", path: "\(dejavu)\(stem)-Bold.ttf")
            )
            out.append(
                File(
                    family: family, package: "fonts-dejavu-extra",
                    path: "\(dejavu)\(stem)-\(italic).ttf"))
            out.append(
                File(
                    family: family, package: "fonts-dejavu-extra",
                    path: "\(dejavu)\(stem)-Bold\(italic).ttf"))
        }
        return out
    }()

    /// The families, in the order above.
    public static var families: [String] {
        var seen = Set<String>()
        return files.map(\.family).filter { seen.insert($0).inserted }
    }

    /// The PostScript names' prefixes of the families (`LiberationSerif`), as `pdffonts` lists them.
    public static var postScriptStems: [String] {
        families.map { $0.replacingOccurrences(of: " ", with: "") }
    }

    /// Makes the pinned set fontconfig's current configuration, once per process; later
    /// calls return the first call's outcome. Call before the first text is laid out.
    public static func pin() throws { try pinned.get() }

    /// ``pin()`` for drawing that cannot fail (a figure's PNG): a missing font is written
    /// to standard error once, loudly, and the figure is drawn with what fontconfig has.
    static func pinOrWarn() { _ = warnedOnce }

    private static let warnedOnce: Bool = {
        if case .failure(let e) = pinned {
            FileHandle.standardError.write(
                Data("emotive: WARNING: figures drawn with substitute fonts: \(e)\n".utf8))
            return false
        }
        return true
    }()

    private static let pinned: Result<Void, FontError> = {
        do {
            try verify(files)
            guard FcInit() != 0, let config = FcConfigCreate() else {
                throw FontError(
                    "fontconfig could not be initialised; the report fonts cannot be pinned")
            }
            for f in files where FcConfigAppFontAddFile(config, f.path) == 0 {
                throw FontError(
                    "fontconfig cannot read \(f.path) (\(f.family), Debian package \(f.package)); "
                        + "reinstall it: apt-get install --reinstall \(f.package)")
            }
            guard FcConfigSetCurrent(config) != 0 else {
                throw FontError("fontconfig refused the report fonts' configuration")
            }
            return .success(())
        } catch let e as FontError {
            return .failure(e)
        } catch {
            return .failure(FontError("\(error)"))
        }
    }()

    /// Throws, naming every missing file and the packages that install them.
    public static func verify(_ files: [File]) throws {
        let missing = files.filter { !FileManager.default.fileExists(atPath: $0.path) }
        guard !missing.isEmpty else { return }
        var packages: [String] = []
        for p in missing.map(\.package) where !packages.contains(p) { packages.append(p) }
        var families: [String] = []
        for f in missing.map(\.family) where !families.contains(f) { families.append(f) }
        throw FontError(
            "the report fonts \(families.joined(separator: ", ")) are not installed "
                + "(missing \(missing.map(\.path).joined(separator: ", "))). Install them with "
                + "apt-get install \(packages.joined(separator: " ")) (bash .ci/setup does). Emotive does not "
                + "substitute other fonts: their metrics would move every line and page break.")
    }
}

/// Why the report fonts could not be used.
public struct FontError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
