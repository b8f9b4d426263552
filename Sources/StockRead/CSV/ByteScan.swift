#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole-file scans a reader makes before it parses (line counts, stray carriage returns), eight bytes at a
/// time or through the C library's `memchr`: byte by byte they took 60 ms of a 1M-voucher file's read, on
/// one core, before the parts were parsed on both.
public enum ByteScan {
  /// Whether `b` holds `byte` (`memchr`).
  /// - Complexity: O(n).
  public static func contains(_ byte: UInt8, in b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = b.baseAddress else { return false }
    return memchr(base, Int32(byte), b.count) != nil
  }

  /// How many bytes of `b` are `byte`.
  /// - Complexity: O(n), sixteen bytes a step (a compare, a mask and an add of 128-bit vectors; the lanes'
  ///   counts added up once per 255 steps). (Eight bytes a step in a word, a byte-equal test and an add,
  ///   were twice the instructions.)
  public static func count(_ byte: UInt8, in b: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = b.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    let pattern = SIMD16<UInt8>(repeating: byte), one = SIMD16<UInt8>(repeating: 1), zero = SIMD16<UInt8>()
    var n = 0, i = 0
    while i + 16 <= b.count {
      let end = min(b.count, i + 16 * 255)
      var lanes = zero  // each lane counts at most 255
      while i + 16 <= end {
        let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
        lanes &+= zero.replacing(with: one, where: v .== pattern)
        i += 16
      }
      n &+= Int(truncatingIfNeeded: SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
    }
    while i < b.count {
      if b[i] == byte { n += 1 }
      i += 1
    }
    return n
  }

  /// Whether a CR in `b` is not followed by an LF.
  /// - Complexity: O(n), one `memchr` per CR.
  static func hasBareCR(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = b.baseAddress else { return false }
    var from = 0
    while from < b.count, let hit = memchr(base + from, 13, b.count - from) {
      let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
      if at + 1 == b.count || b[at + 1] != 10 { return true }
      from = at + 1
    }
    return false
  }
}
