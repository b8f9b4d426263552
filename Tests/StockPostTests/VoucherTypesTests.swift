import Testing
@testable import StockCore
@testable import StockPost

/// Issue "Every voucher ERPNext posts": the acceptance figures and reference §5.1's table, exact to the cent.
@Suite struct VoucherTypesTests {
  // MARK: returns

  @Test func purchaseReturnLeavesAtTheOriginalRate() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.purchase("PR-1", "FIFO", 5, "100"))
    try post(&e, Fixture.purchase("PR-2", "FIFO", 5, "120", seconds: 1))
    let r = try post(&e, Fixture.purchase("PR-3", "FIFO", 2, "100", day: 11, returnAgainst: "PR-1"))
    #expect(r.entries[0].stockValueDifference.formatted(places: 2) == "-200.00")
    #expect(e.states[StockKey(item: "FIFO", warehouse: "Stores")]?.queue == [StockBin(qty: Fixed(3), rate: Fixed(100)), StockBin(qty: Fixed(5), rate: Fixed(120))])
    #expect(net(r.gl) == ["Stock Received But Not Billed": "200.00", "Stores": "-200.00"])
  }

  @Test func purchaseReturnWithoutRateTakesTheOriginalPrice() throws {
    // reference test_purchase_return_partial: 2 × 50 → Dr SRBNB 100 / Cr stock 100
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.purchase("PR-1", "MA", 5, "50"))
    var ret = Fixture.purchase("PR-R", "MA", 2, "0", day: 11, returnAgainst: "PR-1")
    ret.items[0].rate = nil
    let r = try post(&e, ret)
    #expect(net(r.gl) == ["Stock Received But Not Billed": "100.00", "Stores": "-100.00"])
  }

  @Test func aReturnMayNotExceedWhatIsLeftToReturn() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.purchase("PR-1", "FIFO", 5, "100"))
    try post(&e, Fixture.purchase("PR-R1", "FIFO", 3, "100", day: 11, returnAgainst: "PR-1"))
    let d = rejections(&e, Fixture.purchase("PR-R2", "FIFO", 3, "100", day: 12, returnAgainst: "PR-1"))
    #expect(d.map(\.message) == ["PR-1 moved 5 of FIFO and 3 are already returned: at most 2 can still be returned, not 3"])
    let unknown = rejections(&e, Fixture.purchase("PR-R3", "FIFO", 1, "100", day: 12, returnAgainst: "PR-9"))
    #expect(unknown.first?.field == "return_against")
  }

  @Test func salesReturnComesBackAtTheOriginalCost() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.purchase("PR-1", "FIFO", 5, "100"))
    try post(&e, Fixture.sale("DN-1", "FIFO", 5, day: 11))
    try post(&e, Fixture.purchase("PR-2", "FIFO", 5, "130", day: 12))
    let r = try post(&e, Fixture.sale("DN-R", "FIFO", 2, day: 13, returnAgainst: "DN-1"))
    #expect(r.entries[0].incomingRate.plain == "100")
    #expect(net(r.gl) == ["Stores": "200.00", "Cost of Goods Sold": "-200.00"])
    // into another warehouse, still at the original cost (test_delivery_note_return_valuation_on_different_warehouse)
    let other = try post(&e, Fixture.sale("DN-R2", "FIFO", 1, wh: "Finished Goods", day: 14, returnAgainst: "DN-1"))
    #expect(other.entries[0].incomingRate.plain == "100")
    #expect(net(other.gl) == ["Finished Goods": "100.00", "Cost of Goods Sold": "-100.00"])
  }

  // MARK: invoices

  @Test func purchaseInvoiceAgainstAReceiptClearsSRBNB() throws {
    var e = PostingEngine(masters: Fixture.masters())
    let pr = try post(&e, Fixture.purchase("PR-1", "FIFO", 5, "100"))
    var pi = Fixture.purchase(.purchaseInvoice, "PI-1", "FIFO", 5, "100", day: 11)
    pi.againstVoucher = "PR-1"
    let inv = try post(&e, pi)
    #expect(net(inv.gl) == ["Stock Received But Not Billed": "500.00", "Creditors": "-500.00"])
    #expect(inv.gl.first { $0.account == "Creditors" }?.party == "Supplier")
    #expect(net(pr.gl + inv.gl)["Stock Received But Not Billed"] == nil)  // nets to 0
  }

  @Test func purchaseInvoiceWithTaxes() throws {
    // reference check_gle_for_pi: Dr SRBNB 500, Dr Shipping 100, Dr VAT 120, Cr Creditors 720
    var e = PostingEngine(masters: Fixture.masters())
    var pi = Fixture.purchase(.purchaseInvoice, "PI-1", "FIFO", 5, "100")
    pi.taxes = [
      ChargeRow(line: 3, account: "Shipping Charges", amount: Fixed(100), category: .valuationAndTotal),
      ChargeRow(line: 4, account: "Input VAT", amount: Fixed(120), category: .total),
    ]
    let p = try post(&e, pi)
    #expect(net(p.gl) == ["Stock Received But Not Billed": "500.00", "Shipping Charges": "100.00", "Input VAT": "120.00", "Creditors": "-720.00"])
  }

  @Test func purchaseInvoiceWithUpdateStock() throws {
    // reference: Dr stock 250 / Cr creditors 250
    var e = PostingEngine(masters: Fixture.masters())
    let p = try post(&e, Fixture.purchase(.purchaseInvoice, "PI-1", "MA", 5, "50", updateStock: true))
    #expect(p.entries.count == 1)
    #expect(net(p.gl) == ["Stores": "250.00", "Creditors": "-250.00"])
    // With the seed's taxes: stock 2250, VAT 200, creditors 2300, Customs Duty credited 150.
    var seed = Fixture.purchase(.purchaseInvoice, "PI-2", "FIFO", 10, "200", day: 11, updateStock: true)
    seed.taxes = [
      ChargeRow(line: 3, account: "Shipping Charges", amount: Fixed(100), category: .valuationAndTotal),
      ChargeRow(line: 4, account: "Customs Duty", amount: Fixed(150), category: .valuation),
      ChargeRow(line: 5, account: "Input VAT", taxRate: Fixed(10), category: .total),
    ]
    let s = try post(&e, seed)
    #expect(s.entries[0].incomingRate.plain == "225")
    #expect(net(s.gl) == ["Stores": "2250.00", "Input VAT": "200.00", "Creditors": "-2300.00", "Customs Duty": "-150.00"])
  }

  @Test func purchaseInvoiceReturns() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.purchase(.purchaseInvoice, "PI-1", "FIFO", 1, "100"))
    // test_return_purchase_invoice_with_perpetual_inventory: 100/100
    let r = try post(&e, Fixture.purchase(.purchaseInvoice, "PI-R", "FIFO", 1, "100", day: 11, returnAgainst: "PI-1"))
    #expect(net(r.gl) == ["Creditors": "100.00", "Stock Received But Not Billed": "-100.00"])
    // With update_stock, the stock leaves at its own value and the gap goes to cost of goods sold
    // (test_return_with_lcv: stock Cr 1100, COGS Dr 100).
    var pi = Fixture.purchase(.purchaseInvoice, "PI-2", "MA", 10, "100", day: 12, updateStock: true)
    pi.taxes = [ChargeRow(line: 3, account: "Customs Duty", amount: Fixed(100), category: .valuation)]
    try post(&e, pi)
    let back = try post(&e, Fixture.purchase(.purchaseInvoice, "PI-2R", "MA", 10, "100", day: 13, returnAgainst: "PI-2", updateStock: true))
    #expect(net(back.gl) == ["Stores": "-1100.00", "Creditors": "1000.00", "Cost of Goods Sold": "100.00"])
  }

  @Test func salesInvoiceWithUpdateStockAndVAT() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.purchase("PR-1", "FIFO", 2, "100"))
    var si = Fixture.sale(.salesInvoice, "SI-1", "FIFO", 2, rate: "150", day: 11, updateStock: true)
    si.taxes = [ChargeRow(line: 3, account: "Output VAT", taxRate: Fixed(10), category: .total)]
    let p = try post(&e, si)
    #expect(net(p.gl) == ["Debtors": "330.00", "Sales": "-300.00", "Output VAT": "-30.00", "Cost of Goods Sold": "200.00", "Stores": "-200.00"])
    #expect(p.gl.first { $0.account == "Debtors" }?.party == "Customer")
    // A return of one credits the customer and brings the cost back.
    var ret = Fixture.sale(.salesInvoice, "SI-R", "FIFO", 1, rate: "150", day: 12, returnAgainst: "SI-1", updateStock: true)
    ret.taxes = si.taxes
    let r = try post(&e, ret)
    #expect(net(r.gl) == ["Debtors": "-165.00", "Sales": "150.00", "Output VAT": "15.00", "Cost of Goods Sold": "-100.00", "Stores": "100.00"])
  }

  @Test func salesInvoiceWithoutStockPostsNoStock() throws {
    var e = PostingEngine(masters: Fixture.masters())
    var si = Fixture.sale(.salesInvoice, "SI-1", "FIFO", 3, rate: "10")
    si.items[0].incomeAccount = "Other Income"
    let p = try post(&e, si)
    #expect(p.entries.isEmpty)
    #expect(net(p.gl) == ["Debtors": "30.00", "Other Income": "-30.00"])
  }

  // MARK: reconciliation

  @Test func reconciliationCollapsesTheQueue() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.receipt("R1", "FIFO", 5, "10"))
    try post(&e, Fixture.receipt("R2", "FIFO", 5, "20", seconds: 1))
    let reco = try post(&e, Fixture.voucher(.stockReconciliation, "SR-1", day: 11, items: [Fixture.row("FIFO", 8, rate: "15", wh: "Stores")]))
    #expect(reco.entries[0].stockValue.formatted(places: 2) == "120.00")
    #expect(reco.entries[0].stockValueDifference.formatted(places: 2) == "-30.00")
    #expect(e.states[StockKey(item: "FIFO", warehouse: "Stores")]?.queue == [StockBin(qty: Fixed(8), rate: Fixed(15))])
    #expect(net(reco.gl) == ["Stock Adjustment": "30.00", "Stores": "-30.00"])
    let dn = try post(&e, Fixture.sale("DN-1", "FIFO", 8, day: 12))
    #expect(dn.entries[0].stockValueDifference.formatted(places: 2) == "-120.00")
  }

  @Test func reconciliationBlankFieldsKeepAndNoChangeIsAnError() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.receipt("R1", "MA", 4, "10"))
    var keepQty = Fixture.voucher(.stockReconciliation, "SR-1", day: 11, items: [Fixture.row("MA", 0, rate: "12", wh: "Stores")])
    keepQty.items[0].qty = nil
    let p = try post(&e, keepQty)
    #expect(p.entries[0].qtyAfterTransaction == Fixed(4))
    #expect(p.entries[0].stockValueDifference.formatted(places: 2) == "8.00")
    var same = Fixture.voucher(.stockReconciliation, "SR-2", day: 12, items: [Fixture.row("MA", 4, wh: "Stores")])
    same.items[0].rate = nil
    #expect(rejections(&e, same).first?.message == "none of the items have any change in quantity or value: the reconciliation changes nothing")
  }

  @Test func openingStockPostsAgainstTemporaryOpening() throws {
    var e = PostingEngine(masters: Fixture.masters())
    var v = Fixture.voucher(.stockReconciliation, "OPEN", items: [Fixture.row("LIFO", 10, rate: "7.5", wh: "Finished Goods")])
    v.purpose = .openingStock
    let p = try post(&e, v)
    #expect(net(p.gl) == ["Finished Goods": "75.00", "Temporary Opening": "-75.00"])
  }

  // MARK: manufacture and repack

  @Test func manufactureValuesFinishedGoodsAtConsumedCost() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.receipt("R1", "RM", 1, "200"))
    var mfg = Fixture.voucher(.stockEntry, "MFG-1", day: 11, purpose: .manufacture, items: [
      Fixture.row("RM", 1, from: "Stores"), Fixture.row("FG", 4, to: "Finished Goods"),
    ])
    mfg.items[1].isFinishedItem = true
    let p = try post(&e, mfg)
    #expect(p.entries.map(\.itemCode) == ["RM", "FG"])
    #expect(p.entries[1].incomingRate.plain == "50")
    #expect(net(p.gl) == ["Finished Goods": "200.00", "Stores": "-200.00"])
  }

  @Test func repackWithAdditionalCosts() throws {
    // test_repack_with_additional_costs: Dr stock 1200 net, Cr Expenses Included In Valuation 1200
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.receipt("R1", "RM", 10, "100"))
    var repack = Fixture.voucher(.stockEntry, "RP-1", day: 11, purpose: .repack, items: [
      Fixture.row("RM", 10, from: "Stores"), Fixture.row("FG", 10, to: "Finished Goods"),
    ])
    repack.additionalCosts = [ChargeRow(line: 4, account: "Expenses Included In Valuation", amount: Fixed(1200), category: .valuation)]
    let p = try post(&e, repack)
    #expect(p.entries[1].stockValueDifference.formatted(places: 2) == "2200.00")
    #expect(net(p.gl) == ["Finished Goods": "2200.00", "Stores": "-1000.00", "Expenses Included In Valuation": "-1200.00"])
  }

  @Test func repackOfFourLayersAndNoChangeInValuation() throws {
    var e = PostingEngine(masters: Fixture.masters())
    for (n, r) in ["10", "20", "30", "40"].enumerated() { try post(&e, Fixture.receipt("R\(n)", "RM", 10, r, seconds: n)) }
    let p = try post(&e, Fixture.voucher(.stockEntry, "RP-1", day: 11, purpose: .repack, items: [
      Fixture.row("RM", 40, from: "Stores"), Fixture.row("FG", 40, to: "Stores Annex"),
    ]))
    #expect(p.entries[1].stockValueDifference.formatted(places: 2) == "1000.00")
    #expect(p.entries[1].incomingRate.plain == "25")
    #expect(p.gl.isEmpty)  // test_repack_no_change_in_valuation: same stock account, value conserved
  }

  @Test func scrapIsDeductedFromFinishedGoods() throws {
    var e = PostingEngine(masters: Fixture.masters())
    try post(&e, Fixture.receipt("R1", "RM", 10, "10"))
    var mfg = Fixture.voucher(.stockEntry, "MFG-1", day: 11, purpose: .manufacture, items: [
      Fixture.row("RM", 10, from: "Stores"), Fixture.row("FG", 3, to: "Finished Goods"), Fixture.row("SCRAP", 2, to: "Stores"),
    ])
    mfg.items[1].isFinishedItem = true
    mfg.items[2].isScrapItem = true
    let p = try post(&e, mfg)
    // consumed 100, scrap 2 × 5 = 10 → finished 90 = 30 each
    #expect(p.entries.map { $0.stockValueDifference.formatted(places: 2) } == ["-100.00", "90.00", "10.00"])
    #expect(p.entries[1].incomingRate.plain == "30")
  }

  // MARK: units and settings

  @Test func uomConversion() throws {
    var e = PostingEngine(masters: Fixture.masters())
    var pr = Fixture.purchase("PR-1", "BOXED", 2, "120")
    pr.items[0].uom = "Box"
    let p = try post(&e, pr)
    #expect(p.entries[0].actualQty == Fixed(24))
    #expect(p.entries[0].incomingRate.plain == "10")
    #expect(net(p.gl) == ["Stores": "240.00", "Stock Received But Not Billed": "-240.00"])
  }

  @Test func perpetualInventoryOffKeepsTheStockLedgerAndBooksCostToExpense() throws {
    // test_gl_entries (perpetual off): the invoice books the item cost to the expense account.
    var e = PostingEngine(masters: Fixture.masters(perpetual: false))
    let pr = try post(&e, Fixture.purchase("PR-1", "FIFO", 5, "250"))
    #expect(pr.gl.isEmpty)
    #expect(pr.entries[0].stockValue.formatted(places: 2) == "1250.00")
    let pi = try post(&e, Fixture.purchase(.purchaseInvoice, "PI-1", "FIFO", 5, "250", day: 11))
    #expect(net(pi.gl) == ["Cost of Goods Sold": "1250.00", "Creditors": "-1250.00"])
    let dn = try post(&e, Fixture.sale("DN-1", "FIFO", 1, day: 12))
    #expect(dn.gl.isEmpty)
    #expect(dn.entries[0].stockValueDifference.formatted(places: 2) == "-250.00")
  }
}
