import Foundation
@preconcurrency import _CHDF5

/// A read-only HDF5 file, through Debian's libhdf5: only what Keras weight files need
/// (groups, string-array attributes, float datasets). All C handles stay in this file.
final class HDF5File {
    let path: String
    private let file: hid_t

    init(path: String) throws {
        self.path = path
        _ = H5open()
        H5Eset_auto2(hid_t(0), nil, nil)  // errors come back as return codes, not stderr noise
        guard FileManager.default.fileExists(atPath: path) else {
            throw WeightFileError("\(path): no such file")
        }
        guard H5Fis_hdf5(path) > 0 else {
            throw WeightFileError(
                "\(path): not an HDF5 file (Keras .h5 weights are HDF5; is it truncated?)")
        }
        let id = H5Fopen(path, 0 /* H5F_ACC_RDONLY */, hid_t(0))
        guard id >= 0 else {
            throw WeightFileError("\(path): libhdf5 cannot open it (truncated or damaged)")
        }
        file = id
    }

    deinit { H5Fclose(file) }

    /// Whether an object (group or dataset) exists at `path` (e.g. "model_weights/conv1").
    func exists(_ objectPath: String) -> Bool {
        var prefix = ""
        for part in objectPath.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + part
            guard H5Lexists(file, prefix, hid_t(0)) > 0 else { return false }
        }
        return true
    }

    func isGroup(_ objectPath: String) -> Bool {
        guard exists(objectPath) else { return false }
        let o = H5Oopen(file, objectPath, hid_t(0))
        guard o >= 0 else { return false }
        defer { H5Oclose(o) }
        return H5Iget_type(o) == H5I_GROUP
    }

    /// Names of the links in a group, in name order ("" or "/" is the root).
    func members(of groupPath: String) throws -> [String] {
        let g = H5Gopen2(file, groupPath.isEmpty ? "/" : groupPath, hid_t(0))
        guard g >= 0 else { throw WeightFileError("\(path): no group '\(groupPath)'") }
        defer { H5Gclose(g) }
        var info = H5G_info_t()
        guard H5Gget_info(g, &info) >= 0 else {
            throw WeightFileError("\(path): cannot list group '\(groupPath)'")
        }
        return (0..<info.nlinks).map { i in
            let n = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, hid_t(0))
            var buf = [CChar](repeating: 0, count: Int(max(n, 0)) + 1)
            H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buf, buf.count, hid_t(0))
            return String(
                decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) },
                as: UTF8.self)
        }
    }

    /// A string or string-array attribute of an object, or nil if absent.
    /// Reads both fixed-length (h5py `S` arrays, as Keras writes) and variable-length strings.
    func stringsAttribute(_ name: String, of objectPath: String) throws -> [String]? {
        let o = H5Oopen(file, objectPath.isEmpty ? "/" : objectPath, hid_t(0))
        guard o >= 0 else { throw WeightFileError("\(path): no object '\(objectPath)'") }
        defer { H5Oclose(o) }
        guard H5Aexists(o, name) > 0 else { return nil }
        let a = H5Aopen(o, name, hid_t(0))
        guard a >= 0 else {
            throw WeightFileError("\(path): cannot open attribute '\(name)' of '\(objectPath)'")
        }
        defer { H5Aclose(a) }
        let type = H5Aget_type(a)
        defer { H5Tclose(type) }
        let space = H5Aget_space(a)
        defer { H5Sclose(space) }
        let count = Int(H5Sget_simple_extent_npoints(space))
        // Keras writes the list of a weightless layer (input, padding, activation, add) as
        // `np.asarray([])`: an empty float64 array. Empty is empty, whatever its type.
        if count == 0 { return [] }
        guard H5Tget_class(type) == H5T_STRING else {
            throw WeightFileError(
                "\(path): attribute '\(name)' of '\(objectPath)' holds \(count) non-string value(s); "
                    + "Keras writes it as a list of names (is this a Keras weight file?)")
        }
        let mem = H5Tcopy(H5T_C_S1_g)
        defer { H5Tclose(mem) }
        if H5Tis_variable_str(type) > 0 {
            H5Tset_size(mem, -1 /* H5T_VARIABLE */)
            var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            guard H5Aread(a, mem, &ptrs) >= 0 else {
                throw WeightFileError("\(path): cannot read attribute '\(name)'")
            }
            defer { for p in ptrs { if let p { H5free_memory(p) } } }
            return ptrs.map { $0.map { String(cString: $0) } ?? "" }
        }
        // Fixed length: read with the file's own type (h5py writes NULLPAD strings; a
        // NULLTERM memory type of the same size would drop each string's last byte).
        let size = H5Tget_size(type)
        var buf = [UInt8](repeating: 0, count: size * count)
        guard H5Aread(a, type, &buf) >= 0 else {
            throw WeightFileError("\(path): cannot read attribute '\(name)'")
        }
        return (0..<count).map { i in
            String(
                decoding: buf[(i * size)..<((i + 1) * size)].prefix(while: { $0 != 0 }),
                as: UTF8.self)
        }
    }

    /// A dataset's values converted to Float32 by libhdf5, with its shape.
    func floats(_ datasetPath: String) throws -> (shape: [Int], values: [Float]) {
        let d = H5Dopen2(file, datasetPath, hid_t(0))
        guard d >= 0 else { throw WeightFileError("\(path): no dataset '\(datasetPath)'") }
        defer { H5Dclose(d) }
        let space = H5Dget_space(d)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        H5Sget_simple_extent_dims(space, &dims, nil)
        let shape = rank == 0 ? [] : dims.prefix(rank).map { Int($0) }
        var values = [Float](repeating: 0, count: shape.reduce(1, *))
        let status = values.withUnsafeMutableBytes {
            H5Dread(d, H5T_NATIVE_FLOAT_g, hid_t(0), hid_t(0), hid_t(0), $0.baseAddress)
        }
        guard status >= 0 else {
            throw WeightFileError(
                "\(path): cannot read dataset '\(datasetPath)' as float32 (truncated file?)")
        }
        return (shape, values)
    }
}
