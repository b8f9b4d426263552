import StockCore

/// The registries of some batch and serial items: what a part of the history replayed for them must give
/// back (compared with the head's), and what a run that replays the part takes out of the head's state
/// first.
public struct TrackedRegistries: Equatable, Sendable {
  public var serials: [String: SerialState] = [:]
  public var batches: [String: BatchState] = [:]
  public var batchStock: [BatchKey: BatchStock] = [:]
  /// The lists of serials and batches in stock, per item-warehouse; empty lists left out (a list emptied by
  /// its last delivery stays in the state as an empty one).
  public var serialsIn: [StockKey: [String]] = [:]
  public var batchesIn: [StockKey: [String]] = [:]
  public var counts: [String: TrackedCounts] = [:]
}

extension PostingState {
  /// The registries of `items` (batch or serial items), with their lists in `keys` (which must hold every
  /// item-warehouse of each).
  /// - Complexity: O(serials + batches + batch stock of all items).
  public func tracked(of items: Set<String>, keys: Set<StockKey>) -> TrackedRegistries {
    registries(of: items.contains, lists: keys.filter { items.contains($0.item) })
  }

  /// The registries of every item (what `verify` compares with a replay's).
  /// - Complexity: O(serials + batches + batch stock + lists).
  public var allTracked: TrackedRegistries {
    registries(of: { _ in true }, lists: Set(serialsIn.keys).union(batchesIn.keys))
  }

  /// The registries of the items `holds` says, with their lists in `lists`.
  private func registries(of holds: (String) -> Bool, lists: Set<StockKey>) -> TrackedRegistries {
    var r = TrackedRegistries()
    for (no, s) in serials where holds(s.item) { r.serials[no] = s }
    for (no, b) in batches where holds(b.item) { r.batches[no] = b }
    for (k, b) in batchStock where r.batches[k.batch] != nil { r.batchStock[k] = b }
    for k in lists {
      if let l = serialsIn[k], !l.isEmpty { r.serialsIn[k] = Array(l) }
      if let l = batchesIn[k], !l.isEmpty { r.batchesIn[k] = Array(l) }
    }
    for (i, c) in tracked where holds(i) { r.counts[i] = c }
    return r
  }

  /// Takes the registries of `items` out of the state, and their lists in `keys` (which must hold every
  /// item-warehouse of each): a run that replays their whole history from here makes them again.
  /// - Complexity: O(serials + batches + batch stock of all items).
  public mutating func removeTracked(_ items: Set<String>, keys: Set<StockKey>) {
    guard !items.isEmpty else { return }
    var gone: Set<String> = []
    for (no, b) in batches where items.contains(b.item) { gone.insert(no) }
    if !gone.isEmpty {
      batches = batches.filter { !gone.contains($0.key) }
      batchStock = batchStock.filter { !gone.contains($0.key.batch) }
    }
    if serials.values.contains(where: { items.contains($0.item) }) { serials = serials.filter { !items.contains($0.value.item) } }
    for k in keys where items.contains(k.item) {
      serialsIn[k] = nil
      batchesIn[k] = nil
    }
    for i in items { tracked[i] = nil }
  }
}

/// The highest number each naming series has reached in a ledger's vouchers, cancelled ones included:
/// where a replay's series start (``PostingState/seriesUsed``), so that a voucher that takes a name from a
/// series takes the next number after every name the ledger holds, whatever its date — as a series counter
/// does (ERPNext's is never wound back), and as a run that continues from the head snapshot does. (Counted
/// from the vouchers before it only, a backdated receipt took a number a later posted voucher had: the
/// serial was received twice, and the ledger no longer posted.)
public struct SeriesReached: Sendable {
  let masters: Masters
  public private(set) var used: [String: Int] = [:]
  public init(masters: Masters) { self.masters = masters }

  /// Notes the batch and serial names of `v`'s rows that are of their item's series.
  /// - Complexity: O(1) for a voucher without batches or serials, else O(rows + serials).
  public mutating func add(_ v: Voucher) {
    guard v.hasTrackedRows else { return }
    for r in v.items {
      guard let item = masters.itemByCode[r.itemCode] else { continue }
      if let s = item.batchSeries, !r.batchNo.isEmpty, let n = s.number(of: r.batchNo) { raise(s.prefix, to: n) }
      if let s = item.serialSeries { for no in r.serialNos { if let n = s.number(of: no) { raise(s.prefix, to: n) } } }
    }
  }

  public mutating func add(_ vouchers: some Sequence<Voucher>) { for v in vouchers { add(v) } }

  /// The series reached in `vouchers` (a ledger's, cancelled ones included).
  /// - Complexity: O(rows of the vouchers with batches or serials).
  public static func used(in vouchers: some Sequence<Voucher>, masters: Masters) -> [String: Int] {
    var reached = SeriesReached(masters: masters)
    reached.add(vouchers)
    return reached.used
  }

  mutating func raise(_ prefix: String, to n: Int) { if n > used[prefix] ?? 0 { used[prefix] = n } }
}

extension PostedDocuments {
  /// The item-warehouses of the posted voucher `ref` as the history joins another voucher to it (one that
  /// returns, bills or fulfils it, or closes it): its document's lines, or, for an order, those it orders
  /// (in `orders`); none when it has neither.
  /// - Complexity: O(its lines).
  public mutating func keys(ofOriginal ref: String, orders: [String: OrderState]) -> [StockKey] {
    self[ref]?.lines.map(\.key) ?? orders[ref].map { Array($0.remaining.keys) } ?? []
  }
}
