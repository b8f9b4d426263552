/// The snapshot's binary data could not be read: truncated, or not what the writer wrote.
public struct BinaryFormatError: Error, Sendable, CustomStringConvertible {
  public var offset: Int
  public var what: String
  public init(offset: Int, _ what: String) {
    self.offset = offset
    self.what = what
  }
  public var description: String { "byte \(offset): \(what)" }

  /// A table of item-warehouses that holds `key` twice (a decoder adds each key once).
  public static func repeated(_ key: StockKey, at offset: Int) -> BinaryFormatError {
    BinaryFormatError(offset: offset, "item-warehouse \(key.item) in \(key.warehouse) twice")
  }
}

/// Reads what ``BinaryWriter`` wrote, checking bounds at every step (a damaged file is an error, never a
/// crash).
///
/// The small readers are inlinable: the snapshot's decoders and the history live in other modules, and a
/// call per number (five million in the history of a million vouchers) cost more than the reading.
public struct BinaryReader: Sendable {
  @usableFromInline let bytes: [UInt8]
  var storage: [UInt8] { bytes }
  var count: Int { bytes.count }
  @usableFromInline var position = 0
  /// Where the next read starts.
  public var offset: Int { position }
  public init(_ bytes: [UInt8]) { self.bytes = bytes }
  /// A reader of `bytes` starting at `offset` (a section found by a length recorded elsewhere).
  /// - Precondition: `0 <= offset <= bytes.count`.
  public init(_ bytes: [UInt8], from offset: Int) {
    precondition(offset >= 0 && offset <= bytes.count, "a reader starts within its bytes")
    self.bytes = bytes
    position = offset
  }

  @inlinable public var isAtEnd: Bool { position == bytes.count }

  @inlinable public mutating func byte() throws(BinaryFormatError) -> UInt8 {
    guard position < bytes.count else { throw BinaryFormatError(offset: position, "unexpected end of data") }
    defer { position += 1 }
    return bytes[position]
  }

  @inlinable public mutating func bool() throws(BinaryFormatError) -> Bool {
    switch try byte() {
    case 0: return false
    case 1: return true
    default: throw BinaryFormatError(offset: offset - 1, "not a boolean")
    }
  }

  @inlinable mutating func leb() throws(BinaryFormatError) -> UInt64 {
    // With ten bytes ahead (the most a number takes), read without a check or a possible error per byte:
    // through ``byte()`` the read was a call of 80 instructions, five of them per item-warehouse of a
    // snapshot decoded at the start of every incremental run. Anything else (the data's last bytes, a
    // number that does not end in ten bytes) takes the checked path, with its errors.
    if let found = BinaryReader.unchecked(bytes, leb: position) {
      position = found.end
      return found.value
    }
    return try checkedLEB()
  }

  /// The LEB128 number at `start` and where it ends, read without a check per byte, when the ten bytes the
  /// longest takes are there and it ends within them; nil otherwise (read it through the checked path).
  @inlinable @inline(__always) static func unchecked(_ bytes: [UInt8], leb start: Int) -> (value: UInt64, end: Int)? {
    guard start &+ 10 <= bytes.count else { return nil }
    return bytes.withUnsafeBufferPointer { b in
      var v: UInt64 = 0
      var shift: UInt64 = 0
      var p = start
      while shift < 64 {
        let x = b[p]
        p &+= 1
        v |= UInt64(x & 0x7F) &<< shift
        if x < 0x80 { return (v, p) }
        shift &+= 7
      }
      return nil
    }
  }

  @usableFromInline mutating func checkedLEB() throws(BinaryFormatError) -> UInt64 {
    var v: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let b = try byte()
      guard shift < 64 else { throw BinaryFormatError(offset: offset - 1, "number too long") }
      v |= UInt64(b & 0x7F) << shift
      if b < 0x80 { return v }
      shift += 7
    }
  }

  /// A count or length; `limit` bounds it (no allocation is sized by damaged data beyond the file).
  @inlinable public mutating func count(limit: Int? = nil) throws(BinaryFormatError) -> Int {
    let v = try leb()
    guard v <= UInt64(limit ?? (bytes.count - position)) else { throw BinaryFormatError(offset: position, "count \(v) exceeds the data") }
    return Int(v)
  }

  @inlinable public mutating func int() throws(BinaryFormatError) -> Int {
    let z = try leb()
    return Int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
  }

  @inlinable public mutating func uint64() throws(BinaryFormatError) -> UInt64 {
    guard position + 8 <= bytes.count else { throw BinaryFormatError(offset: position, "unexpected end of data") }
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
    position += 8
    return v
  }

  @inlinable public mutating func fixed() throws(BinaryFormatError) -> Fixed {
    let lo = try uint64(), hi = try uint64()
    return Fixed(raw: Int128(bitPattern: UInt128(hi) << 64 | UInt128(lo)))
  }

  public mutating func string() throws(BinaryFormatError) -> String {
    let n = try count()
    defer { position += n }
    return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[position..<position + n]), as: UTF8.self) }
  }

  /// A string's interned name (``InternedName``), read where its bytes lie: a name met before is not made
  /// again.
  public mutating func name() throws(BinaryFormatError) -> InternedName {
    let n = try count()
    defer { position += n }
    return bytes.withUnsafeBufferPointer { InternedName(utf8: UnsafeBufferPointer(rebasing: $0[position..<position + n])) }
  }

  @inlinable public mutating func date() throws(BinaryFormatError) -> BusinessDate {
    let at = offset
    let n = try int()
    guard Int32(exactly: n) != nil else { throw BinaryFormatError(offset: at, "day number \(n) out of range") }
    return BusinessDate(dayNumber: n)
  }
  /// A time of day (seconds since midnight).
  public mutating func time() throws(BinaryFormatError) -> BusinessTime {
    let at = offset
    let n = try int()
    guard (0..<86_400).contains(n) else { throw BinaryFormatError(offset: at, "time of \(n) seconds out of range") }
    return BusinessTime(seconds: n)
  }
  public mutating func optionalDate() throws(BinaryFormatError) -> BusinessDate? { try bool() ? try date() : nil }
}

extension BinaryReader {
  /// The next `n` bytes as they are.
  public mutating func bytes(_ n: Int) throws(BinaryFormatError) -> [UInt8] {
    guard n >= 0, offset + n <= count else { throw BinaryFormatError(offset: offset, "unexpected end of data") }
    defer { position += n }
    return Array(storage[position..<position + n])
  }
}

extension BinaryReader {
  /// Reads what ``BinaryWriter/compactFixed(_:)`` wrote.
  @inlinable public mutating func compactFixed() throws(BinaryFormatError) -> Fixed {
    // The usual form (tag 0, a number of 64 bits) with its eleven bytes at most ahead: read without a
    // check per byte, as ``leb()`` reads (through the checked path it was a call of 76 instructions, a
    // dozen per item-warehouse of the snapshot an incremental run decodes). Anything else is checked.
    if position < bytes.count && bytes[position] == 0, let found = BinaryReader.unchecked(bytes, leb: position &+ 1) {
      position = found.end
      return Fixed(raw: Int128(Int64(bitPattern: (found.value >> 1) ^ (0 &- (found.value & 1)))))
    }
    return try checkedCompactFixed()
  }

  @usableFromInline mutating func checkedCompactFixed() throws(BinaryFormatError) -> Fixed {
    switch try byte() {
    case 0: return Fixed(raw: Int128(try int()))
    case 1: return try fixed()
    default: throw BinaryFormatError(offset: offset - 1, "not a decimal")
    }
  }
}

extension BinaryReader {
  /// `n` 64-bit little-endian values, copied in bulk.
  public mutating func uint64s(_ n: Int) throws(BinaryFormatError) -> [UInt64] {
    guard n >= 0, n <= (count - offset) / 8 else { throw BinaryFormatError(offset: offset, "unexpected end of data") }
    var out = [UInt64](repeating: 0, count: n)
    if UInt64(1).littleEndian == 1 {
      let start = position
      out.withUnsafeMutableBytes { dst in storage.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + 8 * n])) } }
      position += 8 * n
    } else {
      for i in 0..<n { out[i] = try uint64() }
    }
    return out
  }
}
