import Testing
@testable import StockCore
@testable import StockPost

@Suite struct PostingEngineTests {
  @Test func seedExample() throws {
    var engine = PostingEngine(masters: Fixture.masters())
    var pr = Fixture.voucher(.purchaseReceipt, "PR-0001", items: [Fixture.row("FIFO", 10, rate: "200", wh: "Stores")])
    pr.taxes = [
      ChargeRow(line: 3, account: "Shipping Charges", amount: Fixed(100), category: .valuationAndTotal),
      ChargeRow(line: 4, account: "Customs Duty", amount: Fixed(150), category: .valuation),
      ChargeRow(line: 5, account: "Input VAT", taxRate: Fixed(10), category: .total),
    ]
    let p = try post(&engine, pr)
    #expect(p.entries.count == 1)
    #expect(p.entries[0].incomingRate.plain == "225")
    #expect(p.entries[0].stockValueDifference.formatted(places: 2) == "2250.00")
    #expect(net(p.gl) == ["Stores": "2250.00", "Stock Received But Not Billed": "-2000.00", "Shipping Charges": "-100.00", "Customs Duty": "-150.00"])
    let dn = try post(&engine, Fixture.voucher(.deliveryNote, "DN-0001", day: 11, items: [Fixture.row("FIFO", 5, rate: "300", wh: "Stores")]))
    #expect(dn.entries[0].stockValueDifference.formatted(places: 2) == "-1125.00")
    #expect(dn.entries[0].valuationRate.plain == "225")
    #expect(net(dn.gl) == ["Cost of Goods Sold": "1125.00", "Stores": "-1125.00"])
  }

  /// The engine keeps one transaction from voucher to voucher: a voucher that fails part-way (its first
  /// row moved, its second short) leaves nothing for the next one, which posts as on an engine that never
  /// saw the failure.
  @Test func aFailedVoucherLeavesNothingForTheNext() throws {
    var engine = PostingEngine(masters: Fixture.masters())
    var clean = PostingEngine(masters: Fixture.masters())
    _ = try post(&engine, Fixture.receipt("R1", "FIFO", 3, "10"))
    _ = try post(&clean, Fixture.receipt("R1", "FIFO", 3, "10"))
    let short = Fixture.voucher(.deliveryNote, "DN-X", day: 2, items: [Fixture.row("FIFO", 1, rate: "20", wh: "Stores"), Fixture.row("FIFO", 5, rate: "20", wh: "Stores")])
    guard case .failure(let problems) = engine.post(short) else {
      Issue.record("DN-X should fail: 6 needed, 3 in stock")
      return
    }
    #expect(problems.diagnostics.map(\.code) == [.insufficientStock])
    let next = Fixture.voucher(.deliveryNote, "DN-1", day: 3, items: [Fixture.row("FIFO", 2, rate: "20", wh: "Stores")])
    let a = try post(&engine, next), b = try post(&clean, next)
    #expect(a.entries == b.entries && a.gl == b.gl && a.entries.count == 1)
    #expect(a.entries[0].qtyAfterTransaction == Fixed(1) && a.entries[0].stockValueDifference == Fixed(-20))
    #expect(engine.state.stock == clean.state.stock)
  }

  /// A voucher that fails after a row moved stock into an item-warehouse nothing held before: the state its
  /// first row added is taken away again, the others put back as they were.
  @Test func aFailedVoucherTakesBackTheStatesItAdded() throws {
    var engine = PostingEngine(masters: Fixture.masters())
    _ = try post(&engine, Fixture.receipt("R1", "FIFO", 3, "10"))
    let before = engine.state.stock
    // The reconciliation sets FIFO in the Annex (a new item-warehouse) and then refuses the serialized row.
    let reconciliation = Fixture.voucher(.stockReconciliation, "SR-X", day: 2, items: [
      Fixture.row("FIFO", 4, rate: "12", wh: "Stores Annex"), Fixture.row("FIFO", 1, rate: "11", wh: "Stores"), Fixture.row("LAPTOP", 1, rate: "500", wh: "Stores"),
    ])
    guard case .failure(let problems) = engine.post(reconciliation) else {
      Issue.record("SR-X should fail: a serialized item is not reconciled")
      return
    }
    #expect(problems.diagnostics.map(\.code) == [.unsupported])
    #expect(engine.state.stock == before && engine.state.stock.count == 1)
    #expect(engine.state.stock[StockKey(item: "FIFO", warehouse: "Stores Annex")] == nil)
    #expect(engine.state.stock[StockKey(item: "FIFO", warehouse: "Stores")]?.queue == [StockBin(qty: Fixed(3), rate: Fixed(10))])
  }

  @Test func valuationTaxesSplitByNetAmountLastRowTakesRemainder() throws {
    var engine = PostingEngine(masters: Fixture.masters())
    var pr = Fixture.voucher(.purchaseReceipt, "PR-1", items: [
      Fixture.row("FIFO", 1, rate: "10", wh: "Stores"), Fixture.row("LIFO", 1, rate: "10", wh: "Stores"),
      Fixture.row("MA", 1, rate: "10", wh: "Stores"),
    ])
    pr.taxes = [ChargeRow(line: 5, account: "Shipping Charges", amount: Fixed(10), category: .valuation)]
    let p = try post(&engine, pr)
    // 10 / 3 = 3.33, 3.33, and the last row 3.34
    #expect(p.entries.map { $0.stockValueDifference.formatted(places: 2) } == ["13.33", "13.33", "13.34"])
    #expect(net(p.gl) == ["Stores": "40.00", "Stock Received But Not Billed": "-30.00", "Shipping Charges": "-10.00"])
  }

  @Test func transferMovesExactlyTheSourceValue() throws {
    var engine = PostingEngine(masters: Fixture.masters())
    _ = try post(&engine, Fixture.receipt("R1", "FIFO", 3, "10"))
    _ = try post(&engine, Fixture.receipt("R2", "FIFO", 3, "10.01", seconds: 1))
    let t = try post(&engine, Fixture.voucher(.stockEntry, "T1", day: 11, purpose: .materialTransfer, items: [Fixture.row("FIFO", 4, from: "Stores", to: "Finished Goods")]))
    #expect(t.entries.map(\.warehouse) == ["Stores", "Finished Goods"])
    #expect(t.entries.map { $0.stockValueDifference.formatted(places: 2) } == ["-40.01", "40.01"])
    #expect(t.entries[1].incomingRate.plain == "10.0025")
    #expect(net(t.gl) == ["Finished Goods": "40.01", "Stores": "-40.01"])
    // Same account on both sides: no GL at all.
    let same = try post(&engine, Fixture.voucher(.stockEntry, "T2", day: 12, purpose: .materialTransfer, items: [Fixture.row("FIFO", 1, from: "Stores", to: "Stores Annex")]))
    #expect(same.gl.isEmpty)
  }

  @Test func materialReceiptAndIssueGL() throws {
    var engine = PostingEngine(masters: Fixture.masters())
    let r = try post(&engine, Fixture.receipt("MR", "MA", 50, "100"))
    #expect(net(r.gl) == ["Stores": "5000.00", "Stock Adjustment": "-5000.00"])
    let i = try post(&engine, Fixture.issue("MI", "MA", 20, day: 11))
    #expect(net(i.gl) == ["Stock Adjustment": "2000.00", "Stores": "-2000.00"])
    // Warehouse without its own account falls back to default_inventory.
    let t = try post(&engine, Fixture.receipt("MR2", "MA", 1, "7", wh: "Transit", day: 12))
    #expect(net(t.gl) == ["Stock In Hand": "7.00", "Stock Adjustment": "-7.00"])
  }

  @Test func insufficientStockNamesItemWarehouseAndShortfall() throws {
    var engine = PostingEngine(masters: Fixture.masters())
    _ = try post(&engine, Fixture.receipt("R", "FIFO", 10, "10"))
    let result = engine.post(Fixture.issue("I", "FIFO", 12, day: 11))
    guard case .failure(let e) = result else { Issue.record("issue of 12 from 10 posted"); return }
    #expect(e.diagnostics.count == 1)
    #expect(e.diagnostics[0].code == .insufficientStock)
    #expect(e.diagnostics[0].message.hasPrefix("2 units of FIFO needed in Stores on 2026-05-11 00:00:00 for I"))
    // The failed voucher changed nothing.
    #expect(engine.states[StockKey(item: "FIFO", warehouse: "Stores")]?.qty == Fixed(10))
  }

  @Test func perpetualInventoryOffPostsNoStockGL() throws {
    var engine = PostingEngine(masters: Fixture.masters(perpetual: false))
    let p = try post(&engine, Fixture.voucher(.purchaseReceipt, "PR", items: [Fixture.row("FIFO", 5, rate: "50", wh: "Stores")]))
    #expect(p.gl.isEmpty)
    #expect(p.entries[0].stockValueDifference.formatted(places: 2) == "250.00")
  }
}
