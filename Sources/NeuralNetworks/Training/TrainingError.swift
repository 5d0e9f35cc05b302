/// A failure while training, with a message naming what and where: thrown by `fit`
/// (Fit.swift), the callbacks, the optimizers and Grad-CAM's probe.
public struct TrainingError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
