import StockCore

/// Batch and serial reports (SPEC §7, reference §7): balances per batch, the status of every serial, and
/// the full history of one serial or batch (`stockledger trace`), all derived from the stock ledger.
public enum TrackingReports {
  /// Status of every serial after the entries: where it is, how it came and left, the customer, warranty.
  public static func serialStatus(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    struct Status {
      var item = "", batch = "", status = "", warehouse = "", received = "", receivedDate = "", delivered = "", deliveredDate = "", party = "", warranty = ""
    }
    var serials: [String: Status] = [:]
    for e in s.entries where !e.serialNos.isEmpty {
      if let to = f.to, e.date > to { continue }
      let v = s.vouchers[e.voucherNo]
      for no in e.serialNos {
        var st = serials[no] ?? Status()
        st.item = e.itemCode
        st.batch = e.batchNo
        if e.actualQty.isPositive {
          st.status = "Active"
          st.warehouse = e.warehouse
          if st.received.isEmpty {
            st.received = e.voucherNo
            st.receivedDate = e.date.description
          }
        } else {
          st.warehouse = ""
          switch (e.voucherType, v?.isReturn ?? false) {
          case (.deliveryNote, false), (.salesInvoice, false):
            st.status = "Delivered"
            st.delivered = e.voucherNo
            st.deliveredDate = e.date.description
            st.party = v?.party ?? ""
            if let days = s.masters.itemByCode[e.itemCode]?.warrantyDays { st.warranty = e.date.adding(days: days).description }
          case (.purchaseReceipt, true), (.purchaseInvoice, true): st.status = "Returned"
          default: st.status = "Consumed"
          }
        }
        serials[no] = st
      }
    }
    var t = ReportTable(columns: [
      "serial_no", "item_code", "batch_no", "status", "warehouse", "received_voucher", "received_date", "delivered_voucher",
      "delivered_date", "party", "warranty_expiry_date",
    ])
    for no in serials.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
      guard let st = serials[no], f.matches(item: st.item, warehouse: st.warehouse.isEmpty ? (f.warehouse ?? "") : st.warehouse) else { continue }
      t.rows.append([no, st.item, st.batch, st.status, st.warehouse, st.received, st.receivedDate, st.delivered, st.deliveredDate, st.party, st.warranty])
    }
    return t
  }

  /// Quantity and value of every batch in every warehouse, with its expiry.
  public static func batchBalance(_ s: ReportSource, _ f: ReportFilter = ReportFilter()) -> ReportTable {
    struct Key: Hashable, Comparable {
      var item: String, warehouse: String, batch: String
      static func < (a: Key, b: Key) -> Bool { (a.item, a.warehouse, a.batch) < (b.item, b.warehouse, b.batch) }
    }
    var balance: [Key: (Quantity, Amount)] = [:]
    let expiry = batchExpiries(s)
    for e in s.entries where !e.batchNo.isEmpty && f.matches(item: e.itemCode, warehouse: e.warehouse) {
      if let to = f.to, e.date > to { continue }
      let k = Key(item: e.itemCode, warehouse: e.warehouse, batch: e.batchNo)
      var b = balance[k] ?? (.zero, .zero)
      b.0 += e.actualQty
      b.1 += e.stockValueDifference
      if b.0.isZero { b.1 = .zero }
      balance[k] = b
    }
    var t = ReportTable(columns: ["item_code", "warehouse", "batch_no", "expiry_date", "balance_qty", "balance_value"])
    for k in balance.keys.sorted() {
      guard let (q, v) = balance[k], !(q.isZero && v.isZero) else { continue }
      t.rows.append([k.item, k.warehouse, k.batch, expiry[k.batch]?.description ?? "", q.plain, v.formatted(places: s.places)])
    }
    return t
  }

  /// Expiry of every batch: from the row of its first receipt.
  static func batchExpiries(_ s: ReportSource) -> [String: BusinessDate] {
    var out: [String: BusinessDate] = [:]
    var seen: Set<String> = []
    for e in s.entries where !e.batchNo.isEmpty && e.actualQty.isPositive && !seen.contains(e.batchNo) {
      seen.insert(e.batchNo)
      let row = s.vouchers[e.voucherNo]?.items.first { $0.batchNo == e.batchNo && $0.itemCode == e.itemCode }
      if let item = s.masters.itemByCode[e.itemCode], let d = item.batchExpiry(given: row?.batchExpiryDate, receivedOn: e.date) {
        out[e.batchNo] = d
      }
    }
    return out
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
