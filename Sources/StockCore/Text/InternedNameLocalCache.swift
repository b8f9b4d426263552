/// One thread's front to the shared table of ``InternedName``s for short names (16 bytes or fewer: item
/// codes, warehouses): the name's bytes kept in its slot, so a name met again is found without reading
/// the shared table or the name's box.
///
/// A reader interns the names of every row (two or four a row). Through the shared table each lookup
/// read a slot of the table and then the box to compare the bytes: two reads of memory the reader's own
/// stream of bytes and vouchers keeps evicting from the cache, a tenth of reading a file's rows. A slot
/// here holds the bytes themselves, in a table small enough to stay in cache.
///
/// Not shared: each thread keeps its own (a value type; copies are independent).
public struct InternedNameLocalCache {
  @usableFromInline struct Slot {
    var first: UInt64 = 0
    var last: UInt64 = 0
    var count = 0
    var address: UInt = 0
  }
  @usableFromInline var slots: [Slot]
  /// 64 − log₂ of the slots: a slot is the top bits of the bytes' hash.
  @usableFromInline let shift: UInt64

  /// A cache of `slotCount` slots (a power of two).
  public init(slotCount: Int = 2048) {
    precondition(slotCount > 0 && slotCount & (slotCount - 1) == 0, "a power of two slots")
    slots = Array(repeating: Slot(), count: slotCount)
    shift = UInt64(64 - slotCount.trailingZeroBitCount)
  }

  /// `InternedName(text)`, through the cache when the text's bytes lie in one piece (as a string's do).
  public mutating func name(_ text: String) -> InternedName {
    text.utf8.withContiguousStorageIfAvailable { name(utf8: $0) } ?? InternedName(text)
  }

  /// `InternedName(utf8: bytes)`: from the slot of these bytes when it holds them, else from the shared
  /// table (and kept in the slot when the name is short).
  /// - Complexity: O(1) for a name of 16 bytes or fewer met before in its slot; else O(bytes).
  public mutating func name(utf8 bytes: UnsafeBufferPointer<UInt8>) -> InternedName {
    let n = bytes.count
    guard n > 0, n <= 16, let p = bytes.baseAddress else { return InternedName(utf8: bytes) }
    // The bytes as two words: the first eight and the last eight (overlapping below 16), or all of them
    // in the first below 8; with the count, one pair of words per spelling.
    var first: UInt64 = 0, last: UInt64 = 0
    let raw = UnsafeRawPointer(p)
    if n >= 8 {
      first = raw.loadUnaligned(as: UInt64.self)
      last = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    } else {
      for i in 0..<n { first |= UInt64(p[i]) << (8 * UInt64(i)) }
    }
    // The top bits of the products, which every bit of the words reaches (their low bits see only the
    // words' low bytes, the same for names that share a prefix: ITEM00001, ITEM00002, ...).
    let h = (first &* 0x9E37_79B9_7F4A_7C15) &+ ((last ^ UInt64(n)) &* 0xC2B2_AE3D_27D4_EB4F)
    let i = Int(truncatingIfNeeded: h &>> shift)
    return slots.withUnsafeMutableBufferPointer { s in
      if s[i].count == n && s[i].first == first && s[i].last == last { return InternedName(address: s[i].address) }
      let name = InternedName(utf8: bytes)
      s[i] = Slot(first: first, last: last, count: n, address: name.identity)
      return name
    }
  }
}
