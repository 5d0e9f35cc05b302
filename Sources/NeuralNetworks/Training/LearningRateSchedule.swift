import Foundation
import Preconditions

/// A learning rate per epoch, applied at the start of each epoch like Keras'
/// `LearningRateScheduler.on_epoch_begin(epoch)` with 0-based epochs.
///
/// The closure receives the epoch and the current learning rate and returns the new one:
/// ```swift
/// // The report's MobileNetV2 schedule: 10 epochs at lr, then ×e^−0.1 per epoch.
/// let schedule = LearningRateSchedule(identity: "report-exp-decay") { epoch, lr in
///     epoch < 10 ? lr : lr * exp(-0.1)
/// }
/// ```
/// The closure need not be `@Sendable` (notebook cells capture what they like).
/// `identity` names the schedule in the training cache key: closures cannot be hashed,
/// so two schedules with the same identity are assumed to be the same function.
public struct LearningRateSchedule {
    public let identity: String
    public let apply: (_ epoch: Int, _ learningRate: Double) -> Double

    public init(
        identity: String, _ apply: @escaping (_ epoch: Int, _ learningRate: Double) -> Double
    ) {
        self.identity = identity
        self.apply = apply
    }

    /// Keeps the optimizer's learning rate.
    public static var constant: LearningRateSchedule {
        LearningRateSchedule(identity: "constant") { _, lr in lr }
    }

    /// Keeps the current rate for the first `epochs` epochs, then multiplies it by `factor`
    /// at the start of every later epoch: the report's schedule is
    /// `.keep(10, thenMultiplyBy: exp(-0.1))`. Its identity holds both numbers, so the
    /// training cache tells two such schedules apart.
    public static func keep(_ epochs: Int, thenMultiplyBy factor: Double) -> LearningRateSchedule {
        LearningRateSchedule(identity: "keep(\(epochs),then×\(factor))") { epoch, lr in
            epoch < epochs ? lr : lr * factor
        }
    }

    /// lr₀ · factor^⌊epoch / every⌋ (a step decay), independent of the current rate.
    public static func step(initial: Double, factor: Double, every: Int) -> LearningRateSchedule {
        check(every > 0, "step schedule: every must be positive, got \(every)")
        return LearningRateSchedule(identity: "step(\(initial),\(factor),\(every))") { epoch, _ in
            initial * pow(factor, Double(epoch / every))
        }
    }

    /// lr₀ · rate^(epoch / decayEpochs), as Keras' `ExponentialDecay` counted in epochs.
    public static func exponential(initial: Double, rate: Double, decayEpochs: Double = 1)
        -> LearningRateSchedule
    {
        LearningRateSchedule(identity: "exponential(\(initial),\(rate),\(decayEpochs))") {
            epoch, _ in
            initial * pow(rate, Double(epoch) / decayEpochs)
        }
    }

    /// Cosine decay from lr₀ to lr₀·alpha over `epochs` epochs, as Keras' `CosineDecay`
    /// counted in epochs: lr₀ · ((1 − alpha) · ½(1 + cos(π·min(e, E)/E)) + alpha).
    public static func cosine(initial: Double, epochs: Int, alpha: Double = 0)
        -> LearningRateSchedule
    {
        check(epochs > 0, "cosine schedule: epochs must be positive, got \(epochs)")
        return LearningRateSchedule(identity: "cosine(\(initial),\(epochs),\(alpha))") { epoch, _ in
            let t = Double(min(epoch, epochs)) / Double(epochs)
            return initial * ((1 - alpha) * 0.5 * (1 + cos(Double.pi * t)) + alpha)
        }
    }
}
