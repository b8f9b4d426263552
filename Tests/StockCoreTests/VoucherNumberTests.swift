import Testing
@testable import StockCore

/// A voucher number held as plain data keeps its bytes exactly, up to 23 in the value and longer ones
/// interned; it orders, compares and is written as its string's bytes.
@Suite struct VoucherNumberTests {
  /// Numbers of every length around the inline limit, ASCII and multi-byte.
  static let samples: [String] = {
    var s = (0...40).map { String(repeating: "7", count: $0) }
    s += ["PR-00000001", "MAT-PRE-2024-00001", "ACC-SINV-RET-2024-00001", "ACC-SINV-RET-2024-00001-1", "Lieferschein-Ä-2024-0001"]
    s += ["\u{00E9}\u{00E9}\u{00E9}\u{00E9}\u{00E9}\u{00E9}\u{00E9}\u{00E9}\u{00E9}\u{00E9}\u{00E9}", "€-12", "PR\u{0}1"]
    return s
  }()

  @Test func keepsItsBytesAtEveryLength() {
    for text in VoucherNumberTests.samples {
      let n = VoucherNumber(text)
      #expect(n.string == text)
      #expect(n.utf8Count == text.utf8.count)
      #expect(n.withUTF8 { Array($0) } == Array(text.utf8))
      #expect(n.isEmpty == text.isEmpty)
      // Held in the value up to 23 bytes; past that, by the address of its interned bytes.
      #expect(n.isInterned == (text.utf8.count > VoucherNumber.inlineCapacity))
      let fromBytes = Array(text.utf8).withUnsafeBufferPointer { VoucherNumber(utf8: $0) }
      #expect(fromBytes == n && fromBytes.hashValue == n.hashValue)
    }
    #expect(VoucherNumber("") == .empty && VoucherNumber.empty.string == "")
  }

  @Test func equalNumbersAreEqualWordsAndOthersAreNot() {
    let long = "ACC-SINV-RET-2024-00001-VoucherNumberTests"
    let (a, b) = (VoucherNumber(long), VoucherNumber(String(long.reversed().reversed())))
    // Interned once: the same bytes' address.
    #expect(a.isInterned && a.w0 == b.w0 && a == b && a.hashValue == b.hashValue)
    #expect(VoucherNumber(long + "2") != a)
    for (i, x) in VoucherNumberTests.samples.enumerated() {
      for (j, y) in VoucherNumberTests.samples.enumerated() where i != j {
        #expect(VoucherNumber(x) != VoucherNumber(y))
      }
    }
  }

  @Test func ordersAsItsBytes() {
    let texts = VoucherNumberTests.samples + ["PR-1", "PR-10", "PR-2", "A", "AB", "B"]
    let byNumber = texts.map(VoucherNumber.init).sorted().map(\.string)
    let byBytes = texts.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    #expect(byNumber == byBytes)
  }

  /// Written as a CSV field, a number gives the bytes its string gives: quoted where it must be, guarded
  /// where it may be read as a formula.
  @Test func isWrittenAsItsString() {
    let texts = VoucherNumberTests.samples + ["=1+2", "A,B", "-5", "-X", "PR\"1", "line\nbreak", "+ACC-SINV-RET-2024-00001-1"]
    for guards in [false, true] {
      for text in texts {
        var (a, b) = (ByteWriter(guardsFormulas: guards), ByteWriter(guardsFormulas: guards))
        a.text(text)
        a.text("next")
        b.text(VoucherNumber(text))
        b.text("next")
        #expect(a.bytes == b.bytes && a.sawFormula == b.sawFormula, "\(text)")
      }
    }
  }

  @Test func anInternTableNumbersEachValueOnce() {
    let t = InternTable<String> { InternTable<String>.bytes(texts: [$0]) }
    let (x, y) = (t.number("x"), t.number("y"))
    #expect(x == 1 && y == 2 && t.number("x") == x && t.count == 2)
    #expect(t[x] == "x" && t[y] == "y")
    // Two spellings `String` calls equal are two values, each kept as it came.
    let (composed, decomposed) = ("caf\u{E9}", "cafe\u{301}")
    #expect(composed == decomposed && t.number(composed) != t.number(decomposed))
    #expect(Array(t[t.number(decomposed)].utf8) == Array(decomposed.utf8))
  }

  /// A long number, a party, a batch or a serial number in another spelling of the same text keeps its own
  /// bytes: written back as it came, not as the first spelling seen.
  @Test func otherSpellingsKeepTheirBytes() {
    let long = "Lieferschein-Caf\u{E9}-2024-000001", other = "Lieferschein-Cafe\u{301}-2024-000001"
    #expect(long == other)
    let (a, b) = (VoucherNumber(long), VoucherNumber(other))
    #expect(a.isInterned && b.isInterned && a != b)
    #expect(a.withUTF8 { Array($0) } == Array(long.utf8) && b.withUTF8 { Array($0) } == Array(other.utf8))
    let day = BusinessDate(dayNumber: 20_000)
    let lines = [long, other].map {
      GLEntry(date: day, voucherType: .salesInvoice, voucherNo: "SI-1", account: "Debtors", debit: Fixed(1), credit: .zero, party: $0)
    }
    #expect(Array(lines[0].party.utf8) == Array(long.utf8) && Array(lines[1].party.utf8) == Array(other.utf8))
    var e = StockLedgerEntry(
      date: day, time: .midnight, voucherType: .purchaseReceipt, voucherNo: "PR-1", index: 0, itemCode: "RM", warehouse: "Stores",
      actualQty: Fixed(1), qtyAfterTransaction: Fixed(1), incomingRate: Fixed(1), valuationRate: Fixed(1), stockValue: Fixed(1),
      stockValueDifference: Fixed(1))
    var f = e
    e.setTracking(batchNo: "", serialNos: [long])
    f.setTracking(batchNo: "", serialNos: [other])
    #expect(Array(e.serialNos[0].utf8) == Array(long.utf8) && Array(f.serialNos[0].utf8) == Array(other.utf8))
  }

  /// The engine's line (number and notes made once per voucher) is the line made from strings.
  @Test func aLineMadeFromNumbersIsTheLineMadeFromStrings() {
    let day = BusinessDate(dayNumber: 20_000)
    let fromStrings = GLEntry(
      date: day, voucherType: .salesInvoice, voucherNo: "SI-2024-000001", account: "Debtors", debit: Fixed(10), credit: .zero,
      party: "Customer", remarks: "first order")
    let fromNumbers = GLEntry(
      date: day, voucherType: .salesInvoice, number: VoucherNumber("SI-2024-000001"), account: AccountName("Debtors"),
      debit: Fixed(10), credit: .zero, notes: GLEntry.notesNumber(party: "Customer", remarks: "first order"))
    #expect(fromStrings == fromNumbers && fromStrings.hashValue == fromNumbers.hashValue)
    #expect(fromNumbers.party == "Customer" && fromNumbers.remarks == "first order" && fromNumbers.voucherNo == "SI-2024-000001")
    let wide = Fixed(raw: Int128(Int64.max) + 1)
    let wideLine = GLEntry(
      date: day, voucherType: .salesInvoice, number: VoucherNumber("SI-1"), account: AccountName("Debtors"), debit: wide,
      credit: .zero, notes: GLEntry.notesNumber(party: "Customer", remarks: ""))
    #expect(wideLine.debit == wide && wideLine.party == "Customer" && wideLine.credit == .zero)
    #expect(wideLine == GLEntry(date: day, voucherType: .salesInvoice, voucherNo: "SI-1", account: "Debtors", debit: wide, credit: .zero, party: "Customer"))
    var w = ByteWriter(guardsFormulas: true)
    fromNumbers.write(places: 2, into: &w)
    #expect(String(decoding: w.bytes, as: UTF8.self) == "\(day),Sales Invoice,SI-2024-000001,Debtors,10.00,0.00,Customer,,0,first order")
  }
}
