/// Where the binary layout of ``BinaryWriter`` is written: a growing array (``BinaryWriter``) or memory
/// reserved beforehand (``RawByteWriter``). An encoder generic over it writes the same bytes to either.
public protocol BinarySink {
  mutating func byte(_ b: UInt8)
  mutating func bool(_ b: Bool)
  /// A non-negative count or length (LEB128).
  mutating func count(_ n: Int)
  /// A signed integer (zigzag LEB128).
  mutating func int(_ n: Int)
  /// UTF-8, prefixed by its byte length.
  mutating func string(_ s: String)
  /// An interned name as ``string(_:)`` writes its text, from the bytes its box keeps.
  mutating func name(_ n: InternedName)
  /// An exact decimal in as few bytes as its size needs (``BinaryWriter/compactFixed(_:)``).
  mutating func compactFixed(_ f: Fixed)
  /// An item-warehouse: item code, then warehouse.
  mutating func key(_ k: StockKey)
}

extension BinaryWriter: BinarySink {}

/// Writes the layout of ``BinaryWriter`` into memory set aside for it: a record's bytes stored one after
/// another, without an array's capacity and uniqueness checks per byte (a document appended to the engine's
/// log byte by byte cost the posting core 1,900 instructions; stored, about 700).
///
/// Bounds are checked once per field. A field that does not fit is not written, nor any after it, and
/// ``overflowed`` says so: the owner makes more room and writes the record again
/// (``ByteLog/append(_:)``), so no caller has to work out a record's size beforehand.
public struct RawByteWriter: BinarySink {
  @usableFromInline let base: UnsafeMutablePointer<UInt8>
  @usableFromInline let limit: Int
  @usableFromInline var written = 0
  @usableFromInline var full = false

  /// A writer of at most `limit` bytes at `base`.
  public init(_ base: UnsafeMutablePointer<UInt8>, limit: Int) {
    self.base = base
    self.limit = limit
  }

  /// Bytes written.
  public var position: Int { written }
  /// Whether a field did not fit (the bytes written are then not the record's).
  public var overflowed: Bool { full }

  /// Whether `n` more bytes fit; once one does not, none is written.
  @inlinable @inline(__always) mutating func fits(_ n: Int) -> Bool {
    if full || written + n > limit {
      full = true
      return false
    }
    return true
  }

  @inlinable @inline(__always) public mutating func byte(_ b: UInt8) {
    guard fits(1) else { return }
    base[written] = b
    written &+= 1
  }

  @inlinable public mutating func bool(_ b: Bool) { byte(b ? 1 : 0) }

  @inlinable @inline(__always) mutating func leb(_ value: UInt64) {
    guard fits(10) else { return }
    var v = value
    while v >= 0x80 {
      base[written] = UInt8(truncatingIfNeeded: v) | 0x80
      written &+= 1
      v >>= 7
    }
    base[written] = UInt8(v)
    written &+= 1
  }

  @inlinable @inline(__always) public mutating func count(_ n: Int) {
    precondition(n >= 0, "counts are never negative")
    leb(UInt64(n))
  }

  @inlinable @inline(__always) public mutating func int(_ n: Int) { leb(UInt64(bitPattern: Int64((n << 1) ^ (n >> 63)))) }

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
    raw(b)
  }

  /// Bytes as they are.
  @inlinable @inline(__always) public mutating func raw(_ b: UnsafeRawBufferPointer) {
    guard fits(b.count) else { return }
    if let from = b.baseAddress { (base + written).update(from: from.assumingMemoryBound(to: UInt8.self), count: b.count) }
    written &+= b.count
  }

  @inlinable @inline(__always) public mutating func compactFixed(_ f: Fixed) {
    if let small = Int64(exactly: f.raw) {
      byte(0)
      int(Int(small))
    } else {
      byte(1)
      guard fits(16) else { return }
      let u = UInt128(bitPattern: f.raw)
      for i in 0..<16 { base[written + i] = UInt8(truncatingIfNeeded: u >> (8 * UInt128(i))) }
      written &+= 16
    }
  }

  /// An item-warehouse: its names' bytes, where their boxes keep them.
  @inlinable @inline(__always) public mutating func key(_ k: StockKey) {
    name(k.itemName)
    name(k.warehouseName)
  }

  @inlinable @inline(__always) public mutating func name(_ n: InternedName) {
    n.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
  }
}
