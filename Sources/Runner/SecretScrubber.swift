import Foundation

/// Replaces credentials with `[redacted]` before anything is written to a report, the
/// results JSON or a cache: values of environment variables whose names contain KEY,
/// TOKEN, SECRET or PASSWORD (6 characters or longer, so `KEY=1` does not blank every
/// "1"), and the `key` in `~/.kaggle/kaggle.json` (or `$KAGGLE_CONFIG_DIR/kaggle.json`).
public struct SecretScrubber: Sendable {
    public static let replacement = "[redacted]"
    public static let minimumLength = 6
    /// Longest first, so a secret containing another is replaced whole.
    public private(set) var secrets: [String]

    public init(secrets: [String]) {
        self.secrets = Array(Set(secrets.filter { $0.count >= Self.minimumLength }))
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        home: String = NSHomeDirectory()
    ) {
        var found: [String] = []
        for (name, value) in environment {
            let upper = name.uppercased()
            if ["KEY", "TOKEN", "SECRET", "PASSWORD"].contains(where: upper.contains) {
                found.append(value)
            }
        }
        let kaggleDir = environment["KAGGLE_CONFIG_DIR"] ?? home + "/.kaggle"
        if let data = FileManager.default.contents(atPath: kaggleDir + "/kaggle.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let key = object["key"] as? String
        {
            found.append(key)
        }
        self.init(secrets: found)
    }

    public func scrub(_ text: String) -> String {
        var s = text
        for secret in secrets where s.contains(secret) {
            s = s.replacingOccurrences(of: secret, with: Self.replacement)
        }
        return s
    }

    /// Scrubs every string inside a Codable value (through its JSON form, so new output
    /// kinds are covered without a change here).
    public func scrub<T: Codable>(_ value: T) throws -> T {
        guard !secrets.isEmpty else { return value }
        let data = try JSONEncoder().encode(value)
        var json = String(decoding: data, as: UTF8.self)
        var changed = false
        for secret in secrets {
            // The secret as JSONEncoder writes it inside a string literal.
            let encoded = String(decoding: try JSONEncoder().encode([secret]), as: UTF8.self)
            let inner = String(encoded.dropFirst(2).dropLast(2))
            for form in Set([secret, inner]) where json.contains(form) {
                json = json.replacingOccurrences(of: form, with: Self.replacement)
                changed = true
            }
        }
        return changed ? try JSONDecoder().decode(T.self, from: Data(json.utf8)) : value
    }
}
