#if canImport(Glibc)
  import Glibc
#endif

/// Master data looked up by name without `String` hashing: the ASCII names of a `[String: Value]` table in an
/// open-addressed table of 64-bit FNV-1a hashes over their bytes, the names in one byte blob.
///
/// A lookup is a hash over the name's bytes, a probe and one comparison of bytes, a third cheaper than a
/// `Dictionary` lookup (whose `String` hashing and comparison made the item and warehouse lookups a tenth
/// of posting a receipt). Names with other characters are not in the table: ``value(_:)`` answers nil for
/// them, as for a name that is not there, and the caller then asks the dictionary — so `String` equality
/// (canonical equivalence: a name in another normalisation form, or `K` written as the Kelvin sign) still
/// decides whatever the table does not find.
public struct NameTable<Value: Sendable>: Sendable {
  /// Per slot: 1 + the entry's position, 0 when empty. A power of two, at least twice the entries.
  private var slots: [Int32]
  private var entries: [Entry] = []
  private var blob: [UInt8] = []
  private var values: [Value] = []

  /// A name's hash and where its bytes are in `blob`.
  private struct Entry: Sendable {
    var hash: UInt64
    var start: Int32
    var count: Int32
  }

  /// The ASCII names of `table` (in name order, so the table is the same whatever the dictionary's order).
  /// - Complexity: O(n log n).
  public init(_ table: [String: Value]) {
    var size = 16
    while size < 2 * table.count { size *= 2 }
    slots = [Int32](repeating: 0, count: size)
    for (name, value) in table.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) where name.utf8.allSatisfy({ $0 < 0x80 }) {
      let h = FNV1a.hash(name.utf8)
      var i = Int(truncatingIfNeeded: h) & (size - 1)
      while slots[i] != 0 { i = (i + 1) & (size - 1) }
      slots[i] = Int32(values.count + 1)
      entries.append(Entry(hash: h, start: Int32(blob.count), count: Int32(name.utf8.count)))
      blob.append(contentsOf: name.utf8)
      values.append(value)
    }
  }

  /// The value of `name` when it is an ASCII name of the table; nil otherwise (ask the dictionary).
  /// - Complexity: O(length of `name`), one probe sequence (the table is at most half full).
  public func value(_ name: String) -> Value? {
    guard let i = name.utf8.withContiguousStorageIfAvailable({ position(of: $0) }) ?? nil else { return nil }
    return values[i]
  }

  /// The entry whose name is `bytes`.
  private func position(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    let h = FNV1a.hash(bytes)
    return slots.withUnsafeBufferPointer { slots in
      entries.withUnsafeBufferPointer { entries in
        blob.withUnsafeBufferPointer { blob in
          let mask = slots.count - 1
          var i = Int(truncatingIfNeeded: h) & mask
          while true {
            let s = Int(slots[i])
            if s == 0 { return nil }
            let e = entries[s - 1]
            if e.hash == h && Int(e.count) == bytes.count
              && (bytes.isEmpty || memcmp(blob.baseAddress! + Int(e.start), bytes.baseAddress!, bytes.count) == 0)
            {
              return s - 1
            }
            i = (i + 1) & mask
          }
        }
      }
    }
  }
}
