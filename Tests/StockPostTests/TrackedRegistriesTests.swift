import Testing
@testable import StockCore
@testable import StockPost

/// The batch and serial registries by item: the sequences counted per item, the registries of some items
/// taken out and compared, and where a replay's naming series start.
@Suite struct TrackedRegistriesTests {
  func pr(_ no: String, _ item: String, _ qty: Int, seconds: Int, batch: String = "", serials: [String] = []) -> Voucher {
    Fixture.voucher(.purchaseReceipt, no, seconds: seconds, items: [Fixture.row(item, qty, rate: "10", wh: "Stores", batch: batch, serials: serials)])
  }

  /// MED (series `B-.###`), MEDX and LAPTOP (`LT-.####`), PHONE received in turn.
  func posted() throws -> PostingEngine {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, pr("PR-1", "MED", 2, seconds: 0))
    try post(&e, pr("PR-2", "MEDX", 3, seconds: 1, batch: "X-1"))
    try post(&e, pr("PR-3", "MED", 1, seconds: 2, batch: "B-007"))
    try post(&e, pr("PR-4", "LAPTOP", 2, seconds: 3))
    try post(&e, pr("PR-5", "PHONE", 1, seconds: 4, serials: ["P-1"]))
    try post(&e, pr("PR-6", "MEDX", 1, seconds: 5, batch: "X-2"))
    try post(&e, pr("PR-7", "LAPTOP", 1, seconds: 6, serials: ["LT-0042"]))
    return e
  }

  @Test func sequencesAreCountedPerItem() throws {
    let s = try posted().state
    // Batches in creation order within their item: MEDX's first is 0 though MED made one before it.
    #expect(s.batches["B-001"]?.sequence == 0)
    #expect(s.batches["B-007"]?.sequence == 1)
    #expect(s.batches["X-1"]?.sequence == 0)
    #expect(s.batches["X-2"]?.sequence == 1)
    // Serials in receipt order within their item, from 1.
    #expect(["LT-0001", "LT-0002", "LT-0042"].map { s.serials[$0]?.receivedSequence } == [1, 2, 3])
    #expect(s.serials["P-1"]?.receivedSequence == 1)
    #expect(s.tracked == ["MED": TrackedCounts(batches: 2), "MEDX": TrackedCounts(batches: 2), "LAPTOP": TrackedCounts(serials: 3), "PHONE": TrackedCounts(serials: 1)])
  }

  @Test func theRegistriesOfSomeItemsAreTakenOutAndMadeAgainAlike() throws {
    let whole = try posted().state
    let items: Set<String> = ["MEDX", "LAPTOP"]
    let keys: Set<StockKey> = [StockKey(item: "MEDX", warehouse: "Stores"), StockKey(item: "LAPTOP", warehouse: "Stores")]
    let part = whole.tracked(of: items, keys: keys)
    #expect(part.batches.keys.sorted() == ["X-1", "X-2"])
    #expect(part.serials.keys.sorted() == ["LT-0001", "LT-0002", "LT-0042"])
    #expect(part.batchStock.keys.map(\.batch).sorted() == ["X-1", "X-2"])
    #expect(part.serialsIn == [StockKey(item: "LAPTOP", warehouse: "Stores"): ["LT-0001", "LT-0002", "LT-0042"]])
    #expect(part.batchesIn == [StockKey(item: "MEDX", warehouse: "Stores"): ["X-1", "X-2"]])
    #expect(part.counts == ["MEDX": TrackedCounts(batches: 2), "LAPTOP": TrackedCounts(serials: 3)])

    var rest = whole
    rest.removeTracked(items, keys: keys)
    #expect(rest.tracked(of: items, keys: keys) == TrackedRegistries())
    // The other items' registries stay as they were.
    #expect(rest.tracked(of: ["MED", "PHONE"], keys: [StockKey(item: "MED", warehouse: "Stores"), StockKey(item: "PHONE", warehouse: "Stores")])
      == whole.tracked(of: ["MED", "PHONE"], keys: [StockKey(item: "MED", warehouse: "Stores"), StockKey(item: "PHONE", warehouse: "Stores")]))
    #expect(rest.batches.keys.sorted() == ["B-001", "B-007"])

    // The items' vouchers posted again onto what is left give back the whole state.
    var again = PostingEngine(masters: Fixture.masters(), state: rest)
    for v in [pr("PR-2", "MEDX", 3, seconds: 1, batch: "X-1"), pr("PR-4", "LAPTOP", 2, seconds: 3, serials: ["LT-0001", "LT-0002"]),
              pr("PR-6", "MEDX", 1, seconds: 5, batch: "X-2"), pr("PR-7", "LAPTOP", 1, seconds: 6, serials: ["LT-0042"])] {
      try post(&again, v)
    }
    #expect(again.state.allTracked == whole.allTracked)
    #expect(again.state.seriesUsed == whole.seriesUsed)
  }

  @Test func seriesReachedIsTheHighestNumberOfEachSeriesInTheVouchers() throws {
    var reached = SeriesReached(masters: Fixture.masters())
    reached.add([
      pr("PR-1", "MED", 1, seconds: 0, batch: "B-012"),
      pr("PR-2", "MED", 1, seconds: 1, batch: "B-003"),
      pr("PR-3", "MED", 1, seconds: 2, batch: "LOT-99"),  // not of the series
      pr("PR-4", "LAPTOP", 2, seconds: 3, serials: ["LT-0005", "LT-0031"]),
      pr("PR-5", "PHONE", 1, seconds: 4, serials: ["P-77"]),  // an item without a series
      pr("PR-6", "FIFO", 1, seconds: 5),
    ])
    #expect(reached.used == ["B-": 12, "LT-": 31])
    // A replay that starts its series there names a backdated receipt's serial after every one the ledger
    // holds, not after those posted before its date.
    var start = PostingState()
    start.seriesUsed = reached.used
    var e = PostingEngine(masters: Fixture.masters(), state: start)
    try post(&e, pr("PR-4", "LAPTOP", 2, seconds: 3, serials: ["LT-0005", "LT-0031"]))
    let early = try post(&e, Fixture.voucher(.purchaseReceipt, "PR-0", day: 9, items: [Fixture.row("LAPTOP", 1, rate: "10", wh: "Stores")]))
    #expect(early.entries[0].serialNos == ["LT-0032"])
  }
}
