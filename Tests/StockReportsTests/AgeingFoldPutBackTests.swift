import Testing
@testable import StockCore
@testable import StockReports

/// What a Stock Entry or Stock Reconciliation takes out of an item-warehouse's ageing slots and brings back
/// into the same one in the same voucher (a repack of an item into itself, a batch reconciliation) goes
/// back with its dates (reference §9.1), oldest first, up to the quantity that comes back; more than that
/// comes in as a receipt; having taken nothing (negative stock), it is a receipt.
@Suite struct AgeingFoldPutBackTests {
  let key = StockKey(item: "RM-1", warehouse: "Stores")
  let d1 = BusinessDate(dayNumber: 20_000), d2 = BusinessDate(dayNumber: 20_010), d3 = BusinessDate(dayNumber: 20_030)

  func entry(_ type: VoucherType, _ no: String, _ date: BusinessDate, qty: Int, value: Int, in key: StockKey? = nil) -> StockLedgerEntry {
    StockLedgerEntry(
      date: date, time: .midnight, voucherType: type, voucherNo: no, index: 0, key: key ?? self.key, actualQty: Fixed(qty),
      qtyAfterTransaction: .zero, incomingRate: .zero, valuationRate: .zero, stockValue: .zero, stockValueDifference: Fixed(value))
  }

  /// A fold of `entries`, in order.
  func folded(_ entries: StockLedgerEntry...) -> AgeingFold {
    var fold = AgeingFold()
    for e in entries { fold.add(e) }
    return fold
  }

  /// The live slots of `key` (the item-warehouse of the tests unless given) as `qty@day value`.
  func slots(_ fold: AgeingFold, of key: StockKey? = nil) -> [String] {
    guard let p = fold.slots.position(of: key ?? self.key) else { return [] }
    return fold.slots[at: p].live.map { "\($0.qty.plain)@\($0.date.dayNumber - 20_000) \($0.value.plain)" }
  }

  @Test func aRepackIntoItselfPutsBackWhatItTookWithItsDates() {
    var fold = folded(
      entry(.purchaseReceipt, "PR-1", d1, qty: 10, value: 100), entry(.purchaseReceipt, "PR-2", d2, qty: 5, value: 60),
      entry(.stockEntry, "SE-1", d3, qty: -12, value: -124))
    #expect(slots(fold) == ["3@10 36"])
    fold.add(entry(.stockEntry, "SE-1", d3, qty: 12, value: 124))
    // 10 of day 0 at 100, then 2 of day 10 at 60 × 2/5, back in front of the 3 left.
    #expect(slots(fold) == ["10@0 100", "2@10 24", "3@10 36"])
  }

  @Test func moreComingBackThanWasTakenIsAReceipt() {
    let fold = folded(
      entry(.purchaseReceipt, "PR-1", d1, qty: 10, value: 100),
      entry(.stockReconciliation, "SR-1", d3, qty: -10, value: -100), entry(.stockReconciliation, "SR-1", d3, qty: 15, value: 180))
    #expect(slots(fold) == ["10@0 100", "5@30 80"])
  }

  @Test func lessComingBackThanWasTakenPutsBackTheOldestPart() {
    let fold = folded(
      entry(.purchaseReceipt, "PR-1", d1, qty: 10, value: 100), entry(.purchaseReceipt, "PR-2", d2, qty: 10, value: 120),
      entry(.stockEntry, "SE-1", d3, qty: -20, value: -220), entry(.stockEntry, "SE-1", d3, qty: 14, value: 154))
    #expect(slots(fold) == ["10@0 100", "4@10 48"])
  }

  /// Out of no stock, nothing was taken: what comes back neutralises the negative slot the issue left.
  @Test func havingTakenNothingWhatComesBackIsAReceipt() {
    var fold = folded(entry(.stockEntry, "SE-1", d3, qty: -5, value: 0))
    #expect(slots(fold) == ["-5@30 0"])
    fold.add(entry(.stockEntry, "SE-1", d3, qty: 5, value: 50))
    #expect(slots(fold) == ["0@30 50"])
  }

  /// Another voucher, or another item-warehouse, puts nothing back: a transfer's slots leave with it.
  @Test func onlyTheSameVoucherAndItemWarehousePutBack() {
    let elsewhere = StockKey(item: "RM-1", warehouse: "Shop")
    let fold = folded(
      entry(.purchaseReceipt, "PR-1", d1, qty: 10, value: 100),
      entry(.stockEntry, "SE-1", d2, qty: -4, value: -40), entry(.stockEntry, "SE-2", d3, qty: 4, value: 44),
      entry(.stockEntry, "SE-3", d3, qty: -3, value: -30), entry(.stockEntry, "SE-3", d3, qty: 3, value: 30, in: elsewhere))
    #expect(slots(fold) == ["3@0 30", "4@30 44"])
    #expect(slots(fold, of: elsewhere) == ["3@30 30"])
  }
}
