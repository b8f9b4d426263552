#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole-file scans a reader makes before it parses (line counts, stray carriage returns), eight bytes at a
/// time or through the C library's `memchr`: byte by byte they took 60 ms of a 1M-voucher file's read, on
/// one core, before the parts were parsed on both.
enum ByteScan {
  /// How many bytes of `b` are `byte`.
  /// - Complexity: O(n), eight bytes a step (a byte-equal test and an add per word; the sums added up once
  ///   per 255 words).
  static func count(_ byte: UInt8, in b: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = b.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    // Per word: the bytes equal to `byte` become zero (xor); a byte is nonzero exactly when adding 0x7F to
    // its low seven bits carries into its top bit or its top bit is already set; the top bits left clear
    // are the zero bytes, shifted down to a 1 per byte and added up bytewise (no carry crosses bytes: each
    // sum stays below 0x100), for up to 255 words. (A population count per word was three times the
    // instructions: the baseline x86-64 has no `popcnt`.)
    let pattern = UInt64(byte) &* 0x0101_0101_0101_0101, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let ones: UInt64 = 0x0101_0101_0101_0101, lanes: UInt64 = 0x00FF_00FF_00FF_00FF
    var n = 0, i = 0
    while i + 8 <= b.count {
      let end = min(b.count, i + 8 * 255)
      var sums: UInt64 = 0
      while i + 8 <= end {
        let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern
        let nonzero = ((x & low7) &+ low7) | x
        sums &+= (~nonzero &>> 7) & ones
        i += 8
      }
      // The eight byte sums (each at most 255) added in four 16-bit lanes, then the lanes together.
      let pairs = (sums & lanes) &+ ((sums &>> 8) & lanes)
      n &+= Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) &>> 48)
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
