import StockCore

extension Transaction {
  /// Stock Reconciliation (reference §2.4, §4.5): each row sets the absolute quantity and valuation rate of
  /// an item in a warehouse at the posting time; a blank qty keeps the current quantity, a blank rate the
  /// current valuation rate. FIFO/LIFO queues collapse to one bin. Rows that change nothing are dropped; a
  /// reconciliation that changes nothing is an error. GL: Dr stock / Cr Stock Adjustment (Temporary Opening
  /// for `Opening Stock`) when value rises, sides swapped when it falls.
  mutating func reconciliation() {
    let v = voucher
    var changed = 0
    for row in v.items {
      guard let item = item(row) else { continue }
      let key = StockKey(item: item.code, warehouse: row.warehouse)
      var state = state(key)
      let newQty = row.qty.map { _ in masters.stockQty(row, item) } ?? state.qty
      var newRate = row.rate.map { perStockUnit($0, row, item) }
      if newRate == nil { newRate = state.hasEntries ? state.valuationRate : nil }
      if newRate == nil || (newRate?.isZero == true && newQty.isPositive) {
        if let r = item.valuationRate, r.isPositive { newRate = r }
      }
      guard let rate = newRate, !(rate.isZero && newQty.isPositive) else {
        fail(.noValuationRate, line: row.line, field: "rate", "valuation rate required for \(item.code) in \(row.warehouse): give rate, or set valuation_rate for the item in items.csv")
        continue
      }
      if state.hasEntries && newQty == state.qty && rate == state.valuationRate { continue }
      changed += 1
      let previousValue = state.stockValue
      let previousQty = state.qty
      var value = company.money(Wide(product: newQty, rate))
      if newQty.isZero { value = .zero }
      state.qty = newQty
      state.valuationRate = rate
      state.stockValue = value
      state.hasEntries = true
      if masters.valuationMethod(of: item) != .movingAverage { state.queue = [StockBin(qty: newQty, rate: rate)] }
      pending[key] = state
      let e = append(row, item: item, warehouse: row.warehouse, actualQty: newQty - previousQty, incomingRate: .zero,
                     outcome: Valuation.Outcome(stockValue: value, stockValueDifference: value - previousValue), state: state)
      let counter = !row.expenseAccount.isEmpty ? row.expenseAccount : (v.purpose == .openingStock ? company.accounts.temporaryOpening : company.accounts.stockAdjustment)
      stockGL(e, counter: counter)
    }
    if changed == 0 && problems.isEmpty {
      fail(.badValue, line: v.source.line, field: "qty", "none of the items have any change in quantity or value: the reconciliation changes nothing")
    }
  }
}
