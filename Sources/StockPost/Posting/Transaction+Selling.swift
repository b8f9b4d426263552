import StockCore

extension Transaction {
  /// Delivery Note and Sales Invoice, and their returns (reference §4.4, §4.6, §5.1).
  ///
  /// Stock leaves at the engine's outgoing value (FIFO bins, LIFO bins, moving average) and comes back, on a
  /// return, at the value per unit the original delivery took out, into any warehouse. The stock side posts
  /// Dr cost of goods sold / Cr stock; a Sales Invoice also debits the customer's receivable with the grand
  /// total and credits income (net) and the taxes.
  mutating func selling() { withOriginal { $0.selling(original: $1) } }

  private mutating func selling(original: PostedDocument?) {
    let v = voucher
    let isInvoice = v.type == .salesInvoice
    let movesStock = !isInvoice || v.updateStock
    fulfilling = fulfilledOrder(.salesOrder)
    // (A local function of a flag: a closure over the voucher retained it.)
    let isReturn = v.isReturn
    func sign(_ a: Amount) -> Amount { isReturn ? -a : a }
    let rows = v.items
    if movesStock {
      for (i, p, item) in knownRowPlaces {
        let row = rows[p]
        let qty = masters.stockQty(row, item)
        guard qty.isPositive else { continue }
        let key = stockKey(ofRow: i, row, item)
        let entry: Movement?
        if !v.isReturn {
          entry = move(row, at: i, item: item, warehouse: row.warehouse, key: key, actualQty: -qty)
          if entry != nil { fulfil(fulfilling, key, qty: qty) }
          if let e = entry {
            documentLine(key: key, qty: qty, rate: e.outgoingRate, documentRate: perStockUnit(row.rate ?? .zero, row, item))
          }
        } else {
          var rate: Rate
          if let original {
            guard let line = returnedLine(original, row, item: item, warehouse: row.warehouse, qty: qty) else { continue }
            rate = line.rate
          } else if let r = fallbackRate(state(key), item) {
            rate = r
          } else {
            fail(.noValuationRate, line: row.line, field: "return_against", "a return without return_against comes back at the current valuation rate, and \(item.code) has none in \(row.warehouse): give return_against or set valuation_rate in items.csv")
            continue
          }
          if rate.isZero, let r = fallbackRate(state(key), item) { rate = r }
          entry = move(row, at: i, item: item, warehouse: row.warehouse, key: key, actualQty: qty, incomingRate: rate, keepSerialRates: true)
        }
        guard let e = entry else { continue }
        stockGL(e, in: row.warehouseName, counter: expenseAccount(row, item))
      }
    }
    guard isInvoice else { return }
    var netTotal = Amount.zero
    for (_, p, item) in knownRowPlaces {
      let net = netAmount(qty: rows[p].qty, rate: rows[p].rate)
      netTotal += net
      gl.credit(incomeAccount(rows[p], item), sign(net))
    }
    var totalTaxes = Amount.zero
    for c in v.taxes where c.category.addsToTotal {
      let amount = chargeAmount(c, netTotal: netTotal)
      totalTaxes += amount
      gl.credit(AccountName(c.account), sign(amount))
    }
    gl.debit(partyAccount(customer: true), sign(netTotal + totalTaxes), party: v.party)
  }
}
