import Testing
@testable import StockCore

/// The value types that keep their storage out of line (to be shared, or hashed once) still behave as plain
/// values: a copy changed leaves the original as it was; equal values hash alike.
@Suite struct ValueSemanticsTests {
  @Test func aVoucherCopyChangedLeavesTheOriginal() {
    var original = Voucher(type: .purchaseReceipt, no: "PR-1", date: BusinessDate(dayNumber: 20_000), source: SourceLocation(file: "a.csv", line: 2))
    var row = ItemRow(line: 2, itemCode: "RM")
    row.qty = Fixed(parsing: "2.5")
    original.items = [row]
    var copy = original
    #expect(copy == original)
    copy.items[0].qty = Fixed(parsing: "3")
    copy.party = "Supplier"
    #expect(original.items[0].qty == Fixed(parsing: "2.5"))
    #expect(original.party == "")
    #expect(copy.items[0].qty == Fixed(parsing: "3"))
    #expect(copy != original)
    copy.items[0].qty = Fixed(parsing: "2.5")
    copy.party = ""
    #expect(copy == original && copy.hashValue == original.hashValue)
  }

  @Test func aStockKeyChangedHashesAsANewOne() {
    var key = StockKey(item: "RM", warehouse: "Stores")
    let keys: Set<StockKey> = [StockKey(item: "FG", warehouse: "Stores")]
    #expect(!keys.contains(key))
    key.item = "FG"
    #expect(keys.contains(key))
    #expect(key == StockKey(item: "FG", warehouse: "Stores"))
    // Names that are equal as strings (composed and decomposed é) are the same key.
    #expect(StockKey(item: "caf\u{E9}", warehouse: "W") == StockKey(item: "cafe\u{301}", warehouse: "W"))
    #expect(Set([StockKey(item: "caf\u{E9}", warehouse: "W"), StockKey(item: "cafe\u{301}", warehouse: "W")]).count == 1)
  }

  @Test func anEntryKeepsItsKeyWithItsNames() {
    let day = BusinessDate(dayNumber: 20_000)
    var e = StockLedgerEntry(
      date: day, time: .midnight, voucherType: .purchaseReceipt, voucherNo: "PR-1", index: 0, itemCode: "RM",
      warehouse: "Stores", actualQty: .one, qtyAfterTransaction: .one, incomingRate: .one, valuationRate: .one,
      stockValue: .one, stockValueDifference: .one)
    #expect(e.key == StockKey(item: "RM", warehouse: "Stores"))
    let made = StockLedgerEntry(
      date: day, time: .midnight, voucherType: .purchaseReceipt, voucherNo: "PR-1", index: 0,
      key: StockKey(item: "RM", warehouse: "Stores"), actualQty: .one, qtyAfterTransaction: .one, incomingRate: .one,
      valuationRate: .one, stockValue: .one, stockValueDifference: .one)
    #expect(made == e && made.hashValue == e.hashValue)
    e.warehouse = "Finished"
    e.itemCode = "FG"
    #expect(e.key == StockKey(item: "FG", warehouse: "Finished") && e.itemCode == "FG" && e.warehouse == "Finished")
    #expect(Set([StockKey(item: "FG", warehouse: "Finished")]).contains(e.key) && made != e)
  }

  @Test func accountNamesAreInternedByTheirText() {
    let a = AccountName("Stock In Hand - " + "SL"), b = AccountName("Stock In Hand - SL")
    #expect(a == b && a.hashValue == b.hashValue && a.name == "Stock In Hand - SL")
    #expect(AccountName("Stock In Hand - SL") != AccountName("Stock in hand - SL"))
    // Names equal as strings (composed and decomposed é) are one name.
    #expect(AccountName("Caf\u{E9} Sales") == AccountName("Cafe\u{301} Sales"))
    #expect(AccountName("").isEmpty && AccountName("") == .none && AccountName("").hashValue == AccountName.none.hashValue)
    #expect(AccountName.none.name == "" && AccountName.none.plainText == nil && !AccountName("Stores").isEmpty)
    #expect(AccountName("Stores").plainText != nil && AccountName("Stores") != .none)
    var line = GLEntry(date: BusinessDate(dayNumber: 20_000), voucherType: .purchaseReceipt, voucherNo: "PR-1", account: "Stores", debit: .one, credit: .zero, againstAccount: "Creditors")
    #expect(line.accountName == AccountName("Stores") && line.againstAccount == "Creditors")
    let copy = line
    line.account = "Stock Adjustment"
    #expect(copy.account == "Stores" && line.account == "Stock Adjustment" && copy != line)
    line.account = "Stores"
    #expect(copy == line && copy.hashValue == line.hashValue)
  }

  @Test func keysHashAlikeWhenEqualAndSpreadInTables() {
    let a = StockKey(item: "caf\u{E9}", warehouse: "W"), b = StockKey(item: "cafe\u{301}", warehouse: "W")
    for seed in [0, 1, -7, Int.max, 0x5eed] { #expect(a._rawHashValue(seed: seed) == b._rawHashValue(seed: seed)) }
    #expect(AccountName("Stores")._rawHashValue(seed: 3) == AccountName("Stores")._rawHashValue(seed: 3))
    // Many keys in one table and a copy of it grown elsewhere: every one found, none confused.
    var table: [StockKey: Int] = [:]
    for i in 0..<20_000 { table[StockKey(item: "ITEM\(i % 5000)", warehouse: "WH\(i / 5000)")] = i }
    var other: [StockKey: Int] = [:]
    for (k, v) in table where v % 2 == 0 { other[k] = v }
    #expect(table.count == 20_000 && other.count == 10_000)
    #expect((0..<20_000).allSatisfy { table[StockKey(item: "ITEM\($0 % 5000)", warehouse: "WH\($0 / 5000)")] == $0 })
    #expect(other[StockKey(item: "ITEM2", warehouse: "WH0")] == 2 && other[StockKey(item: "ITEM1", warehouse: "WH0")] == nil)
  }

  @Test func aVoucherRareFieldChangedOnACopyLeavesTheOriginal() {
    var original = Voucher(type: .purchaseReceipt, no: "PR-1", date: BusinessDate(dayNumber: 20_000), source: SourceLocation(file: "a.xml", line: 3, column: 5, element: "voucher"))
    original.remarks = "first"
    original.taxes.append(ChargeRow(line: 4, account: "VAT", amount: Fixed(2)))
    var copy = original
    copy.remarks = "second"
    copy.taxes[0].amount = Fixed(3)
    copy.returnAgainst = "PR-0"
    #expect(original.remarks == "first" && original.taxes[0].amount == Fixed(2) && original.returnAgainst == "")
    #expect(copy.remarks == "second" && copy.taxes[0].amount == Fixed(3) && copy.returnAgainst == "PR-0")
    #expect(original.source == SourceLocation(file: "a.xml", line: 3, column: 5, element: "voucher"))
    // A field set and cleared again equals one never set (the rare box made on the way stays, empty).
    var plain = Voucher(type: .deliveryNote, no: "DN-1", date: BusinessDate(dayNumber: 20_000), source: SourceLocation(file: "a.csv", line: 2))
    let untouched = plain
    plain.againstVoucher = "SO-1"
    plain.againstVoucher = ""
    #expect(plain == untouched && plain.hashValue == untouched.hashValue)
    #expect(plain.source == SourceLocation(file: "a.csv", line: 2))
    // The same for a row's rarely set fields.
    var row = ItemRow(line: 2, itemCode: "RM")
    let bare = row
    row.batchNo = "LOT-1"
    row.uom = "Box"
    row.batchNo = ""
    row.uom = ""
    #expect(row == bare && row.hashValue == bare.hashValue)
  }

  @Test func boxedEntryFieldsBehaveAsValues() {
    let day = BusinessDate(dayNumber: 20_000)
    var e = StockLedgerEntry(
      date: day, time: .midnight, voucherType: .purchaseReceipt, voucherNo: "PR-1", index: 0, itemCode: "RM", warehouse: "Stores",
      actualQty: Fixed(2), qtyAfterTransaction: Fixed(2), incomingRate: Fixed(5), valuationRate: Fixed(5), stockValue: Fixed(10),
      stockValueDifference: Fixed(10))
    let plain = e
    #expect(!plain.isTracked)
    e.batchNo = "LOT-1"
    var copy = e
    copy.serialNos = ["S1", "S2"]
    #expect(e.batchNo == "LOT-1" && e.serialNos.isEmpty && copy.batchNo == "LOT-1" && copy.serialNos == ["S1", "S2"])
    #expect(e.isTracked && copy.isTracked)
    copy.batchNo = ""
    #expect(copy.isTracked)  // its serial numbers
    e.batchNo = ""
    #expect(e == plain && e.hashValue == plain.hashValue && !e.isTracked)
    var line = GLEntry(date: day, voucherType: .salesInvoice, voucherNo: "SI-1", account: "Debtors", debit: Fixed(10), credit: .zero)
    let bare = line
    line.party = "Customer"
    var other = line
    other.remarks = "note"
    #expect(line.party == "Customer" && line.remarks == "" && other.party == "Customer" && other.remarks == "note")
    line.party = ""
    #expect(line == bare && line.hashValue == bare.hashValue && line != other)
  }

  /// Amounts past 64 bits of 10⁻⁹ (±9.2 × 10⁹) are kept whole, in a box; back within range they are packed
  /// again, and the entry or line equals one made with the same values directly.
  @Test func amountsTooWideToPackAreKeptWholeAndCompareByValue() {
    let day = BusinessDate(dayNumber: 20_000)
    let big = Fixed(raw: Int128(Int64.max) + 1)  // 9,223,372,036.854775808
    let huge = Fixed(raw: -Int128(Int64.max) * 1_000_000)
    func entry(_ value: Fixed) -> StockLedgerEntry {
      StockLedgerEntry(
        date: day, time: .midnight, voucherType: .purchaseReceipt, voucherNo: "PR-1", index: 0, itemCode: "RM", warehouse: "Stores",
        actualQty: Fixed(2), qtyAfterTransaction: Fixed(2), incomingRate: Fixed(5), valuationRate: Fixed(5), stockValue: value,
        stockValueDifference: Fixed(10))
    }
    var e = entry(big)
    #expect(e.stockValue == big && e.actualQty == Fixed(2) && e.stockValueDifference == Fixed(10) && e.outgoingRate == .zero)
    e.outgoingRate = huge
    e.actualQty = Fixed(-3)
    #expect(e.outgoingRate == huge && e.actualQty == Fixed(-3) && e.stockValue == big && e.valuationRate == Fixed(5))
    e.outgoingRate = .zero
    e.actualQty = Fixed(2)
    #expect(e == entry(big) && e.hashValue == entry(big).hashValue)
    e.stockValue = Fixed(10)
    #expect(e == entry(Fixed(10)) && e.hashValue == entry(Fixed(10)).hashValue && e != entry(big))
    e.stockValueDifference = Fixed(raw: Int128(Int64.min))  // the edge of the range still packs
    #expect(e.stockValueDifference.raw == Int128(Int64.min) && e.stockValue == Fixed(10))

    func line(_ debit: Fixed, _ credit: Fixed, party: String = "") -> GLEntry {
      GLEntry(date: day, voucherType: .salesInvoice, voucherNo: "SI-1", account: "Debtors", debit: debit, credit: credit, party: party)
    }
    var l = line(big, .zero, party: "Customer")
    #expect(l.debit == big && l.credit == .zero && l.party == "Customer" && l.net == big)
    l.party = ""
    l.credit = huge
    #expect(l.debit == big && l.credit == huge && l.party == "" && l.remarks == "")
    l.credit = .zero
    #expect(l == line(big, .zero) && l != line(.zero, .zero))
    l.debit = Fixed(7)
    #expect(l == line(Fixed(7), .zero) && l.hashValue == line(Fixed(7), .zero).hashValue)
  }

  /// A row's qty and rate past 64 bits (and `Int64.min` units, the mark of "not packed") are kept whole in
  /// the box; blank stays blank; a row brought back within range equals one made so.
  @Test func rowNumbersTooWideToPackAreKeptWhole() {
    let big = Fixed(raw: Int128(Int64.max) + 7)
    let edge = Fixed(raw: Int128(Int64.min))
    var row = ItemRow(line: 2, itemCode: "RM")
    let bare = row
    #expect(row.qty == nil && row.rate == nil)
    row.qty = big
    row.rate = edge
    #expect(row.qty == big && row.rate == edge)
    var copy = row
    copy.rate = Fixed(3)
    #expect(row.rate == edge && copy.rate == Fixed(3) && copy.qty == big)
    row.qty = nil
    row.rate = nil
    #expect(row == bare && row.hashValue == bare.hashValue && row.qty == nil)
    row.qty = Fixed(-4)
    row.rate = .zero
    var direct = ItemRow(line: 2, itemCode: "RM")
    direct.qty = Fixed(-4)
    direct.rate = .zero
    #expect(row == direct && row.qty == Fixed(-4) && row.rate == .zero)
    // A row made whole (a reader's) is the row made field by field: quantities and rates packed, too wide
    // to pack (the edge of the packed range is the blank marker), or blank.
    for (q, r) in [(Fixed(-4), Fixed.zero), (big, edge), (nil, Fixed(raw: 12_500_000_000)), (Fixed(7), nil), (nil, nil)] as [(Fixed?, Fixed?)] {
      var bySetters = ItemRow(line: 3, itemCode: "RM")
      bySetters.warehouse = "Stores"
      bySetters.qty = q
      bySetters.rate = r
      let whole = ItemRow(line: 3, item: InternedName("RM"), warehouse: InternedName("Stores"), qty: q, rate: r)
      #expect(whole == bySetters && whole.hashValue == bySetters.hashValue && whole.qty == q && whole.rate == r)
    }
    // And a voucher made with its party and rows is the voucher given them afterwards.
    let source = SourceLocation(file: "in.csv", line: 3)
    var given = Voucher(type: .purchaseReceipt, no: "PR-1", date: BusinessDate(year: 2026, month: 5, day: 1)!, time: .midnight, source: source)
    given.party = "Supplier"
    given.items = [direct]
    let made = Voucher(type: .purchaseReceipt, no: "PR-1", date: BusinessDate(year: 2026, month: 5, day: 1)!, time: .midnight, source: source, party: "Supplier", items: [direct])
    #expect(made == given && made.hashValue == given.hashValue && made.party == "Supplier" && made.items == [direct])
  }

  /// Dates and times are held in 32 bits: a stored day number or time out of range is a format error, not
  /// a trap.
  @Test func storedDatesOutOfRangeAreFormatErrors() throws {
    var w = BinaryWriter()
    w.date(BusinessDate(year: 9999, month: 12, day: 31)!)
    w.int(Int(Int32.max) + 1)
    w.int(86_400)
    var r = BinaryReader(w.bytes)
    #expect(try r.date() == BusinessDate(year: 9999, month: 12, day: 31)!)
    #expect(throws: BinaryFormatError.self) { try r.date() }
    #expect(throws: BinaryFormatError.self) { try r.time() }
    #expect(BusinessDate(dayNumber: -719_162).components == (1, 1, 1))
  }

  /// A voucher type's byte in the ledger's binary files is its position among the types (the voucher
  /// index has always stored that position), and reads back as the type.
  @Test func voucherTypeCodesAreTheirPositions() {
    for (i, t) in VoucherType.allCases.enumerated() {
      #expect(t.code == UInt8(i) && VoucherType(code: UInt8(i)) == t)
    }
    #expect(VoucherType(code: UInt8(VoucherType.allCases.count)) == nil && VoucherType(code: 0x7F) == nil)
  }

  /// The sizes a million-voucher run multiplies (BENCHMARKS.md): a field added here costs memory there.
  @Test func theRecordsARunHoldsPerVoucherKeepTheirSizes() {
    #expect(MemoryLayout<StockLedgerEntry>.stride == 128)
    #expect(MemoryLayout<GLEntry>.stride == 72)
    // Plain data: copied and destroyed without the runtime (no reference counted).
    #expect(_isPOD(StockLedgerEntry.self) && _isPOD(GLEntry.self) && _isPOD(VoucherNumber.self))
    #expect(MemoryLayout<ItemRow>.stride == 72)
  }

  /// The sort of the reports by name prefixes gives the order of `<` on every kind of name: short and long,
  /// sharing 16 bytes, with NUL and non-ASCII bytes, equal items with different warehouses.
  @Test func keysSortByPrefixesAsTheyCompare() {
    let names = ["", "A", "AB", "A\u{0}", "A\u{0}B", "ITEM02164", "ITEM0216", "ITEM021640", "ITEM-LONG-NAME-0001", "ITEM-LONG-NAME-0002",
                 "ITEM-LONG-NAME-000", "ITEM-LONG-NAME-00011", "caf\u{E9}", "cafe\u{301}", "Zeta", "zeta", "WH01", "WH1", "Stores - Main Building North"]
    var keys: [StockKey] = []
    for i in names { for w in names.prefix(8) + names.suffix(4) { keys.append(StockKey(item: i, warehouse: w)) } }
    keys.shuffle()
    let byPrefix = StockKey.sorted(keys)
    #expect(byPrefix == keys.sorted())
    #expect(zip(byPrefix, byPrefix.dropFirst()).allSatisfy { !($0.1 < $0.0) })
    // The ranks and positions in one word, or as pairs (for millions of names): the same order. A key
    // given twice keeps its positions in order.
    keys.append(keys[0])
    let packed = StockKey.sortedOrder(keys, packing: true)
    #expect(packed == StockKey.sortedOrder(keys, packing: false))
    #expect(packed.map { keys[$0] } == keys.sorted())
    #expect(packed.firstIndex(of: 0)! + 1 == packed.firstIndex(of: keys.count - 1)!)
    // Keys in order stay in order; one key, none.
    #expect(StockKey.sortedOrder(keys.sorted()) == Array(keys.indices))
    #expect(StockKey.sortedOrder([keys[0]]) == [0] && StockKey.sortedOrder([]) == [])
  }
}
