/// Mixes a hash made once (by `Hasher`, when a key was made) with a table's per-instance seed: what a key
/// type returns from `_rawHashValue(seed:)` instead of running a `Hasher` per lookup (its setup and
/// finalisation were most of the cost of finding a key in the engine's, the folds' and the history's tables).
public enum HashMix {
  /// MurmurHash3's 64-bit finaliser of `value` xor `seed`: every bit of the input reaches every bit out.
  /// - Complexity: O(1), a few instructions.
  @inlinable public static func mix(_ value: Int, seed: Int) -> Int {
    var x = UInt64(bitPattern: Int64(value ^ seed))
    x = (x ^ (x >> 33)) &* 0xff51_afd7_ed55_8ccd
    x = (x ^ (x >> 33)) &* 0xc4ce_b9fe_1a85_ec53
    return Int(Int64(bitPattern: x ^ (x >> 33)))
  }
}
