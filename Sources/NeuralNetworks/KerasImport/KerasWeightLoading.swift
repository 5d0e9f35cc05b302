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

    private func legacyArrays(_ fileLayers: [(name: String, weights: [NamedArray])], matching: KerasWeightMatching,
                              source: String) throws -> [NamedArray] {
        let model = weightedLayers
        let fileByName = Dictionary(fileLayers.map { ($0.name, $0.weights) }, uniquingKeysWith: { a, _ in a })
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
                guard let (fileName, weights) = named(l) else { continue }   // reported as missing
                used.insert(fileName)
                out += weights.map { NamedArray(name: "\(l.name).\($0.name)", shape: $0.shape, values: $0.values) }
            }
            for f in fileLayers where !used.contains(f.name) {
                out += f.weights.map { NamedArray(name: "\(f.name).\($0.name) (file)", shape: $0.shape, values: $0.values) }
            }
            return out
        }
        guard fileLayers.count == model.count else {
            throw WeightFileError("\(source) has \(fileLayers.count) layers with weights, the model has \(model.count); "
                + "loading by order needs the same architecture (file layers: \(fileLayers.prefix(5).map(\.name).joined(separator: ", "))…)")
        }
        for (l, f) in zip(model, fileLayers) {
            let variables = l.ownWeights.map(\.variable)
            guard variables.count == f.weights.count else {
                throw WeightFileError("\(source): layer '\(f.name)' has \(f.weights.count) weights, model layer '\(l.name)' has \(variables.count)")
            }
            out += zip(variables, f.weights).map { NamedArray(name: "\(l.name).\($0)", shape: $1.shape, values: $1.values) }
        }
        return out
    }

    private func keras3Arrays(_ groups: [String: [NamedArray]], config: [String: String]?, source: String) throws -> [NamedArray] {
        // Path of each model layer: from config.json when the archive has it, else by
        // counting Keras classes in walking order (Keras' own scheme for Sequential models).
        var paths: [String: String] = config ?? [:]
        if config == nil {
            var used: [String: Int] = [:]
            for l in weightedLayers {
                let base = snakeCase(l.kerasClass)
                let n = used[base, default: 0]
                used[base] = n + 1
                paths[l.name] = "layers/" + (n == 0 ? base : "\(base)_\(n)")
            }
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
            out += vars.map { NamedArray(name: "\(p)/vars/\($0.name) (file)", shape: $0.shape, values: $0.values) }
        }
        return out
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
    guard let config = try JSONSerialization.jsonObject(with: zip.contents(of: "config.json")) as? [String: Any],
          let inner = config["config"] as? [String: Any], let layers = inner["layers"] as? [[String: Any]] else { return nil }
    var paths: [String: String] = [:]
    func walk(_ layers: [[String: Any]], _ prefix: String) {
        var used: [String: Int] = [:]
        for l in layers {
            guard let cls = l["class_name"] as? String, cls != "InputLayer",
                  let cfg = l["config"] as? [String: Any], let name = cfg["name"] as? String else { continue }
            let base = snakeCase(cls)
            let n = used[base, default: 0]
            used[base] = n + 1
            let path = prefix + "/" + (n == 0 ? base : "\(base)_\(n)")
            if let sub = cfg["layers"] as? [[String: Any]] { walk(sub, path + "/layers") } else { paths[name] = path }
        }
    }
    walk(layers, "layers")
    return paths
}
