import StockCore
import StockOrder
import StockPost

/// Posts a whole timeline from empty state: what a run, `verify` and the reports all derive the stock
/// ledger and GL from. The same vouchers in the same order always give the same entries.
struct Replay {
  /// A voucher that posted: its place in the timeline and where its lines are in `entries` and `gl`.
  struct Posted {
    let timeline: TimelineVoucher
    /// The engine's result when it filled in rows (batches or serials named or picked); nil when the
    /// voucher posted as it came, which is most, so the run keeps one copy of it.
    private let resolved: PostedVoucher?
    /// Its stock ledger entries, as positions in `Replay.entries`.
    let entries: Range<Int>
    /// Its GL lines, as positions in `Replay.gl`.
    let gl: Range<Int>

    init(timeline: TimelineVoucher, posted: PostedVoucher, entries: Range<Int>, gl: Range<Int>) {
      self.timeline = timeline
      self.resolved = posted.rowsResolved ? posted : nil
      self.entries = entries
      self.gl = gl
    }

    /// The voucher as it posted.
    var voucher: Voucher { resolved?.voucher ?? timeline.voucher }
  }

  /// Posted vouchers in timeline order.
  var posted: [Posted] = []
  /// Every posted voucher's stock ledger entries, in posting order: one array for the whole replay, which
  /// a run hands on as it is (no copy per stage).
  var entries: [StockLedgerEntry] = []
  /// Every posted voucher's GL lines, in posting order.
  var gl: [GLEntry] = []
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
    // Room for the usual case (a transfer row moves twice; a voucher has a few GL lines), so the arrays do
    // not grow by copying; pages not used are never touched.
    let rows = timeline.reduce(0) { $0 + $1.voucher.items.count }
    entries.reserveCapacity(2 * rows)
    gl.reserveCapacity(2 * rows + 2 * timeline.count)
    for tv in timeline {
      switch engine.post(tv.voucher) {
      case .success(let p):
        let e = entries.count, g = gl.count
        entries += p.entries
        gl += p.gl
        posted.append(Posted(timeline: tv, posted: p, entries: e..<entries.count, gl: g..<gl.count))
      case .failure(let problems): failures.append((tv, problems.diagnostics))
      }
    }
    state = engine.state
  }

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
