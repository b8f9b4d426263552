import Testing
@testable import StockCore
@testable import StockRead
@testable import StockStore

/// Rows of `stock.csv`, `stock-ledger.csv` and `gl.csv` read over their bytes give what the general reading
/// (a string per field) gives from the same rows.
@Suite struct LedgerFormatPlainTests {
  func fixed(_ s: String) -> Fixed { Fixed(parsing: s) ?? .zero }

  /// Entries with every kind of field: negative and wide amounts, a batch, serials, a long voucher number.
  var entries: [StockLedgerEntry] {
    var out: [StockLedgerEntry] = []
    let day = BusinessDate(year: 2026, month: 3, day: 4) ?? BusinessDate(dayNumber: 0)
    for (n, type) in VoucherType.allCases.enumerated() {
      var e = StockLedgerEntry(
        date: day.adding(days: n), time: BusinessTime(seconds: 3_600 * n + 61), voucherType: type,
        voucherNo: n == 3 ? "A-VERY-LONG-VOUCHER-NUMBER-0000000000\(n)" : "V-\(n)", index: n, itemCode: "ITEM\(n % 3)",
        warehouse: n % 2 == 0 ? "Stores" : "Finished Goods", actualQty: fixed(n % 2 == 0 ? "12.5" : "-3"),
        qtyAfterTransaction: fixed("9.5"), incomingRate: fixed("0.333333333"), valuationRate: fixed("1.25"),
        stockValue: fixed(n == 5 ? "123456789012345.67" : "11.88"), stockValueDifference: fixed(n % 2 == 0 ? "15.63" : "-3.75"))
      e.outgoingRate = fixed(n % 2 == 0 ? "0" : "1.25")
      if n == 1 { e.batchNo = "B-001" }
      if n == 2 { e.serialNos = ["S-1", "S-2", "S-3"] }
      out.append(e)
    }
    return out
  }

  /// Each record of `bytes` (after its header) read both ways.
  func bothWays<T>(_ bytes: [UInt8], plain: (LedgerFormat.PlainFields) -> T?, general: ([String]) -> T?) throws -> (plain: [T?], general: [T?]) {
    var (p, g): ([T?], [T?]) = ([], [])
    try bytes.withUnsafeBufferPointer { buf in
      #expect(CSVParser.isPlain(buf))
      var header = true
      CSVParser.forEachPlainRecord(buf) { _, bounds in
        if header { header = false } else { p.append(plain(LedgerFormat.PlainFields(buf, bounds))) }
      }
      header = true
      try CSVParser.forEachRecord(buf, file: "t.csv") { r in
        if header { header = false } else { g.append(general(r.fields)) }
      }
    }
    return (p, g)
  }

  @Test func stockRowsReadOverTheirBytesAreTheGeneralReading() throws {
    var w = ByteWriter(guardsFormulas: false)
    w.texts(LedgerFormat.stockFileColumns)
    w.endRow()
    for (n, e) in entries.enumerated() { LedgerFormat.writeStockRow(e, cancelled: n == 4, places: 2, into: &w) }
    let read = try bothWays(w.bytes, plain: { LedgerFormat.parseStock($0, file: true) }) { f in
      LedgerFormat.parseStock(Array(f.dropLast())).map { ($0, f.last == "1") }
    }
    #expect(read.plain.count == entries.count && read.general.count == entries.count)
    for (p, g) in zip(read.plain, read.general) {
      #expect(p?.entry == g?.entry && p?.cancelled == g?.cancelled)
    }
    #expect(read.plain.compactMap { $0?.entry } == entries)
    #expect(read.plain.map { $0?.cancelled } == entries.indices.map { $0 == 4 })
  }

  @Test func stockLedgerReportRowsHaveIndexZero() throws {
    var w = ByteWriter(guardsFormulas: true)
    w.texts(StockLedgerEntry.columns)
    w.endRow()
    for e in entries {
      e.write(places: 2, into: &w)
      w.endRow()
    }
    let read = try bothWays(w.bytes, plain: { LedgerFormat.parseStock($0, file: false)?.entry }) { LedgerFormat.parseStock($0 + ["0"]) }
    #expect(read.plain == read.general)
    #expect(read.plain.compactMap { $0 }.map(\.voucherNo) == entries.map(\.voucherNo))
  }

  @Test func glLinesReadOverTheirBytesAreTheGeneralReading() throws {
    let day = BusinessDate(year: 2026, month: 3, day: 4) ?? BusinessDate(dayNumber: 0)
    let lines = [
      GLEntry(date: day, voucherType: .purchaseReceipt, voucherNo: "PR-1", account: "Stock In Hand", debit: fixed("100.00"), credit: .zero, againstAccount: "Stock Received But Not Billed"),
      GLEntry(date: day, voucherType: .salesInvoice, voucherNo: "SI-1", account: "Debtors", debit: .zero, credit: fixed("99999999999999999.99"), party: "Acme Ltd", remarks: "cancellation of SI-1"),
      GLEntry(date: day, voucherType: .deliveryNote, voucherNo: "DN-1", account: "Cost of Goods Sold", debit: fixed("-0.01"), credit: .zero, isAdjustment: true, remarks: "revaluation after a backdated entry"),
      GLEntry(date: day, voucherType: .stockEntry, voucherNo: "SE-1", account: "", debit: .zero, credit: .zero),
    ]
    var w = ByteWriter(guardsFormulas: false)
    w.texts(LedgerFormat.glColumns)
    w.endRow()
    for g in lines {
      LedgerFormat.write(g, places: 2, into: &w)
      w.endRow()
    }
    var accounts = LedgerFormat.AccountNames()
    let read = try bothWays(w.bytes, plain: { LedgerFormat.parseGL($0, accounts: &accounts) }) { LedgerFormat.parseGL($0) }
    #expect(read.plain == read.general)
    #expect(read.plain.compactMap { $0 } == lines)
  }

  @Test func aFieldThePlainReadingCannotReadIsLeftToTheGeneralOne() throws {
    // An index with a sign: read by `Int` in the general reading, not by the plain one (which the ledger's
    // loader then hands to the general one).
    var w = ByteWriter(guardsFormulas: false)
    w.texts(LedgerFormat.stockFileColumns)
    w.endRow()
    LedgerFormat.writeStockRow(entries[0], cancelled: false, places: 2, into: &w)
    let row = String(decoding: w.bytes, as: UTF8.self).replacingOccurrences(of: ",0,\n", with: ",+0,\n")
    let read = try bothWays(Array(row.utf8), plain: { LedgerFormat.parseStock($0, file: true)?.entry }) { LedgerFormat.parseStock(Array($0.dropLast())) }
    #expect(read.plain == [nil] && read.general == [entries[0]])
  }
}
