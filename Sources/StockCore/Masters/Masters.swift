/// All master data of a books directory, validated and indexed for lookups.
///
/// Built once per run by `MasterReader`; immutable afterwards, and shared by reference (every voucher's
/// posting holds it). Warehouse accounts are resolved at build
/// time (§3 fallback chain), so a lookup during posting is one dictionary access.
public final class Masters: Sendable {
  public let company: Company
  /// Accounts in chart (file) order.
  public let accounts: [Account]
  public let warehouses: [Warehouse]
  public let items: [Item]
  public let parties: [Party]
  public let reorderLevels: [ReorderLevel]
  /// item code → uom → factor to stock UOM.
  public let uomConversions: [String: [String: Fixed]]

  public let accountByName: [String: Account]
  public let warehouseByName: [String: Warehouse]
  public let itemByCode: [String: Item]
  public let itemCodeByBarcode: [String: String]
  public let partyByName: [String: Party]
  /// Stock account of each non-group warehouse.
  public let stockAccountOf: [String: String]
  /// The same, interned: what the engine puts on GL lines (see ``AccountName``).
  public let stockAccountNameOf: [String: AccountName]
  /// The company's default accounts, interned.
  public let defaultAccountNames: DefaultAccountNames
  /// `itemByCode`, `warehouseByName` and `stockAccountNameOf` by bytes (``NameTable``), for the lookups of
  /// every row: ``item(_:)``, ``warehouse(_:)``, ``stockAccountName(of:)``.
  private let itemTable: NameTable<Item>
  private let warehouseTable: NameTable<Warehouse>
  private let stockAccountTable: NameTable<AccountName>

  public init(
    company: Company, accounts: [Account], warehouses: [Warehouse], items: [Item], parties: [Party] = [],
    reorderLevels: [ReorderLevel] = [], uomConversions: [String: [String: Fixed]] = [:]
  ) throws(MasterDataError) {
    self.company = company
    self.accounts = accounts
    self.warehouses = warehouses
    self.items = items
    self.parties = parties
    self.reorderLevels = reorderLevels
    self.uomConversions = uomConversions
    var problems: [String] = []
    var accountByName: [String: Account] = [:]
    for a in accounts {
      if accountByName[a.name] != nil { problems.append("accounts.csv: account \(a.name) is listed twice") }
      accountByName[a.name] = a
    }
    for a in accounts where !a.parent.isEmpty && accountByName[a.parent] == nil {
      problems.append("accounts.csv: account \(a.name) has unknown parent \(a.parent)")
    }
    var warehouseByName: [String: Warehouse] = [:]
    for w in warehouses {
      if warehouseByName[w.name] != nil { problems.append("warehouses.csv: warehouse \(w.name) is listed twice") }
      warehouseByName[w.name] = w
      if !w.account.isEmpty {
        if let acc = accountByName[w.account] {
          if acc.isGroup { problems.append("warehouses.csv: warehouse \(w.name) names group account \(w.account)") }
        } else {
          problems.append("warehouses.csv: warehouse \(w.name) names unknown account \(w.account)")
        }
      }
    }
    for w in warehouses where !w.parent.isEmpty && warehouseByName[w.parent] == nil {
      problems.append("warehouses.csv: warehouse \(w.name) has unknown parent \(w.parent)")
    }
    for (key, value) in company.accounts.all where !value.isEmpty {
      if let acc = accountByName[value] {
        if acc.isGroup { problems.append("company.toml: [accounts] \(key) = \(value) is a group account") }
      } else if key != "default_inventory" || !value.isEmpty {
        problems.append("company.toml: [accounts] \(key) = \(value) is not in accounts.csv")
      }
    }
    // §3: own account, nearest ancestor's, default_inventory, the only Stock account, else error.
    let onlyStock: String? = {
      let stock = accounts.filter { !$0.isGroup && $0.accountType == "Stock" }
      return stock.count == 1 ? stock[0].name : nil
    }()
    var stockAccountOf: [String: String] = [:]
    for w in warehouses where !w.isGroup {
      var cursor: Warehouse? = w
      var seen: Set<String> = []
      var found = ""
      while let c = cursor, !seen.contains(c.name) {
        seen.insert(c.name)
        if !c.account.isEmpty { found = c.account; break }
        cursor = c.parent.isEmpty ? nil : warehouseByName[c.parent]
      }
      if found.isEmpty { found = company.accounts.defaultInventory }
      if found.isEmpty, let onlyStock { found = onlyStock }
      if found.isEmpty {
        problems.append(
          "warehouses.csv: warehouse \(w.name) has no stock account: set its account, a parent's, or [accounts] default_inventory in company.toml"
        )
      }
      stockAccountOf[w.name] = found
    }
    var itemByCode: [String: Item] = [:]
    itemByCode.reserveCapacity(items.count)
    var itemCodeByBarcode: [String: String] = [:]
    for i in items {
      // (One hash of the code, and no array of the two accounts, per item: 5,000 items' codes were hashed
      // twice and two arrays made for each, at the start of every run.)
      if itemByCode.updateValue(i, forKey: i.code) != nil { problems.append("items.csv: item \(i.code) is listed twice") }
      if !i.expenseAccount.isEmpty && accountByName[i.expenseAccount] == nil {
        problems.append("items.csv: item \(i.code) names unknown account \(i.expenseAccount)")
      }
      if !i.incomeAccount.isEmpty && accountByName[i.incomeAccount] == nil {
        problems.append("items.csv: item \(i.code) names unknown account \(i.incomeAccount)")
      }
    }
    for i in items {
      for code in i.barcodes {
        if let other = itemCodeByBarcode[code], other != i.code {
          problems.append("items.csv: barcode \(code) belongs to both \(other) and \(i.code)")
        } else if itemByCode[code] != nil, code != i.code {
          problems.append("items.csv: barcode \(code) of \(i.code) is also an item code")
        }
        itemCodeByBarcode[code] = i.code
      }
    }
    var partyByName: [String: Party] = [:]
    for p in parties {
      if partyByName[p.name] != nil { problems.append("parties.csv: party \(p.name) is listed twice") }
      partyByName[p.name] = p
      if !p.account.isEmpty && accountByName[p.account] == nil {
        problems.append("parties.csv: party \(p.name) names unknown account \(p.account)")
      }
    }
    if !problems.isEmpty { throw MasterDataError(problems: problems) }
    self.accountByName = accountByName
    self.warehouseByName = warehouseByName
    self.itemByCode = itemByCode
    self.itemCodeByBarcode = itemCodeByBarcode
    self.partyByName = partyByName
    self.stockAccountOf = stockAccountOf
    stockAccountNameOf = stockAccountOf.mapValues { AccountName($0) }
    defaultAccountNames = DefaultAccountNames(company.accounts)
    itemTable = NameTable(ordered: items.map(\.code), values: items)  // (in the file's order: no sort of 5,000 codes)
    warehouseTable = NameTable(warehouseByName)
    stockAccountTable = NameTable(stockAccountNameOf)
  }

  /// Makes the masters and their items immortal (``Immortal``): for the masters of a run, kept to the end
  /// of the process, which every voucher's checks and posting hand from call to call.
  /// - Complexity: O(items).
  public func makeImmortal() {
    Immortal.make(self)
    for item in items { Immortal.make(item) }
  }

  /// `itemByCode[code]`, found by bytes first (``NameTable``).
  /// - Complexity: O(length of `code`).
  public func item(_ code: String) -> Item? { itemTable.value(code) ?? itemByCode[code] }
  /// ``item(_:)`` not retained (see ``NameTable/unretainedValue(_:)``): valid while the masters are.
  /// - Complexity: O(length of `code`).
  public func unretainedItem(_ code: String) -> Unmanaged<Item>? {
    itemTable.unretainedValue(code) ?? itemByCode[code].map { Unmanaged.passUnretained($0) }
  }
  /// ``item(_:)`` of an interned code (looked up by the bytes and hash its box keeps).
  /// - Complexity: O(length of `code`); nothing hashed.
  public func item(_ code: InternedName) -> Item? { itemTable.value(code) ?? itemByCode[code.text] }
  /// ``unretainedItem(_:)`` of an interned code.
  public func unretainedItem(_ code: InternedName) -> Unmanaged<Item>? {
    itemTable.unretainedValue(code) ?? itemByCode[code.text].map { Unmanaged.passUnretained($0) }
  }

  /// The steps that bring an ``item(_:)`` lookup's memory into cache before it is made (``NameTable``'s
  /// `prefetch(slotOf:)`): from the code's ``InternedName/tableHash``, its slot, its entry, the item.
  public func prefetchItem(slotOf hash: UInt64) { itemTable.prefetch(slotOf: hash) }
  public func prefetchItem(entryOf hash: UInt64) -> Int { itemTable.prefetch(entryOf: hash) }
  public func prefetchItem(at position: Int) { itemTable.prefetch(valueAt: position) }
  /// `warehouseByName[name]`, found by bytes first.
  public func warehouse(_ name: String) -> Warehouse? { warehouseTable.value(name) ?? warehouseByName[name] }
  /// Whether warehouse `name` is a group (``warehouse(_:)``'s `isGroup`, the warehouse not copied: a copy
  /// retains and releases its names, on both cores at once when vouchers are validated); nil when there is
  /// no such warehouse.
  public func isGroupWarehouse(_ name: String) -> Bool? {
    warehouseTable.part(of: name) { $0.isGroup } ?? warehouseByName[name]?.isGroup
  }
  /// ``isGroupWarehouse(_:)`` of an interned name.
  public func isGroupWarehouse(_ name: InternedName) -> Bool? {
    warehouseTable.part(of: name) { $0.isGroup } ?? warehouseByName[name.text]?.isGroup
  }
  /// `stockAccountNameOf[warehouse]`, found by bytes first.
  public func stockAccountName(of warehouse: String) -> AccountName? {
    stockAccountTable.value(warehouse) ?? stockAccountNameOf[warehouse]
  }
  /// ``stockAccountName(of:)`` of an interned name (looked up by the bytes and hash its box keeps).
  public func stockAccountName(of warehouse: InternedName) -> AccountName? {
    stockAccountTable.value(warehouse) ?? stockAccountNameOf[warehouse.text]
  }

  /// The valuation method in force for an item.
  public func valuationMethod(of item: Item) -> ValuationMethod {
    item.valuationMethod ?? company.defaultValuationMethod
  }
  /// Whether an item may go negative (company or item flag).
  public func allowsNegativeStock(_ item: Item) -> Bool { company.allowNegativeStock || item.allowNegativeStock }
}

/// The company's default accounts as interned names (``AccountName``), made once per run.
public struct DefaultAccountNames: Sendable {
  public let defaultInventory, stockReceivedButNotBilled, stockAdjustment, costOfGoodsSold, roundOff: AccountName
  public let temporaryOpening, receivable, payable, income: AccountName

  public init(_ a: DefaultAccounts) {
    defaultInventory = AccountName(a.defaultInventory)
    stockReceivedButNotBilled = AccountName(a.stockReceivedButNotBilled)
    stockAdjustment = AccountName(a.stockAdjustment)
    costOfGoodsSold = AccountName(a.costOfGoodsSold)
    roundOff = AccountName(a.roundOff)
    temporaryOpening = AccountName(a.temporaryOpening)
    receivable = AccountName(a.receivable)
    payable = AccountName(a.payable)
    income = AccountName(a.income)
  }
}

/// Master data that cannot be used: every problem found, one sentence each. Exit code 2.
public struct MasterDataError: Error, Sendable, CustomStringConvertible {
  public var problems: [String]
  public init(problems: [String]) { self.problems = problems }
  /// One problem a line, as a list.
  public var description: String { problems.map { "  - \($0)" }.joined(separator: "\n") }
}

extension Masters {
  /// The conversion factor from a row's `uom` to the item's stock UOM: the row's own, else
  /// `uom_conversions.csv`, else 1 (same unit). nil when the unit is unknown.
  public func conversionFactor(_ row: ItemRow, _ item: Item) -> Fixed? {
    if let f = row.conversionFactor { return f }
    if row.uom.isEmpty || row.uom == item.stockUOM { return .one }
    return uomConversions[item.code]?[row.uom]
  }

  /// The row's quantity in stock UOM: qty × conversion factor, rounded to float precision.
  ///
  /// Inlined for the rows without a unit or a factor (nearly all: their quantity is in stock units), read
  /// where they lie: a call copied the row, retaining its names, and retained the masters and the item.
  @inlinable public func stockQty(_ row: ItemRow, _ item: Item) -> Quantity {
    if row.leavesExtrasBlank { return row.qty ?? .zero }
    return convertedQty(row, item)
  }

  /// ``stockQty(_:_:)`` of a row that may have a unit or a factor.
  @usableFromInline func convertedQty(_ row: ItemRow, _ item: Item) -> Quantity {
    guard let qty = row.qty else { return .zero }
    let factor = conversionFactor(row, item) ?? .one
    return factor == .one ? qty : company.quantity(qty.multiplied(by: factor, rule: company.rounding))
  }
}
