import StockCore
import StockOrder
import StockPost

/// Posts a whole timeline from empty state: what a run, `verify` and the reports all derive the stock
/// ledger and GL from. The same vouchers in the same order always give the same entries.
struct Replay {
  /// Posted vouchers in timeline order.
  var posted: [(TimelineVoucher, PostedVoucher)] = []
  /// Vouchers that could not post, with why.
  var failures: [(TimelineVoucher, [Diagnostic])] = []
  /// The engine's state after the last voucher.
  var state: PostingState

  /// - Complexity: O(total rows × bins), linear in the ledger.
  /// - Parameter state: where the timeline starts (empty: from scratch).
  init(masters: Masters, timeline: [TimelineVoucher], state start: PostingState = PostingState()) {
    var engine = PostingEngine(masters: masters, state: start)
    engine.reserve(vouchers: timeline.count)
    posted.reserveCapacity(timeline.count)
    for tv in timeline {
      switch engine.post(tv.voucher) {
      case .success(let p): posted.append((tv, p))
      case .failure(let problems): failures.append((tv, problems.diagnostics))
      }
    }
    state = engine.state
  }

  /// Stock ledger entries in posting order.
  var entries: [StockLedgerEntry] { posted.flatMap { $0.1.entries } }

  /// The item-warehouses a voucher moves.
  static func stockKeys(_ v: Voucher) -> Set<StockKey> { Set(stockKeys(v, original: { _ in [] })) }

  /// The item-warehouses a voucher moves and those of the original it returns or bills (`original` gives
  /// them by voucher number): what joins it to other vouchers in `ledger/history.bin`. Sorted, without
  /// repeats; a small array, as a voucher touches few.
  static func stockKeys(_ v: Voucher, original: (String) -> [StockKey]) -> [StockKey] {
    var keys: [StockKey] = []
    func add(_ k: StockKey) { if !keys.contains(k) { keys.append(k) } }
    for r in v.items {
      for w in [r.warehouse, r.sourceWarehouse, r.targetWarehouse] where !w.isEmpty { add(StockKey(item: r.itemCode, warehouse: w)) }
    }
    for ref in [v.returnAgainst, v.againstVoucher] where !ref.isEmpty { for k in original(ref) { add(k) } }
    return keys.count > 1 ? keys.sorted() : keys
  }
}
