/// FNV-1a (Fowler, Noll & Vo; http://www.isthe.com/chongo/tech/comp/fnv/): a fast,
/// non-cryptographic hash that is the same on every run (Swift's `hashValue` is seeded per
/// process). For stable stream numbers, content hashes in cache keys and figure ids; use
/// `SHA256` where a collision would matter.
///
///     FNV1a.hash64("block_1_expand")  // 16712761351401864039
public enum FNV1a {
    public static let offset64: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime64: UInt64 = 0x0000_0100_0000_01b3

    /// 64-bit FNV-1a of a string's UTF-8 bytes.
    public static func hash64(_ text: String) -> UInt64 {
        var h = offset64
        for b in text.utf8 { h = (h ^ UInt64(b)) &* prime64 }
        return h
    }

    /// 64-bit FNV-1a with one step per Float: each step folds in the value's whole 32-bit
    /// pattern (not its four bytes), a fast content hash of a tensor.
    public static func hash64(bitPatternsOf values: [Float]) -> UInt64 {
        var h = offset64
        values.withUnsafeBufferPointer { buffer in
            for v in buffer { h = (h ^ UInt64(v.bitPattern)) &* prime64 }
        }
        return h
    }

    /// 32-bit FNV-1a of bytes.
    public static func hash32(_ bytes: [UInt8]) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }
}
