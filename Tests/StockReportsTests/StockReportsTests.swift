import Testing
@testable import StockCore
@testable import StockReports

/// The chart every report test uses: one stock account and the company defaults.
let chart: [Account] = [
  .init(name: "Stores", rootType: .asset, accountType: "Stock"), .init(name: "Stock Adjustment", rootType: .expense),
  .init(name: "Stock Received But Not Billed", rootType: .liability), .init(name: "Cost of Goods Sold", rootType: .expense),
  .init(name: "Expenses Included In Valuation", rootType: .expense), .init(name: "Round Off", rootType: .expense),
  .init(name: "Temporary Opening", rootType: .liability), .init(name: "Debtors", rootType: .asset),
  .init(name: "Creditors", rootType: .liability), .init(name: "Sales", rootType: .income),
]

/// Reports from entries: the stock balance's in/out split, the trial balance's sides, stock-vs-GL, ageing.
@Suite struct StockReportsTests {
  static let masters: Masters = {
    // swift-format-ignore: NeverUseForceTry
    try! Masters(
      company: Company(name: "T"),
      accounts: chart,
      warehouses: [.init(name: "Stores", account: "Stores")], items: [.init(code: "A")])
  }()

  func entry(_ no: String, day: Int, qty: Int, after: Int, value: String, svd: String) -> StockLedgerEntry {
    StockLedgerEntry(
      date: BusinessDate(year: 2026, month: 12, day: day) ?? BusinessDate(dayNumber: 0), time: .midnight, voucherType: .stockEntry,
      voucherNo: no, index: 0, itemCode: "A", warehouse: "Stores", actualQty: Fixed(qty), qtyAfterTransaction: Fixed(after),
      incomingRate: .zero, valuationRate: .zero, stockValue: Fixed(parsing: value) ?? .zero, stockValueDifference: Fixed(parsing: svd) ?? .zero)
  }

  var source: ReportSource {
    let day = { (d: Int) in BusinessDate(year: 2026, month: 12, day: d) ?? BusinessDate(dayNumber: 0) }
    // A reconciliation that raises the quantity but lowers the value: In Qty and Out Value (ERPNext).
    let entries = [entry("R1", day: 1, qty: 30, after: 30, value: "30", svd: "30"), entry("R2", day: 2, qty: 20, after: 50, value: "70", svd: "40"),
                   entry("D1", day: 3, qty: -10, after: 40, value: "60", svd: "-10"), entry("SR", day: 4, qty: 2, after: 42, value: "50", svd: "-10")]
    let gl = [GLEntry(date: day(1), voucherType: .stockEntry, voucherNo: "R1", account: "Stores", debit: Fixed(30), credit: .zero),
              GLEntry(date: day(1), voucherType: .stockEntry, voucherNo: "R1", account: "Stock Adjustment", debit: .zero, credit: Fixed(30)),
              GLEntry(date: day(2), voucherType: .stockEntry, voucherNo: "R2", account: "Stores", debit: Fixed(40), credit: .zero),
              GLEntry(date: day(2), voucherType: .stockEntry, voucherNo: "R2", account: "Stock Adjustment", debit: .zero, credit: Fixed(40))]
    return ReportSource(masters: Self.masters, entries: entries, gl: gl)
  }

  @Test func stockBalanceSplitsQuantityAndValueBySign() {
    let from = BusinessDate(year: 2026, month: 12, day: 2)
    let t = StockReports.stockBalance(source, ReportFilter(from: from))
    #expect(t.rows == [["A", "Stores", "30", "30.00", "22", "40.00", "10", "20.00", "42", "50.00", "0"]])
  }

  @Test func trialBalanceSidesAndStockVersusGL() {
    let t = StockReports.trialBalance(source, ReportFilter(from: BusinessDate(year: 2026, month: 12, day: 2)))
    #expect(t.rows == [
      ["Stores", "Asset", "30.00", "0.00", "40.00", "0.00", "70.00", "0.00"],
      ["Stock Adjustment", "Expense", "0.00", "30.00", "0.00", "40.00", "0.00", "70.00"],
    ])
    #expect(StockReports.stockVsGL(source, ReportFilter()).rows == [["Stores", "50.00", "70.00", "-20.00"]])
  }

  /// Stock-vs-GL adds each item-warehouse's last stock value to its warehouse's account: past sixteen
  /// warehouses (where it finds them through a table rather than its short list), with the rows of one item
  /// in turn over all of them, and a warehouse's value replaced by a later entry.
  @Test func stockVersusGLSumsEachAccountsWarehousesPastSixteen() throws {
    let warehouses = (1...20).map { Warehouse(name: "W\($0)", account: $0 % 2 == 1 ? "Stores" : "Finished Goods") }
    let masters = try Masters(
      company: Company(name: "T"), accounts: chart + [.init(name: "Finished Goods", rootType: .asset, accountType: "Stock")],
      warehouses: warehouses, items: [.init(code: "A"), .init(code: "B")])
    func entry(_ item: String, _ w: Int, value: Int) -> StockLedgerEntry {
      StockLedgerEntry(
        date: BusinessDate(year: 2026, month: 12, day: 1) ?? BusinessDate(dayNumber: 0), time: .midnight, voucherType: .stockEntry,
        voucherNo: "\(item)\(w)", index: 0, itemCode: item, warehouse: "W\(w)", actualQty: Fixed(1), qtyAfterTransaction: Fixed(1),
        incomingRate: .zero, valuationRate: .zero, stockValue: Fixed(value), stockValueDifference: Fixed(value))
    }
    // A at warehouse w is worth w, B 100 + w; then A at W5 is worth 7.
    let entries = (1...20).map { entry("A", $0, value: $0) } + (1...20).map { entry("B", $0, value: 100 + $0) } + [entry("A", 5, value: 7)]
    // Stores (odd warehouses): A 1 + 3 + … + 19 = 100, less 5, plus 7; B 10 × 100 + 100. Finished Goods
    // (even): A 2 + … + 20 = 110; B 1,000 + 110.
    let t = StockReports.stockVsGL(ReportSource(masters: masters, entries: entries, gl: []), ReportFilter())
    #expect(t.rows == [["Stores", "1202.00", "0.00", "1202.00"], ["Finished Goods", "1220.00", "0.00", "1220.00"]])
  }

  /// The folds go into the snapshot in two parts, decoded on two cores: decoded, they encode to the same
  /// bytes and give the same reports; a part cut short is a format error, not a smaller fold.
  @Test func foldsSurviveTheirTwoPartBinaryLayout() throws {
    let folds = LedgerFolds.of(source)
    var first = BinaryWriter(), second = BinaryWriter()
    folds.encodeAllButAgeing(into: &first)
    folds.encodeAgeing(into: &second)
    var r1 = BinaryReader(first.bytes), r2 = BinaryReader(second.bytes)
    let ageing = try LedgerFolds.decodeAgeing(&r2)
    let decoded = try LedgerFolds(decodingAllButAgeing: &r1, ageing: ageing)
    #expect(r1.isAtEnd && r2.isAtEnd)
    var again1 = BinaryWriter(), again2 = BinaryWriter()
    decoded.encodeAllButAgeing(into: &again1)
    decoded.encodeAgeing(into: &again2)
    #expect(again1.bytes == first.bytes && again2.bytes == second.bytes)
    for name in ["stock-balance", "stock-ageing", "trial-balance"] {
      #expect(decoded.csv(name, masters: Self.masters, planning: [:]) == folds.csv(name, masters: Self.masters, planning: [:]), "\(name)")
    }
    var cut = BinaryReader(Array(second.bytes.dropLast()))
    #expect(throws: BinaryFormatError.self) { _ = try LedgerFolds.decodeAgeing(&cut) }
  }

  /// The balance and ageing folds write each item-warehouse as one record (its slots after it when there
  /// are more than a record takes): the same bytes as written field by field, for queues of 1, 64, 65 and
  /// 150 slots and amounts too wide for 64 bits; and they decode to folds that write them again.
  @Test func foldsWriteTheirRowsAsFieldByField() throws {
    var entries: [StockLedgerEntry] = []
    for (item, receipts) in [("A", 1), ("B", 64), ("C", 65), ("D", 150)] {
      var after = 0
      for d in 0..<receipts {
        after += 2
        entries.append(StockLedgerEntry(
          date: BusinessDate(year: 2026, month: 1, day: 1).map { $0.adding(days: d) } ?? BusinessDate(dayNumber: 0), time: .midnight,
          voucherType: .stockEntry, voucherNo: "\(item)\(d)", index: 0, itemCode: item, warehouse: "Stores", actualQty: Fixed(2),
          qtyAfterTransaction: Fixed(after), incomingRate: .zero, valuationRate: .zero,
          stockValue: Fixed(raw: Int128(Int64.max) + Int128(after)), stockValueDifference: Fixed(raw: Int128(Int64.max) / 2 + Int128(d))))
      }
    }
    let masters = try Masters(
      company: Company(name: "T"), accounts: chart, warehouses: [.init(name: "Stores", account: "Stores")],
      items: ["A", "B", "C", "D"].map { Item(code: $0) })
    let folds = LedgerFolds.of(ReportSource(masters: masters, entries: entries, gl: []))
    #expect(folds.ageing.slots.keysInOrder.map { folds.ageing.slots[$0]?.live.count } == [1, 64, 65, 150])
    var ageing = BinaryWriter(), balance = BinaryWriter()
    folds.ageing.encode(into: &ageing)
    folds.balance.encode(into: &balance)
    var ageingFields = BinaryWriter()
    ageingFields.optionalDate(folds.ageing.latest)
    ageingFields.count(folds.ageing.slots.count)
    let keys = folds.ageing.slots.keysInOrder
    for p in StockKey.sortedOrder(keys) {
      let live = folds.ageing.slots[at: p].live
      ageingFields.key(keys[p])
      ageingFields.count(live.count)
      for slot in live {
        ageingFields.compactFixed(slot.qty)
        ageingFields.date(slot.date)
        ageingFields.compactFixed(slot.value)
      }
    }
    var balanceFields = BinaryWriter()
    balanceFields.count(folds.balance.rows.count)
    for (k, r) in folds.balance.rows {
      balanceFields.key(k)
      for f in [r.openingQty, r.openingValue, r.inQty, r.inValue, r.outQty, r.outValue, r.balanceQty, r.balanceValue, r.rate] { balanceFields.compactFixed(f) }
    }
    #expect(ageing.bytes == ageingFields.bytes && balance.bytes == balanceFields.bytes)
    var r = BinaryReader(ageing.bytes)
    var again = BinaryWriter()
    try AgeingFold(decoding: &r).encode(into: &again)
    #expect(again.bytes == ageing.bytes)
  }

  /// Encoded ahead (beside the aggregate reports) the folds are the same bytes as encoded in two parts at
  /// the end, in parts of any size, and the ageing fold's length is what the snapshot's trailer records.
  @Test func foldsEncodedAheadAreTheTwoParts() {
    let folds = LedgerFolds.of(source)
    var first = BinaryWriter(), second = BinaryWriter()
    folds.encodeAllButAgeing(into: &first)
    folds.encodeAgeing(into: &second)
    for part in [1, 7, 1 << 20] {
      let encoded = folds.encoded(part: part)
      #expect(encoded.parts.first == first.bytes, "part \(part)")
      #expect(Array(encoded.parts.dropFirst().joined()) == second.bytes, "part \(part)")
      #expect(encoded.ageing == second.bytes.count && encoded.ageing > 0)
    }
    #expect(folds.encoded(part: 1).parts.count > 2)  // parts, not one buffer
  }

  @Test func ageingTakesOldestSlotsFirst() {
    let t = PlanningReports.stockAgeing(source, ReportFilter(to: BusinessDate(year: 2026, month: 12, day: 10)))
    // slots: 20 of Dec 1 (age 9), 20 of Dec 2 (age 8), 2 of Dec 4 (age 6): (180 + 160 + 12) / 42 = 8.38
    #expect(t.rows.first?.prefix(4) == ["A", "Stores", "42", "8.38"])
    #expect(t.rows.first?.suffix(2) == ["9", "6"])
  }
}

/// Reorder suggestions (reference §8.1).
@Suite struct MaterialRequestTests {
  @Test func requestsAreConvertedToThePurchaseUOM() throws {
    // test_auto_reorder_level: reorder qty 10 Kg with purchase UOM Nos (5 Kg) → 2 Nos
    let masters = try Masters(
      company: Company(name: "T"),
      accounts: chart,
      warehouses: [.init(name: "Stores", account: "Stores")],
      items: [.init(code: "FLOUR", stockUOM: "Kg", purchaseUOM: "Nos"), .init(code: "SALT", stockUOM: "Kg")],
      reorderLevels: [.init(itemCode: "FLOUR", warehouse: "Stores", level: Fixed(5), qty: Fixed(10), requestType: "Purchase"),
                      .init(itemCode: "SALT", warehouse: "Stores", level: Fixed(20), qty: Fixed(5), requestType: "Transfer")],
      uomConversions: ["FLOUR": ["Nos": Fixed(5)]])
    var planning: [StockKey: PlanningTotals] = [:]
    var salt = PlanningTotals()
    salt.reserved = Fixed(3)
    planning[StockKey(item: "SALT", warehouse: "Stores")] = salt
    let t = PlanningReports.materialRequests(ReportSource(masters: masters, entries: [], gl: [], planning: planning))
    #expect(t.rows == [
      ["FLOUR", "Stores", "Purchase", "2", "Nos", "projected qty 0 is below the reorder level 5"],
      ["SALT", "Stores", "Transfer", "23", "Kg", "projected qty -3 is below the reorder level 20"],
    ])
  }
}
