import Testing
@testable import StockCore
@testable import StockPost
import TestSupport

/// A queue's total is kept beside its bins, and every change is undone by its journal: the total equals the
/// bins' sum after any movement, and undoing a run of movements newest first gives back the exact queue.
@Suite struct StockQueueTests {
  /// Keeps the undo of every change, in order.
  struct Kept: QueueJournal {
    var edits: [QueueEdit] = []
    mutating func record(_ edit: QueueEdit) { edits.append(edit) }
  }

  func sum(_ q: StockQueue) -> Wide {
    var total = Wide.zero
    for b in q.bins { total += Wide(product: b.qty, b.rate) }
    return total
  }

  @Test(arguments: [ValuationMethod.fifo, .lifo])
  func theTotalFollowsTheBinsAndTheJournalUndoesEveryMovement(method: ValuationMethod) throws {
    let company = Company(name: "T")
    var random = SeededGenerator(seed: 13)
    var state = ItemWarehouseState()
    for round in 0..<300 {
      let before = state
      var journal = Kept()
      // A voucher's worth of movements: receipts at a few rates (some merging), issues (some beyond the
      // stock: negative bins), returns at a rate in the queue.
      for _ in 0..<(1 + Int(random.next() % 4)) {
        let qty = Fixed(parsing: "\(1 + random.next() % 40).\(random.next() % 1000)")!
        let rate = Fixed(parsing: "\(1 + random.next() % 5).\(random.next() % 100)")!
        let outward = random.next() % 2 == 0
        let returning = outward && random.next() % 4 == 0 && !state.queue.isEmpty ? state.queue[Int(random.next() % UInt64(state.queue.count))].rate : nil
        _ = try Valuation.apply(outward ? -qty : qty, incomingRate: rate, outgoingRate: returning, to: &state, method: method,
                                arithmetic: company.arithmetic, journal: &journal, fallback: { Fixed(3) })
        #expect(state.queue.value == sum(state.queue), "round \(round)")
      }
      if round % 3 == 0 {  // the voucher failed: its queue changes undone, newest first
        for edit in journal.edits.reversed() { state.queue.undo(edit) }
        #expect(state.queue == before.queue, "round \(round)")
        #expect(state.queue.value == before.queue.value)
        state = before
      }
    }
    #expect(state.queue.count > 1)
  }

  /// A bin is kept in 16 bytes when its numbers fit 64 bits of 10⁻⁹, and whole aside when they do not: a
  /// receipt of twenty billion units (past 9.2 × 10⁹) is valued, issued from and undone exactly, and bins
  /// are equal by their numbers however they are kept.
  @Test func binsTooWideToPackAreKeptWhole() throws {
    #expect(MemoryLayout<StockBin>.stride == 16)
    let huge = Fixed(20_000_000_000)
    let wide = StockBin(qty: huge, rate: Fixed(parsing: "0.5")!)
    #expect(wide.qty == huge && wide.rate == Fixed(parsing: "0.5")!)
    #expect(wide == StockBin(qty: huge, rate: Fixed(parsing: "0.5")!) && wide.hashValue == StockBin(qty: huge, rate: Fixed(parsing: "0.5")!).hashValue)
    #expect(wide != StockBin(qty: huge, rate: Fixed(1)) && StockBin(qty: Fixed(raw: Int128(Int64.min)), rate: .zero).qty == Fixed(raw: Int128(Int64.min)))
    let company = Company(name: "T")
    var state = ItemWarehouseState()
    var journal = Kept()
    _ = try Valuation.apply(huge, incomingRate: Fixed(parsing: "0.5")!, outgoingRate: nil, to: &state, method: .fifo,
                            arithmetic: company.arithmetic, journal: &journal, fallback: { .zero })
    _ = try Valuation.apply(Fixed(3), incomingRate: Fixed(2), outgoingRate: nil, to: &state, method: .fifo,
                            arithmetic: company.arithmetic, journal: &journal, fallback: { .zero })
    let before = state
    var issue = Kept()
    // The whole first bin, 20,000,000,000 at 0.5, and 1 of the second at 2: 10,000,000,000 + 2.
    let out = try Valuation.apply(-Fixed(20_000_000_001), incomingRate: .zero, outgoingRate: nil, to: &state, method: .fifo,
                                  arithmetic: company.arithmetic, journal: &issue, fallback: { .zero })
    #expect(company.money(out.stockValueDifference) == -Fixed(parsing: "10000000002.00")!)
    #expect(state.queue == [StockBin(qty: Fixed(2), rate: Fixed(2))] && state.queue.value == sum(state.queue))
    for edit in issue.edits.reversed() { state.queue.undo(edit) }
    #expect(state.queue == before.queue && state.queue[0].qty == huge)
  }

  /// A voucher that changes FIFO queues and then fails leaves every state as it was, queue and total
  /// included, and the next voucher is valued as if it had never been tried.
  @Test func aFailedVoucherLeavesItsQueuesAsTheyWere() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.purchase("PR-1", "FIFO", 5, "10"))
    try post(&e, Fixture.purchase("PR-2", "FIFO", 5, "12", seconds: 1))
    try post(&e, Fixture.purchase("PR-3", "LIFO", 2, "7", seconds: 2))
    let key = StockKey(item: "FIFO", warehouse: "Stores")
    let before = e.state.stock[key]
    // Takes 7 of FIFO (one bin and part of the next) and 1 of LIFO, then finds LIFO short: refused.
    var v = Fixture.voucher(.deliveryNote, "DN-1", seconds: 3, items: [
      Fixture.row("FIFO", 7, wh: "Stores"), Fixture.row("LIFO", 1, wh: "Stores"), Fixture.row("LIFO", 5, wh: "Stores"),
    ])
    v.party = "Customer"
    #expect(!rejections(&e, v).isEmpty)
    #expect(e.state.stock[key] == before)
    #expect(e.state.stock[key]?.queue.value == Wide(product: Fixed(5), Fixed(10)) + Wide(product: Fixed(5), Fixed(12)))
    #expect(e.state.stock[StockKey(item: "LIFO", warehouse: "Stores")]?.queue == [StockBin(qty: Fixed(2), rate: Fixed(7))])
    let d = try post(&e, Fixture.sale("DN-2", "FIFO", 7, seconds: 4))
    #expect(d.entries[0].stockValueDifference.formatted(places: 2) == "-74.00")  // 5 × 10 + 2 × 12
    #expect(e.state.stock[key]?.queue == [StockBin(qty: Fixed(3), rate: Fixed(12))])
  }

  /// A voucher that set a queue whole (a reconciliation row) and then fails puts the queue back as it was:
  /// the journal keeps a whole queue apart from its other edits.
  @Test func aFailedVoucherPutsBackAQueueItSetWhole() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.purchase("PR-1", "FIFO", 5, "10"))
    try post(&e, Fixture.purchase("PR-2", "FIFO", 5, "12", seconds: 1))
    let key = StockKey(item: "FIFO", warehouse: "Stores")
    let before = e.state.stock[key]
    // Sets FIFO to 3 at 8 (its two bins replaced by one), then a batch item's row without its batch: refused.
    let v = Fixture.voucher(.stockReconciliation, "SR-1", seconds: 2, items: [
      Fixture.row("FIFO", 3, rate: "8", wh: "Stores"), Fixture.row("MED", 2, rate: "9", wh: "Stores"),
    ])
    #expect(!rejections(&e, v).isEmpty)
    #expect(e.state.stock[key] == before)
    #expect(e.state.stock[key]?.queue == [StockBin(qty: Fixed(5), rate: Fixed(10)), StockBin(qty: Fixed(5), rate: Fixed(12))])
    let d = try post(&e, Fixture.sale("DN-1", "FIFO", 6, seconds: 3))
    #expect(d.entries[0].stockValueDifference.formatted(places: 2) == "-62.00")  // 5 × 10 + 1 × 12
  }
}
