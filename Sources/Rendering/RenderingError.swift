/// What can go wrong while rendering a report. (A file that cannot be written is an
/// `AtomicFile.WriteError`.)
public enum RenderingError: Error, CustomStringConvertible, Equatable {
    case cairo(path: String, status: String)
    case figure(id: String, reason: String)

    public var description: String {
        switch self {
        case .cairo(let path, let status):
            "Cairo failed while writing \(path): \(status)"
        case .figure(let id, let reason):
            "cannot draw figure \(id): \(reason)"
        }
    }
}
