import StockCore

/// Checks vouchers against master data and the static rules of SPEC §5.2, before anything posts, and
/// normalizes them (barcodes resolved to item codes). Availability (stock, batch, serial at posting time)
/// is checked by the posting engine, which knows the timeline.
public struct VoucherValidator: Sendable {
  public let masters: Masters
  /// Voucher numbers already in the ledger.
  public let postedVoucherNos: Set<String>

  public init(masters: Masters, postedVoucherNos: Set<String>) {
    self.masters = masters
    self.postedVoucherNos = postedVoucherNos
  }

  /// Validates one voucher; returns it normalized, or every problem found.
  public func validate(_ input: Voucher) -> Result<Voucher, VoucherProblems> {
    var v = input
    var problems: [Diagnostic] = []
    func fail(_ code: ErrorCode, line: Int, _ field: String, _ msg: String) {
      var loc = v.source
      loc.line = line
      problems.append(Diagnostic(code, at: loc, voucher: v.no, field: field, msg))
    }
    let first = v.source.line
    if postedVoucherNos.contains(v.no) {
      fail(.duplicateVoucher, line: first, "voucher_no", "voucher \(v.no) is already posted in the ledger: voucher numbers are unique; use a new number (or action=cancel to reverse it)")
    }
    if v.action != .submit {
      fail(.unsupported, line: first, "action", "action=\(v.action.rawValue) is not supported yet: only submissions post in this version")
    }
    if v.isReturn {
      fail(.unsupported, line: first, "is_return", "returns are not supported yet in this version")
    }
    switch v.type {
    case .purchaseReceipt, .deliveryNote:
      if v.purpose != nil { fail(.notAllowedField, line: first, "purpose", "purpose applies to Stock Entry and Stock Reconciliation only") }
    case .stockEntry:
      switch v.purpose {
      case nil: fail(.required, line: first, "purpose", "a Stock Entry needs a purpose: Material Receipt, Material Issue or Material Transfer")
      case .materialReceipt?, .materialIssue?, .materialTransfer?: break
      case let p?: fail(.unsupported, line: first, "purpose", "Stock Entry purpose \(p.rawValue) is not supported yet in this version")
      }
    default:
      fail(.unsupported, line: first, "voucher_type", "\(v.type.rawValue) is not supported yet in this version: supported are Purchase Receipt, Delivery Note and Stock Entry")
    }
    if v.items.isEmpty {
      fail(.noItemRows, line: first, "item_code", "the voucher has no item rows")
    }
    if !v.party.isEmpty, !masters.parties.isEmpty, masters.partyByName[v.party] == nil {
      fail(.unknownParty, line: first, "party", "party \(v.party) is not in parties.csv")
    }
    let company = masters.company
    for i in v.items.indices {
      var row = v.items[i]
      let line = row.line
      // item code or barcode
      if !row.barcode.isEmpty {
        if let code = masters.itemCodeByBarcode[row.barcode] ?? (masters.itemByCode[row.barcode] != nil ? row.barcode : nil) {
          if !row.itemCode.isEmpty && row.itemCode != code {
            fail(.badValue, line: line, "barcode", "barcode \(row.barcode) is item \(code), but item_code says \(row.itemCode)")
          }
          row.itemCode = code
        } else {
          fail(.unknownItem, line: line, "barcode", "barcode \(row.barcode) belongs to no item in items.csv")
        }
      } else if masters.itemByCode[row.itemCode] == nil, let code = masters.itemCodeByBarcode[row.itemCode] {
        row.itemCode = code  // a barcode given as item_code
      }
      guard let item = masters.itemByCode[row.itemCode] else {
        if row.barcode.isEmpty { fail(.unknownItem, line: line, "item_code", "item \(row.itemCode) is not in items.csv") }
        v.items[i] = row
        continue
      }
      if !item.isStockItem {
        fail(.notStockItem, line: line, "item_code", "item \(item.code) is not a stock item (is_stock_item = 0) and cannot move stock")
      }
      // warehouses by voucher type
      func checkWarehouse(_ name: String, _ field: String) {
        guard let w = masters.warehouseByName[name] else {
          fail(.unknownWarehouse, line: line, field, "warehouse \(name) is not in warehouses.csv")
          return
        }
        if w.isGroup { fail(.groupWarehouse, line: line, field, "warehouse \(name) is a group warehouse and cannot hold stock") }
      }
      if v.type == .stockEntry {
        if !row.warehouse.isEmpty {
          fail(.notAllowedField, line: line, "warehouse", "Stock Entry rows use source_warehouse and target_warehouse, not warehouse")
        }
        let needsSource = v.purpose == .materialIssue || v.purpose == .materialTransfer
        let needsTarget = v.purpose == .materialReceipt || v.purpose == .materialTransfer
        if needsSource {
          if row.sourceWarehouse.isEmpty { fail(.required, line: line, "source_warehouse", "\(v.purpose?.rawValue ?? "") rows need source_warehouse") } else {
            checkWarehouse(row.sourceWarehouse, "source_warehouse")
          }
        } else if !row.sourceWarehouse.isEmpty {
          fail(.notAllowedField, line: line, "source_warehouse", "a Material Receipt has no source_warehouse")
        }
        if needsTarget {
          if row.targetWarehouse.isEmpty { fail(.required, line: line, "target_warehouse", "\(v.purpose?.rawValue ?? "") rows need target_warehouse") } else {
            checkWarehouse(row.targetWarehouse, "target_warehouse")
          }
        } else if !row.targetWarehouse.isEmpty {
          fail(.notAllowedField, line: line, "target_warehouse", "a Material Issue has no target_warehouse")
        }
        if needsSource && needsTarget && row.sourceWarehouse == row.targetWarehouse && !row.sourceWarehouse.isEmpty {
          fail(.badValue, line: line, "target_warehouse", "source and target warehouse are the same (\(row.sourceWarehouse)): a transfer must move stock somewhere else")
        }
      } else {
        if row.warehouse.isEmpty { fail(.required, line: line, "warehouse", "\(v.type.rawValue) rows need a warehouse") } else {
          checkWarehouse(row.warehouse, "warehouse")
        }
        for (f, value) in [("source_warehouse", row.sourceWarehouse), ("target_warehouse", row.targetWarehouse)] where !value.isEmpty {
          fail(.notAllowedField, line: line, f, "\(f) applies to Stock Entry rows only; use warehouse")
        }
      }
      // quantity and unit
      if let qty = row.qty {
        if !qty.isPositive { fail(.notPositive, line: line, "qty", "qty must be greater than 0 (direction comes from the voucher type), not \(qty)") }
      } else {
        fail(.required, line: line, "qty", "qty is required")
      }
      if !row.uom.isEmpty && row.uom != item.stockUOM {
        if masters.conversionFactor(row, item) == nil {
          fail(.badValue, line: line, "uom", "no conversion from \(row.uom) to \(item.stockUOM) for \(item.code): give conversion_factor or add it to uom_conversions.csv")
        }
      }
      if let f = row.conversionFactor, !f.isPositive {
        fail(.notPositive, line: line, "conversion_factor", "conversion_factor must be greater than 0")
      }
      if let r = row.rate, r.isNegative { fail(.negativeRate, line: line, "rate", "rate may not be negative") }
      if v.type == .purchaseReceipt && row.rate == nil {
        fail(.required, line: line, "rate", "a Purchase Receipt row needs the purchase rate")
      }
      // batch and serial presence
      if !row.batchNo.isEmpty && !item.hasBatchNo {
        fail(.notAllowedField, line: line, "batch_no", "item \(item.code) is not batch-tracked (has_batch_no = 0): clear batch_no")
      }
      if !row.serialNos.isEmpty && !item.hasSerialNo {
        fail(.notAllowedField, line: line, "serial_nos", "item \(item.code) is not serial-tracked (has_serial_no = 0): clear serial_nos")
      }
      if item.hasSerialNo, let qty = row.qty, !row.serialNos.isEmpty {
        if qty.integerValue == nil {
          fail(.badValue, line: line, "qty", "a serialized item moves whole units: qty \(qty) is not a whole number")
        } else if row.serialNos.count != qty.integerValue {
          fail(.badValue, line: line, "serial_nos", "\(qty) serial numbers required for item \(item.code); \(row.serialNos.count) given")
        }
        var seen: Set<String> = []
        for s in row.serialNos where !seen.insert(s).inserted {
          fail(.badValue, line: line, "serial_nos", "serial number \(s) appears twice in the row")
        }
      }
      for (f, acc) in [("expense_account", row.expenseAccount), ("income_account", row.incomeAccount)] where !acc.isEmpty {
        checkAccount(acc, field: f, line: line, fail)
      }
      if let qty = row.qty, qty.isPositive, !qty.hasAtMost(places: company.floatPrecision) {
        fail(.precision, line: line, "qty", "qty \(qty) has more decimals than float_precision \(company.floatPrecision) allows")
      }
      v.items[i] = row
    }
    for c in v.taxes {
      checkAccount(c.account, field: "account", line: c.line, fail)
      if v.type != .purchaseReceipt && c.category.addsToValuation {
        fail(.notAllowedField, line: c.line, "tax_category", "\(c.category.rawValue) taxes add to stock value and apply to purchases only")
      }
    }
    for c in v.additionalCosts {
      checkAccount(c.account, field: "account", line: c.line, fail)
      if v.type != .stockEntry { fail(.notAllowedField, line: c.line, "row_type", "additional costs belong to Stock Entries") }
    }
    return problems.isEmpty ? .success(v) : .failure(VoucherProblems(diagnostics: problems))
  }

  func checkAccount(_ name: String, field: String, line: Int, _ fail: (ErrorCode, Int, String, String) -> Void) {
    guard let a = masters.accountByName[name] else {
      fail(.unknownAccount, line, field, "account \(name) is not in accounts.csv")
      return
    }
    if a.isGroup { fail(.groupAccount, line, field, "account \(name) is a group account; post to one of its children") }
  }

}
