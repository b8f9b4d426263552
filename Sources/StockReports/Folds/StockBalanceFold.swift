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
  public internal(set) var rows = StockKeyTable<Row>()
  public init(filter: ReportFilter = ReportFilter()) { self.filter = filter }

  /// - Complexity: O(1) amortized.
  public mutating func add(_ e: StockLedgerEntry) {
    guard filter.matches(e.key) else { return }
    if let to = filter.to, e.date > to { return }
    let opening = filter.from.map { e.date < $0 } ?? false
    StockBalanceFold.fold(e, opening: opening, into: &rows[e.key, default: Row()])
  }

  /// Applies one entry to its row, in place in the table (one lookup).
  private static func fold(_ e: StockLedgerEntry, opening: Bool, into r: inout Row) {
    if opening {
      r.openingQty += e.actualQty
      r.openingValue += e.stockValueDifference
    } else {
      if e.actualQty.isNegative { r.outQty -= e.actualQty } else { r.inQty += e.actualQty }
      if e.stockValueDifference.isNegative { r.outValue -= e.stockValueDifference } else { r.inValue += e.stockValueDifference }
    }
    r.balanceQty = e.qtyAfterTransaction
    r.balanceValue = e.stockValue
    r.rate = e.valuationRate
  }

  public static let columns = [
    "item_code", "warehouse", "opening_qty", "opening_value", "in_qty", "in_value", "out_qty", "out_value",
    "balance_qty", "balance_value", "valuation_rate",
  ]

  /// `stock-balance` rows, by item then warehouse; with `only`, the rows of those item-warehouses.
  /// - Complexity: O(k log k) in the item-warehouses written.
  public func rows(into w: inout some RowSink, places p: Int, only: Set<StockKey>? = nil) {
    // The rows sorted once and read in order (a lookup per key was a tenth of re-rendering the report).
    let pairs = only.map { o in o.compactMap { k in rows[k].map { (key: k, value: $0) } } } ?? Array(rows)
    for i in StockKey.sortedOrder(pairs.map(\.key)) {
      let (key, r) = pairs[i]
      w.withRoom(ByteWriter.usualRow) { w in  // (one check for room a row: ``RowSink/withRoom(_:_:)``)
        w.text(key.itemName)  // (from the bytes the names' boxes keep)
        w.text(key.warehouseName)
        w.plain(r.openingQty)
        w.amount(r.openingValue, places: p)
        w.plain(r.inQty)
        w.amount(r.inValue, places: p)
        w.plain(r.outQty)
        w.amount(r.outValue, places: p)
        w.plain(r.balanceQty)
        w.amount(r.balanceValue, places: p)
        w.plain(r.rate)
        w.endRow()
      }
    }
  }
}

extension StockBalanceFold {
  func encode(into w: inout BinaryWriter) {
    w.count(rows.count)
    for (k, r) in rows {  // (a lookup and an array per key, before)
      // The key and its nine numbers appended to the bytes at once (field by field, each was a call that
      // checked the array's room: 120 instructions a number, 43 M for a million-voucher ledger's rows).
      w.record(maxBytes: k.encodedSizeBound &+ 9 &* 17) { w in
        w.key(k)
        w.compactFixed(r.openingQty)
        w.compactFixed(r.openingValue)
        w.compactFixed(r.inQty)
        w.compactFixed(r.inValue)
        w.compactFixed(r.outQty)
        w.compactFixed(r.outValue)
        w.compactFixed(r.balanceQty)
        w.compactFixed(r.balanceValue)
        w.compactFixed(r.rate)
      }
    }
  }
  init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    self.init()
    let n = try r.count()
    rows.reserveCapacity(n)
    for _ in 0..<n {
      let k = try r.key()
      let row = Row(openingQty: try r.compactFixed(), openingValue: try r.compactFixed(), inQty: try r.compactFixed(), inValue: try r.compactFixed(), outQty: try r.compactFixed(),
                    outValue: try r.compactFixed(), balanceQty: try r.compactFixed(), balanceValue: try r.compactFixed(), rate: try r.compactFixed())
      guard rows.appendNew(k, row) else { throw .repeated(k, at: r.offset) }
    }
  }
}
