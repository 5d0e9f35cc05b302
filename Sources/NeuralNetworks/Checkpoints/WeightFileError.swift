/// Errors reading or writing weight files, each naming the file and what to do: thrown by
/// the safetensors and checkpoint code here and by the Keras readers (`KerasImport/`).
public struct WeightFileError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
