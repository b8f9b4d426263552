import StockCore

/// Serial status as a fold: where every serial is after the entries up to `to`, how it came and left, the
/// customer and the warranty.
public struct SerialStatusFold: Sendable {
  struct Status: Equatable {
    var item = "", batch = "", status = "", warehouse = "", received = "", receivedDate = "", delivered = "", deliveredDate = "", party = "", warranty = ""
  }
  public let filter: ReportFilter
  var serials: [String: Status] = [:]
  public init(filter: ReportFilter = ReportFilter()) { self.filter = filter }

  /// - Parameter voucher: the entry's voucher (whether it is a return, its party).
  /// - Complexity: O(serials of the entry).
  public mutating func add(_ e: StockLedgerEntry, voucher v: Voucher?, masters: Masters) {
    guard !e.serialNos.isEmpty else { return }
    if let to = filter.to, e.date > to { return }
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
          if let days = masters.itemByCode[e.itemCode]?.warrantyDays { st.warranty = e.date.adding(days: days).description }
        case (.purchaseReceipt, true), (.purchaseInvoice, true): st.status = "Returned"
        default: st.status = "Consumed"
        }
      }
      serials[no] = st
    }
  }

  /// Replaces what the fold knows of the serials of `items` by what `fresh` knows (a fold of every entry of
  /// those items, after a revaluation).
  /// - Complexity: O(serials of all items).
  mutating func replace(items: Set<String>, from fresh: SerialStatusFold) {
    if serials.values.contains(where: { items.contains($0.item) }) { serials = serials.filter { !items.contains($0.value.item) } }
    for (no, st) in fresh.serials { serials[no] = st }
  }

  public static let columns = [
    "serial_no", "item_code", "batch_no", "status", "warehouse", "received_voucher", "received_date", "delivered_voucher",
    "delivered_date", "party", "warranty_expiry_date",
  ]

  /// The serial numbers in the order of their bytes (``Swift/String/byteOrder(_:)``).
  var sortedNumbers: [String] {
    let numbers = Array(serials.keys)
    return String.byteOrder(numbers).map { numbers[$0] }
  }

  /// `serial-status` rows, by serial number.
  public func rows(into w: inout some RowSink) {
    for no in sortedNumbers {
      let st = serials[no]!
      guard filter.matches(item: st.item, warehouse: st.warehouse.isEmpty ? (filter.warehouse ?? "") : st.warehouse) else { continue }
      for f in [no, st.item, st.batch, st.status, st.warehouse, st.received, st.receivedDate, st.delivered, st.deliveredDate, st.party, st.warranty] { w.text(f) }
      w.endRow()
    }
  }
}

extension SerialStatusFold {
  func encode(into w: inout BinaryWriter) {
    w.count(serials.count)
    // In the rows' order (by bytes: for the usual ASCII numbers what the strings' `<` gave before).
    for no in sortedNumbers {
      let s = serials[no]!
      w.string(no)
      for f in [s.item, s.batch, s.status, s.warehouse, s.received, s.receivedDate, s.delivered, s.deliveredDate, s.party, s.warranty] { w.string(f) }
    }
  }
  init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    self.init()
    for _ in 0..<(try r.count()) {
      let no = try r.string()
      serials[no] = Status(item: try r.string(), batch: try r.string(), status: try r.string(), warehouse: try r.string(), received: try r.string(),
                           receivedDate: try r.string(), delivered: try r.string(), deliveredDate: try r.string(), party: try r.string(), warranty: try r.string())
    }
  }
}
