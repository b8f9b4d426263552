import TestSupport
import Testing
@testable import StockCore
@testable import StockValidate

/// The static rules of SPEC §5.2, one voucher at a time, with the field each problem names.
@Suite struct VoucherValidatorTests {
  static let masters: Masters = {
    // swift-format-ignore: NeverUseForceTry
    try! Masters(
      company: TestMasters.company("T"), accounts: TestMasters.accounts([.init(name: "Group", rootType: .expense, isGroup: true)]),
      warehouses: [.init(name: "All", isGroup: true), .init(name: "Stores", parent: "All"), .init(name: "FG", parent: "All")],
      items: [.init(code: "A", barcodes: ["123"]), .init(code: "S", hasSerialNo: true), .init(code: "SVC", isStockItem: false)],
      parties: [.init(name: "Acme", kind: .supplier), .init(name: "Buyer", kind: .customer)])
  }()

  func voucher(_ type: VoucherType, purpose: Purpose? = nil, rows: [ItemRow]) -> Voucher {
    var v = Voucher(type: type, no: "V-1", date: BusinessDate(year: 2026, month: 5, day: 1) ?? BusinessDate(dayNumber: 0), source: SourceLocation(file: "f.csv", line: 2))
    v.purpose = purpose
    v.items = rows
    return v
  }

  func row(_ item: String, qty: String? = "1", rate: String? = "2", wh: String = "", from: String = "", to: String = "") -> ItemRow {
    var r = ItemRow(line: 3, itemCode: item)
    r.qty = qty.flatMap { Fixed(parsing: $0) }
    r.rate = rate.flatMap { Fixed(parsing: $0) }
    r.warehouse = wh
    r.sourceWarehouse = from
    r.targetWarehouse = to
    return r
  }

  func problems(_ v: Voucher, _ facts: LedgerFacts = LedgerFacts()) -> [String] {
    switch VoucherValidator(masters: Self.masters, ledger: facts).validate(v) {
    case .success: return []
    case .failure(let p): return p.diagnostics.map { "\($0.field) \($0.code.rawValue)" }
    }
  }

  @Test func aGoodReceiptPassesAndABarcodeBecomesItsItem() throws {
    var v = voucher(.purchaseReceipt, rows: [row("", wh: "Stores")])
    v.items[0].barcode = "123"
    guard case .success(let normalized) = VoucherValidator(masters: Self.masters).validate(v) else {
      Issue.record("the receipt was refused")
      return
    }
    #expect(normalized.items[0].itemCode == "A")
  }

  /// A barcode given in item_code becomes its item, and the row is then checked against that item; an
  /// unknown code is refused on item_code.
  @Test func aBarcodeInItemCodeIsCheckedAsItsItem() throws {
    guard case .success(let normalized) = VoucherValidator(masters: Self.masters).validate(voucher(.purchaseReceipt, rows: [row("123", wh: "Stores")])) else {
      Issue.record("the receipt was refused")
      return
    }
    #expect(normalized.items[0].itemCode == "A")
    var serials = row("123", qty: "1", wh: "Stores")
    serials.serialNos = ["SN-1"]  // A is not serial-tracked: the check is the item's, found by its barcode
    #expect(problems(voucher(.purchaseReceipt, rows: [serials])) == ["serial_nos E_FIELD_NOT_ALLOWED"])
    #expect(problems(voucher(.purchaseReceipt, rows: [row("124", wh: "Stores")])) == ["item_code E_UNKNOWN_ITEM"])
    #expect(problems(voucher(.purchaseReceipt, rows: [row("SVC", wh: "Stores")])) == ["item_code E_NOT_STOCK_ITEM"])
  }

  /// A row's unit converts to the item's stock unit by its own `conversion_factor`, by being the stock
  /// unit (or blank), or by `uom_conversions.csv`; any other unit is refused on `uom`.
  @Test(arguments: [
    ("", nil, true), ("Nos", nil, true), ("Box", nil, true), ("Crate", nil, false), ("Crate", "3", true),
  ] as [(String, String?, Bool)])
  func unitsConvertToTheStockUnit(uom: String, factor: String?, accepted: Bool) throws {
    let m = Self.masters
    let masters = try Masters(company: m.company, accounts: m.accounts, warehouses: Array(m.warehouseByName.values),
                              items: [.init(code: "A")], uomConversions: ["A": ["Box": Fixed(12)]])
    var r = row("A", wh: "Stores")
    r.uom = uom
    r.conversionFactor = factor.flatMap { Fixed(parsing: $0) }
    let result = VoucherValidator(masters: masters).validate(voucher(.purchaseReceipt, rows: [r]))
    switch result {
    case .success: #expect(accepted)
    case .failure(let p): #expect(!accepted && p.diagnostics.map(\.field) == ["uom"], "\(p.diagnostics)")
    }
  }

  @Test("rows per Stock Entry purpose", arguments: [
    (Purpose.materialReceipt, "", "Stores", [String]()),
    (.materialReceipt, "Stores", "", ["target_warehouse E_REQUIRED", "source_warehouse E_FIELD_NOT_ALLOWED"]),
    (.materialIssue, "Stores", "FG", ["target_warehouse E_FIELD_NOT_ALLOWED"]),
    (.materialTransfer, "Stores", "Stores", ["target_warehouse E_VALUE"]),
    (.materialTransfer, "Stores", "", ["target_warehouse E_REQUIRED"]),
    (.repack, "Stores", "FG", ["target_warehouse E_VALUE"]),
    (.repack, "Stores", "", ["is_finished_item E_REQUIRED"]),
  ])
  func stockEntryRows(_ purpose: Purpose, _ from: String, _ to: String, _ expected: [String]) {
    #expect(problems(voucher(.stockEntry, purpose: purpose, rows: [row("A", from: from, to: to)])) == expected)
  }

  @Test func referencesAndNumbers() {
    #expect(problems(voucher(.deliveryNote, rows: [row("NOPE", wh: "Stores")])) == ["item_code E_UNKNOWN_ITEM"])
    #expect(problems(voucher(.deliveryNote, rows: [row("SVC", wh: "Stores")])) == ["item_code E_NOT_STOCK_ITEM"])
    #expect(problems(voucher(.deliveryNote, rows: [row("A", wh: "All")])) == ["warehouse E_GROUP_WAREHOUSE"])
    #expect(problems(voucher(.deliveryNote, rows: [row("A", qty: "0", wh: "Stores")])) == ["qty E_QTY_NOT_POSITIVE"])
    #expect(problems(voucher(.purchaseReceipt, rows: [row("A", rate: nil, wh: "Stores")])) == ["rate E_REQUIRED"])
    #expect(problems(voucher(.purchaseReceipt, rows: [row("A", qty: "1.0005", wh: "Stores")])) == ["qty E_PRECISION"])
    var expense = row("A", wh: "Stores")
    expense.expenseAccount = "Group"
    #expect(problems(voucher(.deliveryNote, rows: [expense])) == ["expense_account E_GROUP_ACCOUNT"])
  }

  @Test func partiesInvoicesAndReturns() {
    var pi = voucher(.purchaseInvoice, rows: [row("A")])
    #expect(problems(pi) == ["party E_REQUIRED"])
    pi.party = "Buyer"
    #expect(problems(pi) == ["party E_VALUE"])  // a customer on a purchase
    pi.party = "Acme"
    #expect(problems(pi) == [])
    pi.items[0].warehouse = "Stores"
    #expect(problems(pi) == ["warehouse E_FIELD_NOT_ALLOWED"])  // no update_stock
    var so = voucher(.stockEntry, purpose: .materialReceipt, rows: [row("A", to: "Stores")])
    so.isReturn = true
    #expect(problems(so) == ["is_return E_FIELD_NOT_ALLOWED"])
  }

  @Test func ledgerFacts() {
    let day = BusinessDate(year: 2026, month: 4, day: 30) ?? BusinessDate(dayNumber: 0)
    let facts = LedgerFacts(posted: ["V-1": (.purchaseReceipt, day)], cancelled: [], closedThrough: BusinessDate(year: 2026, month: 5, day: 1))
    #expect(problems(voucher(.purchaseReceipt, rows: [row("A", wh: "Stores")]), facts) == ["voucher_no E_DUPLICATE_VOUCHER", "posting_date E_CLOSED_PERIOD"])
    var cancel = voucher(.deliveryNote, rows: [])
    cancel.action = .cancel
    #expect(problems(cancel, facts) == ["voucher_type E_VALUE", "voucher_no E_CLOSED_PERIOD"])
    var close = voucher(.purchaseReceipt, rows: [])
    close.action = .close
    #expect(problems(close, facts) == ["voucher_no E_VALUE"])  // only orders are closed
  }

  @Test func serialCountsAndDuplicates() {
    var r = row("S", qty: "2", wh: "Stores")
    r.serialNos = ["X1"]
    #expect(problems(voucher(.purchaseReceipt, rows: [r])) == ["serial_nos E_VALUE"])
    r.serialNos = ["X1", "X1"]
    #expect(problems(voucher(.purchaseReceipt, rows: [r])) == ["serial_nos E_VALUE"])
    r.qty = Fixed(parsing: "1.5")
    r.serialNos = ["X1"]
    #expect(problems(voucher(.purchaseReceipt, rows: [r])) == ["qty E_VALUE"])
  }

  /// An unknown name's message ends with the master-data name it most likely meant, or else with what to do.
  @Test func anUnknownNameIsAnsweredWithTheNameItMeantOrWhatToDo() {
    func messages(_ v: Voucher) -> [String] {
      guard case .failure(let p) = VoucherValidator(masters: Self.masters).validate(v) else { return [] }
      return p.diagnostics.map { "\($0.field): \($0.message)" }
    }
    #expect(messages(voucher(.purchaseReceipt, rows: [row("A", wh: "Storez")])) == ["warehouse: warehouse 'Storez' is not in warehouses.csv: did you mean 'Stores'?"])
    // Group warehouses hold no stock: not offered ("al" is one edit from the group "All").
    #expect(messages(voucher(.purchaseReceipt, rows: [row("A", wh: "Al")])) == ["warehouse: warehouse 'Al' is not in warehouses.csv: add it to warehouses.csv or correct warehouse"])
    #expect(messages(voucher(.purchaseReceipt, rows: [row("svc", wh: "Stores")])) == ["item_code: item 'svc' is not in items.csv: did you mean 'SVC'?"])
    #expect(messages(voucher(.purchaseReceipt, rows: [row("ZZZ", wh: "Stores")])) == ["item_code: item 'ZZZ' is not in items.csv: add it to items.csv or correct item_code"])
    var v = voucher(.purchaseReceipt, rows: [row("A", wh: "Stores")])
    v.party = "Acme Ltd"  // five letters apart: nothing offered
    #expect(messages(v) == ["party: party 'Acme Ltd' is not in parties.csv: add it to parties.csv or correct party"])
    v.party = "acme "
    #expect(messages(v) == ["party: party 'acme ' is not in parties.csv: did you mean 'Acme'?"])
  }

  /// The closest name: letter case and surrounding spaces ignored, one edit allowed up to five characters and
  /// two past them, none offered when two are as close or when there are too many to compare.
  @Test func theClosestNameIsOneAndClose() {
    #expect(NameSuggestion.closest(to: "Storez", among: ["Stores", "Finished Goods"]) == "Stores")
    #expect(NameSuggestion.closest(to: " STORES ", among: ["Stores", "Finished Goods"]) == "Stores")
    #expect(NameSuggestion.closest(to: "Finshed Gods", among: ["Stores", "Finished Goods"]) == "Finished Goods")
    #expect(NameSuggestion.closest(to: "Fnshed Gods", among: ["Stores", "Finished Goods"]) == nil)  // three edits
    #expect(NameSuggestion.closest(to: "WH-3", among: ["WH-1", "WH-2"]) == nil)  // two as close
    #expect(NameSuggestion.closest(to: "WH-3", among: ["WH-1", "WH-30"]) == nil)
    #expect(NameSuggestion.closest(to: "WH-3", among: ["wh-3", "WH-1"]) == "wh-3")  // case alone beats an edit
    #expect(NameSuggestion.closest(to: "ab", among: ["xy"]) == nil)
    #expect(NameSuggestion.closest(to: "Storez", among: ["Stores"] + (0..<NameSuggestion.maximumCandidates).map { "W\($0)" }) == nil)
    #expect(NameSuggestion.distance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars), limit: 5) == 3)
    #expect(NameSuggestion.distance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars), limit: 2) == 3)  // stopped: limit + 1
    #expect(NameSuggestion.distance(Array("".unicodeScalars), Array("abc".unicodeScalars), limit: 5) == 3)
  }
}
