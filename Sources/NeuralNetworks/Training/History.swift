/// A quantity logged per epoch, named as Keras names it (`loss`, `val_accuracy`, …).
public struct Metric: Hashable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }
    public var description: String { name }

    public static let loss: Metric = "loss"
    public static let accuracy: Metric = "accuracy"
    public static let valLoss: Metric = "val_loss"
    public static let valAccuracy: Metric = "val_accuracy"
    public static let learningRate: Metric = "learning_rate"
    public static let seconds: Metric = "epoch_seconds"

    /// Whether smaller is better, as Keras' `mode="auto"` decides: names ending in
    /// `loss` (or `error`) are minimised, everything else maximised.
    public var smallerIsBetter: Bool {
        let base = name.hasPrefix("val_") ? String(name.dropFirst(4)) : name
        return base.hasSuffix("loss") || base.hasSuffix("error")
    }
}

/// The logs of one epoch: every metric's value at the end of the epoch.
public struct EpochLogs: Sendable, Codable, Equatable {
    /// 0-based, as Keras passes it to callbacks.
    public var epoch: Int
    public var values: [String: Double]

    public init(epoch: Int, values: [String: Double] = [:]) {
        self.epoch = epoch
        self.values = values
    }

    public subscript(metric: Metric) -> Double? {
        get { values[metric.name] }
        set { values[metric.name] = newValue }
    }

    public var loss: Double? { self[.loss] }
    public var accuracy: Double? { self[.accuracy] }
    public var valLoss: Double? { self[.valLoss] }
    public var valAccuracy: Double? { self[.valAccuracy] }
    public var learningRate: Double? { self[.learningRate] }
    public var seconds: Double? { self[.seconds] }
}

/// What `fit` returns: one ``EpochLogs`` per completed epoch (Keras' `History.history`).
///
/// ```swift
/// let history = try model.fit(...)
/// history[.valAccuracy]        // [0.41, 0.47, …], one per epoch
/// history.epochs.last?.loss
/// ```
public struct History: Sendable, Codable, Equatable {
    public var epochs: [EpochLogs]
    /// Set when training stopped before its last epoch, with the reason.
    public var stopReason: String?
    /// The epoch whose weights the model holds at the end, when a callback restored them.
    public var restoredEpoch: Int?

    public init(epochs: [EpochLogs] = [], stopReason: String? = nil, restoredEpoch: Int? = nil) {
        self.epochs = epochs
        self.stopReason = stopReason
        self.restoredEpoch = restoredEpoch
    }

    /// The metric's value per epoch (epochs that did not log it are skipped).
    public subscript(metric: Metric) -> [Double] { epochs.compactMap { $0[metric] } }

    /// Metric names logged in any epoch, sorted.
    public var metrics: [Metric] {
        Set(epochs.flatMap(\.values.keys)).sorted().map { Metric($0) }
    }
}
