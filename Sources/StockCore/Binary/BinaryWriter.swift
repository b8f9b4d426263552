/// Appends values in the snapshot's binary layout: little-endian fixed-width integers, LEB128 lengths and
/// counts, UTF-8 strings prefixed by their byte length. Used for derived state the ledger can rebuild (the
/// engine snapshot), never for the system of record, which stays plain text.
///
/// The small writers are inlinable, as ``BinaryReader``'s readers are.
public struct BinaryWriter: Sendable {
  @usableFromInline var storage: [UInt8] = []
  /// What was written.
  public var bytes: [UInt8] { storage }
  /// How many bytes were written (without the array's retain and release that `bytes.count` costs).
  @inlinable public var count: Int { storage.count }
  public init(capacity: Int = 0) { storage.reserveCapacity(capacity) }

  /// - Complexity: O(1) amortized.
  @inlinable public mutating func byte(_ b: UInt8) { storage.append(b) }
  /// Bytes written by another writer, as they are.
  /// - Complexity: O(n).
  @inlinable public mutating func raw(_ b: ArraySlice<UInt8>) { storage.append(contentsOf: b) }
  @inlinable public mutating func bool(_ b: Bool) { storage.append(b ? 1 : 0) }

  /// A non-negative count or length (LEB128).
  @inlinable public mutating func count(_ n: Int) {
    precondition(n >= 0, "counts are never negative")
    leb(UInt64(n))
  }

  /// A signed integer (zigzag LEB128: small magnitudes take one byte).
  @inlinable public mutating func int(_ n: Int) { leb(UInt64(bitPattern: Int64((n << 1) ^ (n >> 63)))) }

  /// `value` in LEB128: one byte appended as it is; two (below 2¹⁴: the numbers of a history's
  /// item-warehouses, most lengths) appended one by one, spelled out here (through the stack and an
  /// append of a buffer they were about 90 instructions); a longer one written by ``RawByteWriter`` on the
  /// stack and appended at once (appended byte by byte, each byte checked the array's uniqueness and
  /// capacity: a six-byte amount was six calls into the runtime). `BinaryWriterTests` checks the bytes of
  /// each width.
  /// - Complexity: O(1).
  @inlinable @inline(__always) mutating func leb(_ value: UInt64) {
    guard value >= 0x80 else { return storage.append(UInt8(truncatingIfNeeded: value)) }
    if value < 0x4000 {
      storage.append(UInt8(truncatingIfNeeded: value) | 0x80)
      return storage.append(UInt8(truncatingIfNeeded: value &>> 7))
    }
    record(maxBytes: 10) { $0.leb(value) }
  }

  @inlinable public mutating func uint64(_ v: UInt64) {
    withUnsafeBytes(of: v.littleEndian) { storage.append(contentsOf: $0) }
  }

  /// An exact decimal: its raw Int128 in 16 bytes.
  @inlinable public mutating func fixed(_ f: Fixed) {
    let u = UInt128(bitPattern: f.raw)
    uint64(UInt64(truncatingIfNeeded: u))
    uint64(UInt64(truncatingIfNeeded: u >> 64))
  }

  @inlinable public mutating func string(_ s: String) {
    var s = s
    s.withUTF8 { lengthPrefixed($0) }
  }

  /// An interned name as ``string(_:)`` writes its text, from the bytes its box keeps.
  @inlinable public mutating func name(_ n: InternedName) { n.withUTF8 { lengthPrefixed($0) } }

  /// UTF-8 bytes prefixed by their length (what ``string(_:)`` and ``name(_:)`` write).
  @inlinable mutating func lengthPrefixed(_ u: UnsafeBufferPointer<UInt8>) {
    count(u.count)
    storage.append(contentsOf: u)
  }

  @inlinable public mutating func date(_ d: BusinessDate) { int(d.dayNumber) }
  public mutating func optionalDate(_ d: BusinessDate?) {
    bool(d != nil)
    if let d { date(d) }
  }
}

extension BinaryWriter {
  /// An exact decimal in as few bytes as its size needs: a zigzag LEB128 of the raw value when it fits in
  /// 64 bits (tag 0), else the 16 raw bytes (tag 1).
  @inlinable public mutating func compactFixed(_ f: Fixed) {
    record(maxBytes: 17) { $0.compactFixed(f) }  // the tag and the value appended at once, as `RawByteWriter` spells them
  }

  /// Appends, at once, the fields `body` writes through a ``RawByteWriter`` of at most `maxBytes` bytes
  /// (on the stack; on the heap if large): a record's fields without the array's checks per field (a
  /// document's line appended field by field was ten appends, each a call into the runtime).
  /// - Precondition: `body` writes at most `maxBytes` bytes.
  /// - Complexity: O(bytes written).
  @inlinable public mutating func record(maxBytes: Int, _ body: (inout RawByteWriter) -> Void) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(maxBytes, 1)) { buffer in
      var w = RawByteWriter(buffer.baseAddress!, limit: maxBytes)
      body(&w)
      precondition(!w.overflowed, "a record wrote more than the bytes it was given")
      storage.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<w.position]))
    }
  }

  /// A record of `head` (at most `headBytes` bytes) and one of `items` (at most `itemBytes` each), appended
  /// at once while there are at most ``itemsInARecord`` items; past that the head alone, then a record per
  /// item (a record's room is on the stack). The same bytes either way: those the fields write one after
  /// another. What the snapshot writes per item-warehouse (its FIFO bins, its ageing slots): number by
  /// number, each was a checked append of about 120 instructions.
  /// - Complexity: O(bytes written).
  @inlinable public mutating func record<Items: Collection>(
    headBytes: Int, _ head: (inout RawByteWriter) -> Void, items: Items, itemBytes: Int, _ item: (inout RawByteWriter, Items.Element) -> Void
  ) {
    let whole = items.count <= BinaryWriter.itemsInARecord
    record(maxBytes: headBytes &+ (whole ? items.count &* itemBytes : 0)) { w in
      head(&w)
      if whole { for i in items { item(&w, i) } }
    }
    if !whole { for i in items { record(maxBytes: itemBytes) { w in item(&w, i) } } }
  }

  /// The most items ``record(headBytes:_:items:itemBytes:_:)`` appends in one record. (Computed: a stored
  /// `static let` is a `swift_once` check at every use.)
  @inlinable public static var itemsInARecord: Int { 64 }

  /// Bytes as they are.
  public mutating func raw(_ b: [UInt8]) { storage.append(contentsOf: b) }

  /// Bytes as they are, from where they lie.
  public mutating func raw(_ b: UnsafeRawBufferPointer) { storage.append(contentsOf: b) }

  /// Empties the writer, keeping its storage (a scratch writer reused per record).
  public mutating func reset() { storage.removeAll(keepingCapacity: true) }
}

extension BinaryWriter {
  /// An array of 64-bit values, little-endian, copied in bulk.
  /// - Complexity: O(n) bytes copied.
  public mutating func uint64s(_ values: [UInt64]) {
    if UInt64(1).littleEndian == 1 {
      values.withUnsafeBytes { storage.append(contentsOf: $0) }
    } else {
      for v in values { uint64(v) }
    }
  }
}
