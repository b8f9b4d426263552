/// Reads the layout of ``BinaryWriter`` from memory in place (a record of a ``ByteLog``, where it lies),
/// checking bounds at every step as ``BinaryReader`` does: what ``RawByteWriter`` is to writing. A voucher
/// decoded through a ``BinaryReader`` copied its record into an array first, and went through the array's
/// checks per byte (3,500 instructions a voucher at a run's end, ten million times).
///
/// Valid only while the memory it reads is (inside the closure that lends it).
public struct RawByteReader {
  @usableFromInline let base: UnsafePointer<UInt8>?
  @usableFromInline let count: Int
  @usableFromInline var position = 0

  /// A reader of `bytes`, from their start.
  @inlinable public init(_ bytes: UnsafeRawBufferPointer) {
    base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
    count = bytes.count
  }

  /// Where the next read starts.
  @inlinable public var offset: Int { position }
  @inlinable public var isAtEnd: Bool { position == count }

  @inlinable @inline(__always) public mutating func byte() throws(BinaryFormatError) -> UInt8 {
    guard position < count, let base else { throw BinaryFormatError(offset: position, "unexpected end of data") }
    defer { position &+= 1 }
    return base[position]
  }

  @inlinable public mutating func bool() throws(BinaryFormatError) -> Bool {
    switch try byte() {
    case 0: return false
    case 1: return true
    default: throw BinaryFormatError(offset: position - 1, "not a boolean")
    }
  }

  @inlinable @inline(__always) mutating func leb() throws(BinaryFormatError) -> UInt64 {
    var b = try byte()
    if b < 0x80 { return UInt64(b) }
    var v = UInt64(b & 0x7F)
    var shift: UInt64 = 7
    while true {
      b = try byte()
      guard shift < 64 else { throw BinaryFormatError(offset: position - 1, "number too long") }
      v |= UInt64(b & 0x7F) << shift
      if b < 0x80 { return v }
      shift += 7
    }
  }

  /// A count or length; `limit` bounds it (by default, the bytes left).
  @inlinable @inline(__always) public mutating func count(limit: Int? = nil) throws(BinaryFormatError) -> Int {
    let v = try leb()
    guard v <= UInt64(limit ?? (count - position)) else { throw BinaryFormatError(offset: position, "count \(v) exceeds the data") }
    return Int(v)
  }

  @inlinable @inline(__always) public mutating func int() throws(BinaryFormatError) -> Int {
    let z = try leb()
    return Int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
  }

  @inlinable public mutating func string() throws(BinaryFormatError) -> String {
    let n = try count()
    guard n > 0, let base else { return "" }
    defer { position &+= n }
    return String(decoding: UnsafeBufferPointer(start: base + position, count: n), as: UTF8.self)
  }

  /// An interned name written as its identity (``ItemRow``'s names on the run's shelf, which the process
  /// reads back itself): nothing hashed or looked up.
  @inlinable @inline(__always) mutating func internedName() throws(BinaryFormatError) -> InternedName {
    InternedName(address: UInt(try leb()))
  }

  /// A string's bytes, where they lie (nothing made): valid as long as the reader's memory is.
  @inlinable @inline(__always) public mutating func stringBytes() throws(BinaryFormatError) -> UnsafeBufferPointer<UInt8> {
    let n = try count()
    guard n > 0, let base else { return UnsafeBufferPointer(start: nil, count: 0) }
    defer { position &+= n }
    return UnsafeBufferPointer(start: base + position, count: n)
  }

  /// A string, made only when `keeping` (else passed over, and "" returned).
  @inlinable @inline(__always) public mutating func string(keeping: Bool) throws(BinaryFormatError) -> String {
    guard !keeping else { return try string() }
    let n = try count()
    position &+= n
    return ""
  }

  @inlinable public mutating func date() throws(BinaryFormatError) -> BusinessDate {
    let at = position
    let n = try int()
    guard Int32(exactly: n) != nil else { throw BinaryFormatError(offset: at, "day number \(n) out of range") }
    return BusinessDate(dayNumber: n)
  }

  /// A time of day (seconds since midnight).
  @inlinable public mutating func time() throws(BinaryFormatError) -> BusinessTime {
    let at = position
    let n = try int()
    guard (0..<86_400).contains(n) else { throw BinaryFormatError(offset: at, "time of \(n) seconds out of range") }
    return BusinessTime(seconds: n)
  }

  /// Reads what ``BinaryWriter/compactFixed(_:)`` wrote.
  @inlinable public mutating func compactFixed() throws(BinaryFormatError) -> Fixed {
    switch try byte() {
    case 0: return Fixed(raw: Int128(try int()))
    case 1:
      guard position + 16 <= count, let base else { throw BinaryFormatError(offset: position, "unexpected end of data") }
      var u: UInt128 = 0
      for i in 0..<16 { u |= UInt128(base[position + i]) << (8 * UInt128(i)) }
      position &+= 16
      return Fixed(raw: Int128(bitPattern: u))
    default: throw BinaryFormatError(offset: position - 1, "not a decimal")
    }
  }
}
