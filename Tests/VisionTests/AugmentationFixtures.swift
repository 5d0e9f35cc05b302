@testable import Vision

extension Augmentation {
    /// Rotation, both shifts, shear, zoom and flips on, with Keras' fill: the FER-2013
    /// report's augmentation (`Augmentation.fer2013Report` in NotebookKit) as Vision's
    /// tests use it.
    static let everyTransform = Augmentation(
        rotation: 30, widthShift: 0.2, heightShift: 0.2, shear: 0.2,
        zoom: 0.2, horizontalFlip: true, fillMode: .nearest)
}
