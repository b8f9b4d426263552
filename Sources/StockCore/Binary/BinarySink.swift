/// Where the binary layout of ``BinaryWriter`` is written: a growing array (``BinaryWriter``) or memory
/// reserved beforehand (``RawByteWriter``). An encoder generic over it writes the same bytes to either.
public protocol BinarySink {
  mutating func byte(_ b: UInt8)
  mutating func bool(_ b: Bool)
  /// A non-negative count or length (LEB128).
  mutating func count(_ n: Int)
  /// UTF-8, prefixed by its byte length.
  mutating func string(_ s: String)
  /// An exact decimal in as few bytes as its size needs (``BinaryWriter/compactFixed(_:)``).
  mutating func compactFixed(_ f: Fixed)
  /// An item-warehouse: item code, then warehouse.
  mutating func key(_ k: StockKey)
}

extension BinaryWriter: BinarySink {}

/// Writes the layout of ``BinaryWriter`` into memory reserved for it: a record's bytes stored one after
/// another, without an array's capacity and uniqueness checks per byte (a document appended to the engine's
/// log byte by byte cost the posting core 1,900 instructions; stored, about 700).
///
/// Bounds are checked once per field, against the room the owner reserved (``ByteLog/append(limit:_:)``):
/// writing past it stops the process rather than memory it does not own.
public struct RawByteWriter: BinarySink {
  @usableFromInline let base: UnsafeMutablePointer<UInt8>
  @usableFromInline let limit: Int
  /// Bytes written.
  public var position: Int { written }
  @usableFromInline var written = 0

  /// A writer of at most `limit` bytes at `base`.
  public init(_ base: UnsafeMutablePointer<UInt8>, limit: Int) {
    self.base = base
    self.limit = limit
  }

  /// The most a string takes: its length's LEB128 (at most 10 bytes) and its UTF-8 bytes.
  /// - Complexity: O(1) for a native string.
  @inlinable public static func room(_ s: String) -> Int { 10 + s.utf8.count }
  /// The most ``compactFixed(_:)`` takes.
  public static let fixedRoom = 17

  @inlinable mutating func reserve(_ n: Int) {
    precondition(written + n <= limit, "a record written within the room reserved for it")
  }

  @inlinable public mutating func byte(_ b: UInt8) {
    reserve(1)
    base[written] = b
    written &+= 1
  }

  @inlinable public mutating func bool(_ b: Bool) { byte(b ? 1 : 0) }

  @inlinable @inline(__always) mutating func leb(_ value: UInt64) {
    reserve(10)
    var v = value
    while v >= 0x80 {
      base[written] = UInt8(truncatingIfNeeded: v) | 0x80
      written &+= 1
      v >>= 7
    }
    base[written] = UInt8(v)
    written &+= 1
  }

  @inlinable public mutating func count(_ n: Int) {
    precondition(n >= 0, "counts are never negative")
    leb(UInt64(n))
  }

  @inlinable public mutating func int(_ n: Int) { leb(UInt64(bitPattern: Int64((n << 1) ^ (n >> 63)))) }

  @inlinable @inline(__always) public mutating func string(_ s: String) {
    // Read in place where the string is contiguous (native strings are); else copied once. (Through the
    // UTF-8 view byte by byte was two and a half times slower.)
    if let done: Void = s.utf8.withContiguousStorageIfAvailable({ bytes(UnsafeRawBufferPointer($0)) }) { return done }
    var copy = s
    copy.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
  }

  /// A length, then the bytes.
  @inlinable @inline(__always) mutating func bytes(_ b: UnsafeRawBufferPointer) {
    count(b.count)
    reserve(b.count)
    if let from = b.baseAddress { (base + written).update(from: from.assumingMemoryBound(to: UInt8.self), count: b.count) }
    written &+= b.count
  }

  @inlinable @inline(__always) public mutating func compactFixed(_ f: Fixed) {
    if let small = Int64(exactly: f.raw) {
      byte(0)
      int(Int(small))
    } else {
      byte(1)
      let u = UInt128(bitPattern: f.raw)
      reserve(16)
      for i in 0..<16 { base[written + i] = UInt8(truncatingIfNeeded: u >> (8 * UInt128(i))) }
      written &+= 16
    }
  }

  @inlinable @inline(__always) public mutating func key(_ k: StockKey) {
    string(k.item)
    string(k.warehouse)
  }
}
