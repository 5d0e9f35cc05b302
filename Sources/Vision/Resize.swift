import Preconditions

// Resizing: nearest (as PIL's NEAREST that Keras load_img uses), bilinear (half-pixel
// centres, no antialias, like tf.image.resize), area (box-filter average for shrinking).

public enum ResizeMethod: String, Sendable, CaseIterable { case nearest, bilinear, area }

extension Image {
    public func resized(
        height newHeight: Int, width newWidth: Int, method: ResizeMethod = .bilinear
    ) -> Image {
        check(
            newHeight > 0 && newWidth > 0,
            "resize target must be positive, got \(newHeight)x\(newWidth)")
        if newHeight == height && newWidth == width { return self }
        var out = [UInt8](repeating: 0, count: newHeight * newWidth * channels)
        let sy = Double(height) / Double(newHeight), sx = Double(width) / Double(newWidth)
        switch method {
        case .nearest:
            let xs = (0..<newWidth).map { min(width - 1, Int((Double($0) + 0.5) * sx)) }
            for y in 0..<newHeight {
                let yy = min(height - 1, Int((Double(y) + 0.5) * sy))
                for x in 0..<newWidth {
                    for c in 0..<channels {
                        out[(y * newWidth + x) * channels + c] = self[yy, xs[x], c]
                    }
                }
            }
        case .bilinear:
            func axis(_ o: Int, _ scale: Double, _ n: Int) -> (Int, Int, Double) {
                let s = max(0, (Double(o) + 0.5) * scale - 0.5)
                let i0 = min(n - 1, Int(s)), i1 = min(n - 1, i0 + 1)
                return (i0, i1, s - Double(i0))
            }
            let xs = (0..<newWidth).map { axis($0, sx, width) }
            for y in 0..<newHeight {
                let (y0, y1, fy) = axis(y, sy, height)
                for x in 0..<newWidth {
                    let (x0, x1, fx) = xs[x]
                    for c in 0..<channels {
                        let top = Double(self[y0, x0, c]) * (1 - fx) + Double(self[y0, x1, c]) * fx
                        let bottom =
                            Double(self[y1, x0, c]) * (1 - fx) + Double(self[y1, x1, c]) * fx
                        out[(y * newWidth + x) * channels + c] = UInt8(
                            max(0, min(255, (top * (1 - fy) + bottom * fy).rounded())))
                    }
                }
            }
        case .area:
            // Each output pixel averages the input area it covers, with fractional edge weights.
            func weights(_ o: Int, _ scale: Double, _ n: Int) -> [(Int, Double)] {
                let start = Double(o) * scale, end = min(Double(n), start + scale)
                var list: [(Int, Double)] = []
                var i = Int(start)
                while Double(i) < end && i < n {
                    let w = min(end, Double(i + 1)) - max(start, Double(i))
                    if w > 1e-12 { list.append((i, w)) }
                    i += 1
                }
                return list
            }
            let wx = (0..<newWidth).map { weights($0, sx, width) }
            for y in 0..<newHeight {
                let wy = weights(y, sy, height)
                for x in 0..<newWidth {
                    for c in 0..<channels {
                        var acc = 0.0, total = 0.0
                        for (yy, a) in wy {
                            for (xx, b) in wx[x] {
                                acc += a * b * Double(self[yy, xx, c]); total += a * b
                            }
                        }
                        out[(y * newWidth + x) * channels + c] = UInt8(
                            max(0, min(255, (acc / total).rounded())))
                    }
                }
            }
        }
        return Image(height: newHeight, width: newWidth, channels: channels, pixels: out)
    }
}
