import StockCore

/// Batch balance as a fold: quantity and value of every batch in every warehouse up to `to`, and each
/// batch's expiry from the row of its first receipt.
public struct BatchBalanceFold: Sendable {
  struct Key: Hashable, Comparable {
    var item: String, warehouse: String, batch: String
    static func < (a: Key, b: Key) -> Bool { (a.item, a.warehouse, a.batch) < (b.item, b.warehouse, b.batch) }
  }
  public let filter: ReportFilter
  var balance: [Key: (qty: Quantity, value: Amount)] = [:]
  var expiry: [String: BusinessDate] = [:]
  var received: Set<String> = []
  public init(filter: ReportFilter = ReportFilter()) { self.filter = filter }

  /// - Parameter voucher: the entry's voucher (its row gives a new batch's expiry date).
  /// - Complexity: O(rows of the voucher) for a batch's first receipt, else O(1).
  public mutating func add(_ e: StockLedgerEntry, voucher: Voucher?, masters: Masters) {
    guard !e.batchNo.isEmpty else { return }
    if e.actualQty.isPositive && !received.contains(e.batchNo) {
      received.insert(e.batchNo)
      let row = voucher?.items.first { $0.batchNo == e.batchNo && $0.itemCode == e.itemCode }
      if let item = masters.itemByCode[e.itemCode], let d = item.batchExpiry(given: row?.batchExpiryDate, receivedOn: e.date) {
        expiry[e.batchNo] = d
      }
    }
    guard filter.matches(e.key) else { return }
    if let to = filter.to, e.date > to { return }
    let k = Key(item: e.itemCode, warehouse: e.warehouse, batch: e.batchNo)
    var b = balance[k] ?? (.zero, .zero)
    b.qty += e.actualQty
    b.value += e.stockValueDifference
    if b.qty.isZero { b.value = .zero }
    balance[k] = b
  }

  /// Replaces what the fold knows of the batches of `items` by what `fresh` knows (a fold of every entry of
  /// those items, after a revaluation).
  /// - Complexity: O(batches of all items).
  mutating func replace(items: Set<String>, from fresh: BatchBalanceFold) {
    var names: Set<String> = []
    for k in balance.keys where items.contains(k.item) { names.insert(k.batch) }
    if !names.isEmpty {
      balance = balance.filter { !items.contains($0.key.item) }
      for n in names {
        expiry[n] = nil
        received.remove(n)
      }
    }
    for (k, b) in fresh.balance { balance[k] = b }
    for (n, d) in fresh.expiry { expiry[n] = d }
    received.formUnion(fresh.received)
  }

  public static let columns = ["item_code", "warehouse", "batch_no", "expiry_date", "balance_qty", "balance_value"]

  /// `batch-balance` rows, by item, warehouse, batch; empty batches left out.
  public func rows(into w: inout some RowSink, places: Int) {
    for k in balance.keys.sorted() {
      let (q, v) = balance[k]!
      guard !(q.isZero && v.isZero) else { continue }
      w.text(k.item)
      w.text(k.warehouse)
      w.text(k.batch)
      w.text(expiry[k.batch]?.description ?? "")
      w.plain(q)
      w.amount(v, places: places)
      w.endRow()
    }
  }
}

extension BatchBalanceFold {
  func encode(into w: inout BinaryWriter) {
    w.count(balance.count)
    for k in balance.keys.sorted() {
      let b = balance[k]!
      w.string(k.item)
      w.string(k.warehouse)
      w.string(k.batch)
      w.compactFixed(b.qty)
      w.compactFixed(b.value)
    }
    w.count(expiry.count)
    for b in expiry.keys.sorted() {
      w.string(b)
      w.date(expiry[b]!)
    }
    w.count(received.count)
    for b in received.sorted() { w.string(b) }
  }
  init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    self.init()
    for _ in 0..<(try r.count()) {
      let k = Key(item: try r.string(), warehouse: try r.string(), batch: try r.string())
      balance[k] = (try r.compactFixed(), try r.compactFixed())
    }
    for _ in 0..<(try r.count()) { expiry[try r.string()] = try r.date() }
    for _ in 0..<(try r.count()) { received.insert(try r.string()) }
  }
}
