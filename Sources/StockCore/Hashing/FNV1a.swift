/// The 64-bit FNV-1a hash: a fast, stable (not seeded per process) hash of bytes, for on-disk indexes and
/// quick pre-filters. Not cryptographic (``SHA256`` is).
public enum FNV1a {
  /// - Complexity: O(n).
  @inlinable public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
  }

  /// The hash of a string's UTF-8 bytes.
  @inlinable public static func hash(_ s: String) -> UInt64 {
    var s = s
    return s.withUTF8 { hash($0) }
  }
}
