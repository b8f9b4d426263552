import Testing
@testable import StockCore
@testable import StockPost

/// Issue "Batch and serial tracking": availability, naming, picking and valuation of batches and serials.
@Suite struct TrackingTests {
  func pr(_ no: String, _ item: String, _ qty: Int, _ rate: String, day: Int = 10, seconds: Int = 0, batch: String = "", serials: [String] = [], expiry: BusinessDate? = nil) -> Voucher {
    var v = Fixture.voucher(.purchaseReceipt, no, day: day, seconds: seconds, items: [Fixture.row(item, qty, rate: rate, wh: "Stores", batch: batch, serials: serials)])
    v.items[0].batchExpiryDate = expiry
    return v
  }

  func dn(_ no: String, _ item: String, _ qty: Int, day: Int = 11, seconds: Int = 0, wh: String = "Stores", batch: String = "", serials: [String] = []) -> Voucher {
    var v = Fixture.voucher(.deliveryNote, no, day: day, seconds: seconds, items: [Fixture.row(item, qty, wh: wh, batch: batch, serials: serials)])
    v.party = "Cust One"
    return v
  }

  // MARK: serials

  @Test func serialSpecificValuation() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, pr("PR-1", "PHONE", 1, "100", serials: ["P-1"]))
    try post(&e, pr("PR-2", "PHONE", 1, "300", seconds: 1, serials: ["P-2"]))
    let d = try post(&e, dn("DN-1", "PHONE", 1, serials: ["P-2"]))
    #expect(d.entries[0].stockValueDifference.formatted(places: 2) == "-300.00")
    #expect(d.entries[0].valuationRate.plain == "100")
    #expect(e.state.serials["P-2"]?.warehouse == "")
    #expect(e.state.serials["P-1"]?.warehouse == "Stores")
  }

  @Test func serialsAreAutoNamedAndAutoPickedOldestFirst() throws {
    var e = PostingEngine(masters: Fixture.masters())
    let r1 = try post(&e, pr("PR-1", "LAPTOP", 2, "500"))
    #expect(r1.entries[0].serialNos == ["LT-0001", "LT-0002"])
    #expect(r1.voucher.items[0].serialNos == ["LT-0001", "LT-0002"])  // kept in the ledger's copy
    try post(&e, pr("PR-2", "LAPTOP", 1, "600", seconds: 1, serials: ["LT-0007"]))
    let r3 = try post(&e, pr("PR-3", "LAPTOP", 1, "700", seconds: 2))
    #expect(r3.entries[0].serialNos == ["LT-0008"])  // the series never hands out a used number
    let d = try post(&e, dn("DN-1", "LAPTOP", 2))
    #expect(d.entries[0].serialNos == ["LT-0001", "LT-0002"])
    #expect(d.voucher.items[0].serialNos == ["LT-0001", "LT-0002"])
    #expect(d.entries[0].stockValueDifference.formatted(places: 2) == "-1000.00")
  }

  @Test func serialRejections() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, pr("PR-1", "PHONE", 2, "100", serials: ["P-1", "P-2"]))
    try post(&e, Fixture.voucher(.purchaseReceipt, "PR-X", items: [Fixture.row("PHONE", 1, rate: "1", wh: "Finished Goods", serials: ["P-9"])]))
    #expect(rejections(&e, pr("PR-2", "PHONE", 1, "100", day: 12, serials: ["P-1"])).map(\.message) == ["serial number P-1 has already been received: it is in Stores"])
    #expect(rejections(&e, dn("DN-1", "PHONE", 1, serials: ["P-5"])).map(\.message) == ["serial number P-5 of PHONE is not in stock: it was never received"])
    #expect(rejections(&e, dn("DN-2", "PHONE", 1, serials: ["P-9"])).map(\.message) == ["serial number P-9 is in Finished Goods, not in Stores"])
    try post(&e, dn("DN-3", "PHONE", 1, serials: ["P-1"]))
    #expect(rejections(&e, dn("DN-4", "PHONE", 1, day: 12, serials: ["P-1"])).first?.message.hasPrefix("serial number P-1 is not in stock on 2026-05-12") == true)
    #expect(rejections(&e, pr("PR-3", "PHONE", 1, "1", day: 12)).map(\.message) == ["PHONE is serialized: give 1 serial numbers (or set serial_no_series for the item in items.csv)"])
  }

  @Test func transferKeepsEachSerialsRate() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, pr("PR-1", "PHONE", 1, "100", serials: ["P-1"]))
    try post(&e, pr("PR-2", "PHONE", 1, "300", seconds: 1, serials: ["P-2"]))
    let t = try post(&e, Fixture.voucher(.stockEntry, "T-1", day: 11, purpose: .materialTransfer, items: [Fixture.row("PHONE", 2, from: "Stores", to: "Finished Goods")]))
    #expect(t.entries.map { $0.stockValueDifference.formatted(places: 2) } == ["-400.00", "400.00"])
    let d = try post(&e, dn("DN-1", "PHONE", 1, day: 12, wh: "Finished Goods", serials: ["P-1"]))
    #expect(d.entries[0].stockValueDifference.formatted(places: 2) == "-100.00")
  }

  // MARK: batches

  @Test func batchwiseMovingAverage() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, pr("PR-1", "MEDX", 1, "100", seconds: 1, batch: "X"))
    try post(&e, pr("PR-2", "MEDX", 1, "50", seconds: 2, batch: "Y"))
    try post(&e, pr("PR-3", "MEDX", 1, "150", seconds: 3, batch: "X"))
    try post(&e, pr("PR-4", "MEDX", 1, "100", seconds: 4, batch: "Y"))
    let y = try post(&e, dn("DN-1", "MEDX", 1, batch: "Y"))
    let x = try post(&e, dn("DN-2", "MEDX", 1, seconds: 1, batch: "X"))
    #expect(y.entries[0].stockValueDifference.formatted(places: 2) == "-75.00")
    #expect(x.entries[0].stockValueDifference.formatted(places: 2) == "-125.00")
  }

  @Test func batchesWithoutBatchwiseValuationUseThePool() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, pr("PR-1", "POOL", 1, "100", batch: "A"))
    try post(&e, pr("PR-2", "POOL", 1, "50", seconds: 1, batch: "B"))
    let d = try post(&e, dn("DN-1", "POOL", 1, batch: "B"))
    #expect(d.entries[0].stockValueDifference.formatted(places: 2) == "-100.00")  // FIFO pool: the oldest bin
  }

  @Test func firstExpiringFirstAndSeries() throws {
    var e = PostingEngine(masters: Fixture.masters())
    let day = { (d: Int) in BusinessDate(year: 2026, month: 8, day: d) }
    try post(&e, pr("PR-1", "MED", 5, "10", expiry: day(30)))
    try post(&e, pr("PR-2", "MED", 5, "20", seconds: 1, expiry: day(20)))
    let r3 = try post(&e, pr("PR-3", "MED", 5, "30", seconds: 2))  // shelf life 180 days → 2026-11-06
    #expect(r3.entries[0].batchNo == "B-003")
    let d = try post(&e, dn("DN-1", "MED", 7))
    #expect(d.entries.map(\.batchNo) == ["B-002", "B-001"])
    #expect(d.entries.map(\.actualQty) == [Fixed(-5), Fixed(-2)])
    #expect(d.entries.map { $0.stockValueDifference.formatted(places: 2) } == ["-100.00", "-20.00"])
    #expect(d.voucher.items.map(\.batchNo) == ["B-002", "B-001"])
    #expect(e.state.batches["B-003"]?.expiry?.description == "2026-11-06")
  }

  /// An item-warehouse lists its batches with stock in picking order (first expiring first, then the
  /// oldest), so a delivery reads the first few: a batch is inserted at its place by its receipt, leaves
  /// when an outward movement empties it, and comes back with a receipt of it, at its place again.
  @Test func batchesWithStockAreListedInPickingOrder() throws {
    var e = PostingEngine(masters: Fixture.masters())
    let day = { (d: Int) in BusinessDate(year: 2026, month: 8, day: d) }
    let key = StockKey(item: "MED", warehouse: "Stores")
    try post(&e, pr("PR-1", "MED", 5, "10", expiry: day(30)))  // B-001
    try post(&e, pr("PR-2", "MED", 5, "20", seconds: 1, expiry: day(20)))  // B-002, expiring first
    #expect(e.state.batchesIn[key] == ["B-002", "B-001"])
    let d1 = try post(&e, dn("DN-1", "MED", 7))
    #expect(d1.entries.map(\.batchNo) == ["B-002", "B-001"])
    #expect(e.state.batchesIn[key] == ["B-001"])  // B-002 emptied
    try post(&e, pr("PR-3", "MED", 4, "25", day: 12, batch: "B-002"))
    try post(&e, pr("PR-4", "MED", 1, "30", day: 12, seconds: 1, expiry: day(25)))  // B-003, between the two
    #expect(e.state.batchesIn[key] == ["B-002", "B-003", "B-001"])
    let d2 = try post(&e, dn("DN-2", "MED", 6, day: 13))
    #expect(d2.entries.map(\.batchNo) == ["B-002", "B-003", "B-001"])
    #expect(d2.entries.map(\.actualQty) == [Fixed(-4), Fixed(-1), Fixed(-1)])
    // Each batch its own value: B-002 received again 4 × 25, B-003 1 × 30, B-001's 3 left of 5 × 10.
    #expect(d2.entries.map { $0.stockValueDifference.formatted(places: 2) } == ["-100.00", "-30.00", "-10.00"])
    #expect(e.state.batchesIn[key] == ["B-001"])
    #expect(e.state.batchStock[BatchKey(batch: "B-001", warehouse: "Stores")]?.qty == Fixed(2))
    try post(&e, dn("DN-3", "MED", 2, day: 14))
    #expect(e.state.batchesIn[key] == nil)  // nothing left to pick: the item-warehouse's list is gone
  }

  /// Serials in stock are listed in receipt order whatever their names: a delivery naming one from the
  /// middle takes it out, an automatic pick takes the oldest, a serial received again goes to the end.
  @Test func serialsInStockAreListedInReceiptOrder() throws {
    var e = PostingEngine(masters: Fixture.masters())
    let key = StockKey(item: "PHONE", warehouse: "Stores")
    try post(&e, pr("PR-1", "PHONE", 2, "100", serials: ["P-9", "P-2"]))
    try post(&e, pr("PR-2", "PHONE", 2, "200", seconds: 1, serials: ["P-5", "P-1"]))
    #expect(e.state.serialsIn[key] == ["P-9", "P-2", "P-5", "P-1"])
    try post(&e, dn("DN-1", "PHONE", 1, serials: ["P-5"]))
    #expect(e.state.serialsIn[key] == ["P-9", "P-2", "P-1"])
    let d2 = try post(&e, dn("DN-2", "PHONE", 2, seconds: 1))
    #expect(d2.entries[0].serialNos == ["P-9", "P-2"])
    #expect(d2.entries[0].stockValueDifference.formatted(places: 2) == "-200.00")
    try post(&e, pr("PR-3", "PHONE", 1, "300", day: 12, serials: ["P-5"]))
    #expect(e.state.serialsIn[key] == ["P-1", "P-5"])
    let d3 = try post(&e, dn("DN-3", "PHONE", 1, day: 13))
    #expect(d3.entries[0].serialNos == ["P-1"])
    #expect(d3.entries[0].stockValueDifference.formatted(places: 2) == "-200.00")
    #expect(rejections(&e, dn("DN-4", "PHONE", 2, day: 13, seconds: 1)).map(\.message) == ["2 serial numbers of PHONE needed in Stores for DN-4; only 1 in stock"])
  }

  /// The rows of a voucher change the lists of serials and batches in stock in place; when a later row
  /// fails, the voucher leaves them exactly as they were: a serial taken from the middle back at its place,
  /// an emptied batch back in the picking order, a batch received again out of it, a list the voucher
  /// began gone (not left empty).
  @Test func aFailedVoucherLeavesTheListsAsTheyWere() throws {
    var e = PostingEngine(masters: Fixture.masters())
    let day = { (d: Int) in BusinessDate(year: 2026, month: 8, day: d) }
    try post(&e, pr("PR-1", "PHONE", 3, "100", serials: ["P-1", "P-2", "P-3"]))
    try post(&e, pr("PR-2", "MED", 5, "10", seconds: 1, expiry: day(30)))  // B-001
    try post(&e, pr("PR-3", "MED", 5, "20", seconds: 2, expiry: day(20)))  // B-002, picked first
    let before = e.state
    var out = Fixture.voucher(.deliveryNote, "DN-1", day: 11, items: [
      Fixture.row("PHONE", 1, wh: "Stores", serials: ["P-2"]),
      Fixture.row("MED", 7, wh: "Stores"),  // empties B-002, takes 2 of B-001
      Fixture.row("PHONE", 5, wh: "Stores"),  // two left
    ])
    out.party = "Cust One"
    #expect(!rejections(&e, out).isEmpty)
    #expect(e.state.serialsIn == before.serialsIn)
    #expect(e.state.batchesIn == before.batchesIn)
    #expect(e.state.serialsIn[StockKey(item: "PHONE", warehouse: "Stores")] == ["P-1", "P-2", "P-3"])

    // The failed delivery took nothing: B-002, first expiring, still holds its 5 at 20.
    let d2 = try post(&e, dn("DN-2", "MED", 5, day: 12))  // empties B-002
    #expect(d2.entries.map(\.batchNo) == ["B-002"] && d2.entries[0].stockValueDifference.formatted(places: 2) == "-100.00")
    #expect(d2.entries[0].qtyAfterTransaction == Fixed(5) && d2.entries[0].stockValue.formatted(places: 2) == "50.00")
    #expect(e.state.batchesIn[StockKey(item: "MED", warehouse: "Stores")] == ["B-001"])
    let emptied = e.state
    let into = Fixture.voucher(.purchaseReceipt, "PR-4", day: 13, items: [
      Fixture.row("PHONE", 2, rate: "100", wh: "Finished Goods", serials: ["P-7", "P-8"]),  // a new list
      Fixture.row("MED", 1, rate: "10", wh: "Stores", batch: "B-002"),  // back before B-001
      Fixture.row("PHONE", 1, rate: "100", wh: "Stores", serials: ["P-1"]),  // already in stock
    ])
    #expect(rejections(&e, into).map(\.message) == ["serial number P-1 has already been received: it is in Stores"])
    #expect(e.state.serialsIn == emptied.serialsIn)
    #expect(e.state.batchesIn == emptied.batchesIn)
    #expect(e.state.serialsIn[StockKey(item: "PHONE", warehouse: "Finished Goods")] == nil)
    // The same rows without the failing one post, and change the lists as the failed voucher had.
    try post(&e, Fixture.voucher(.purchaseReceipt, "PR-5", day: 13, seconds: 1, items: Array(into.items.prefix(2))))
    #expect(e.state.serialsIn[StockKey(item: "PHONE", warehouse: "Finished Goods")] == ["P-7", "P-8"])
    #expect(e.state.batchesIn[StockKey(item: "MED", warehouse: "Stores")] == ["B-002", "B-001"])
    // Places are counted from the list's front, which moves as the oldest leave it.
    let phones = StockKey(item: "PHONE", warehouse: "Stores")
    try post(&e, dn("DN-3", "PHONE", 1, day: 14))  // P-1, the oldest
    #expect(e.state.serialsIn[phones] == ["P-2", "P-3"])
    var again = Fixture.voucher(.deliveryNote, "DN-4", day: 14, seconds: 1, items: [
      Fixture.row("PHONE", 1, wh: "Stores", serials: ["P-3"]),
      Fixture.row("PHONE", 5, wh: "Stores"),
    ])
    again.party = "Cust One"
    #expect(!rejections(&e, again).isEmpty)
    #expect(e.state.serialsIn[phones] == ["P-2", "P-3"])
    let d5 = try post(&e, dn("DN-5", "PHONE", 1, day: 14, seconds: 2))
    #expect(d5.entries[0].serialNos == ["P-2"])
    #expect(d5.entries[0].stockValueDifference.formatted(places: 2) == "-100.00")
    #expect(d5.entries[0].qtyAfterTransaction == Fixed(1) && d5.entries[0].stockValue.formatted(places: 2) == "100.00")
    #expect(e.state.serialsIn[phones] == ["P-3"])
  }

  @Test func batchRejections() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, pr("PR-1", "MEDX", 5, "10", batch: "OLD", expiry: BusinessDate(year: 2026, month: 5, day: 10)))
    #expect(rejections(&e, dn("DN-1", "MEDX", 1, batch: "OLD")).map(\.message) == ["batch OLD of MEDX expired on 2026-05-10: an expired batch cannot be delivered on 2026-05-11"])
    #expect(rejections(&e, dn("DN-2", "MEDX", 1, batch: "LATER")).map(\.message) == ["batch LATER of MEDX does not exist on 2026-05-11 00:00:00: a batch is created by its first receipt, which must come first"])
    #expect(rejections(&e, pr("PR-2", "MEDX", 1, "10", day: 12)).map(\.message) == ["MEDX is batch-tracked: give batch_no (or set batch_no_series for the item in items.csv)"])
    #expect(rejections(&e, pr("PR-3", "MED", 1, "10", day: 12, batch: "OLD")).map(\.message) == ["batch OLD belongs to item MEDX, not MED"])
    try post(&e, pr("PR-4", "MEDX", 2, "10", day: 12, batch: "NEW"))
    let short = rejections(&e, dn("DN-3", "MEDX", 3, day: 13, batch: "NEW")).map(\.message)
    #expect(short == ["1 units of batch NEW of MEDX needed in Stores on 2026-05-13 00:00:00 for DN-3: the batch holds 2 there"])
  }

  @Test func serialAndBatchTogether() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, pr("PR-1", "KIT", 2, "10", batch: "K1", serials: ["K-1", "K-2"]))
    try post(&e, pr("PR-2", "KIT", 1, "20", seconds: 1, batch: "K2", serials: ["K-3"]))
    #expect(rejections(&e, dn("DN-1", "KIT", 1, batch: "K1", serials: ["K-3"])).map(\.message) == ["serial number K-3 does not belong to batch K1 (it is in batch K2)"])
    let d = try post(&e, dn("DN-2", "KIT", 2, serials: ["K-1", "K-3"]))
    #expect(d.entries.map(\.batchNo) == ["K1", "K2"])
    #expect(d.entries.map { $0.stockValueDifference.formatted(places: 2) } == ["-10.00", "-20.00"])
  }

  @Test func batchReconciliation() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, pr("PR-1", "MEDX", 4, "10", batch: "R"))
    let reco = try post(&e, Fixture.voucher(.stockReconciliation, "SR-1", day: 11, items: [Fixture.row("MEDX", 3, rate: "12", wh: "Stores", batch: "R")]))
    #expect(reco.entries[0].actualQty == Fixed(-1))
    #expect(reco.entries[0].stockValueDifference.formatted(places: 2) == "-4.00")
    #expect(e.state.batchStock[BatchKey(batch: "R", warehouse: "Stores")]?.qty == Fixed(3))
  }
}
