import StockCore

/// Stock balance as a fold over stock ledger entries in posting order: per item and warehouse, opening
/// (before `from`), in and out (quantities by the sign of the movement, values by the sign of the value
/// change, as ERPNext's Stock Balance), and the balance and valuation rate of the last entry up to `to`.
public struct StockBalanceFold: Sendable {
  public struct Row: Sendable, Equatable {
    public var openingQty = Fixed.zero, openingValue = Fixed.zero
    public var inQty = Fixed.zero, inValue = Fixed.zero, outQty = Fixed.zero, outValue = Fixed.zero
    public var balanceQty = Fixed.zero, balanceValue = Fixed.zero, rate = Fixed.zero
  }
  public let filter: ReportFilter
  public internal(set) var rows: [StockKey: Row] = [:]
  public init(filter: ReportFilter = ReportFilter()) { self.filter = filter }

  /// - Complexity: O(1) amortized.
  public mutating func add(_ e: StockLedgerEntry) {
    guard filter.matches(item: e.itemCode, warehouse: e.warehouse) else { return }
    if let to = filter.to, e.date > to { return }
    let key = StockKey(item: e.itemCode, warehouse: e.warehouse)
    var r = rows[key] ?? Row()
    if let from = filter.from, e.date < from {
      r.openingQty += e.actualQty
      r.openingValue += e.stockValueDifference
    } else {
      if e.actualQty.isNegative { r.outQty -= e.actualQty } else { r.inQty += e.actualQty }
      if e.stockValueDifference.isNegative { r.outValue -= e.stockValueDifference } else { r.inValue += e.stockValueDifference }
    }
    r.balanceQty = e.qtyAfterTransaction
    r.balanceValue = e.stockValue
    r.rate = e.valuationRate
    rows[key] = r
  }

  /// `stock-balance`, by item then warehouse.
  /// - Complexity: O(k log k) in the item-warehouses.
  public func table(places p: Int) -> ReportTable {
    var t = ReportTable(columns: [
      "item_code", "warehouse", "opening_qty", "opening_value", "in_qty", "in_value", "out_qty", "out_value",
      "balance_qty", "balance_value", "valuation_rate",
    ])
    for key in rows.keys.sorted() {
      let r = rows[key]!
      t.rows.append([
        key.item, key.warehouse, r.openingQty.plain, r.openingValue.formatted(places: p), r.inQty.plain, r.inValue.formatted(places: p),
        r.outQty.plain, r.outValue.formatted(places: p), r.balanceQty.plain, r.balanceValue.formatted(places: p), r.rate.plain,
      ])
    }
    return t
  }
}

extension StockBalanceFold {
  func encode(into w: inout BinaryWriter) {
    w.count(rows.count)
    for k in rows.keys.sorted() {
      let r = rows[k]!
      w.key(k)
      for f in [r.openingQty, r.openingValue, r.inQty, r.inValue, r.outQty, r.outValue, r.balanceQty, r.balanceValue, r.rate] { w.fixed(f) }
    }
  }
  init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    self.init()
    for _ in 0..<(try r.count()) {
      let k = try r.key()
      rows[k] = Row(openingQty: try r.fixed(), openingValue: try r.fixed(), inQty: try r.fixed(), inValue: try r.fixed(), outQty: try r.fixed(),
                    outValue: try r.fixed(), balanceQty: try r.fixed(), balanceValue: try r.fixed(), rate: try r.fixed())
    }
  }
}
