import Foundation

/// The weights stored in a Keras file, before they are matched to a model.
///
/// Two layouts (FER-FACTS §4):
/// - **legacy HDF5** (`.h5`, as the Keras application weights ship): root attribute
///   `layer_names` (or `layer_names0`, `layer_names1`, … when split), each layer a group with
///   attribute `weight_names` (`b'conv1_conv/kernel:0'`) naming datasets under the group; a
///   whole-model `.h5` keeps the same under `/model_weights`.
/// - **Keras 3** (`model.weights.h5`, alone or inside a `.keras` zip): groups
///   `layers/<snake_case_class>[_n]/vars/<i>` counted per class in model order, nested
///   models under `layers/functional/layers/…`; variables are numbered, not named.
public enum KerasWeightFile: Sendable {
    /// Layers in the file's `layer_names` order, keeping only those with weights; each
    /// array is named by its variable (`kernel`, `bias`, `gamma`, `beta`, `moving_mean`,
    /// `moving_variance`; a legacy `depthwise_kernel` is renamed `kernel`).
    case legacy(layers: [(name: String, weights: [NamedArray])])
    /// Variable lists by group path (`layers/conv2d_1`, `layers/functional/layers/dense`),
    /// arrays named "0", "1", … in Keras' variable order.
    case keras3(groups: [String: [NamedArray]])

    /// Reads a `.h5`, `.weights.h5` or `.keras` file.
    public static func read(_ url: URL) throws -> KerasWeightFile {
        if url.pathExtension == "keras" {
            let zip = try ZipArchive(contentsOf: url)
            let bytes = try zip.contents(of: "model.weights.h5")
            let tmp = FileManager.default.temporaryDirectory
                .appendingPathComponent(
                    "emotive-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).weights.h5"
                )
            try bytes.write(to: tmp)
            defer { try? FileManager.default.removeItem(at: tmp) }
            do {
                return try read(hdf5: HDF5File(path: tmp.path))
            } catch let e as WeightFileError {
                throw WeightFileError(
                    e.description.replacingOccurrences(
                        of: tmp.path, with: url.path + "!model.weights.h5"))
            }
        }
        return try read(hdf5: HDF5File(path: url.path))
    }

    static func read(hdf5 f: HDF5File) throws -> KerasWeightFile {
        for root in ["", "model_weights"] where root.isEmpty || f.isGroup(root) {
            if let names = try layerNames(f, root) {
                var layers: [(name: String, weights: [NamedArray])] = []
                for name in names {
                    let group = root.isEmpty ? name : root + "/" + name
                    guard f.isGroup(group) else {
                        throw WeightFileError(
                            "\(f.path): layer_names lists '\(name)' but the file has no such group")
                    }
                    let weightNames = try f.stringsAttribute("weight_names", of: group) ?? []
                    guard !weightNames.isEmpty else { continue }
                    layers += try legacyLayers(
                        f, group: group, name: name, weightNames: weightNames)
                }
                return .legacy(layers: layers)
            }
        }
        if f.isGroup("layers") {
            var groups: [String: [NamedArray]] = [:]
            try collectKeras3(f, "layers", into: &groups)
            return .keras3(groups: groups)
        }
        throw WeightFileError(
            "\(f.path): not a Keras weight file (no layer_names attribute and no 'layers' group)")
    }

    /// The layers of one `layer_names` group. A plain layer's weights are named
    /// `<layer>/<variable>` (`:0` in Keras 2); a nested model (a base inside a Sequential)
    /// keeps all its layers' weights in one group, `<inner layer>/<variable>` or
    /// `<model>/<inner layer>/<variable>`, which become one entry per inner layer, in the
    /// order the inner layers first appear.
    static func legacyLayers(
        _ f: HDF5File, group: String, name: String,
        weightNames: [String]
    ) throws -> [(name: String, weights: [NamedArray])] {
        var out: [(name: String, weights: [NamedArray])] = []
        var index: [String: Int] = [:]
        for wn in weightNames {
            let (shape, values) = try f.floats(group + "/" + wn)
            let parts = wn.split(separator: "/").map(String.init)
            var variable = parts.last ?? wn
            if let colon = variable.firstIndex(of: ":") { variable = String(variable[..<colon]) }
            if variable == "depthwise_kernel" { variable = "kernel" }
            let owner = parts.count >= 2 ? parts[parts.count - 2] : name
            let array = NamedArray(name: variable, shape: shape, values: values)
            // Keras lists a nested model's trainable weights first and its non-trainable ones
            // (batch norm's moving statistics) after them all: gather them by owner, in the
            // order owners first appear.
            if let i = index[owner], !out[i].weights.contains(where: { $0.name == variable }) {
                out[i].weights.append(array)
            } else {
                index[owner] = out.count
                out.append((owner, [array]))
            }
        }
        // One layer whose weights name it differently (renamed after saving): the group's name.
        if out.count == 1 { out[0].name = name }
        return out
    }

    private static func layerNames(_ f: HDF5File, _ root: String) throws -> [String]? {
        if let names = try f.stringsAttribute("layer_names", of: root) { return names }
        var names: [String] = []
        var i = 0
        while let chunk = try f.stringsAttribute("layer_names\(i)", of: root) {
            names += chunk; i += 1
        }
        return i == 0 ? nil : names
    }

    private static func collectKeras3(
        _ f: HDF5File, _ path: String, into groups: inout [String: [NamedArray]]
    ) throws {
        for member in try f.members(of: path) {
            let p = path + "/" + member
            guard f.isGroup(p) else { continue }
            if f.isGroup(p + "/vars") {
                let vars = try f.members(of: p + "/vars").compactMap(Int.init).sorted()
                if !vars.isEmpty {
                    groups[p] = try vars.map { i in
                        let (shape, values) = try f.floats(p + "/vars/\(i)")
                        return NamedArray(name: String(i), shape: shape, values: values)
                    }
                }
            }
            if f.isGroup(p + "/layers") { try collectKeras3(f, p + "/layers", into: &groups) }
        }
    }
}
