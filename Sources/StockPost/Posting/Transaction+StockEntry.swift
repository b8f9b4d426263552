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
    // Rows keep their positions in the voucher (rows of unknown items were rejected by validation), read
    // where they lie (a list of each row and its item, made per voucher, copied every row twice more).
    let rows = v.items
    let items = rowItemsInPlace
    guard !items.contains(where: { $0 == nil }) else { return }
    let workOrder = v.purpose == .manufacture ? fulfilledOrder(.workOrder) : nil
    if v.purpose != .manufacture && !v.againstVoucher.isEmpty {
      fail(.notAllowedField, line: v.source.line, field: "against_voucher", "only a Manufacture fulfils a Work Order")
    }
    // What each row is worth, by its position, in the transaction's array kept from voucher to voucher
    // (five tables of a row or two, built, hashed and freed per transfer, were a few per cent of the
    // posting core at a million vouchers).
    entryRows.removeAllScratch()
    entryRows.append(contentsOf: repeatElement(EntryRow(), count: rows.count))
    for i in rows.indices where !rows[i].sourceWarehouseName.isEmpty {
      let (row, item) = (rows[i], items[i]!)
      let qty = masters.stockQty(row, item)
      guard let e = move(row, at: i, item: item, warehouse: row.sourceWarehouse, key: StockKey(item: item.codeName, warehouse: row.sourceWarehouseName), actualQty: -qty) else { continue }
      entryRows[i].consumed = -e.stockValueDifference
      stockGL(e, in: row.sourceWarehouseName, counter: differenceAccount(row))
    }
    if !problems.isEmpty { return }
    let incoming = rows.indices.filter { !rows[$0].targetWarehouseName.isEmpty }
    if producing { for i in v.finishedRowIndices { entryRows[i].finished = true } }
    // Basic amounts: transfers carry the source value; others their rate or the fallback.
    for i in incoming where !entryRows[i].finished {
      if let value = entryRows[i].consumed {
        entryRows[i].basic = value
        continue
      }
      let (row, item) = (rows[i], items[i]!)
      guard let (rate, amount) = ownValue(row, item, missing: "no rate for \(item.code): give rate, or set valuation_rate for the item in items.csv") else { continue }
      entryRows[i].basicRate = rate
      entryRows[i].basic = amount
    }
    if producing {
      let finished = incoming.filter { entryRows[$0].finished }
      let consumed = entryRows.reduce(Amount.zero) { $0 + ($1.consumed ?? .zero) }
      let byProducts = incoming.filter { !entryRows[$0].finished }.reduce(Amount.zero) { $0 + (entryRows[$1].basic ?? .zero) }
      let sameItem = Set(finished.map { items[$0]!.code }).count == 1
      if sameItem {
        let shares = distribute(consumed - byProducts, over: finished.map { masters.stockQty(rows[$0], items[$0]!) })
        for (n, i) in finished.enumerated() { entryRows[i].basic = shares[n] }
      } else {
        // A Repack into different items: each finished row at its own rate.
        for i in finished {
          let (row, item) = (rows[i], items[i]!)
          guard let (rate, amount) = ownValue(row, item, missing: "a Repack into several different items values each at its rate: give rate for \(item.code)") else { continue }
          entryRows[i].basicRate = rate
          entryRows[i].basic = amount
        }
      }
    }
    if !problems.isEmpty { return }
    // Additional costs (none: every share is zero, as distributing nothing gives).
    if !v.additionalCosts.isEmpty {
      let costs = v.additionalCosts.map { chargeAmount($0, netTotal: .zero) }
      let sharing = producing ? incoming.filter { entryRows[$0].finished } : incoming
      let shares = distribute(costs.reduce(Amount.zero, +), over: sharing.map { entryRows[$0].basic ?? .zero })
      for (n, i) in sharing.enumerated() { entryRows[i].share = shares[n] }
      if perpetual {
        for (n, c) in v.additionalCosts.enumerated() { gl.transfer(costs[n], debit: differenceAccount(nil), credit: AccountName(c.account)) }
      }
    }
    for i in incoming {
      guard let b = entryRows[i].basic else { continue }
      let (row, item) = (rows[i], items[i]!)
      let qty = masters.stockQty(row, item)
      let share = entryRows[i].share
      let rate: Rate
      if share.isZero, let r = entryRows[i].basicRate {
        rate = r
      } else {
        rate = (Wide(b) + Wide(share)).divided(by: qty, rule: arithmetic.rounding)
      }
      let key = StockKey(item: item.codeName, warehouse: row.targetWarehouseName)
      guard let e = move(row, at: i, item: item, warehouse: row.targetWarehouse, key: key, actualQty: qty, incomingRate: rate, keepSerialRates: entryRows[i].consumed != nil) else { continue }
      if entryRows[i].finished { fulfil(workOrder, key, qty: qty) }
      stockGL(e, in: row.targetWarehouseName, counter: differenceAccount(row))
    }
  }

  /// What a Stock Entry's row is worth as it posts (``Transaction/entryRows``).
  struct EntryRow {
    /// The value its source movement issued (a transfer's, a consumed row's).
    var consumed: Amount?
    /// The value it receives before additional costs, and the rate that gave it (its own or the fallback).
    var basic: Amount?
    var basicRate: Rate?
    /// Its share of the additional costs.
    var share: Amount = .zero
    /// A finished row of a Manufacture or Repack.
    var finished = false
  }

  /// A received row valued at its own rate (per stock unit) or the fallback rate, with its basic amount;
  /// nil after recording `missing` when there is neither.
  mutating func ownValue(_ row: ItemRow, _ item: Item, missing: String) -> (Rate, Amount)? {
    guard let rate = row.rate.map({ perStockUnit($0, row, item) })
      ?? fallbackRate(state(StockKey(item: item.codeName, warehouse: row.targetWarehouseName)), item)
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
