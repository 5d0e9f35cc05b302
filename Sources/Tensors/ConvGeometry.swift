import Preconditions

/// How a sliding window treats the border.
public enum Padding: Sendable, Equatable {
    /// No padding: only windows that fit inside the input (output ⌊(H − k) / s⌋ + 1).
    case valid
    /// TensorFlow/Keras "same": output ⌈H / s⌉, total padding max((out − 1)·s + k − H, 0)
    /// split with the extra row/column at the bottom/right (asymmetric for stride 2 on
    /// even inputs, unlike PyTorch's symmetric padding).
    case same
    /// Explicit zero padding on each side.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)
}

/// Validated geometry of a 2-D window op on an NHWC input.
struct WindowGeometry {
    let n: Int, h: Int, w: Int, c: Int
    let kh: Int, kw: Int
    let sh: Int, sw: Int
    let oh: Int, ow: Int
    let padTop: Int, padLeft: Int

    /// Checks every argument and traps with a message naming `op` and the shapes.
    init(
        op: String, input: [Int], window: (Int, Int), strides: (Int, Int), padding: Padding,
        detail: @autoclosure () -> String = ""
    ) {
        let extra = detail()
        let context = "input \(input)\(extra.isEmpty ? "" : ", \(extra)")"
        check(input.count == 4, "\(op): expects NHWC input of rank 4, got \(context)")
        check(input.allSatisfy { $0 > 0 }, "\(op): input has a zero-size dimension (\(context))")
        check(window.0 > 0 && window.1 > 0, "\(op): window \(window) must be positive (\(context))")
        check(
            strides.0 > 0 && strides.1 > 0,
            "\(op): strides \(strides) must be positive (\(context))")
        n = input[0]; h = input[1]; w = input[2]; c = input[3]
        kh = window.0; kw = window.1
        sh = strides.0; sw = strides.1
        switch padding {
        case .valid:
            check(
                h >= kh && w >= kw,
                "\(op): window \(kh)x\(kw) is larger than the \(h)x\(w) input with valid padding (\(context))"
            )
            oh = (h - kh) / sh + 1
            ow = (w - kw) / sw + 1
            padTop = 0; padLeft = 0
        case .same:
            oh = (h + sh - 1) / sh
            ow = (w + sw - 1) / sw
            padTop = Swift.max((oh - 1) * sh + kh - h, 0) / 2
            padLeft = Swift.max((ow - 1) * sw + kw - w, 0) / 2
        case let .explicit(top, bottom, left, right):
            check(
                top >= 0 && bottom >= 0 && left >= 0 && right >= 0,
                "\(op): explicit padding must be non-negative, got \(padding) (\(context))")
            check(
                h + top + bottom >= kh && w + left + right >= kw,
                "\(op): window \(kh)x\(kw) is larger than the padded input (\(context), \(padding))"
            )
            oh = (h + top + bottom - kh) / sh + 1
            ow = (w + left + right - kw) / sw + 1
            padTop = top; padLeft = left
        }
    }

    var outputShape: [Int] { [n, oh, ow, c] }

    /// The output columns `lo..<hi` whose horizontal tap `j` reads an input column inside
    /// the image (ow · sw − padLeft + j in 0..<w); empty when `lo >= hi`.
    @inline(__always)
    func outputColumns(tap j: Int) -> (Int, Int) {
        // Smallest ow with ow·sw ≥ padLeft − j; largest with ow·sw ≤ w − 1 + padLeft − j.
        let first = padLeft - j
        let lo = first <= 0 ? 0 : (first + sw - 1) / sw
        let last = w - 1 + padLeft - j
        let hi = last < 0 ? 0 : Swift.min(ow, last / sw + 1)
        return (lo, Swift.max(lo, hi))
    }
}
