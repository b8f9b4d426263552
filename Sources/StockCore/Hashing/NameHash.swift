@_spi(_Unicode) import Swift

/// A fast hash of names that agrees with `String` equality: equal strings (canonically equivalent, as
/// `==` decides) hash alike. Seeded per process, like `Hasher`, so never stored and never an order.
///
/// `String`'s own hashing runs `Hasher`'s SipHash over the bytes: about 800 instructions for an item and a
/// warehouse name, made for every stock key. This reads the bytes eight at a time through a
/// multiply-and-fold (about 230 for the same names). An ASCII name is its own normal form; any other name
/// is hashed in the normal form `==` compares by (NFC, the standard library's), so that a name written
/// with the Kelvin sign hashes as the one written with `K`.
public enum NameHash {
  /// Drawn once per process (hash flooding: an input cannot be made to collide without knowing it).
  @usableFromInline static let seed = UInt64.random(in: .min ... .max) | 1

  /// The hash of `name`.
  /// - Complexity: O(length); a non-ASCII name is normalized first (an allocation).
  public static func hash(_ name: String) -> UInt64 { hash(name, seed: seed) }

  /// The hash of `name` from `seed` (read once by a caller that hashes two names: the global's
  /// initialisation check is a call).
  @inline(__always) static func hash(_ name: String, seed: UInt64) -> UInt64 {
    if let h = name.utf8.withContiguousStorageIfAvailable({ hashASCII($0, seed: seed) }), let h { return h }
    let normalized = Array(name._nfcCodeUnits)
    return normalized.withUnsafeBufferPointer { hash(bytes: $0, seed: seed) }
  }

  /// The hash of bytes as they are (not normalized: bytes that are not a name, such as a formatted record).
  /// - Complexity: O(length), eight bytes at a time.
  public static func hash(bytes: UnsafeRawBufferPointer) -> UInt64 {
    hash(bytes: UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count), seed: seed)
  }

  /// The hash of two names in order (an item and a warehouse): not the same as in the other order.
  public static func hash(_ a: String, _ b: String) -> UInt64 {
    let seed = NameHash.seed
    return pair(hash(a, seed: seed), hash(b, seed: seed))
  }

  /// ``hash(_:_:)`` of two names given as their UTF-8 bytes, when both are ASCII (what the strings of
  /// these bytes hash to); nil when a byte is not, and the names must be made and normalized.
  /// - Complexity: O(length).
  public static func hash(ascii a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> UInt64? {
    let seed = NameHash.seed
    guard let ha = hashASCII(a, seed: seed), let hb = hashASCII(b, seed: seed) else { return nil }
    return pair(ha, hb)
  }

  /// Two names' hashes combined in order (the one spelling ``hash(_:_:)`` and ``hash(ascii:_:)`` share, so
  /// that they agree).
  @inlinable @inline(__always) static func pair(_ ha: UInt64, _ hb: UInt64) -> UInt64 {
    fold(fold(ha ^ 0x9E37_79B9_7F4A_7C15, 0xD6E8_FEB8_6659_FD93) ^ hb, 0xA076_1D64_78BD_642F)
  }

  /// The hash of bytes known to be ASCII; nil when one is not. One pass: the words hashed are the words
  /// checked (a pass of its own over the bytes, byte by byte at the end, was half the hash's instructions).
  @inline(__always) static func hashASCII(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64? {
    let (h, high) = hashAndHighBits(bytes, seed: seed)
    return high & 0x8080_8080_8080_8080 == 0 ? h : nil
  }

  /// Eight bytes at a time (little-endian words, the last one padded with zeros), each folded into the
  /// state with the length.
  @inline(__always) static func hash(bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
    hashAndHighBits(bytes, seed: seed).hash
  }

  /// ``hash(bytes:seed:)`` and the bytes ored together (a byte over 127 sets its high bit there).
  /// The last word, of fewer than eight bytes, is read by loads that stay inside the bytes — the eight
  /// bytes that end them, shifted, when there are eight; else two overlapping halves, or the first, middle
  /// and last byte — and has the value the bytes spell, zeros above them.
  @inline(__always) static func hashAndHighBits(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> (hash: UInt64, high: UInt64) {
    let n = bytes.count
    var h = seed ^ UInt64(n) &* 0x9E37_79B9_7F4A_7C15
    guard n > 0, let base = bytes.baseAddress else { return (fold(h, 0xE703_7ED1_A0B4_28DB), 0) }
    let raw = UnsafeRawPointer(base)
    var high: UInt64 = 0
    var i = 0
    while i &+ 8 <= n {
      let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      high |= word
      h = fold(h ^ word, 0xE703_7ED1_A0B4_28DB)
      i &+= 8
    }
    let rest = n &- i
    if rest > 0 {
      let last: UInt64
      if n >= 8 {
        last = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) &>> UInt64(8 &* (8 &- rest))
      } else if n >= 4 {
        let low = UInt64(raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let top = UInt64(raw.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
        last = low | top &<< UInt64(8 &* (n &- 4))
      } else {
        last = UInt64(base[0]) | UInt64(base[n &>> 1]) &<< UInt64(8 &* (n &>> 1)) | UInt64(base[n &- 1]) &<< UInt64(8 &* (n &- 1))
      }
      high |= last
      h = fold(h ^ last, 0x8EBC_6AF0_9C88_C6E3)
    }
    return (fold(h, 0x5899_65CC_7537_4CC3), high)
  }

  /// The high and low halves of the 128-bit product, xored.
  @usableFromInline @inline(__always) static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let p = a.multipliedFullWidth(by: b)
    return p.high ^ p.low
  }
}
