import Testing
@testable import StockCore
@testable import StockPost

/// Master data for posting tests: the contract's chart, warehouses and items.
enum Fixture {
  static func masters(allowNegative: Bool = false, perpetual: Bool = true) -> Masters {
    var company = Company(name: "Test Co")
    company.allowNegativeStock = allowNegative
    company.perpetualInventory = perpetual
    company.accounts.defaultInventory = "Stock In Hand"
    let accounts: [Account] = [
      .init(name: "Stock In Hand", rootType: .asset, accountType: "Stock"),
      .init(name: "Stores", rootType: .asset, accountType: "Stock"),
      .init(name: "Finished Goods", rootType: .asset, accountType: "Stock"),
      .init(name: "Stock Received But Not Billed", rootType: .liability),
      .init(name: "Cost of Goods Sold", rootType: .expense),
      .init(name: "Stock Adjustment", rootType: .expense),
      .init(name: "Expenses Included In Valuation", rootType: .expense),
      .init(name: "Shipping Charges", rootType: .expense),
      .init(name: "Customs Duty", rootType: .expense),
      .init(name: "Input VAT", rootType: .asset),
      .init(name: "Round Off", rootType: .expense),
      .init(name: "Temporary Opening", rootType: .liability),
      .init(name: "Debtors", rootType: .asset),
      .init(name: "Creditors", rootType: .liability),
      .init(name: "Sales", rootType: .income),
      .init(name: "Output VAT", rootType: .liability),
      .init(name: "Other Income", rootType: .income),
    ]
    let warehouses: [Warehouse] = [
      .init(name: "All", isGroup: true), .init(name: "Stores", parent: "All", account: "Stores"),
      .init(name: "Finished Goods", parent: "All", account: "Finished Goods"),
      .init(name: "Stores Annex", parent: "All", account: "Stores"), .init(name: "Transit", parent: "All"),
    ]
    let items: [Item] = [
      .init(code: "FIFO", valuationMethod: .fifo, barcodes: ["4006381333931"]),
      .init(code: "LIFO", valuationMethod: .lifo),
      .init(code: "MA", valuationMethod: .movingAverage),
      .init(code: "FIFO-NEG", valuationMethod: .fifo, allowNegativeStock: true),
      .init(code: "MA-NEG", valuationMethod: .movingAverage, allowNegativeStock: true, valuationRate: Fixed(100)),
      .init(code: "RM", valuationMethod: .fifo), .init(code: "FG", valuationMethod: .fifo),
      .init(code: "SCRAP", valuationMethod: .fifo, valuationRate: Fixed(5)),
      .init(code: "BOXED", stockUOM: "Nos", valuationMethod: .fifo),
      .init(code: "LAPTOP", valuationMethod: .fifo, hasSerialNo: true, serialNoSeries: "LT-.####", warrantyDays: 365),
      .init(code: "PHONE", valuationMethod: .fifo, hasSerialNo: true),
      .init(code: "MED", valuationMethod: .fifo, hasBatchNo: true, batchNoSeries: "B-.###", shelfLifeDays: 180),
      .init(code: "MEDX", valuationMethod: .movingAverage, hasBatchNo: true),
      .init(code: "POOL", valuationMethod: .fifo, hasBatchNo: true, useBatchwiseValuation: false),
      .init(code: "KIT", valuationMethod: .fifo, hasBatchNo: true, hasSerialNo: true),
    ]
    // swift-format-ignore: NeverUseForceTry
    return try! Masters(company: company, accounts: accounts, warehouses: warehouses, items: items,
                        parties: [.init(name: "Supplier", kind: .supplier), .init(name: "Customer", kind: .customer)],
                        uomConversions: ["BOXED": ["Box": Fixed(12)]])
  }

  static let day = BusinessDate(year: 2026, month: 5, day: 10)!

  static func voucher(_ type: VoucherType, _ no: String, day: Int = 10, seconds: Int = 0, purpose: Purpose? = nil, items: [ItemRow], taxes: [ChargeRow] = []) -> Voucher {
    var v = Voucher(type: type, no: no, date: BusinessDate(year: 2026, month: 5, day: day)!, time: BusinessTime(seconds: seconds), source: SourceLocation(file: "t.csv", line: 2))
    v.purpose = purpose
    v.items = items
    v.taxes = taxes
    return v
  }

  static func row(_ item: String, _ qty: Int, rate: String? = nil, wh: String = "", from: String = "", to: String = "", batch: String = "", serials: [String] = []) -> ItemRow {
    var r = ItemRow(line: 2, itemCode: item)
    r.batchNo = batch
    r.serialNos = serials
    r.qty = Fixed(qty)
    r.rate = rate.flatMap { Fixed(parsing: $0) }
    r.warehouse = wh
    r.sourceWarehouse = from
    r.targetWarehouse = to
    return r
  }

  static func purchase(_ no: String, _ item: String, _ qty: Int, _ rate: String, day: Int = 10, seconds: Int = 0, returnAgainst: String? = nil) -> Voucher {
    purchase(.purchaseReceipt, no, item, qty, rate, day: day, seconds: seconds, returnAgainst: returnAgainst)
  }

  static func sale(_ no: String, _ item: String, _ qty: Int, rate: String = "0", wh: String = "Stores", day: Int = 10, seconds: Int = 0, returnAgainst: String? = nil) -> Voucher {
    sale(.deliveryNote, no, item, qty, rate: rate, wh: wh, day: day, seconds: seconds, returnAgainst: returnAgainst)
  }

  static func purchase(_ type: VoucherType, _ no: String, _ item: String, _ qty: Int, _ rate: String, day: Int = 10, seconds: Int = 0, returnAgainst: String? = nil, updateStock: Bool = false) -> Voucher {
    var v = voucher(type, no, day: day, seconds: seconds, items: [row(item, qty, rate: rate, wh: type == .purchaseInvoice && !updateStock ? "" : "Stores")])
    v.party = "Supplier"
    v.updateStock = updateStock
    if let r = returnAgainst { v.isReturn = true; v.returnAgainst = r }
    return v
  }

  static func sale(_ type: VoucherType, _ no: String, _ item: String, _ qty: Int, rate: String = "0", wh: String = "Stores", day: Int = 10, seconds: Int = 0, returnAgainst: String? = nil, updateStock: Bool = false) -> Voucher {
    var v = voucher(type, no, day: day, seconds: seconds, items: [row(item, qty, rate: rate, wh: type == .salesInvoice && !updateStock ? "" : wh)])
    v.party = "Customer"
    v.updateStock = updateStock
    if let r = returnAgainst { v.isReturn = true; v.returnAgainst = r }
    return v
  }

  static func receipt(_ no: String, _ item: String, _ qty: Int, _ rate: String, wh: String = "Stores", day: Int = 10, seconds: Int = 0) -> Voucher {
    voucher(.stockEntry, no, day: day, seconds: seconds, purpose: .materialReceipt, items: [row(item, qty, rate: rate, to: wh)])
  }
  static func issue(_ no: String, _ item: String, _ qty: Int, wh: String = "Stores", day: Int = 10, seconds: Int = 0) -> Voucher {
    voucher(.stockEntry, no, day: day, seconds: seconds, purpose: .materialIssue, items: [row(item, qty, from: wh)])
  }
}

/// Net debit − credit per account of GL lines, to the cent (zero accounts left out).
func net(_ gl: [GLEntry]) -> [String: String] {
  var m: [String: Fixed] = [:]
  for g in gl { m[g.account, default: .zero] += g.net }
  return m.filter { !$0.value.isZero }.mapValues { $0.formatted(places: 2) }
}

/// Posts a voucher that must post; records an issue and throws otherwise.
@discardableResult
func post(_ engine: inout PostingEngine, _ v: Voucher) throws -> PostedVoucher {
  switch engine.post(v) {
  case .success(let p): return p
  case .failure(let e):
    Issue.record("\(v.no) failed: \(e.diagnostics)")
    throw e
  }
}

/// Posts a voucher that must be refused; returns the problems.
func rejections(_ engine: inout PostingEngine, _ v: Voucher) -> [Diagnostic] {
  if case .failure(let e) = engine.post(v) { return e.diagnostics }
  Issue.record("\(v.no) posted but should not")
  return []
}
