import StockCore

/// The chart of accounts every `Masters` needs (the company's default accounts must exist), for tests that
/// build their master data in code.
public enum TestMasters {
  /// The default accounts, with `Stock In Hand` as the stock account, then `extra`.
  public static func accounts(_ extra: [Account] = []) -> [Account] {
    [
      .init(name: "Stock In Hand", rootType: .asset, accountType: "Stock"), .init(name: "Stock Received But Not Billed", rootType: .liability),
      .init(name: "Stock Adjustment", rootType: .expense), .init(name: "Cost of Goods Sold", rootType: .expense),
      .init(name: "Expenses Included In Valuation", rootType: .expense), .init(name: "Round Off", rootType: .expense),
      .init(name: "Temporary Opening", rootType: .liability), .init(name: "Debtors", rootType: .asset),
      .init(name: "Creditors", rootType: .liability), .init(name: "Sales", rootType: .income),
    ] + extra
  }

  /// A company whose default stock account is `Stock In Hand`.
  public static func company(_ name: String) -> Company {
    var company = Company(name: name)
    company.accounts.defaultInventory = "Stock In Hand"
    return company
  }
}
