import StockCore

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
    ]
    // swift-format-ignore: NeverUseForceTry
    return try! Masters(company: company, accounts: accounts, warehouses: warehouses, items: items)
  }

  static let day = BusinessDate(year: 2026, month: 5, day: 10)!

  static func voucher(_ type: VoucherType, _ no: String, day: Int = 10, seconds: Int = 0, purpose: Purpose? = nil, items: [ItemRow], taxes: [ChargeRow] = []) -> Voucher {
    var v = Voucher(type: type, no: no, date: BusinessDate(year: 2026, month: 5, day: day)!, time: BusinessTime(seconds: seconds), source: SourceLocation(file: "t.csv", line: 2))
    v.purpose = purpose
    v.items = items
    v.taxes = taxes
    return v
  }

  static func row(_ item: String, _ qty: Int, rate: String? = nil, wh: String = "", from: String = "", to: String = "") -> ItemRow {
    var r = ItemRow(line: 2, itemCode: item)
    r.qty = Fixed(qty)
    r.rate = rate.flatMap { Fixed(parsing: $0) }
    r.warehouse = wh
    r.sourceWarehouse = from
    r.targetWarehouse = to
    return r
  }

  static func receipt(_ no: String, _ item: String, _ qty: Int, _ rate: String, wh: String = "Stores", day: Int = 10, seconds: Int = 0) -> Voucher {
    voucher(.stockEntry, no, day: day, seconds: seconds, purpose: .materialReceipt, items: [row(item, qty, rate: rate, to: wh)])
  }
  static func issue(_ no: String, _ item: String, _ qty: Int, wh: String = "Stores", day: Int = 10, seconds: Int = 0) -> Voucher {
    voucher(.stockEntry, no, day: day, seconds: seconds, purpose: .materialIssue, items: [row(item, qty, from: wh)])
  }
}
