import StockCore

extension Transaction {
  /// Purchase Receipt and Purchase Invoice, and their returns (reference §4.1, §4.4, §5.1).
  ///
  /// Stock comes in at the purchase rate plus the row's share of `Valuation` / `Valuation and Total` taxes
  /// (split by net amount, the last row taking the remainder) and leaves, on a return, at the original
  /// receipt's incoming rate. The receipt credits Stock Received But Not Billed with the net amount and each
  /// valuation tax account with its amount; the invoice debits SRBNB (or, with `update_stock`, the stock
  /// itself) and the taxes of the total, and credits the supplier's payable account with the grand total.
  mutating func buying() {
    // (A return's original first: a return fulfils no order and bills no receipt, so nothing before it
    // could fail.)
    withOriginal { $0.buying(original: $1) }
  }

  private mutating func buying(original: PostedDocument?) {
    let v = voucher
    let isInvoice = v.type == .purchaseInvoice
    let movesStock = !isInvoice || v.updateStock
    var purchaseOrder: String?
    if !v.againstVoucher.isEmpty && !v.isReturn && (!isInvoice || order(v.againstVoucher) != nil) {
      purchaseOrder = fulfilledOrder(.purchaseOrder)
    } else if isInvoice && !v.againstVoucher.isEmpty && !v.isReturn {
      if let doc = base.documents[v.againstVoucher] {
        if doc.type != .purchaseReceipt || doc.isReturn {
          fail(.badValue, line: v.source.line, field: "against_voucher", "\(v.againstVoucher) is not a Purchase Receipt: an invoice bills a receipt")
        }
      } else {
        fail(.badValue, line: v.source.line, field: "against_voucher", "\(v.againstVoucher) is not a Purchase Receipt posted on or before \(v.date): post the receipt first")
      }
    }
    // Document amounts (parallel to `knownRows`, as `shares`); a return row without a rate takes the
    // original's purchase rate.
    var nets: [Amount] = []
    swap(&nets, &netsScratch)
    nets.removeAllScratch()
    defer { swap(&nets, &netsScratch) }
    // (The rows read where they lie, by place: walked as `knownRows`, each was copied.)
    let rows = v.items
    for (_, p, item) in knownRowPlaces {
      if let rate = rows[p].rate {
        nets.append(netAmount(qty: rows[p].qty, rate: rate))
      } else if let original, let line = original.lines.first(where: { $0.key.item == item.code }) {
        nets.append(arithmetic.money(Wide(product: masters.stockQty(rows[p], item), line.documentRate)))
      } else {
        nets.append(.zero)
        fail(.required, line: rows[p].line, field: "rate", "a return without return_against needs the rate it is returned at")
      }
    }
    let netTotal = nets.reduce(Amount.zero, +)
    // Each tax with its amount, and the totals of those adding to the valuation and to the grand total.
    // (Most receipts have none, and every walk of them is skipped then: even an empty walk made and
    // destroyed the element it did not find through the runtime's generic witness.)
    var taxes: [(ChargeRow, Amount)] = []
    var valuationTotal = Amount.zero, totalTaxes = Amount.zero
    if !v.taxes.isEmpty {
      taxes = v.taxes.map { ($0, chargeAmount($0, netTotal: netTotal)) }
      for (c, amount) in taxes {
        if c.category.addsToValuation { valuationTotal += amount }
        if c.category.addsToTotal { totalTaxes += amount }
      }
    }
    // (A local function of a flag: a closure over the voucher retained it.)
    let isReturn = v.isReturn
    func sign(_ a: Amount) -> Amount { isReturn ? -a : a }

    if movesStock {
      // No valuation taxes (most receipts): every share is zero, as distributing nothing gives; no array.
      let shares = valuationTotal.isZero ? [] : distribute(valuationTotal, over: nets.contains { !$0.isZero } ? nets : knownRowPlaces.map { rows[$0.position].qty ?? .zero })
      var expected = Amount.zero, actual = Amount.zero
      for (i, p, item) in knownRowPlaces {
        let row = rows[p]
        let qty = masters.stockQty(row, item)
        guard qty.isPositive else { continue }
        let key = stockKey(ofRow: i, row, item)
        let entry: Movement?
        if !v.isReturn {
          let rate = (Wide(nets[i]) + Wide(shares.isEmpty ? .zero : shares[i])).divided(by: qty, rule: arithmetic.rounding)
          entry = move(row, at: i, item: item, warehouse: row.warehouse, key: key, actualQty: qty, incomingRate: rate)
          if entry != nil { fulfil(purchaseOrder, key, qty: qty) }
          documentLine(key: key, qty: qty, rate: rate, documentRate: nets[i].divided(by: qty, rule: arithmetic.rounding))
        } else {
          var outgoing: Rate?
          if let original {
            guard let line = returnedLine(original, row, item: item, warehouse: row.warehouse, qty: qty) else { continue }
            outgoing = line.rate
          }
          entry = move(row, at: i, item: item, warehouse: row.warehouse, key: key, actualQty: -qty, outgoingRate: outgoing)
        }
        guard let e = entry else { continue }
        if perpetual {
          let account = stockAccount(row.warehouseName)
          gl.debit(account, e.stockValueDifference)
        }
        expected += sign(nets[i] + (shares.isEmpty ? .zero : shares[i]))
        actual += e.stockValueDifference
      }
      valuationGap(expected: expected, actual: actual, rows: nets.count)
    }
    if !isInvoice {
      // Purchase Receipt: the document side of the stock GL.
      guard perpetual else { return }
      for (i, p, _) in knownRowPlaces {
        let expense = rows[p].expenseAccount
        gl.credit(expense.isEmpty ? accounts.stockReceivedButNotBilled : AccountName(expense), sign(nets[i]))
      }
      if !taxes.isEmpty { for (c, amount) in taxes where c.category.addsToValuation { gl.credit(AccountName(c.account), sign(amount)) } }
      return
    }
    // Purchase Invoice.
    if movesStock {
      if perpetual && !taxes.isEmpty { for (c, amount) in taxes where c.category.addsToValuation { gl.credit(AccountName(c.account), sign(amount)) } }
    } else {
      for (i, row, item) in knownRows {
        let account = !row.expenseAccount.isEmpty ? AccountName(row.expenseAccount) : (perpetual ? accounts.stockReceivedButNotBilled : expenseAccount(row, item))
        gl.debit(account, sign(nets[i]))
      }
    }
    if !movesStock || !perpetual {
      // Without stock GL, the stock rows' cost is the net amount already debited above (or, with
      // update_stock and perpetual inventory off, to the expense account).
      if movesStock {
        for (i, row, item) in knownRows { gl.debit(expenseAccount(row, item), sign(nets[i])) }
      }
    }
    if !taxes.isEmpty { for (c, amount) in taxes where c.category.addsToTotal { gl.debit(AccountName(c.account), sign(amount)) } }
    gl.credit(partyAccount(customer: false), sign(netTotal + totalTaxes), party: v.party)
  }
}
