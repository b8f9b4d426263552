import Testing
@testable import StockCore
import TestSupport

/// `ByteWriter` writes numbers, dates and times by pointer into its own buffer; what it writes must be the
/// text the `String` formatters give (`Fixed.plain`, `formatted(places:)`, `description`), on both of its
/// number paths (64-bit, and the wide one past 1.8 × 10¹⁰ units), and its copies must not share writes.
@Suite struct ByteWriterTests {
  static let values: [Fixed] = {
    var v: [Fixed] = [.zero, .one, Fixed(raw: 1), Fixed(raw: -1), Fixed(raw: 999_999_999), Fixed(raw: 1_000_000_001)]
    for text in ["225", "225.5", "-0.333333333", "1125.00", "0.1", "-17.25", "1000000000000000"] { v.append(Fixed(parsing: text)!) }
    // Around the 64-bit boundary and far past it.
    let edge = Int128(UInt64.max)
    for raw in [edge, edge + 1, -(edge + 1), edge * 1_000_000_007 + 5, -(Int128(10).power(32) + 1)] { v.append(Fixed(raw: raw)) }
    var x: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<500 {  // a fixed pseudo-random spread over the 64-bit and wide ranges
      x ^= x << 13; x ^= x >> 7; x ^= x << 17
      let wide = Int128(Int64(bitPattern: x)) * Int128(x % 1000 == 0 ? 1_000_003 : 1)
      v.append(Fixed(raw: wide))
    }
    return v
  }()

  func written(_ body: (inout ByteWriter) -> Void) -> String {
    var w = ByteWriter(guardsFormulas: true, capacity: 1)  // grows from the smallest buffer
    body(&w)
    return String(decoding: w.bytes, as: UTF8.self)
  }

  @Test func numbersAreTheStringFormatters() {
    for f in ByteWriterTests.values {
      #expect(written { $0.plain(f) } == f.plain, "plain \(f.raw)")
      // Amounts are written as held once rounded: compare where the value has no more decimals than shown.
      let cents = f.rounded(places: 2, rule: .halfUp)
      #expect(written { $0.amount(cents, places: 2) } == cents.formatted(places: 2), "amount \(cents.raw)")
      #expect(written { $0.amount(f, places: 9) } == f.formatted(places: 9), "amount \(f.raw)")
      // Other currency precisions (0 to 4 places: the divisor is not the constant of two places).
      for places in [0, 1, 3, 4] {
        let rounded = f.rounded(places: places, rule: .halfUp)
        #expect(written { $0.amount(rounded, places: places) } == rounded.formatted(places: places), "amount \(rounded.raw) at \(places)")
      }
    }
  }

  /// Zero, written without a division, is what the formatters write at every count of places, first in a
  /// row or after a field, and takes no more bytes than that (the next field follows it).
  @Test func zeroAtEveryCountOfPlaces() {
    for places in 0...9 {
      let text = Fixed.zero.formatted(places: places)
      #expect(written { $0.amount(.zero, places: places); $0.text("y") } == text + ",y", "\(places)")
      #expect(written { $0.text("x"); $0.amount(.zero, places: places); $0.endRow() } == "x," + text + "\n", "\(places)")
    }
    #expect(written { $0.text("x"); $0.plain(.zero); $0.plain(.zero) } == "x,0,0")
  }

  /// Numbers of every count of decimals, whole parts up to 10⁸ (most of a ledger's: quantities, rates,
  /// two-place amounts), each as its `String` formatter writes it: 20,000 of them, both signs.
  @Test func numbersOfEveryCountOfDecimals() {
    var rng = SeededGenerator(seed: 26)
    for _ in 0..<20_000 {
      let decimals = Int.random(in: 0...9, using: &rng)
      var raw = Int128(Int64.random(in: 0..<100_000_000, using: &rng)) * Fixed.unit
      raw += Int128(Int64.random(in: 0..<1_000_000_000, using: &rng)) / Int128(10).power(9 - decimals) * Int128(10).power(9 - decimals)
      for f in [Fixed(raw: raw), Fixed(raw: -raw)] {
        let cents = f.rounded(places: 2, rule: .halfUp)
        #expect(written { $0.text("x"); $0.plain(f); $0.amount(cents, places: 2) } == "x,\(f.plain),\(cents.formatted(places: 2))", "raw \(f.raw)")
      }
    }
  }

  /// Every decimal width, at both sides of each power of ten (the width is found by comparisons and the
  /// digits written two at a time), in whole parts, fractions and integers; numbers after other fields
  /// carry their separator.
  @Test func everyDigitWidthAndTheSeparators() {
    var raws: [Int128] = [0, 5, 9, 10, 99, 100]
    var p: Int128 = 1
    for _ in 0..<29 {
      p *= 10
      raws += [p - 1, p, p + 1, p + p / 2 + 7]
    }
    for raw in raws {
      for f in [Fixed(raw: raw), Fixed(raw: -raw)] {
        #expect(written { $0.text("x"); $0.plain(f); $0.amount(f, places: 9); $0.plain(f) }
          == "x,\(f.plain),\(f.formatted(places: 9)),\(f.plain)", "raw \(f.raw)")
      }
      if raw <= Int128(Int.max) {
        let n = Int(raw)
        #expect(written { $0.integer(n); $0.integer(-n) } == "\(n),\(-n)")
      }
    }
    #expect(ByteWriter.decimalWidth(0) == 1 && ByteWriter.decimalWidth(UInt64.max) == 20)
    #expect(written { $0.plain(Fixed(raw: 500_000_000)); $0.plain(Fixed(raw: 120_000)); $0.amount(Fixed(raw: -1), places: 2) }
      == "0.5,0.00012,0.00")
  }

  @Test func datesTimesAndTextFields() {
    let dates = [BusinessDate(dayNumber: 0), BusinessDate(year: 2024, month: 2, day: 29)!, BusinessDate(year: 2024, month: 2, day: 29)!, BusinessDate(year: 1999, month: 12, day: 31)!]
    #expect(written { w in for d in dates { w.date(d) } } == dates.map(\.description).joined(separator: ","))
    let times = [BusinessTime(seconds: 0), BusinessTime(seconds: 8 * 3600 + 7 * 60 + 5), BusinessTime(seconds: 23 * 3600 + 59 * 60 + 59)]
    #expect(written { w in for t in times { w.time(t) } } == "00:00:00,08:07:05,23:59:59")
    #expect(written { w in w.text("plain"); w.text("a,b"); w.text("say \"hi\""); w.text("=SUM(A1)"); w.text("-5"); w.text(""); w.endRow() }
      == "plain,\"a,b\",\"say \"\"hi\"\"\",'=SUM(A1),-5,\n")
    let long = String(repeating: "Stock Received But Not Billed - ", count: 40)
    #expect(written { $0.text(long) } == long)
  }

  /// Every second of a day is written as its time's text, first in a row and after a field.
  @Test func everySecondOfTheDay() {
    var w = ByteWriter(guardsFormulas: false)
    var expected = ""
    for s in 0..<86_400 {
      let t = BusinessTime(seconds: s)
      w.time(t)
      if s % 2 == 1 { w.endRow() }
      expected += t.description + (s % 2 == 1 ? "\n" : ",")
    }
    #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
  }

  /// The word-at-a-time scan for characters that need quotes agrees with a byte-by-byte one: each of the
  /// four characters (and their neighbours, which a borrow could mistake for them) at every position of
  /// fields up to 40 bytes long, and every byte value at every position of a 17-byte field.
  @Test func quotingScanAgreesWithBytes() {
    func byBytes(_ b: [UInt8]) -> Bool { b.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 } }
    var cases: [[UInt8]] = []
    for n in 0...40 {
      let plain = [UInt8](repeating: 0x41, count: n)
      cases.append(plain)
      for at in 0..<n {
        for c: UInt8 in [44, 34, 10, 13, 43, 45, 33, 35, 9, 11, 12, 14, 0, 0x80, 0xFF, 0x2C | 0x80] {
          var b = plain
          b[at] = c
          cases.append(b)
        }
      }
    }
    for at in 0..<17 {
      for c in 0...255 {
        var b = [UInt8](repeating: 0x01, count: 17)
        b[at] = UInt8(c)
        cases.append(b)
      }
    }
    for b in cases {
      #expect(b.withUnsafeBufferPointer { ByteWriter.needsQuotes($0) } == byBytes(b), "\(b)")
    }
  }

  /// Fields of every length up to past two words are copied whole, after their comma, whatever the
  /// copy's path (word reads and writes up to 16 bytes, `memmove` past them), and nothing beyond them.
  @Test func textFieldsOfEveryLengthAreTheirBytes() {
    for n in 0...40 {
      let name = String((0..<n).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
      let native = name + String(repeating: "é", count: n % 3)  // past fifteen bytes: a string with storage
      for field in [name, native] {
        #expect(written { $0.text(field); $0.text(field); $0.endRow() } == field + "," + field + "\n", "\(n)")
        #expect(written { $0.text("x"); $0.text(field); $0.text("y") } == "x," + field + ",y", "\(n)")
        if let plain = PlainText(field) {
          #expect(written { $0.text("x"); $0.text(plain: plain); $0.text("y") } == "x," + field + ",y", "\(n)")
        }
      }
    }
  }

  @Test func blankFieldsTogetherAreBlankFieldsOneByOne() {
    var cases = [(0, 0), (0, 1), (0, 3), (1, 0), (1, 1), (2, 4)]
    for n in 5...40 { cases += [(0, n), (1, n)] }  // past one and two words of commas
    for (before, n) in cases {
      let together = written { w in
        for _ in 0..<before { w.text("a") }
        w.emptyFields(n)
        w.text("z")
        w.endRow()
        w.emptyFields(2)
        w.endRow()
      }
      let oneByOne = written { w in
        for _ in 0..<before { w.text("a") }
        for _ in 0..<n { w.text("") }
        w.text("z")
        w.endRow()
        w.text("")
        w.text("")
        w.endRow()
      }
      #expect(together == oneByOne, "\(before) then \(n)")
    }
  }

  /// A name made once as ``PlainText`` writes the bytes its string does, first in a row or after a field,
  /// and only a name that needs neither quotes nor a guard is made so; an account and a flag write what
  /// their text does.
  @Test func plainTextIsTheTextOfItsString() {
    for name in ["Stock In Hand", "Purchase Receipt", "x", "Café Gerät", "Cost of Goods Sold - ACME",
                 String(repeating: "Stock Received But Not Billed ", count: 9)] {
      let plain = PlainText(name)
      #expect(plain != nil, "\(name)")
      guard let plain else { continue }
      for guards in [false, true] {
        func row(_ body: (inout ByteWriter) -> Void) -> [UInt8] {
          var w = ByteWriter(guardsFormulas: guards, capacity: 1)
          body(&w)
          w.text("after")
          w.endRow()
          return w.bytes
        }
        #expect(row { $0.text(plain: plain) } == row { $0.text(name) })
        #expect(row { $0.text("before"); $0.text(plain: plain) } == row { $0.text("before"); $0.text(name) })
        #expect(row { $0.emptyFields(2); $0.text(plain: plain) } == row { $0.emptyFields(2); $0.text(name) })
        let account = AccountName(name)
        #expect(row { $0.text(account) } == row { $0.text(name) })
      }
    }
    // Quotes, a guard or nothing to write: not plain, and an account of such a name still writes its text.
    for name in ["a,b", "say \"hi\"", "line\nbreak", "cr\r", "=SUM(A1)", "+1", "@x", "-x", "\tTab", ""] {
      #expect(PlainText(name) == nil, "\(name)")
      let account = AccountName(name)
      #expect(account.plainText == nil)
      #expect(written { $0.text("a"); $0.text(account); $0.endRow() } == written { $0.text("a"); $0.text(name); $0.endRow() })
    }
    #expect(written { $0.flag(true); $0.flag(false); $0.text("x"); $0.flag(false) } == "1,0,x,0")
    for type in VoucherType.allCases {
      // The constant bytes are the raw value, and a field that needs no quotes or guard.
      #expect(written { $0.text(plain: type.plainName) } == type.rawValue)
      #expect(written { $0.text(plain: type.plainName) } == written { $0.text(type.rawValue) })
    }
  }

  @Test func copiesDoNotShareWrites() {
    var a = ByteWriter(guardsFormulas: false, capacity: 64)
    a.text("one")
    var b = a
    b.text("two")
    a.removeAll()
    a.text("three")
    #expect(String(decoding: a.bytes, as: UTF8.self) == "three")
    #expect(String(decoding: b.bytes, as: UTF8.self) == "one,two")
  }

  /// Fields written in a row's room are the fields written one check at a time — rooms too small for
  /// what is written, exactly large enough and larger, at the end of a full buffer — and the room makes
  /// the buffer its own first: a copy made before it does not see the row, nor the row the copy's writes.
  @Test func fieldsInARoomAreTheFieldsWithout() {
    func fields(_ w: inout ByteWriter) {
      w.date(BusinessDate(year: 2026, month: 12, day: 6)!)
      w.time(BusinessTime(seconds: 3723))
      w.text("PR-1")
      w.text("a, \"quoted\" name")
      w.text("=SUM(A1)")
      w.emptyFields(3)
      w.plain(Fixed(parsing: "-12.5")!)
      w.amount(Fixed(parsing: "19846.56")!, places: 2)
      w.amount(Fixed(raw: Int128(Int64.max) * 1000), places: 2)
      w.flag(true)
      w.endRow()
    }
    let expected = written { w in fields(&w) }
    for room in [0, 1, 16, expected.utf8.count, ByteWriter.usualRow, 4096] {
      for capacity in [64, expected.utf8.count, 1 << 16] {
        var w = ByteWriter(guardsFormulas: true, capacity: capacity)
        w.text("before")
        w.endRow()
        var copy = w
        w.withRoom(room) { fields(&$0) }
        copy.text("other")
        #expect(String(decoding: w.bytes, as: UTF8.self) == "before\n" + expected, "room \(room), capacity \(capacity)")
        #expect(String(decoding: copy.bytes, as: UTF8.self) == "before\nother", "room \(room), capacity \(capacity)")
        // After the room, fields check again: a copy shares nothing written later.
        var later = w
        w.text("x")
        #expect(later.count == ("before\n" + expected).utf8.count)
        later.text("y")
        #expect(w.bytes.last == UInt8(ascii: "x") && later.bytes.last == UInt8(ascii: "y"))
      }
    }
  }

  /// A large writer's buffer starts on a page and can be given away with its first bytes: the writer goes
  /// on with the bytes after them, in the buffer given back when no one else holds it, in a new one when
  /// someone does; a small or shared buffer cannot be given away.
  @Test func aBufferHandedOffKeepsTheRest() {
    var w = ByteWriter(guardsFormulas: false, capacity: 1 << 17)
    let alone = w.canHandOff()
    #expect(alone)
    for i in 0..<10 { w.text("field \(i)") }
    w.endRow()
    let row = Array("field 0,field 1,field 2,field 3,field 4,field 5,field 6,field 7,field 8,field 9\n".utf8)
    #expect(w.bytes == row)
    var none: ByteWriter.Storage? = nil
    var spare: ByteWriter.Storage? = w.handOff(prefix: 8, reusing: &none)
    let firstBase = spare!.base
    #expect(Array(UnsafeRawBufferPointer(start: firstBase, count: 8)) == Array(row[..<8]))
    #expect(w.bytes == Array(row[8...]))
    #expect(Int(bitPattern: firstBase) % ByteWriter.pageAlignment == 0)
    // Given back and held by no one else: the writer's next buffer is the same memory.
    let second = w.handOff(prefix: w.count, reusing: &spare)
    #expect(spare == nil && w.count == 0)
    w.text("again")
    #expect(w.withUnsafeBytes { $0.baseAddress } == firstBase)
    // Still held elsewhere (`second` is): a new buffer.
    var held: ByteWriter.Storage? = second
    let third = w.handOff(prefix: 0, reusing: &held)
    #expect(w.bytes == Array("again".utf8))
    #expect(w.withUnsafeBytes { $0.baseAddress } != second.base && third.base == firstBase)
    // A copy of the writer shares its buffer: not given away.
    let copy = w
    let shared = !w.canHandOff()
    #expect(shared)
    withExtendedLifetime(copy) {}
  }
}

extension Int128 {
  fileprivate func power(_ n: Int) -> Int128 { (0..<n).reduce(Int128(1)) { r, _ in r * self } }
}

/// The reports' guard against formulas, as a name would be written.
@Suite struct ByteWriterGuardTests {
  @Test func aNameIsGuardedAsTheWriterWritesIt() {
    for name in ["=SUM(A1)", "+1x", "-x", "@home", "\tTab", "\rCR"] { #expect(ByteWriter.isGuarded(name), "\(name)") }
    for name in ["RM0001", "Stores", "-5", "-0.25", "", "A=B"] { #expect(!ByteWriter.isGuarded(name), "\(name)") }
    var w = ByteWriter(guardsFormulas: true)
    w.text("-x")
    w.text("-5")
    #expect(String(decoding: w.bytes, as: UTF8.self) == "'-x,-5")
  }
}
