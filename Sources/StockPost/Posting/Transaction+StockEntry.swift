import StockCore

extension Transaction {
  /// Stock Entry of every purpose (reference §4.3).
  ///
  /// Every consuming row (with a source warehouse) posts first, valued by the engine; then every receiving
  /// row: a transfer's target gets exactly the value that left its source; the finished goods of a
  /// Manufacture or Repack get the consumed value − scrap (and by-products) + additional costs, split over
  /// the finished rows by quantity; other received rows (Material Receipt, scrap) take their rate or the
  /// fallback rate. Additional costs are shared by basic amount over the finished rows (Manufacture,
  /// Repack) or over every received row. Each movement is paired in the GL with the row's difference
  /// account (Stock Adjustment by default), which nets to zero when value is conserved.
  mutating func stockEntry() {
    let v = voucher
    let producing = v.purpose == .manufacture || v.purpose == .repack
    // Rows keep their positions in the voucher (rows of unknown items were rejected by validation).
    let rows = v.items.indices.compactMap { i in rowItems[i].map { (v.items[i], $0) } }
    guard rows.count == v.items.count else { return }
    let workOrder = v.purpose == .manufacture ? fulfilledOrder(.workOrder) : nil
    if v.purpose != .manufacture && !v.againstVoucher.isEmpty {
      fail(.notAllowedField, line: v.source.line, field: "against_voucher", "only a Manufacture fulfils a Work Order")
    }
    var consumedValue: [Int: Amount] = [:]
    for (i, (row, item)) in rows.enumerated() where !row.sourceWarehouse.isEmpty {
      let qty = masters.stockQty(row, item)
      guard let e = move(row, at: i, item: item, warehouse: row.sourceWarehouse, actualQty: -qty) else { continue }
      consumedValue[i] = -e.stockValueDifference
      stockGL(e, counter: differenceAccount(row))
    }
    if !problems.isEmpty { return }
    let incoming = rows.indices.filter { !rows[$0].0.targetWarehouse.isEmpty }
    let finishedIndices = Set(v.finishedRowIndices)
    let isFinished = { (i: Int) in producing && finishedIndices.contains(i) }
    // Basic amounts: transfers carry the source value; others their rate or the fallback.
    var basic: [Int: Amount] = [:]
    var basicRate: [Int: Rate] = [:]
    for i in incoming where !isFinished(i) {
      let (row, item) = rows[i]
      if let value = consumedValue[i] {
        basic[i] = value
        continue
      }
      guard let (rate, amount) = ownValue(row, item, missing: "no rate for \(item.code): give rate, or set valuation_rate for the item in items.csv") else { continue }
      basicRate[i] = rate
      basic[i] = amount
    }
    if producing {
      let finished = incoming.filter(isFinished)
      let consumed = consumedValue.values.reduce(Amount.zero, +)
      let byProducts = incoming.filter { !isFinished($0) }.reduce(Amount.zero) { $0 + (basic[$1] ?? .zero) }
      let sameItem = Set(finished.map { rows[$0].1.code }).count == 1
      if sameItem {
        let shares = distribute(consumed - byProducts, over: finished.map { masters.stockQty(rows[$0].0, rows[$0].1) })
        for (n, i) in finished.enumerated() { basic[i] = shares[n] }
      } else {
        // A Repack into different items: each finished row at its own rate.
        for i in finished {
          let (row, item) = rows[i]
          guard let (rate, amount) = ownValue(row, item, missing: "a Repack into several different items values each at its rate: give rate for \(item.code)") else { continue }
          basicRate[i] = rate
          basic[i] = amount
        }
      }
    }
    if !problems.isEmpty { return }
    // Additional costs.
    let costs = v.additionalCosts.map { chargeAmount($0, netTotal: .zero) }
    let sharing = producing ? incoming.filter(isFinished) : incoming
    let shares = distribute(costs.reduce(Amount.zero, +), over: sharing.map { basic[$0] ?? .zero })
    var shareOf: [Int: Amount] = [:]
    for (n, i) in sharing.enumerated() { shareOf[i] = shares[n] }
    if perpetual {
      for (n, c) in v.additionalCosts.enumerated() { gl.transfer(costs[n], debit: differenceAccount(nil), credit: AccountName(c.account)) }
    }
    for i in incoming {
      let (row, item) = rows[i]
      guard let b = basic[i] else { continue }
      let qty = masters.stockQty(row, item)
      let share = shareOf[i] ?? .zero
      let rate: Rate
      if share.isZero, let r = basicRate[i] {
        rate = r
      } else {
        rate = (Wide(b) + Wide(share)).divided(by: qty, rule: arithmetic.rounding)
      }
      guard let e = move(row, at: i, item: item, warehouse: row.targetWarehouse, actualQty: qty, incomingRate: rate, keepSerialRates: consumedValue[i] != nil) else { continue }
      if isFinished(i) { fulfil(workOrder, StockKey(item: item.code, warehouse: row.targetWarehouse), qty: qty) }
      stockGL(e, counter: differenceAccount(row))
    }
  }

  /// A received row valued at its own rate (per stock unit) or the fallback rate, with its basic amount;
  /// nil after recording `missing` when there is neither.
  mutating func ownValue(_ row: ItemRow, _ item: Item, missing: String) -> (Rate, Amount)? {
    guard let rate = row.rate.map({ perStockUnit($0, row, item) })
      ?? fallbackRate(state(StockKey(item: item.code, warehouse: row.targetWarehouse)), item)
    else {
      fail(.noValuationRate, line: row.line, field: "rate", missing)
      return nil
    }
    return (rate, arithmetic.money(Wide(product: masters.stockQty(row, item), rate)))
  }

  /// The account a Stock Entry row's value is paired with: the row's expense account, else Stock Adjustment.
  func differenceAccount(_ row: ItemRow?) -> AccountName {
    if let row, !row.expenseAccount.isEmpty { return AccountName(row.expenseAccount) }
    return accounts.stockAdjustment
  }
}
