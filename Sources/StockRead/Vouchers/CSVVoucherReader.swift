import StockCore

/// Reads the CSV voucher layout (SPEC §4.1): one row per voucher line, grouped into vouchers by
/// `voucher_no` in order of first appearance. Field syntax is checked here (numbers, dates, enumerations,
/// voucher-level fields agreeing across rows); references to master data are the validator's job.
public enum CSVVoucherReader {
  /// - Complexity: O(n) in the size of the file.
  public static func read(bytes: [UInt8], file: String) -> VoucherFile {
    var result = VoucherFile(name: file)
    let records: [CSVRecord]
    do { records = try CSVParser.parse(bytes, file: file) } catch {
      result.diagnostics.append(error)
      return result
    }
    guard let headerRecord = records.first, !headerRecord.isBlank else {
      result.diagnostics.append(Diagnostic(.emptyFile, at: SourceLocation(file: file, line: 0), "the file is empty: it needs a header line and voucher rows"))
      return result
    }
    result.header = headerRecord.fields
    var columns: [VoucherColumn?] = []
    var seen: Set<VoucherColumn> = []
    for name in headerRecord.fields {
      let col = VoucherColumn(rawValue: name)
      if col == nil {
        result.diagnostics.append(Diagnostic(.unknownColumn, at: SourceLocation(file: file, line: headerRecord.line), field: name,
          "unknown column \(name): check the spelling against the layout in Schemas/voucher-csv-layout.json"))
      } else if let col, seen.contains(col) {
        result.diagnostics.append(Diagnostic(.duplicateColumn, at: SourceLocation(file: file, line: headerRecord.line), field: name, "column \(name) appears twice"))
      }
      if let col { seen.insert(col) }
      columns.append(col)
    }
    for r in VoucherColumn.required where !seen.contains(r) {
      result.diagnostics.append(Diagnostic(.missingColumn, at: SourceLocation(file: file, line: headerRecord.line), field: r.rawValue, "the header lacks the required column \(r.rawValue)"))
    }
    if !result.diagnostics.isEmpty { return result }

    var order: [String] = []
    var builders: [String: Builder] = [:]
    for rec in records.dropFirst() where !rec.isBlank {
      result.rowCount += 1
      let loc = SourceLocation(file: file, line: rec.line)
      if rec.fields.count != columns.count {
        result.diagnostics.append(Diagnostic(.fieldCount, at: loc, "the line has \(rec.fields.count) fields but the header has \(columns.count): check for an unquoted comma"))
        continue
      }
      var row = RawRow(line: rec.line)
      for (i, c) in columns.enumerated() { if let c { row.values[c] = rec.fields[i] } }
      let no = row[.voucherNo]
      if no.isEmpty {
        result.diagnostics.append(Diagnostic(.required, at: loc, field: "voucher_no", "voucher_no is blank: every row names its voucher"))
        continue
      }
      result.recordsByVoucher[no, default: []].append(rec)
      if builders[no] == nil {
        order.append(no)
        builders[no] = Builder(first: row, file: file)
      }
      builders[no]!.add(row)
    }
    for no in order {
      guard let b = builders[no] else { continue }
      result.diagnostics += b.diagnostics
      if let v = b.voucher { result.vouchers.append(v) }
    }
    return result
  }

  /// One CSV row by column.
  struct RawRow {
    var line: Int
    var values: [VoucherColumn: String] = [:]
    subscript(_ c: VoucherColumn) -> String { values[c] ?? "" }
  }

  /// Collects the rows of one voucher.
  struct Builder {
    let file: String
    let first: RawRow
    var voucher: Voucher?
    var diagnostics: [Diagnostic] = []

    init(first: RawRow, file: String) {
      self.file = file
      self.first = first
      let loc = SourceLocation(file: file, line: first.line)
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
      let isReturn = Builder.flag(first[.isReturn])
      if isReturn == nil { fail(.badValue, .isReturn, "is_return must be 0 or 1") }
      let updateStock = Builder.flag(first[.updateStock])
      if updateStock == nil { fail(.badValue, .updateStock, "update_stock must be 0 or 1") }
      guard ok, let type, let date, let action, let isReturn, let updateStock else { return }
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

    static func flag(_ s: String) -> Bool? {
      switch s.lowercased() {
      case "", "0", "false", "no": return false
      case "1", "true", "yes": return true
      default: return nil
      }
    }

    mutating func add(_ row: RawRow) {
      let loc = SourceLocation(file: file, line: row.line)
      let no = row[.voucherNo]
      func fail(_ code: ErrorCode, _ field: VoucherColumn, _ msg: String) {
        diagnostics.append(Diagnostic(code, at: loc, voucher: no, field: field.rawValue, msg))
      }
      if row.line != first.line {
        for c in VoucherColumn.voucherLevel where row[c] != first[c] {
          fail(.voucherFieldsDisagree, c, "\(c.rawValue) is \(quoted(row[c])) here but \(quoted(first[c])) on line \(first.line): voucher-level fields must agree on every row of a voucher")
        }
      }
      func number(_ c: VoucherColumn) -> Fixed? {
        let s = row[c]
        if s.isEmpty { return nil }
        if let f = Fixed(parsing: s) { return f }
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
        if let b = Builder.flag(row[c]) { return b }
        fail(.badValue, c, "\(c.rawValue) must be 0 or 1")
        return false
      }
      guard let rowType = RowType(rawValue: row[.rowType].isEmpty ? "item" : row[.rowType]) else {
        fail(.badValue, .rowType, "row_type must be item, tax or additional_cost")
        return
      }
      switch rowType {
      case .item:
        var item = ItemRow(line: row.line, itemCode: row[.itemCode])
        item.barcode = row[.barcode]
        if item.itemCode.isEmpty && item.barcode.isEmpty {
          fail(.required, .itemCode, "an item row needs item_code or barcode")
        }
        item.warehouse = row[.warehouse]
        item.sourceWarehouse = row[.sourceWarehouse]
        item.targetWarehouse = row[.targetWarehouse]
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
        var charge = ChargeRow(line: row.line, account: account, amount: amount, taxRate: rate, category: category)
        charge.remarks = row[.remarks]
        if rowType == .tax { voucher?.taxes.append(charge) } else { voucher?.additionalCosts.append(charge) }
      }
    }
  }
}

func quoted(_ s: String) -> String { "'\(s)'" }
