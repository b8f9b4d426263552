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
}
