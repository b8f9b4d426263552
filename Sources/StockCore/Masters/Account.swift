/// A GL account of `accounts.csv`.
public struct Account: Sendable, Hashable {
  public var name: String
  public var parent: String
  public var rootType: RootType
  /// Free text; `Stock`, `Receivable`, `Payable`, `Tax`, … have meaning.
  public var accountType: String
  public var isGroup: Bool

  public init(name: String, parent: String = "", rootType: RootType, accountType: String = "", isGroup: Bool = false) {
    self.name = name
    self.parent = parent
    self.rootType = rootType
    self.accountType = accountType
    self.isGroup = isGroup
  }

  /// The five root types of a chart of accounts.
  public enum RootType: String, Sendable, CaseIterable {
    case asset = "Asset", liability = "Liability", equity = "Equity", income = "Income", expense = "Expense"
  }
}

/// A warehouse of `warehouses.csv`.
public struct Warehouse: Sendable, Hashable {
  public var name: String
  public var parent: String
  /// Its own stock account; empty means inherited (§3).
  public var account: String
  public var isGroup: Bool
  public init(name: String, parent: String = "", account: String = "", isGroup: Bool = false) {
    self.name = name
    self.parent = parent
    self.account = account
    self.isGroup = isGroup
  }
}

/// A customer or supplier of `parties.csv`.
public struct Party: Sendable, Hashable {
  public enum Kind: String, Sendable { case customer = "Customer", supplier = "Supplier" }
  public var name: String
  public var kind: Kind
  /// Its own receivable or payable account; empty means the company default.
  public var account: String
  public init(name: String, kind: Kind, account: String = "") {
    self.name = name
    self.kind = kind
    self.account = account
  }
}

/// A reorder rule of `reorder_levels.csv`.
public struct ReorderLevel: Sendable, Hashable {
  public var itemCode: String
  public var warehouse: String
  public var level: Quantity
  public var qty: Quantity
  public var requestType: String
  public init(itemCode: String, warehouse: String, level: Quantity, qty: Quantity, requestType: String) {
    self.itemCode = itemCode
    self.warehouse = warehouse
    self.level = level
    self.qty = qty
    self.requestType = requestType
  }
}
