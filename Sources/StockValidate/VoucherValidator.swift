import StockCore

/// Checks vouchers against master data and the static rules of SPEC §5.2, before anything posts, and
/// normalizes them (barcodes resolved to item codes). What depends on the timeline — stock, batch and
/// serial availability, the voucher a return or an invoice refers to — is checked by the posting engine.
public struct VoucherValidator: Sendable {
  public let masters: Masters
  public let ledger: LedgerFacts

  public init(masters: Masters, ledger: LedgerFacts = LedgerFacts()) {
    self.masters = masters
    self.ledger = ledger
  }

  /// Validates one voucher; returns it normalized, or every problem found.
  /// - Complexity: O(rows).
  public func validate(_ input: Voucher) -> Result<Voucher, VoucherProblems> {
    var check = Check(masters: masters, voucher: input)
    check.header(ledger: ledger)
    if input.action == .submit {
      for i in input.items.indices { check.itemRow(i) }
      check.rowsTogether()
      check.charges()
    }
    return check.problems.isEmpty ? .success(check.voucher) : .failure(VoucherProblems(diagnostics: check.problems))
  }
}

/// The checks of one voucher, collecting every problem.
struct Check {
  /// Not retained: the validator holds the masters while a check runs, and a retain and release per
  /// voucher, on both cores at once, contended for the one object's reference count.
  unowned(unsafe) let masters: Masters
  /// The same, for calling the masters' methods: a call through `masters` retains them for the call (the
  /// unowned reference made strong), once per row on both cores at once — a third of validating.
  private let unretained: Unmanaged<Masters>
  var voucher: Voucher
  var problems: [Diagnostic] = []
  /// The company's float precision, held apart: read through `company` for every row, it was a copy of
  /// the company (its strings retained and released).
  let floatPrecision: Int

  init(masters: Masters, voucher: Voucher) {
    self.masters = masters
    unretained = Unmanaged.passUnretained(masters)
    self.voucher = voucher
    floatPrecision = masters.company.floatPrecision
  }

  /// `masters.item(code)` given to `body`, with neither the masters nor the item retained for the call;
  /// false when there is no such item.
  mutating func withItem(_ code: InternedName, _ body: (inout Check, Item) -> Void) -> Bool {
    guard let item = unretained._withUnsafeGuaranteedRef({ $0.unretainedItem(code) }) else { return false }
    item._withUnsafeGuaranteedRef { body(&self, $0) }
    return true
  }
  /// `masters.isGroupWarehouse(name)`, with the masters not retained for the call.
  func isGroupWarehouse(_ name: InternedName) -> Bool? { unretained._withUnsafeGuaranteedRef { $0.isGroupWarehouse(name) } }

  var company: Company { _read { yield masters.company } }  // borrowed, not copied (its strings are many)
  var type: VoucherType { voucher.type }

  mutating func fail(_ code: ErrorCode, line: Int? = nil, _ field: String, _ message: String) {
    var loc = voucher.source
    loc.line = line ?? voucher.source.line
    problems.append(Diagnostic(code, at: loc, voucher: voucher.no, field: field, message))
  }

  // MARK: voucher level

  mutating func header(ledger: LedgerFacts) {
    let v = voucher
    switch v.action {
    case .submit:
      if ledger.posted(v.no) != nil {
        fail(.duplicateVoucher, "voucher_no", "voucher \(v.no) is already posted in the ledger: voucher numbers are unique; use a new number (or action=cancel to reverse it)")
      }
      if let closed = ledger.closedThrough, v.date <= closed {
        fail(.closedPeriod, "posting_date", "the books are closed through \(closed): nothing can be posted on \(v.date); date it after the close or ask for the period to be reopened")
      }
    case .cancel:
      guard let original = ledger.posted(v.no) else {
        fail(.badValue, "voucher_no", "there is no posted voucher \(v.no) to cancel")
        return
      }
      if ledger.cancelled.contains(v.no) { fail(.badValue, "action", "voucher \(v.no) is already cancelled") }
      if original.type != v.type {
        fail(.badValue, "voucher_type", "\(v.no) is a \(original.type.rawValue), not a \(v.type.rawValue)")
      }
      if let closed = ledger.closedThrough, original.date <= closed {
        fail(.closedPeriod, "voucher_no", "\(v.no) is dated \(original.date), in the period closed through \(closed): it cannot be cancelled; post a correcting voucher after the close")
      }
      return
    case .close:
      guard let original = ledger.posted(v.no), original.type.isOrder else {
        fail(.badValue, "voucher_no", "\(v.no) is not a posted Sales Order, Purchase Order or Work Order: only orders are closed")
        return
      }
      if original.type != v.type { fail(.badValue, "voucher_type", "\(v.no) is a \(original.type.rawValue), not a \(v.type.rawValue)") }
      if let closed = ledger.closedThrough, v.date <= closed {
        fail(.closedPeriod, "posting_date", "the books are closed through \(closed): date the close of \(v.no) after it")
      }
      return
    }
    // Purpose
    switch type {
    case .stockEntry:
      if v.purpose == nil || v.purpose == .openingStock {
        fail(.required, "purpose", "a Stock Entry needs a purpose: Material Receipt, Material Issue, Material Transfer, Manufacture or Repack")
      }
    case .stockReconciliation:
      if let p = v.purpose, p != .openingStock { fail(.badValue, "purpose", "a Stock Reconciliation's purpose is Opening Stock or blank") }
    default:
      if v.purpose != nil { fail(.notAllowedField, "purpose", "purpose applies to Stock Entry and Stock Reconciliation only") }
    }
    // Returns, invoices, links
    let returnable = type == .purchaseReceipt || type == .purchaseInvoice || type == .deliveryNote || type == .salesInvoice
    if v.isReturn && !returnable {
      fail(.notAllowedField, "is_return", "only Purchase Receipt, Purchase Invoice, Delivery Note and Sales Invoice have returns")
    }
    if !v.returnAgainst.isEmpty && !v.isReturn {
      fail(.notAllowedField, "return_against", "return_against needs is_return = 1")
    }
    if v.returnAgainst == v.no && !v.no.isEmpty {
      fail(.badValue, "return_against", "a voucher cannot return itself")
    }
    if v.updateStock && type != .purchaseInvoice && type != .salesInvoice {
      fail(.notAllowedField, "update_stock", "update_stock applies to Purchase Invoice and Sales Invoice only")
    }
    if !v.againstVoucher.isEmpty && !(type == .purchaseInvoice || type == .purchaseReceipt || type == .deliveryNote || type == .salesInvoice || type == .stockEntry) {
      fail(.notAllowedField, "against_voucher", "against_voucher does not apply to a \(type.rawValue)")
    }
    // Party
    if (type == .purchaseInvoice || type == .salesInvoice) && v.party.isEmpty {
      fail(.required, "party", "a \(type.rawValue) needs the \(type == .purchaseInvoice ? "supplier" : "customer") in party")
    }
    if !v.party.isEmpty, !masters.parties.isEmpty {
      if let p = masters.partyByName[v.party] {
        let wanted: Party.Kind? = [.purchaseReceipt, .purchaseInvoice, .purchaseOrder].contains(type) ? .supplier : ([.deliveryNote, .salesInvoice, .salesOrder].contains(type) ? .customer : nil)
        if let wanted, p.kind != wanted {
          fail(.badValue, "party", "party \(v.party) is a \(p.kind.rawValue) in parties.csv, but a \(type.rawValue) needs a \(wanted.rawValue)")
        }
      } else {
        fail(.unknownParty, "party", "party '\(v.party)' is not in parties.csv" + NameSuggestion.hint(for: v.party, among: masters.parties, { $0.name }, file: "parties.csv", field: "party"))
      }
    }
    if v.items.isEmpty {
      fail(.noItemRows, "item_code", "the voucher has no item rows")
    }
  }

  /// Whether the voucher moves stock at all.
  var movesStock: Bool {
    switch type {
    case .purchaseInvoice, .salesInvoice: return voucher.updateStock
    case .salesOrder, .purchaseOrder, .workOrder: return false
    default: return true
    }
  }

  // MARK: item rows

  mutating func itemRow(_ i: Int) {
    var row = voucher.items[i]
    // Only a barcode resolved to its item changes the row: write back only then (no copy of the rows, and
    // no copy of the row to compare it with).
    var resolved = false
    defer { if resolved && row.itemCode != voucher.items[i].itemCode { voucher.items[i] = row } }
    let line = row.line
    // Item code or barcode
    if !row.barcode.isEmpty {
      if let code = masters.itemCodeByBarcode[row.barcode] ?? (masters.itemByCode[row.barcode] != nil ? row.barcode : nil) {
        if !row.itemCode.isEmpty && row.itemCode != code {
          fail(.badValue, line: line, "barcode", "barcode \(row.barcode) is item \(code), but item_code says \(row.itemCode)")
        }
        row.itemCode = code
        resolved = true
      } else {
        fail(.unknownItem, line: line, "barcode", "barcode \(row.barcode) belongs to no item in items.csv")
        return
      }
    }
    // The item not retained while the row is checked against it (``withItem(_:_:)``).
    if withItem(row.itemName, { $0.check(row, line: line, against: $1) }) { return }
    if row.barcode.isEmpty, let code = masters.itemCodeByBarcode[row.itemCode] {
      row.itemCode = code  // a barcode given as item_code
      resolved = true
      if withItem(row.itemName, { $0.check(row, line: line, against: $1) }) { return }
    }
    let trimmed = row.itemCode.trimmingSpaces
    let spaced = trimmed != row.itemCode && masters.itemByCode[trimmed] != nil
    fail(.unknownItem, line: line, "item_code", "item '\(row.itemCode)' is not in items.csv"
      + (spaced ? " (remove the spaces around it)" : NameSuggestion.hint(for: row.itemCode, among: masters.items, { $0.code }, file: "items.csv", field: "item_code")))
  }

  /// The checks of a row whose item is known (`item`).
  mutating func check(_ row: ItemRow, line: Int, against item: Item) {
    if !item.isStockItem {
      fail(.notStockItem, line: line, "item_code", "item \(item.code) is not a stock item (is_stock_item = 0): stockledger posts stock items only")
    }
    warehouses(row, line: line)
    quantity(row, item, line: line)
    if let r = row.rate, r.isNegative { fail(.negativeRate, line: line, "rate", "rate may not be negative") }
    let needsRate = type == .purchaseReceipt || type == .purchaseInvoice || type == .salesInvoice
    if needsRate && row.rate == nil && !voucher.isReturn {
      fail(.required, line: line, "rate", "a \(type.rawValue) row needs its rate")
    }
    if type == .stockReconciliation && row.qty == nil && row.rate == nil {
      fail(.required, line: line, "qty", "a reconciliation row sets qty, rate or both")
    }
    // What only a row's rare fields can break (most rows leave them all blank: none is read then).
    if !row.leavesExtrasBlank { checkExtras(row, line: line, against: item) }
    // Manufacture / Repack flags
    let producing = voucher.purpose == .manufacture || voucher.purpose == .repack
    if (row.isFinishedItem || row.isScrapItem) && !producing {
      fail(.notAllowedField, line: line, row.isFinishedItem ? "is_finished_item" : "is_scrap_item", "finished and scrap flags apply to Manufacture and Repack rows only")
    }
    if row.isFinishedItem && row.isScrapItem {
      fail(.badValue, line: line, "is_scrap_item", "a row is either finished or scrap, not both")
    }
    if producing && (row.isFinishedItem || row.isScrapItem) && row.targetWarehouseName.isEmpty {
      fail(.required, line: line, "target_warehouse", "finished and scrap rows are produced: they need target_warehouse")
    }
  }

  /// The checks of a row's rare fields: batch and serial presence (their availability is the engine's),
  /// serial counts, the row's accounts.
  mutating func checkExtras(_ row: ItemRow, line: Int, against item: Item) {
    if !row.batchNo.isEmpty && !item.hasBatchNo {
      fail(.notAllowedField, line: line, "batch_no", "item \(item.code) is not batch-tracked (has_batch_no = 0): clear batch_no")
    }
    if !row.serialNos.isEmpty && !item.hasSerialNo {
      fail(.notAllowedField, line: line, "serial_nos", "item \(item.code) is not serial-tracked (has_serial_no = 0): clear serial_nos")
    }
    if item.hasSerialNo, row.qty != nil, !row.serialNos.isEmpty {
      let stockQty = masters.stockQty(row, item)
      if stockQty.integerValue == nil {
        fail(.badValue, line: line, "qty", "a serialized item moves whole units: qty \(stockQty) is not a whole number")
      } else if row.serialNos.count != stockQty.integerValue {
        fail(.badValue, line: line, "serial_nos", "\(stockQty) serial numbers required for item \(item.code); \(row.serialNos.count) given")
      }
      var seen: Set<String> = []
      for s in row.serialNos where !seen.insert(s).inserted {
        fail(.badValue, line: line, "serial_nos", "serial number \(s) appears twice in the row")
      }
    }
    // Accounts
    if !row.expenseAccount.isEmpty { account(row.expenseAccount, field: "expense_account", line: line) }
    if !row.incomeAccount.isEmpty { account(row.incomeAccount, field: "income_account", line: line) }
  }

  mutating func warehouses(_ row: ItemRow, line: Int) {
    func known(_ name: InternedName, _ field: String) {
      guard let isGroup = isGroupWarehouse(name) else {
        let text = name.text
        let hint = NameSuggestion.hint(for: text, among: masters.warehouses, { $0.isGroup ? nil : $0.name }, file: "warehouses.csv", field: field)
        fail(.unknownWarehouse, line: line, field, "warehouse '\(text)' is not in warehouses.csv" + hint)
        return
      }
      if isGroup { fail(.groupWarehouse, line: line, field, "warehouse \(name) is a group warehouse and cannot hold stock") }
    }
    // (The names' boxes read, not their texts: a text is a string retained and released.)
    if type == .stockEntry {
      if !row.warehouseName.isEmpty {
        fail(.notAllowedField, line: line, "warehouse", "Stock Entry rows use source_warehouse and target_warehouse, not warehouse")
      }
      let purpose = voucher.purpose
      let hasSource = !row.sourceWarehouseName.isEmpty, hasTarget = !row.targetWarehouseName.isEmpty
      switch purpose {
      case .materialReceipt?:
        if !hasTarget { fail(.required, line: line, "target_warehouse", "Material Receipt rows need target_warehouse") }
        if hasSource { fail(.notAllowedField, line: line, "source_warehouse", "a Material Receipt has no source_warehouse") }
      case .materialIssue?:
        if !hasSource { fail(.required, line: line, "source_warehouse", "Material Issue rows need source_warehouse") }
        if hasTarget { fail(.notAllowedField, line: line, "target_warehouse", "a Material Issue has no target_warehouse") }
      case .materialTransfer?:
        if !hasSource { fail(.required, line: line, "source_warehouse", "Material Transfer rows need source_warehouse") }
        if !hasTarget { fail(.required, line: line, "target_warehouse", "Material Transfer rows need target_warehouse") }
        if hasSource && row.sourceWarehouseName == row.targetWarehouseName {
          fail(.badValue, line: line, "target_warehouse", "source and target warehouse are the same (\(row.sourceWarehouse)): a transfer must move stock somewhere else")
        }
      case .manufacture?, .repack?:
        if hasSource == hasTarget {
          fail(.badValue, line: line, hasSource ? "target_warehouse" : "source_warehouse", "a \(purpose?.rawValue ?? "") row either consumes (source_warehouse) or produces (target_warehouse)")
        }
      default: break
      }
      if hasSource { known(row.sourceWarehouseName, "source_warehouse") }
      if hasTarget { known(row.targetWarehouseName, "target_warehouse") }
      return
    }
    // Two tests, not a loop over an array of pairs (made and freed for every row).
    if !row.sourceWarehouseName.isEmpty {
      fail(.notAllowedField, line: line, "source_warehouse", "source_warehouse applies to Stock Entry rows only; use warehouse")
    }
    if !row.targetWarehouseName.isEmpty {
      fail(.notAllowedField, line: line, "target_warehouse", "target_warehouse applies to Stock Entry rows only; use warehouse")
    }
    if row.warehouseName.isEmpty {
      if movesStock || type.isOrder { fail(.required, line: line, "warehouse", "\(type.rawValue) rows need a warehouse") }
    } else if !movesStock && !type.isOrder {
      fail(.notAllowedField, line: line, "warehouse", "this \(type.rawValue) does not move stock (update_stock is 0): clear warehouse or set update_stock = 1")
    } else {
      known(row.warehouseName, "warehouse")
    }
  }

  mutating func quantity(_ row: ItemRow, _ item: Item, line: Int) {
    if let qty = row.qty {
      if type == .stockReconciliation {
        if qty.isNegative { fail(.notPositive, line: line, "qty", "a reconciliation sets a quantity of 0 or more, not \(qty)") }
      } else if !qty.isPositive {
        fail(.notPositive, line: line, "qty", "qty must be greater than 0 (the voucher type gives the direction), not \(qty)")
      }
      if !qty.hasAtMost(places: floatPrecision) {
        fail(.precision, line: line, "qty", "qty \(qty) has more decimals than float_precision \(floatPrecision) allows")
      }
    } else if type != .stockReconciliation {
      fail(.required, line: line, "qty", "qty is required")
    }
    // `Masters.conversionFactor`, read through the masters' table: calling a method on the masters would
    // retain them, an object both cores share, once per row.
    let convertible = row.leavesExtrasBlank || row.conversionFactor != nil || row.uom.isEmpty || row.uom == item.stockUOM
      || masters.uomConversions[item.code]?[row.uom] != nil
    if !convertible {
      fail(.badValue, line: line, "uom", "no conversion from \(row.uom) to \(item.stockUOM) for \(item.code): give conversion_factor or add it to uom_conversions.csv")
    }
    if let f = row.conversionFactor, !f.isPositive {
      fail(.notPositive, line: line, "conversion_factor", "conversion_factor must be greater than 0")
    }
  }

  // MARK: the rows together

  mutating func rowsTogether() {
    let v = voucher
    if type == .stockReconciliation {
      var seen: [String: Int] = [:]
      for r in v.items {
        let key = r.itemCode + "\u{1F}" + r.warehouse + "\u{1F}" + r.batchNo
        if let first = seen[key] {
          fail(.badValue, line: r.line, "item_code", "\(r.itemCode) in \(r.warehouse) is reconciled twice (also on line \(first)): one row per item and warehouse")
        } else {
          seen[key] = r.line
        }
      }
    }
    if v.purpose == .manufacture || v.purpose == .repack {
      let consumed = v.items.filter { !$0.sourceWarehouse.isEmpty }
      let finished = v.finishedRows
      if consumed.isEmpty { fail(.required, "source_warehouse", "a \(v.purpose?.rawValue ?? "") consumes something: add a row with source_warehouse") }
      if finished.isEmpty { fail(.required, "is_finished_item", "a \(v.purpose?.rawValue ?? "") produces something: add a row with target_warehouse and is_finished_item = 1") }
      if v.purpose == .manufacture && Set(finished.map(\.itemCode)).count > 1 {
        fail(.badValue, "is_finished_item", "a Manufacture produces exactly one finished item; found \(Set(finished.map(\.itemCode)).sorted().joined(separator: ", "))")
      }
    }
  }

  // MARK: taxes and additional costs

  mutating func charges() {
    let v = voucher
    // (Most vouchers have none: the joined list below was made for every voucher.)
    guard !v.taxes.isEmpty || !v.additionalCosts.isEmpty else { return }
    let taxable = type == .purchaseReceipt || type == .purchaseInvoice || type == .salesInvoice || type == .deliveryNote
    for c in v.taxes + v.additionalCosts {
      if let a = c.amount, !a.hasAtMost(places: company.currencyPrecision) {
        fail(.precision, line: c.line, "amount", "amount \(a) has more decimals than currency_precision \(company.currencyPrecision) allows: round it in the source")
      }
    }
    for c in v.taxes {
      account(c.account, field: "account", line: c.line)
      if !taxable { fail(.notAllowedField, line: c.line, "row_type", "a \(type.rawValue) has no taxes") }
      if c.category.addsToValuation && !(type == .purchaseReceipt || type == .purchaseInvoice) {
        fail(.notAllowedField, line: c.line, "tax_category", "\(c.category.rawValue) taxes add to stock value and apply to purchases only")
      }
    }
    for c in v.additionalCosts {
      account(c.account, field: "account", line: c.line)
      if type != .stockEntry { fail(.notAllowedField, line: c.line, "row_type", "additional costs belong to Stock Entries") }
      if type == .stockEntry && v.purpose == .materialIssue {
        fail(.notAllowedField, line: c.line, "row_type", "a Material Issue receives nothing that additional costs could be added to")
      }
    }
  }

  mutating func account(_ name: String, field: String, line: Int) {
    guard let a = masters.accountByName[name] else {
      let hint = NameSuggestion.hint(for: name, among: masters.accounts, { $0.isGroup ? nil : $0.name }, file: "accounts.csv", field: field)
      fail(.unknownAccount, line: line, field, "account '\(name)' is not in accounts.csv" + hint)
      return
    }
    if a.isGroup { fail(.groupAccount, line: line, field, "account \(name) is a group account; post to one of its children") }
  }
}

/// What the validator needs to know of the ledger.
public struct LedgerFacts: Sendable {
  /// Type and posting date of a posted voucher, by number (nil: no such voucher).
  public var posted: @Sendable (String) -> (type: VoucherType, date: BusinessDate)?
  public var cancelled: Set<String>
  public var closedThrough: BusinessDate?
  public init(posted: @escaping @Sendable (String) -> (type: VoucherType, date: BusinessDate)?, cancelled: Set<String> = [], closedThrough: BusinessDate? = nil) {
    self.posted = posted
    self.cancelled = cancelled
    self.closedThrough = closedThrough
  }
  /// Facts from a table of posted vouchers.
  public init(posted: [String: (type: VoucherType, date: BusinessDate)] = [:], cancelled: Set<String> = [], closedThrough: BusinessDate? = nil) {
    self.init(posted: { posted[$0] }, cancelled: cancelled, closedThrough: closedThrough)
  }
}
