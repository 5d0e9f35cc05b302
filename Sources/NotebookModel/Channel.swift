/// One record on the output channel between a running notebook program and the Runner.
///
/// NotebookKit writes one JSON-encoded record per line to the file named by the
/// `EMOTIVE_CHANNEL` environment variable; the Runner reads the file after the program
/// ends (also after a crash: every record is written with one `write(2)` call).
///
/// Text the program prints is not on this channel: stdout and stderr stay ordinary
/// streams, cut into cells by `ChannelMarker` lines that NotebookKit writes to both.
public enum ChannelRecord: Codable, Sendable, Hashable {
    /// A cell started (`time` is seconds on a monotonic clock).
    case cellBegan(cell: Int, time: Double)
    /// A cell finished without throwing or trapping.
    case cellEnded(cell: Int, seconds: Double)
    /// A rich output; `sequence` counts the outputs of the whole run from 0 and matches
    /// the `ChannelMarker.output` line written to stdout just before it.
    case output(cell: Int, sequence: Int, CellOutput)
    /// The value of inline expression `index` (`` `{swift} expr` ``).
    case inlineValue(index: Int, value: String)
    /// A data set the notebook read (`registerData`): its fingerprint and, when it is a
    /// file or folder, its path, which the Runner re-checks before trusting a cache.
    case data(name: String, fingerprint: String, path: String?)
    /// A cell marked `//| error: true` threw; the error is shown in place.
    case cellError(cell: Int, message: String)
}

/// Marker lines NotebookKit writes into stdout and stderr so the Runner can cut the
/// streams into cells and place text between rich outputs. A marker is one line that
/// starts with the ASCII record separator (U+001E), which ordinary output never contains.
public enum ChannelMarker: Sendable, Hashable {
    case cellBegan(Int)
    case cellEnded(Int)
    case output(Int)

    public static let prefix = "\u{1E}emotive:"

    /// The marker as a line, newline included.
    public var line: String {
        switch self {
        case .cellBegan(let c): "\(Self.prefix)begin:\(c)\n"
        case .cellEnded(let c): "\(Self.prefix)end:\(c)\n"
        case .output(let s): "\(Self.prefix)output:\(s)\n"
        }
    }

    /// Parses a line (without its newline); nil when it is not a marker.
    public init?(line: Substring) {
        guard line.hasPrefix(Self.prefix) else { return nil }
        let rest = line.dropFirst(Self.prefix.count)
        let parts = rest.split(separator: ":")
        guard parts.count == 2, let n = Int(parts[1]) else { return nil }
        switch parts[0] {
        case "begin": self = .cellBegan(n)
        case "end": self = .cellEnded(n)
        case "output": self = .output(n)
        default: return nil
        }
    }
}

/// Environment variables between the Runner and a notebook program.
public enum ChannelEnvironment {
    /// Path of the JSON-lines output channel file.
    public static let channel = "EMOTIVE_CHANNEL"
    /// Folder for the training cache (`fit` stores weights and history there).
    public static let cacheDirectory = "EMOTIVE_CACHE_DIR"
    /// Folder where ranks other than 0 of a data-parallel run write what they print.
    public static let rankLogs = "EMOTIVE_RANK_LOGS"
}
