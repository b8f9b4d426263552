import Testing
@testable import StockCore

/// `BinaryWriter` puts a LEB128 number of more than one byte together on the stack and appends it at once,
/// and a record of fields through ``BinaryWriter/record(maxBytes:_:)``: the bytes must be the layout's,
/// spelled out here byte by byte (not only what another writer of the same layout gives), and read back.
@Suite struct BinaryWriterTests {
  func bytes(_ body: (inout BinaryWriter) -> Void) -> [UInt8] {
    var w = BinaryWriter()
    body(&w)
    return w.bytes
  }

  @Test func countsAreLEB128ByteByByte() {
    #expect(bytes { $0.count(0) } == [0x00])
    #expect(bytes { $0.count(127) } == [0x7F])
    #expect(bytes { $0.count(128) } == [0x80, 0x01])
    #expect(bytes { $0.count(300) } == [0xAC, 0x02])
    #expect(bytes { $0.count(16_383) } == [0xFF, 0x7F])  // the last of two bytes (spelled out by the writer)
    #expect(bytes { $0.count(16_384) } == [0x80, 0x80, 0x01])  // the first of three (by `RawByteWriter`)
    #expect(bytes { $0.count(Int.max) } == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
  }

  /// Signed integers zigzag first: 0, −1, 1, −2 … become 0, 1, 2, 3 …; the extremes take ten bytes.
  @Test func integersAreZigzagLEB128() {
    #expect(bytes { $0.int(0) } == [0x00])
    #expect(bytes { $0.int(-1) } == [0x01])
    #expect(bytes { $0.int(1) } == [0x02])
    #expect(bytes { $0.int(-64) } == [0x7F])
    #expect(bytes { $0.int(64) } == [0x80, 0x01])
    #expect(bytes { $0.int(-65) } == [0x81, 0x01])
    #expect(bytes { $0.int(Int.min) } == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    #expect(bytes { $0.int(Int.max) } == [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
  }

  /// A compact decimal is tag 0 and the zigzag of its raw value when that fits in 64 bits, else tag 1 and
  /// the 16 raw bytes; after other fields, each is where the one before it ended.
  @Test func compactDecimalsFollowEachOther() {
    #expect(bytes { $0.compactFixed(.zero) } == [0x00, 0x00])
    #expect(bytes { $0.compactFixed(Fixed(raw: -1)) } == [0x00, 0x01])
    #expect(bytes { $0.compactFixed(Fixed(34)) } == [0x00, 0x80, 0xD0, 0xF6, 0xA8, 0xFD, 0x01])  // 34 × 10⁹ units, zigzagged
    let wide = Fixed(raw: Int128(Int64.max) + 1)
    #expect(bytes { $0.compactFixed(wide) } == [0x01] + [0, 0, 0, 0, 0, 0, 0, 0x80] + [UInt8](repeating: 0, count: 8))
    #expect(bytes { $0.byte(9); $0.compactFixed(Fixed(raw: 1)); $0.count(200); $0.compactFixed(Fixed(raw: -2)) }
      == [0x09, 0x00, 0x02, 0xC8, 0x01, 0x00, 0x03])
  }

  /// Every width of LEB128 and both kinds of decimal read back as written, in one stream.
  @Test func numbersReadBack() throws {
    var values: [Int] = [0, 1, -1, Int.max, Int.min]
    for shift in stride(from: 6, through: 62, by: 7) { values += [1 << shift, (1 << shift) - 1, -(1 << shift)] }
    let decimals = [Fixed.zero, Fixed(parsing: "4.49")!, Fixed(parsing: "-1125.5")!, Fixed(raw: Int128(Int64.max) * 7), Fixed(raw: Int128(Int64.min))]
    var w = BinaryWriter()
    for v in values {
      w.int(v)
      w.count(v.magnitude > UInt(Int.max) ? 0 : abs(v))
    }
    for d in decimals { w.compactFixed(d) }
    var r = BinaryReader(w.bytes)
    for v in values {
      #expect(try r.int() == v)
      #expect(try r.count(limit: Int.max) == (v.magnitude > UInt(Int.max) ? 0 : abs(v)))
    }
    for d in decimals { #expect(try r.compactFixed() == d) }
    #expect(r.offset == w.bytes.count)
  }

  /// A number is read the same with ten bytes ahead of it (read without a check per byte) and without
  /// (the data's last bytes, checked): every width, at every distance from the end; a number that does not
  /// end in ten bytes, or where the data does, is the same error at the same byte either way.
  @Test func numbersReadTheSameNearTheEndOfTheData() throws {
    var values: [UInt64] = [0, 1, 127, 128, UInt64.max]
    for shift in stride(from: 7, through: 63, by: 7) { values += [1 << shift, (1 << shift) - 1] }
    for v in values {
      var w = BinaryWriter()
      w.count(Int(truncatingIfNeeded: v & UInt64(Int.max)))
      let number = w.bytes
      for padding in 0..<12 {
        var r = BinaryReader(number + [UInt8](repeating: 0xAA, count: padding))
        #expect(try r.count(limit: Int.max) == Int(truncatingIfNeeded: v & UInt64(Int.max)), "\(v) with \(padding) bytes after")
        #expect(r.offset == number.count)
      }
    }
    // Decimals the same way: both forms, every width of the short one.
    var decimals = [Fixed.zero, Fixed(raw: 1), Fixed(raw: -1), Fixed(raw: Int128(Int64.max)), Fixed(raw: Int128(Int64.min)), Fixed(raw: Int128(Int64.max) * 5)]
    for shift in stride(from: 6, through: 62, by: 7) { decimals += [Fixed(raw: Int128(1) << shift), Fixed(raw: -(Int128(1) << shift))] }
    for d in decimals {
      var w = BinaryWriter()
      w.compactFixed(d)
      for padding in 0..<13 {
        var r = BinaryReader(w.bytes + [UInt8](repeating: 0x80, count: padding))
        #expect(try r.compactFixed() == d, "\(d) with \(padding) bytes after")
        #expect(r.offset == w.bytes.count)
      }
    }
    var notADecimal = BinaryReader([2] + [UInt8](repeating: 0, count: 12))
    #expect(throws: BinaryFormatError.self) { _ = try notADecimal.compactFixed() }
    func error(_ bytes: [UInt8]) -> String? {
      var r = BinaryReader(bytes)
      do {
        _ = try r.int()
        return nil
      } catch { return error.description }
    }
    // Ten bytes that each say another follows: an eleventh is one too many, whatever it is; none is the end.
    let ten = [UInt8](repeating: 0x80, count: 10)
    for padding in 1..<12 {
      #expect(error(ten + [UInt8](repeating: 0x01, count: padding)) == "byte 10: number too long", "with \(padding) bytes after")
      #expect(error(ten + [UInt8](repeating: 0x80, count: padding)) == "byte 10: number too long", "with \(padding) bytes after")
    }
    #expect(error(ten) == "byte 10: unexpected end of data")
    #expect(error([0x80, 0x80]) == "byte 2: unexpected end of data")
  }

  /// A record appends exactly the bytes its fields write, after what the writer holds (nothing more of the
  /// room it was given), whether the room is on the stack or, for a long name, not.
  @Test func recordsAppendWhatTheirFieldsWrite() {
    for name in ["", "WH01", "Entrepôt de Lyon — quai 7", String(repeating: "x", count: 5000)] {
      let expected = bytes { w in
        w.byte(7)
        w.string(name)
        w.compactFixed(Fixed(parsing: "12.5")!)
        w.count(3)
      }
      let recorded = bytes { w in
        w.byte(7)
        w.record(maxBytes: name.utf8.count + 10 + 17 + 10) { r in
          r.string(name)
          r.compactFixed(Fixed(parsing: "12.5")!)
          r.count(3)
        }
      }
      #expect(recorded == expected, "\(name.prefix(20))")
    }
  }
}
