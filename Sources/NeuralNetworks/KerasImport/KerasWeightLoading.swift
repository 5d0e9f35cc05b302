import Foundation
import Tensors

/// How Keras weights are paired with a model's layers.
public enum KerasWeightMatching: Sendable {
    /// By layer name, accepting the 2018 MobileNetV2 names (`mobl1_conv_1_expand`,
    /// `bn1_conv_1_bn_expand`, …) for today's (`block_1_expand`, `block_1_expand_BN`); if
    /// some layer finds no name, by order.
    case automatic
    /// By layer name only (current or legacy MobileNetV2 names).
    case byName
    /// By position, as Keras' `load_weights` does for legacy `.h5`: the i-th layer with
    /// weights in the file goes to the i-th layer with weights in the model.
    case byOrder
}

extension Layer {
    /// Loads Keras weights: legacy `.h5` (the Keras application files), Keras 3
    /// `.weights.h5`, or the weights inside a `.keras` archive.
    ///
    /// The model must be built (zoo constructors build it). Missing, unexpected or
    /// mis-shaped weights give one error listing them all, and then nothing is changed.
    public func loadKerasWeights(from url: URL, matching: KerasWeightMatching = .automatic) throws {
        let file = try KerasWeightFile.read(url)
        let arrays: [NamedArray]
        switch file {
        case .legacy(let layers):
            arrays = try legacyArrays(layers, matching: matching, source: url.path)
        case .keras3(let groups):
            arrays = try keras3Arrays(groups, config: try? kerasConfigLayers(url), source: url.path)
        }
        try loadWeights(arrays, source: url.path)
    }

    /// Layers that own weights, in walking order (Keras' `model.layers` order for the zoo).
    var weightedLayers: [Layer] { allLayers.filter { !$0.ownWeights.isEmpty } }

    private func legacyArrays(
        _ fileLayers: [(name: String, weights: [NamedArray])], matching: KerasWeightMatching,
        source: String
    ) throws -> [NamedArray] {
        let model = weightedLayers
        let fileShapes = fileLayers.map { (name: $0.name, shapes: $0.weights.map(\.shape)) }
        // A file of another architecture, width or top: say what it is and what would fit.
        if let held = KerasArchitecture(fileShapes), let wanted = KerasArchitecture(weightShapes),
            held != wanted
        {
            throw WeightFileError(
                "\(source) holds the weights of \(held), but the model is \(wanted)"
                    + (wanted.officialFileName.map { "; its Keras weight file is \($0)" } ?? "")
                    + ". Nothing was loaded.")
        }
        let fileByName = Dictionary(
            fileLayers.map { ($0.name, $0.weights) }, uniquingKeysWith: { a, _ in a })
        func named(_ l: Layer) -> (String, [NamedArray])? {
            for candidate in [l.name, legacyMobileNetV2Name(l.name)] {
                if let w = fileByName[candidate] { return (candidate, w) }
            }
            return nil
        }
        let useNames: Bool
        switch matching {
        case .byName: useNames = true
        case .byOrder: useNames = false
        case .automatic: useNames = model.allSatisfy { named($0) != nil }
        }
        var out: [NamedArray] = []
        if useNames {
            var used = Set<String>()
            for l in model {
                guard let (fileName, weights) = named(l) else { continue }  // reported as missing
                used.insert(fileName)
                out += weights.map {
                    NamedArray(name: "\(l.name).\($0.name)", shape: $0.shape, values: $0.values)
                }
            }
            for f in fileLayers where !used.contains(f.name) {
                out += f.weights.map {
                    NamedArray(
                        name: "\(f.name).\($0.name) (file)", shape: $0.shape, values: $0.values)
                }
            }
            return out
        }
        // By position, as Keras' load_weights reads legacy files: the i-th layer with weights
        // in the file goes to the i-th in the model, and every pair must have the same shapes.
        func shapes(_ s: [[Int]]) -> String { s.map { "\($0)" }.joined(separator: ", ") }
        for (i, (l, f)) in zip(model, fileLayers).enumerated() {
            let mine = l.ownWeights, needed = mine.map(\.parameter.shape),
                found = f.weights.map(\.shape)
            guard needed == found else {
                throw WeightFileError(
                    "\(source): loading by position (as Keras does), layer \(i + 1) with weights differs: "
                        + "the file's '\(f.name)' has \(shapes(found)), the model's '\(l.name)' has "
                        + "\(shapes(needed)). Is the file for this architecture, width and top? "
                        + "Nothing was loaded.")
            }
            out += zip(mine, f.weights).map {
                NamedArray(name: "\(l.name).\($0.variable)", shape: $1.shape, values: $1.values)
            }
        }
        guard fileLayers.count == model.count else {
            let more = fileLayers.count > model.count
            let extra = more ? fileLayers[model.count].name : model[fileLayers.count].name
            throw WeightFileError(
                "\(source) has \(fileLayers.count) layers with weights, the model has \(model.count); "
                    + "the first \(min(fileLayers.count, model.count)) match by position, then "
                    + (more
                        ? "the file goes on with '\(extra)'" : "the model goes on with '\(extra)'")
                    + ". Nothing was loaded.")
        }
        return out
    }

    private func keras3Arrays(
        _ groups: [String: [NamedArray]], config: [String: String]?, source: String
    ) throws -> [NamedArray] {
        // Path of each model layer: from config.json when the archive has it, else by
        // counting Keras classes in walking order (Keras' own scheme for Sequential models).
        var paths: [String: String] = config ?? [:]
        if config == nil {
            // Keras counts classes per model: a base model nested in this one (a Keras
            // application inside a Sequential, saved as `layers/functional/layers/…`) has
            // counters of its own.
            func number(_ layers: [Layer], under prefix: String) {
                var used: [String: Int] = [:]
                for l in layers where !l.ownWeights.isEmpty {
                    let base = snakeCase(l.kerasClass)
                    let n = used[base, default: 0]
                    used[base] = n + 1
                    paths[l.name] = prefix + "/" + (n == 0 ? base : "\(base)_\(n)")
                }
            }
            var flat: [Layer] = []
            var nested = 0
            for child in (self is Sequential ? sublayers : [self]) {
                if child is Sequential && KerasArchitecture(child.weightShapes) != nil {
                    number(
                        child.allLayers,
                        under: "layers/functional" + (nested == 0 ? "" : "_\(nested)") + "/layers")
                    nested += 1
                } else {
                    flat += child.allLayers
                }
            }
            number(flat, under: "layers")
        }
        var out: [NamedArray] = []
        var used = Set<String>()
        for l in weightedLayers {
            guard let p = paths[l.name], let vars = groups[p] else { continue }
            used.insert(p)
            for (v, a) in zip(l.ownWeights.map(\.variable), vars) {
                out.append(NamedArray(name: "\(l.name).\(v)", shape: a.shape, values: a.values))
            }
        }
        for (p, vars) in groups where !used.contains(p) {
            out += vars.map {
                NamedArray(name: "\(p)/vars/\($0.name) (file)", shape: $0.shape, values: $0.values)
            }
        }
        return out
    }
}

extension Layer {
    /// Each layer with weights and its weights' shapes, as ``KerasArchitecture`` reads them.
    var weightShapes: [(name: String, shapes: [[Int]])] {
        weightedLayers.map { (name: $0.name, shapes: $0.ownWeights.map(\.parameter.shape)) }
    }
}

/// What a list of layers with weights is, when it is one of the Keras applications the
/// notebooks use: the architecture, MobileNetV2's width multiplier, and the top's classes.
/// Recognised from names (today's or the 2018 MobileNetV2 names) and shapes alone, so it
/// describes a weight file and a model the same way.
struct KerasArchitecture: Equatable, CustomStringConvertible {
    enum Family: Equatable { case resNet50, mobileNetV2(alpha: Double?, lastChannels: Int) }
    let family: Family
    /// Classes of the top's dense layer; nil without a top.
    let topClasses: Int?

    init?(_ layers: [(name: String, shapes: [[Int]])]) {
        let names = Set(layers.map(\.name))
        // The top: a dense kernel ([inputs, classes]) as the last layer with weights.
        topClasses = layers.last.flatMap { $0.shapes.first?.count == 2 ? $0.shapes.first?[1] : nil }
        if names.contains("conv1_conv") && names.contains("conv5_block3_3_conv") {
            family = .resNet50
        } else if names.contains("Conv1") && names.contains("bn_Conv1"),
            let last = layers.first(where: {
                $0.name == "block_16_project" || $0.name == "mobl16_conv_16_project"
            }),
            let out = last.shapes.first?.last
        {
            family = .mobileNetV2(
                alpha: [0.35, 0.5, 0.75, 1.0, 1.3, 1.4].first { makeDivisible(320 * $0) == out },
                lastChannels: out)
        } else {
            return nil
        }
    }

    var description: String {
        let top = topClasses.map { "with a \($0)-class top" } ?? "without top"
        switch family {
        case .resNet50: return "ResNet50 \(top)"
        case let .mobileNetV2(alpha, last):
            let width =
                alpha.map { "alpha \(Self.alphaText($0))" } ?? "\(last) channels in block 16"
            return "MobileNetV2 (\(width)) \(top)"
        }
    }

    /// The name of the official Keras ImageNet file of this architecture, if there is one.
    var officialFileName: String? {
        switch (family, topClasses) {
        case (.resNet50, nil): return "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
        case (.resNet50, 1000?): return "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
        case let (.mobileNetV2(alpha?, _), nil):
            return
                "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_\(Self.alphaText(alpha))_224_no_top.h5"
        case let (.mobileNetV2(alpha?, _), 1000?):
            return "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_\(Self.alphaText(alpha))_224.h5"
        default: return nil
        }
    }

    /// As Keras writes alpha in file names (`str(alpha)`): 1.0, 0.35, 0.5.
    static func alphaText(_ a: Double) -> String {
        a == a.rounded() ? String(format: "%.1f", a) : "\(a)"
    }
}

/// The 2018 name of a MobileNetV2 layer in Keras' ImageNet weight files, or the name itself.
func legacyMobileNetV2Name(_ name: String) -> String {
    var rest: Substring
    var block: String
    if name.hasPrefix("expanded_conv_") {
        block = "0"; rest = name.dropFirst("expanded_conv_".count)
    } else if name.hasPrefix("block_"), let underscore = name.dropFirst(6).firstIndex(of: "_") {
        block = String(name[name.index(name.startIndex, offsetBy: 6)..<underscore])
        rest = name[name.index(after: underscore)...]
    } else {
        return name
    }
    let isBN = rest.hasSuffix("_BN")
    if isBN { rest = rest.dropLast(3) }
    guard ["expand", "depthwise", "project"].contains(String(rest)) else { return name }
    return isBN ? "bn\(block)_conv_\(block)_bn_\(rest)" : "mobl\(block)_conv_\(block)_\(rest)"
}

/// Layer name → weight group path (`layers/conv2d_1`) from a `.keras` archive's config.json.
func kerasConfigLayers(_ url: URL) throws -> [String: String]? {
    guard url.pathExtension == "keras" else { return nil }
    let zip = try ZipArchive(contentsOf: url)
    guard
        let config = try JSONSerialization.jsonObject(with: zip.contents(of: "config.json"))
            as? [String: Any],
        let inner = config["config"] as? [String: Any],
        let layers = inner["layers"] as? [[String: Any]]
    else { return nil }
    var paths: [String: String] = [:]
    func walk(_ layers: [[String: Any]], _ prefix: String) {
        var used: [String: Int] = [:]
        for l in layers {
            guard let cls = l["class_name"] as? String, cls != "InputLayer",
                let cfg = l["config"] as? [String: Any], let name = cfg["name"] as? String
            else { continue }
            let base = snakeCase(cls)
            let n = used[base, default: 0]
            used[base] = n + 1
            let path = prefix + "/" + (n == 0 ? base : "\(base)_\(n)")
            if let sub = cfg["layers"] as? [[String: Any]] {
                walk(sub, path + "/layers")
            } else {
                paths[name] = path
            }
        }
    }
    walk(layers, "layers")
    return paths
}
