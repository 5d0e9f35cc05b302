import Tensors

/// What `model.summary(inputShape:)` returns: Keras' `model.summary()` as values.
public struct ModelSummary: Sendable, CustomStringConvertible {
    public struct Row: Sendable {
        public let name: String
        public let kind: String
        /// Without the batch axis, as Keras prints it after `None`.
        public let outputShape: [Int]
        public let parameters: Int
    }

    public let modelName: String
    public let rows: [Row]
    public let total: Int
    public let trainable: Int
    public let nonTrainable: Int

    /// A plain-text table in Keras' layout: layer (type), output shape, param #, then totals.
    public var description: String {
        func grouped(_ n: Int) -> String {
            let s = String(n)
            var out = ""
            for (i, c) in s.reversed().enumerated() {
                if i > 0 && i % 3 == 0 { out.append(",") }
                out.append(c)
            }
            return String(out.reversed())
        }
        func bytes(_ n: Int) -> String {
            let b = Double(n * 4)
            if b < 1024 { return String(format: "%.2f B", b) }
            if b < 1024 * 1024 { return String(format: "%.2f KB", b / 1024) }
            return String(format: "%.2f MB", b / 1024 / 1024)
        }
        let col1 = max(28, rows.map { $0.name.count + $0.kind.count + 3 }.max() ?? 0)
        let shapes = rows.map {
            "(None, " + $0.outputShape.map(String.init).joined(separator: ", ") + ")"
        }
        let col2 = max(22, shapes.map(\.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String {
            s + String(repeating: " ", count: max(0, w - s.count))
        }
        func lpad(_ s: String, _ w: Int) -> String {
            String(repeating: " ", count: max(0, w - s.count)) + s
        }
        let rule = String(repeating: "─", count: col1 + col2 + 16)
        var out = "Model: \"\(modelName)\"\n\(rule)\n"
        out +=
            pad("Layer (type)", col1) + " " + pad("Output Shape", col2) + " " + lpad("Param #", 13)
            + "\n\(rule)\n"
        for (r, s) in zip(rows, shapes) {
            out +=
                pad("\(r.name) (\(r.kind))", col1) + " " + pad(s, col2) + " "
                + lpad(grouped(r.parameters), 13) + "\n"
        }
        out += "\(rule)\n"
        out += " Total params: \(grouped(total)) (\(bytes(total)))\n"
        out += " Trainable params: \(grouped(trainable)) (\(bytes(trainable)))\n"
        out += " Non-trainable params: \(grouped(nonTrainable)) (\(bytes(nonTrainable)))\n"
        return out
    }
}

extension Layer {
    /// Keras' `model.summary()`: one row per layer that computes something (containers are
    /// expanded into their layers, as Keras lists a functional model's layers), its output
    /// shape for inputs of `inputShape`, its parameter count, and the totals.
    public func summary(inputShape: [Int]) -> ModelSummary {
        let trace = LayerTrace()
        LayerTrace.$current.withValue(trace) {
            withoutGradients { _ = self(Tensor(zeros: [1] + inputShape)) }
        }
        var rows: [ModelSummary.Row] = []
        func visit(_ l: Layer) {
            let leaf = l.sublayers.isEmpty || l is CBAM
            if leaf {
                let n = l.allLayers.flatMap(\.ownWeights).reduce(0) {
                    $0 + $1.parameter.shape.reduce(1, *)
                }
                rows.append(
                    .init(
                        name: l.name, kind: l.kerasClass,
                        outputShape: Array((trace.shapes[ObjectIdentifier(l)] ?? []).dropFirst()),
                        parameters: n))
            } else {
                l.sublayers.forEach(visit)
                if l is Residual {
                    rows.append(
                        .init(
                            name: l.name, kind: "Add",
                            outputShape: Array(
                                (trace.shapes[ObjectIdentifier(l)] ?? []).dropFirst()),
                            parameters: 0))
                }
            }
        }
        visit(self)
        let c = parameterCounts
        return ModelSummary(
            modelName: name, rows: rows, total: c.total, trainable: c.trainable,
            nonTrainable: c.nonTrainable)
    }
}
