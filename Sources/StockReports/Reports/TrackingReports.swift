import StockCore

/// Batch and serial reports (SPEC §7, reference §7): balances per batch, the status of every serial, and
/// the full history of one serial or batch (`stockledger trace`), all derived from the stock ledger.
public enum TrackingReports {
  /// Status of every serial after the entries (see ``SerialStatusFold``).
  public static func serialStatus(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    LedgerFolds.of(s, filter: f).table("serial-status", masters: s.masters, planning: s.planning)!
  }

  /// Quantity and value of every batch in every warehouse, with its expiry (see ``BatchBalanceFold``).
  public static func batchBalance(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    LedgerFolds.of(s, filter: f).table("batch-balance", masters: s.masters, planning: s.planning)!
  }

  /// Every movement of one serial or batch, with the party of each voucher.
  public static func trace(_ s: ReportSource, serial: String? = nil, batch: String? = nil) -> ReportTable {
    var t = ReportTable(columns: ["posting_date", "posting_time", "voucher_type", "voucher_no", "purpose", "is_return", "item_code", "warehouse", "batch_no", "qty", "value", "party"])
    for e in s.entries {
      if let serial, !e.serialNos.contains(serial) { continue }
      if let batch, e.batchNo != batch { continue }
      let v = s.vouchers[e.voucherNo]
      let qty = serial != nil ? (e.actualQty.isNegative ? Fixed(-1) : Fixed(1)) : e.actualQty
      let value = serial != nil ? e.stockValueDifference.divided(by: Fixed(max(e.serialNos.count, 1)), places: s.places, rule: s.masters.company.rounding) : e.stockValueDifference
      t.rows.append([
        e.date.description, e.time.description, e.voucherType.rawValue, e.voucherNo, v?.purpose?.rawValue ?? "",
        v?.isReturn == true ? "1" : "", e.itemCode, e.warehouse, e.batchNo, qty.plain, value.formatted(places: s.places), v?.party ?? "",
      ])
    }
    return t
  }

  /// The recall list of a batch: every customer that received it, with the quantity net of returns.
  public static func recipients(_ s: ReportSource, batch: String) -> ReportTable {
    var net: [String: Quantity] = [:]
    var vouchers: [String: [String]] = [:]
    for e in s.entries where e.batchNo == batch && (e.voucherType == .deliveryNote || e.voucherType == .salesInvoice) {
      let party = s.vouchers[e.voucherNo]?.party ?? ""
      net[party, default: .zero] -= e.actualQty
      if !(vouchers[party]?.contains(e.voucherNo) ?? false) { vouchers[party, default: []].append(e.voucherNo) }
    }
    var t = ReportTable(columns: ["party", "qty_received", "vouchers"])
    for p in net.keys.sorted() { t.rows.append([p, (net[p] ?? .zero).plain, (vouchers[p] ?? []).joined(separator: ";")]) }
    return t
  }
}
