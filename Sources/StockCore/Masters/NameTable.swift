import CSystem

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
///
/// An interned name (``InternedName``) is looked up by its box first: each name of the table is interned
/// when the table is made, and a name read from a file with the same bytes is the same box, so a probe of
/// box addresses finds it without reading a byte (a lookup by bytes was about 150 instructions, two of
/// them per voucher row while validating: its item and its warehouse).
public struct NameTable<Value: Sendable>: Sendable {
  /// Per slot: 1 + the entry's position, 0 when empty. A power of two, at least twice the entries.
  private var slots: [Int32]
  private var entries: [Entry] = []
  private var blob: [UInt8] = []
  private var values: [Value] = []
  /// The names' boxes (``InternedName/identity``), open-addressed by address (0: empty), and the entry of
  /// each: as many slots as `slots`.
  private var boxes: [UInt]
  private var boxEntries: [Int32]
  /// The shift that takes a box's mixed address to a slot (64 − log₂ of the slots).
  private let boxShift: Int

  /// A name's hash and where its bytes are in `blob`.
  private struct Entry: Sendable {
    var hash: UInt64
    var start: Int32
    var count: Int32
  }

  /// The ASCII names of `table` (in name order, so the table is the same whatever the dictionary's order).
  /// - Complexity: O(n log n).
  public init(_ table: [String: Value]) {
    // ASCII names compare as their bytes do (`String`'s `<` on ASCII is a byte comparison): sorted by their
    // first sixteen bytes as two words (``Swift/String/byteOrder(_:)``). As strings, the sort was a fifth of
    // reading the master data, 10 M instructions for 5,000 items.
    var names: [String] = [], values: [Value] = []
    names.reserveCapacity(table.count)
    values.reserveCapacity(table.count)
    for (name, value) in table {
      names.append(name)
      values.append(value)
    }
    let order = String.byteOrder(names)
    self.init(ordered: order.map { names[$0] }, values: order.map { values[$0] })
  }

  /// The ASCII names of `names`, with the values at the same positions, put in in the order given (an order
  /// that is the same from run to run, as a master file's: the table is then the same too, without the
  /// sort ``init(_:)`` makes). A name given twice takes its last value, as a dictionary would.
  /// - Complexity: O(n) on average.
  /// - Precondition: as many values as names.
  public init(ordered names: [String], values given: [Value]) {
    precondition(names.count == given.count, "a value for every name")
    var size = 16
    while size < 2 * names.count { size *= 2 }
    slots = [Int32](repeating: 0, count: size)
    boxes = [UInt](repeating: 0, count: size)
    boxEntries = [Int32](repeating: 0, count: size)
    boxShift = 64 - size.trailingZeroBitCount
    values.reserveCapacity(names.count)
    entries.reserveCapacity(names.count)
    for (name, value) in zip(names, given) {
      var name = name
      // (Each name's bytes read where they lie, once: hashed, looked for, interned and kept.)
      name.withUTF8 { bytes in
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return }
        let h = FNV1a.hash(bytes)
        if let p = position(of: bytes, hash: h) {
          values[p] = value
          return
        }
        var i = Int(truncatingIfNeeded: h) & (size - 1)
        while slots[i] != 0 { i = (i + 1) & (size - 1) }
        slots[i] = Int32(values.count + 1)
        let identity = InternedName(utf8: bytes).identity
        var b = NameTable.boxSlot(identity, shift: boxShift)
        while boxes[b] != 0 { b = (b + 1) & (size - 1) }
        (boxes[b], boxEntries[b]) = (identity, Int32(values.count))
        entries.append(Entry(hash: h, start: Int32(blob.count), count: Int32(bytes.count)))
        blob.append(contentsOf: bytes)
        values.append(value)
      }
    }
  }

  /// The value of `name` when it is an ASCII name of the table; nil otherwise (ask the dictionary).
  /// - Complexity: O(length of `name`), one probe sequence (the table is at most half full).
  public func value(_ name: String) -> Value? {
    guard let i = name.utf8.withContiguousStorageIfAvailable({ position(of: $0) }) ?? nil else { return nil }
    return values[i]
  }

  /// The value of the name spelled with the UTF-8 bytes `name`, when it is an ASCII name of the table; nil
  /// otherwise (ask the dictionary), as ``value(_:)`` of its string.
  /// - Complexity: O(`name.count`), one probe sequence.
  public func value(utf8 name: UnsafeBufferPointer<UInt8>) -> Value? { position(of: name).map { values[$0] } }

  /// The value of an interned name, by its box, else by the bytes and hash its box keeps; nil as
  /// ``value(_:)`` of its text.
  /// - Complexity: one probe sequence of addresses (and, for a name not found so, one of hashes).
  public func value(_ name: InternedName) -> Value? { position(of: name).map { values[$0] } }

  /// A part of the value of an interned name (``part(of:_:)`` of its text), read where the value lies.
  /// - Complexity: as ``value(_:)-(InternedName)``.
  public func part<T>(of name: InternedName, _ read: (borrowing Value) -> T) -> T? {
    guard let i = position(of: name) else { return nil }
    return values.withUnsafeBufferPointer { read($0[i]) }
  }

  /// The slot a box's address probes first: its bits mixed (Fibonacci hashing; boxes are 16-byte aligned),
  /// the top ones kept.
  @inline(__always) private static func boxSlot(_ identity: UInt, shift: Int) -> Int {
    Int(truncatingIfNeeded: ((UInt64(identity) &>> 4) &* 0x9E37_79B9_7F4A_7C15) &>> UInt64(shift))
  }

  /// The entry of an interned name: by its box, else (a name whose box is not one of the table's: none
  /// of its names, but looked for as the other lookups are) by its bytes.
  @inline(__always) private func position(of name: InternedName) -> Int? {
    boxPosition(of: name) ?? name.withUTF8 { position(of: $0, hash: name.tableHash) }
  }

  /// The value of the entry at `position` (for the tests, with ``boxPosition(of:)``).
  func value(entryAt position: Int) -> Value { values[position] }

  /// The entry of an interned name found by its box alone (nil for the empty name, and for a name whose
  /// box is none of the table's). Internal for the tests, which check that names are found this way.
  @inline(__always) func boxPosition(of name: InternedName) -> Int? {
    let identity = name.identity
    guard identity != 0 else { return nil }
    return boxes.withUnsafeBufferPointer { boxes in
      let mask = boxes.count - 1
      var b = NameTable.boxSlot(identity, shift: boxShift)
      while true {
        let k = boxes[b]
        if k == identity { return boxEntries.withUnsafeBufferPointer { Int($0[b]) } }
        if k == 0 { return nil }
        b = (b + 1) & mask
      }
    }
  }

  /// The hash a lookup of `name` starts from, for the prefetch steps below; nil when its bytes are not
  /// contiguous.
  /// - Complexity: O(length of `name`).
  public static func hash(of name: String) -> UInt64? {
    name.utf8.withContiguousStorageIfAvailable { FNV1a.hash($0) }
  }

  /// Asks for what a lookup of a name will read to be brought into cache, in three steps a few lookups
  /// apart, each reading only what the step before asked for: the slot the name's `hash` probes first;
  /// then (``prefetch(entryOf:)``) the entry and value that slot points to; then
  /// (``prefetch(valueAt:)``) the name's bytes and, for a class, the object. A hash that probes further
  /// costs a wasted prefetch, never a wrong answer.
  /// - Complexity: O(1) each.
  public func prefetch(slotOf hash: UInt64) {
    slots.withUnsafeBufferPointer { stockledger_prefetch($0.baseAddress! + (Int(truncatingIfNeeded: hash) & ($0.count - 1))) }
  }

  /// The second step (see ``prefetch(slotOf:)``): the position of the entry the slot points to, -1 if none.
  public func prefetch(entryOf hash: UInt64) -> Int {
    let s = slots.withUnsafeBufferPointer { Int($0[Int(truncatingIfNeeded: hash) & ($0.count - 1)]) }
    guard s > 0 else { return -1 }
    entries.withUnsafeBufferPointer { stockledger_prefetch($0.baseAddress! + (s - 1)) }
    values.withUnsafeBufferPointer { stockledger_prefetch($0.baseAddress! + (s - 1)) }
    return s - 1
  }

  /// The third step (see ``prefetch(slotOf:)``), for the entry at `position`.
  public func prefetch(valueAt position: Int) {
    guard position >= 0, position < entries.count else { return }
    let start = Int(entries[position].start)
    if start < blob.count { blob.withUnsafeBufferPointer { stockledger_prefetch($0.baseAddress! + start) } }
    guard Value.self is AnyObject.Type else { return }
    // The element's bits are the object's address (loaded as bits: not retained).
    values.withUnsafeBufferPointer {
      let object = UnsafeRawPointer($0.baseAddress! + position).load(as: UnsafeRawPointer.self)
      stockledger_prefetch(object)
      stockledger_prefetch(object + 64)
    }
  }

  /// ``value(_:)`` of a name whose ``hash(of:)`` was made earlier (`hash`): the lookup without hashing the
  /// name again.
  /// - Complexity: one probe sequence and one comparison of bytes.
  public func value(_ name: String, hash: UInt64) -> Value? {
    guard let i = name.utf8.withContiguousStorageIfAvailable({ position(of: $0, hash: hash) }) ?? nil else { return nil }
    return values[i]
  }

  /// A part of the value of `name`, read where the value lies (a copy of a value with names retains and
  /// releases them); nil as ``value(_:)`` is.
  /// - Complexity: O(length of `name`), one probe sequence.
  public func part<T>(of name: String, _ read: (borrowing Value) -> T) -> T? {
    guard let i = name.utf8.withContiguousStorageIfAvailable({ position(of: $0) }) ?? nil else { return nil }
    return values.withUnsafeBufferPointer { read($0[i]) }
  }

  /// The entry whose name is `bytes`.
  private func position(of bytes: UnsafeBufferPointer<UInt8>) -> Int? { position(of: bytes, hash: FNV1a.hash(bytes)) }

  /// The entry whose name is `bytes`, their hash `h` (``FNV1a``).
  private func position(of bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int? {
    assert(h == FNV1a.hash(bytes), "the hash given is not the name's")
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

extension NameTable where Value: AnyObject {
  /// ``value(_:)`` for a table of objects, not retained (its bits read from the table, which holds it): a
  /// lookup made on both cores at once retains and releases a shared object, and its reference count then
  /// moves from core to core (a tenth of validating, as a retain per row). Valid while the table is.
  /// nil when the name is not an ASCII name of the table (ask the dictionary).
  /// - Complexity: O(length of `name`), one probe sequence.
  public func unretainedValue(_ name: String) -> Unmanaged<Value>? { part(of: name) { Unmanaged.passUnretained($0) } }
  /// ``unretainedValue(_:)`` of an interned name.
  public func unretainedValue(_ name: InternedName) -> Unmanaged<Value>? { part(of: name) { Unmanaged.passUnretained($0) } }
}
