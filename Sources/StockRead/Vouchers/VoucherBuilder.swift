import StockCore

/// One row of a voucher file by column, whatever its format: a CSV line, or an XML `<item>`, `<tax>` or
/// `<additional_cost>` with its `<voucher>`'s attributes.
struct RawVoucherRow {
  var location: SourceLocation
  /// Values by ``VoucherColumn/ordinal``; "" where the file has no such column.
  var fields = [String](repeating: "", count: VoucherColumn.count)
  subscript(_ c: VoucherColumn) -> String {
    get { fields[c.ordinal] }
    set { fields[c.ordinal] = newValue }
  }
}

/// Collects the rows of one voucher, whatever format they came in, checking field syntax.
struct VoucherBuilder {
  /// The largest quantity, rate or amount accepted (10¹⁵).
  static let largest = Fixed(1_000_000_000_000_000)
  /// Where the voucher's first row is (its file is the builder's): the line, and the column or -1.
  /// Kept as two numbers, not a location with its file name and element: a builder per voucher.
  let firstLine: Int, firstColumn: Int
  /// The first row's voucher-level values joined by NUL (which neither a CSV field nor XML text can
  /// contain), kept only when they did not make a voucher: otherwise later rows are checked against the
  /// voucher's own fields, and a million single-row vouchers keep no string each (about 100 MB).
  private(set) var firstValues: String? = nil
  var voucher: Voucher?
  var diagnostics: [Diagnostic] = []

  static func voucherLevelValues(of row: RawVoucherRow) -> String {
    var s = ""
    s.reserveCapacity(64)
    for (n, c) in VoucherColumn.voucherLevel.enumerated() {
      if n > 0 { s.append("\0") }
      s += row[c]
    }
    return s
  }

  /// The builder of a voucher whose first row, at `line`, the plain reader read without a problem; the
  /// voucher is taken, not copied (the reader lets its own go: no reference is counted for it).
  init(line: Int, voucher: consuming Voucher) {
    (firstLine, firstColumn) = (line, -1)
    self.voucher = consume voucher
  }

  init(first: RawVoucherRow) {
    (firstLine, firstColumn) = (first.location.line, first.location.column ?? -1)
    let loc = first.location
    let no = first[.voucherNo]
    var ok = true
    func fail(_ code: ErrorCode, _ field: VoucherColumn, _ msg: String) {
      diagnostics.append(Diagnostic(code, at: loc, voucher: no, field: field.rawValue, msg))
      ok = false
    }
    let type = VoucherType(rawValue: first[.voucherType])
    if type == nil {
      fail(.badValue, .voucherType, "voucher_type \(quoted(first[.voucherType])) is not one of: \(VoucherType.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let date = BusinessDate(parsing: first[.postingDate])
    if date == nil { fail(.badDate, .postingDate, "posting_date \(quoted(first[.postingDate])) is not a date of the form YYYY-MM-DD") }
    var time = BusinessTime.midnight
    if !first[.postingTime].isEmpty {
      if let t = BusinessTime(parsing: first[.postingTime]) { time = t } else {
        fail(.badTime, .postingTime, "posting_time \(quoted(first[.postingTime])) is not a time of the form HH:MM[:SS]")
      }
    }
    let action = VoucherAction(rawValue: first[.action])
    if action == nil { fail(.badValue, .action, "action must be blank (submit), cancel or close") }
    var purpose: Purpose?
    if !first[.purpose].isEmpty {
      purpose = Purpose(rawValue: first[.purpose])
      if purpose == nil { fail(.badValue, .purpose, "purpose \(quoted(first[.purpose])) is not one of: \(Purpose.allCases.map(\.rawValue).joined(separator: ", "))") }
    }
    let isReturn = VoucherBuilder.flag(first[.isReturn])
    if isReturn == nil { fail(.badValue, .isReturn, "is_return must be 0 or 1") }
    let updateStock = VoucherBuilder.flag(first[.updateStock])
    if updateStock == nil { fail(.badValue, .updateStock, "update_stock must be 0 or 1") }
    guard ok, let type, let date, let action, let isReturn, let updateStock else {
      firstValues = VoucherBuilder.voucherLevelValues(of: first)
      return
    }
    var v = Voucher(type: type, no: no, date: date, time: time, source: loc)
    v.action = action
    v.purpose = purpose
    v.party = first[.party]
    v.isReturn = isReturn
    v.returnAgainst = first[.returnAgainst]
    v.updateStock = updateStock
    v.againstVoucher = first[.againstVoucher]
    v.remarks = first[.remarks]
    voucher = v
  }

  /// The columns of an item row's own (not voucher-level, not the voucher number, remarks or row type).
  static let rowColumns = VoucherColumn.allCases.filter {
    !VoucherColumn.voucherLevel.contains($0) && $0 != .voucherNo && $0 != .remarks && $0 != .rowType
  }

  /// The voucher's value of a voucher-level column as text, when a later row's `text` gives it a different
  /// value; nil when they agree (the same value, however it is spelt: `08:00` and `08:00:00`, `0` and
  /// `no`).
  static func disagreement(_ text: String, _ c: VoucherColumn, with v: Voucher) -> String? {
    switch c {
    case .voucherType: return VoucherType(rawValue: text) == v.type ? nil : v.type.rawValue
    case .postingDate: return BusinessDate(parsing: text) == v.date ? nil : v.date.description
    case .postingTime:
      return (text.isEmpty ? .midnight : BusinessTime(parsing: text)) == v.time ? nil : v.time.description
    case .action: return VoucherAction(rawValue: text) == v.action ? nil : v.action.rawValue
    case .purpose:
      // Blank is no purpose; text that is no purpose never agrees (not even with a blank first row).
      let purpose = text.isEmpty ? nil : Purpose(rawValue: text)
      let agrees = purpose == v.purpose && (purpose != nil || text.isEmpty)
      return agrees ? nil : v.purpose?.rawValue ?? ""
    case .party: return text == v.party ? nil : v.party
    case .isReturn: return flag(text) == v.isReturn ? nil : (v.isReturn ? "1" : "0")
    case .returnAgainst: return text == v.returnAgainst ? nil : v.returnAgainst
    case .updateStock: return flag(text) == v.updateStock ? nil : (v.updateStock ? "1" : "0")
    case .againstVoucher: return text == v.againstVoucher ? nil : v.againstVoucher
    default: return nil
    }
  }

  static func flag(_ s: String) -> Bool? {
    if s.isEmpty || s == "0" { return false }  // the usual values, without lowercasing a copy
    if s == "1" { return true }
    switch s.lowercased() {
    case "", "0", "false", "no": return false
    case "1", "true", "yes": return true
    default: return nil
    }
  }

  /// - Parameter names: the reader's own cache of the names it met (``InternedNameLocalCache``).
  mutating func add(_ row: RawVoucherRow, names: inout InternedNameLocalCache) {
    let loc = row.location
    let no = row[.voucherNo]
    func fail(_ code: ErrorCode, _ field: VoucherColumn, _ msg: String) {
      diagnostics.append(Diagnostic(code, at: loc, voucher: no, field: field.rawValue, msg))
    }
    if row.location.line != firstLine || (row.location.column ?? -1) != firstColumn {
      if let v = voucher {
        for c in VoucherColumn.voucherLevel {
          if let first = VoucherBuilder.disagreement(row[c], c, with: v) {
            fail(.voucherFieldsDisagree, c, "\(c.rawValue) is \(quoted(row[c])) here but \(quoted(first)) on line \(firstLine): voucher-level fields must agree on every row of a voucher")
          }
        }
      } else if let firstValues, VoucherBuilder.voucherLevelValues(of: row) != firstValues {
        let first = firstValues.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        for (n, c) in VoucherColumn.voucherLevel.enumerated() where row[c] != first[n] {
          fail(.voucherFieldsDisagree, c, "\(c.rawValue) is \(quoted(row[c])) here but \(quoted(first[n])) on line \(firstLine): voucher-level fields must agree on every row of a voucher")
        }
      }
    }
    func number(_ c: VoucherColumn) -> Fixed? {
      let s = row[c]
      if s.isEmpty { return nil }
      if let f = Fixed(parsing: s) {
      if f.magnitude > VoucherBuilder.largest {
        fail(.outOfRange, c, "\(c.rawValue) \(quoted(s)) is larger than \(VoucherBuilder.largest.plain): check the value")
        return nil
      }
      return f
    }
      fail(.badNumber, c, "\(c.rawValue) \(quoted(s)) is not a number: use digits with an optional sign and '.', at most 9 decimals, no grouping")
      return nil
    }
    func date(_ c: VoucherColumn) -> BusinessDate? {
      let s = row[c]
      if s.isEmpty { return nil }
      if let d = BusinessDate(parsing: s) { return d }
      fail(.badDate, c, "\(c.rawValue) \(quoted(s)) is not a date of the form YYYY-MM-DD")
      return nil
    }
    func flag(_ c: VoucherColumn) -> Bool {
      if let b = VoucherBuilder.flag(row[c]) { return b }
      fail(.badValue, c, "\(c.rawValue) must be 0 or 1")
      return false
    }
    guard let rowType = RowType(rawValue: row[.rowType].isEmpty ? "item" : row[.rowType]) else {
      fail(.badValue, .rowType, "row_type must be item, tax or additional_cost")
      return
    }
    switch rowType {
    case .item:
      // A cancel or close names its voucher only: a row with no item is a header row.
      if voucher?.action != .submit && VoucherBuilder.rowColumns.allSatisfy({ row[$0].isEmpty }) { return }
      var item = ItemRow(line: row.location.line, item: names.name(row[.itemCode]))
      item.barcode = row[.barcode]
      if item.itemCode.isEmpty && item.barcode.isEmpty {
        fail(.required, .itemCode, "an item row needs item_code or barcode")
      }
      item.warehouseName = names.name(row[.warehouse])
      item.sourceWarehouseName = names.name(row[.sourceWarehouse])
      item.targetWarehouseName = names.name(row[.targetWarehouse])
      item.isFinishedItem = flag(.isFinishedItem)
      item.isScrapItem = flag(.isScrapItem)
      item.qty = number(.qty)
      item.uom = row[.uom]
      item.conversionFactor = number(.conversionFactor)
      item.rate = number(.rate)
      item.batchNo = row[.batchNo]
      item.batchExpiryDate = date(.batchExpiryDate)
      item.batchManufacturingDate = date(.batchManufacturingDate)
      item.serialNos = row[.serialNos].split(separator: ";").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
      item.expenseAccount = row[.expenseAccount]
      item.incomeAccount = row[.incomeAccount]
      item.costCenter = row[.costCenter]
      item.remarks = row[.remarks]
      for c in [VoucherColumn.account, .amount, .taxRate, .taxCategory] where !row[c].isEmpty {
        fail(.notAllowedField, c, "\(c.rawValue) belongs on tax or additional_cost rows; set row_type or clear it")
      }
      voucher?.items.append(item)
    case .tax, .additionalCost:
      let account = row[.account]
      if account.isEmpty { fail(.required, .account, "a \(rowType.rawValue) row needs an account") }
      var category = TaxCategory.total
      if !row[.taxCategory].isEmpty {
        if let c = TaxCategory(rawValue: row[.taxCategory]) { category = c } else {
          fail(.badValue, .taxCategory, "tax_category must be Total, Valuation or Valuation and Total")
        }
      } else if rowType == .additionalCost {
        category = .valuation
      }
      let amount = number(.amount)
      let rate = number(.taxRate)
      if amount == nil && rate == nil && !row[.amount].isEmpty == false && row[.taxRate].isEmpty {
        fail(.required, .amount, "a \(rowType.rawValue) row needs amount or tax_rate")
      }
      if !row[.amount].isEmpty && !row[.taxRate].isEmpty {
        fail(.badValue, .taxRate, "give either amount or tax_rate, not both")
      }
      if rowType == .additionalCost && !row[.taxRate].isEmpty {
        fail(.notAllowedField, .taxRate, "additional costs are fixed amounts: use amount")
      }
      for c in [VoucherColumn.itemCode, .barcode, .qty, .rate, .serialNos, .batchNo] where !row[c].isEmpty {
        fail(.notAllowedField, c, "\(c.rawValue) belongs on item rows, not on a \(rowType.rawValue) row")
      }
      var charge = ChargeRow(line: row.location.line, account: account, amount: amount, taxRate: rate, category: category)
      charge.remarks = row[.remarks]
      if rowType == .tax { voucher?.taxes.append(charge) } else { voucher?.additionalCosts.append(charge) }
    }
  }
}
