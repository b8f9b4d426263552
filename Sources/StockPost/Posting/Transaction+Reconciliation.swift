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
    for (row, item) in zip(v.items, rowItems) {
      guard let item else { continue }
      if item.hasSerialNo {
        fail(.unsupported, line: row.line, field: "item_code", "\(item.code) is serialized: reconcile it by receiving or issuing its serial numbers")
        continue
      }
      if item.hasBatchNo {
        if batchReconciliation(row, item: item) { changed += 1 }
        continue
      }
      let key = StockKey(item: item.codeName, warehouse: row.warehouseName)
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
      var value = arithmetic.money(Wide(product: newQty, rate))
      if newQty.isZero { value = .zero }
      state.qty = newQty
      state.valuationRate = rate
      state.stockValue = value
      state.hasEntries = true
      if masters.valuationMethod(of: item) != .movingAverage { state.queue = [StockBin(qty: newQty, rate: rate)] }
      setState(key, state)
      let e = append(row, key: key, actualQty: newQty - previousQty, incomingRate: .zero,
                     outcome: Valuation.Outcome(stockValue: value, stockValueDifference: value - previousValue), qtyAfter: state.qty, valuationRate: state.valuationRate)
      let counter = !row.expenseAccount.isEmpty ? AccountName(row.expenseAccount) : (v.purpose == .openingStock ? accounts.temporaryOpening : accounts.stockAdjustment)
      stockGL(Movement(actualQty: newQty - previousQty, stockValueDifference: e.stockValueDifference, outgoingRate: .zero), in: row.warehouseName, counter: counter)
    }
    if changed == 0 && problems.isEmpty {
      fail(.badValue, line: v.source.line, field: "qty", "none of the items have any change in quantity or value: the reconciliation changes nothing")
    }
  }

  /// A reconciliation row of a batch item sets the batch's quantity and rate in the warehouse (creating the
  /// batch if it is new); returns whether it changed anything.
  mutating func batchReconciliation(_ row: ItemRow, item: Item) -> Bool {
    guard !row.batchNo.isEmpty else {
      fail(.required, line: row.line, field: "batch_no", "\(item.code) is batch-tracked: a reconciliation row names the batch it sets")
      return false
    }
    let bk = BatchKey(batch: row.batchNo, warehouse: row.warehouse)
    var bs = batchStock(bk)
    let currentRate = bs.qty.isZero ? nil : bs.value.divided(by: bs.qty, rule: arithmetic.rounding)
    let newQty = row.qty.map { _ in masters.stockQty(row, item) } ?? bs.qty
    guard let rate = row.rate.map({ perStockUnit($0, row, item) }) ?? currentRate ?? item.valuationRate else {
      fail(.noValuationRate, line: row.line, field: "rate", "valuation rate required for batch \(row.batchNo) of \(item.code): give rate")
      return false
    }
    if newQty == bs.qty && rate == currentRate { return false }
    guard ensureBatch(row.batchNo, row, item, inward: true) else { return false }
    let key = StockKey(item: item.codeName, warehouse: row.warehouseName)
    var state = state(key)
    let newValue = newQty.isZero ? Amount.zero : arithmetic.money(Wide(product: newQty, rate))
    let delta = newQty - bs.qty
    let outcome = specific(&state, qty: delta, value: newValue - bs.value)
    setState(key, state)
    notePickable(row.batchNo, key: key, before: bs.qty, after: newQty)
    bs.qty = newQty
    bs.value = newValue
    pendingBatchStock[bk] = bs
    let e = append(row, key: key, actualQty: delta, incomingRate: .zero, outcome: outcome, qtyAfter: state.qty, valuationRate: state.valuationRate)
    let counter = !row.expenseAccount.isEmpty ? AccountName(row.expenseAccount) : (voucher.purpose == .openingStock ? accounts.temporaryOpening : accounts.stockAdjustment)
    stockGL(Movement(actualQty: delta, stockValueDifference: e.stockValueDifference, outgoingRate: .zero), in: row.warehouseName, counter: counter)
    return true
  }
}
