import Foundation
import StockCore

/// Reads `masters/` (SPEC §3) into validated ``Masters``. Every problem of every file is collected and
/// thrown together as a ``MasterDataError`` (exit 2: nothing is touched).
public enum MasterReader {
  static let accountColumns = ["account", "parent", "root_type", "account_type", "is_group"]
  static let warehouseColumns = ["warehouse", "parent", "account", "is_group"]
  static let itemColumns = [
    "item_code", "item_name", "stock_uom", "is_stock_item", "valuation_method", "has_batch_no", "has_serial_no",
    "serial_no_series", "batch_no_series", "use_batchwise_valuation", "shelf_life_days", "warranty_days",
    "allow_negative_stock", "valuation_rate", "barcodes", "expense_account", "income_account", "purchase_uom",
  ]
  static let partyColumns = ["party", "party_type", "account"]
  static let uomColumns = ["item_code", "uom", "conversion_factor"]
  static let reorderColumns = ["item_code", "warehouse", "reorder_level", "reorder_qty", "request_type"]

  public static func read(directory: String) throws(MasterDataError) -> Masters {
    try read(MasterFiles.read(directory: directory))
  }

  /// Reads the master data from the files of one read of its folder.
  public static func read(_ files: MasterFiles) throws(MasterDataError) -> Masters {
    let directory = files.directory
    guard files.exists else {
      throw MasterDataError(problems: ["\(directory): no such folder; a books folder keeps its master data there (`stockledger init BOOKS` makes one with examples)"])
    }
    var problems: [String] = []
    // Whether every file was read and every account, warehouse, item and party taken: only then are the
    // checks across them (names listed twice, unknown parents and accounts) run beside the rows' own
    // problems, so that one look shows all; with a record missing they would name it unknown where it is not.
    var complete = true
    /// A problem that leaves a file or a record out.
    func leftOut(_ problem: String) {
      problems.append(problem)
      complete = false
    }
    func load(_ name: String, _ known: [String], _ required: [String], optional: Bool = false) -> CSVTable? {
      let path = directory + "/" + name
      guard let data = files.bytes[name] else {
        if !optional { leftOut("\(path): missing (required master file)") }
        return nil
      }
      do {
        return try CSVTable(bytes: data, file: name, known: known, required: required)
      } catch {
        leftOut(error.description)
        return nil
      }
    }
    // Each file's columns are looked up by name once, before its records (a lookup per field hashed the
    // name: 14,000 of them for 1,000 items, a fifth of reading the master data).
    func flag(_ t: CSVTable, _ r: CSVRecord, _ col: CSVTable.Column, default d: Bool) -> Bool {
      let v = t.value(r, col)
      if let b = parseBool(v) { return b ?? d }
      problems.append("\(t.file):\(r.line): \(col.name) must be 0 or 1, not \(v)")
      return d
    }
    func int(_ t: CSVTable, _ r: CSVRecord, _ col: CSVTable.Column) -> Int? {
      let v = t.value(r, col)
      if v.isEmpty { return nil }
      // At most 10,000 years: the days are added to dates.
      if let i = Int(v), i >= 0, i <= 3_652_500 { return i }
      problems.append("\(t.file):\(r.line): \(col.name) must be a whole number of days from 0 to 3652500, not \(v)")
      return nil
    }
    func number(_ t: CSVTable, _ r: CSVRecord, _ col: CSVTable.Column) -> Fixed? {
      let v = t.value(r, col)
      if v.isEmpty { return nil }
      if let f = Fixed(parsing: v) { return f }
      problems.append("\(t.file):\(r.line): \(col.name) must be a number, not \(v)")
      return nil
    }

    let company = readCompany(files.bytes["company.toml"], path: directory + "/company.toml", problems: &problems)

    var accounts: [Account] = []
    if let t = load("accounts.csv", accountColumns, ["account", "root_type"]) {
      let (account, parent, rootType, accountType, isGroup) = (
        t.column("account"), t.column("parent"), t.column("root_type"), t.column("account_type"), t.column("is_group")
      )
      for r in t.records {
        let name = t.value(r, account)
        guard !name.isEmpty else {
          leftOut("accounts.csv:\(r.line): account is blank")
          continue
        }
        guard let root = Account.RootType(rawValue: t.value(r, rootType)) else {
          leftOut("accounts.csv:\(r.line): root_type of \(name) must be one of Asset, Liability, Equity, Income, Expense")
          continue
        }
        accounts.append(
          Account(name: name, parent: t.value(r, parent), rootType: root, accountType: t.value(r, accountType),
                  isGroup: flag(t, r, isGroup, default: false)))
      }
    }
    var warehouses: [Warehouse] = []
    if let t = load("warehouses.csv", warehouseColumns, ["warehouse"]) {
      let (warehouse, parent, account, isGroup) = (t.column("warehouse"), t.column("parent"), t.column("account"), t.column("is_group"))
      for r in t.records {
        let name = t.value(r, warehouse)
        guard !name.isEmpty else {
          leftOut("warehouses.csv:\(r.line): warehouse is blank")
          continue
        }
        warehouses.append(Warehouse(name: name, parent: t.value(r, parent), account: t.value(r, account),
                                    isGroup: flag(t, r, isGroup, default: false)))
      }
    }
    var items: [Item] = []
    if let t = load("items.csv", itemColumns, ["item_code"]) {
      let c = ItemColumns(t)
      for r in t.records {
        let code = t.value(r, c.itemCode)
        guard !code.isEmpty else {
          leftOut("items.csv:\(r.line): item_code is blank")
          continue
        }
        var method: ValuationMethod?
        let m = t.value(r, c.valuationMethod)
        if !m.isEmpty {
          method = ValuationMethod(rawValue: m)
          if method == nil { problems.append("items.csv:\(r.line): valuation_method of \(code) must be FIFO, LIFO or Moving Average") }
        }
        let uom = t.value(r, c.stockUOM)
        let item =
          Item(
            code: code, name: t.value(r, c.itemName), stockUOM: uom.isEmpty ? "Nos" : uom,
            isStockItem: flag(t, r, c.isStockItem, default: true), valuationMethod: method,
            hasBatchNo: flag(t, r, c.hasBatchNo, default: false), hasSerialNo: flag(t, r, c.hasSerialNo, default: false),
            serialNoSeries: t.value(r, c.serialNoSeries), batchNoSeries: t.value(r, c.batchNoSeries),
            useBatchwiseValuation: flag(t, r, c.useBatchwiseValuation, default: true),
            shelfLifeDays: int(t, r, c.shelfLifeDays), warrantyDays: int(t, r, c.warrantyDays),
            allowNegativeStock: flag(t, r, c.allowNegativeStock, default: false), valuationRate: number(t, r, c.valuationRate),
            barcodes: MasterReader.barcodes(t.value(r, c.barcodes)),
            expenseAccount: t.value(r, c.expenseAccount), incomeAccount: t.value(r, c.incomeAccount),
            purchaseUOM: t.value(r, c.purchaseUOM))
        items.append(item)
      }
    }
    var parties: [Party] = []
    if let t = load("parties.csv", partyColumns, ["party", "party_type"], optional: true) {
      let (party, partyType, account) = (t.column("party"), t.column("party_type"), t.column("account"))
      for r in t.records {
        guard let kind = Party.Kind(rawValue: t.value(r, partyType)) else {
          leftOut("parties.csv:\(r.line): party_type must be Customer or Supplier")
          continue
        }
        parties.append(Party(name: t.value(r, party), kind: kind, account: t.value(r, account)))
      }
    }
    var conversions: [String: [String: Fixed]] = [:]
    if let t = load("uom_conversions.csv", uomColumns, uomColumns, optional: true) {
      let (itemCode, uom, factor) = (t.column("item_code"), t.column("uom"), t.column("conversion_factor"))
      for r in t.records {
        guard let f = number(t, r, factor), f.isPositive else {
          problems.append("uom_conversions.csv:\(r.line): conversion_factor must be a positive number")
          continue
        }
        conversions[t.value(r, itemCode), default: [:]][t.value(r, uom)] = f
      }
    }
    var reorder: [ReorderLevel] = []
    if let t = load("reorder_levels.csv", reorderColumns, ["item_code", "warehouse", "reorder_level"], optional: true) {
      let (itemCode, warehouse, level, qty, requestType) = (
        t.column("item_code"), t.column("warehouse"), t.column("reorder_level"), t.column("reorder_qty"), t.column("request_type")
      )
      for r in t.records {
        let type = t.value(r, requestType)
        if !["", "Purchase", "Transfer"].contains(type) {
          problems.append("reorder_levels.csv:\(r.line): request_type must be Purchase or Transfer")
        }
        reorder.append(
          ReorderLevel(itemCode: t.value(r, itemCode), warehouse: t.value(r, warehouse),
                       level: number(t, r, level) ?? .zero, qty: number(t, r, qty) ?? .zero,
                       requestType: type.isEmpty ? "Purchase" : type))
      }
    }
    if !problems.isEmpty {
      if complete, let company {
        do throws(MasterDataError) {
          _ = try Masters(company: company, accounts: accounts, warehouses: warehouses, items: items, parties: parties,
                          reorderLevels: reorder, uomConversions: conversions)
        } catch { problems += error.problems }
      }
      throw MasterDataError(problems: problems)
    }
    guard let company else { throw MasterDataError(problems: ["company.toml could not be read"]) }
    return try Masters(company: company, accounts: accounts, warehouses: warehouses, items: items, parties: parties,
                       reorderLevels: reorder, uomConversions: conversions)
  }

  /// The columns of `items.csv` (``itemColumns``), looked up once.
  struct ItemColumns {
    let itemCode, itemName, stockUOM, isStockItem, valuationMethod, hasBatchNo, hasSerialNo: CSVTable.Column
    let serialNoSeries, batchNoSeries, useBatchwiseValuation, shelfLifeDays, warrantyDays: CSVTable.Column
    let allowNegativeStock, valuationRate, barcodes, expenseAccount, incomeAccount, purchaseUOM: CSVTable.Column

    init(_ t: CSVTable) {
      (itemCode, itemName, stockUOM, isStockItem) = (t.column("item_code"), t.column("item_name"), t.column("stock_uom"), t.column("is_stock_item"))
      (valuationMethod, hasBatchNo, hasSerialNo) = (t.column("valuation_method"), t.column("has_batch_no"), t.column("has_serial_no"))
      (serialNoSeries, batchNoSeries) = (t.column("serial_no_series"), t.column("batch_no_series"))
      (useBatchwiseValuation, shelfLifeDays) = (t.column("use_batchwise_valuation"), t.column("shelf_life_days"))
      (warrantyDays, allowNegativeStock, valuationRate) = (t.column("warranty_days"), t.column("allow_negative_stock"), t.column("valuation_rate"))
      (barcodes, expenseAccount, incomeAccount) = (t.column("barcodes"), t.column("expense_account"), t.column("income_account"))
      purchaseUOM = t.column("purchase_uom")
    }
  }

  /// An item's barcodes: the `;`-separated list, each trimmed, blanks left out (none for a blank field,
  /// as most are, without splitting it).
  static func barcodes(_ field: String) -> [String] {
    field.isEmpty ? [] : field.split(separator: ";").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
  }

  /// "" → .some(nil) (default), 0/1/true/false/yes/no → value, anything else → nil.
  static func parseBool(_ v: String) -> Bool?? {
    // The usual spellings first, without a lowercased copy (five flags an item, most of them blank).
    if v.isEmpty { return .some(nil) }
    if v == "1" { return true }
    if v == "0" { return false }
    switch v.lowercased() {
    case "1", "true", "yes": return true
    case "0", "false", "no": return false
    default: return nil
    }
  }

  static func readCompany(_ data: [UInt8]?, path: String, problems: inout [String]) -> Company? {
    guard let data, let text = String(validating: data, as: UTF8.self) else {
      problems.append("\(path): missing or not UTF-8 (required master file)")
      return nil
    }
    let values: [String: TOMLValue]
    do { values = try TOMLReader.parse(text, file: "company.toml") } catch {
      problems.append(error.description)
      return nil
    }
    let known: Set<String> = [
      "name", "currency", "currency_precision", "float_precision", "rounding", "perpetual_inventory",
      "allow_negative_stock", "default_valuation_method", "enforce_reservations",
    ]
    var company = Company(name: "")
    var accounts = DefaultAccounts()
    let accountKeys = Set(accounts.all.map(\.key))
    for (key, value) in values.sorted(by: { $0.key < $1.key }) {
      if key.hasPrefix("accounts.") {
        let k = String(key.dropFirst("accounts.".count))
        guard accountKeys.contains(k), case .string(let s) = value else {
          problems.append("company.toml: unknown or non-text account setting \(key)")
          continue
        }
        switch k {
        case "default_inventory": accounts.defaultInventory = s
        case "stock_received_but_not_billed": accounts.stockReceivedButNotBilled = s
        case "stock_adjustment": accounts.stockAdjustment = s
        case "cost_of_goods_sold": accounts.costOfGoodsSold = s
        case "expenses_included_in_valuation": accounts.expensesIncludedInValuation = s
        case "round_off": accounts.roundOff = s
        case "temporary_opening": accounts.temporaryOpening = s
        case "receivable": accounts.receivable = s
        case "payable": accounts.payable = s
        default: accounts.income = s
        }
        continue
      }
      guard known.contains(key) else {
        problems.append("company.toml: unknown setting \(key)")
        continue
      }
      switch (key, value) {
      case ("name", .string(let s)): company.name = s
      case ("currency", .string(let s)): company.currency = s
      case ("currency_precision", .integer(let i)) where (0...6).contains(i): company.currencyPrecision = i
      case ("float_precision", .integer(let i)) where (0...9).contains(i): company.floatPrecision = i
      case ("rounding", .string(let s)) where RoundingRule(rawValue: s) != nil: company.rounding = RoundingRule(rawValue: s) ?? .halfUp
      case ("perpetual_inventory", .bool(let b)): company.perpetualInventory = b
      case ("allow_negative_stock", .bool(let b)): company.allowNegativeStock = b
      case ("enforce_reservations", .bool(let b)): company.enforceReservations = b
      case ("default_valuation_method", .string(let s)) where ValuationMethod(rawValue: s) != nil:
        company.defaultValuationMethod = ValuationMethod(rawValue: s) ?? .fifo
      default:
        problems.append("company.toml: \(key) has an invalid value \(value)")
      }
    }
    company.accounts = accounts
    return company
  }
}
