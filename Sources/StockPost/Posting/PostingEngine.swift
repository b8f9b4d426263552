import StockCore

/// Values and posts vouchers in timeline order: one stock ledger entry per stock movement, the valued
/// state per item and warehouse, and the voucher's GL (SPEC §5.4, §5.7).
///
/// A voucher posts completely or not at all: its movements are applied to a private copy of the touched
/// states and written back only when every row succeeded. The engine starts from any states (empty for a
/// replay from scratch), so an incremental run can continue from a snapshot.
public struct PostingEngine: Sendable {
  public let masters: Masters
  /// State of every item and warehouse after the vouchers posted so far.
  public private(set) var states: [StockKey: ItemWarehouseState]

  public init(masters: Masters, states: [StockKey: ItemWarehouseState] = [:]) {
    self.masters = masters
    self.states = states
  }

  /// Posts one validated voucher.
  /// - Complexity: O(rows × bins touched).
  public mutating func post(_ voucher: Voucher) -> Result<PostedVoucher, VoucherProblems> {
    var tx = Transaction(masters: masters, voucher: voucher)
    // The transaction borrows the states (no copy of the dictionary) and gives them back afterwards.
    swap(&tx.base, &states)
    defer { swap(&tx.base, &states) }
    switch voucher.type {
    case .purchaseReceipt: tx.purchaseReceipt()
    case .deliveryNote: tx.deliveryNote()
    case .stockEntry: tx.stockEntry()
    default:
      tx.fail(.unsupported, line: voucher.source.line, field: "voucher_type", "\(voucher.type.rawValue) cannot be posted by this version")
    }
    if !tx.problems.isEmpty { return .failure(VoucherProblems(diagnostics: tx.problems)) }
    for (k, s) in tx.pending { tx.base[k] = s }
    let gl = masters.company.perpetualInventory ? tx.gl.entries(for: voucher, roundOff: masters.company.accounts.roundOff) : []
    return .success(PostedVoucher(voucher: voucher, entries: tx.entries, gl: gl))
  }
}

/// The work of posting one voucher.
struct Transaction {
  let masters: Masters
  let company: Company
  let voucher: Voucher
  /// The engine's states, borrowed for the voucher; `pending` holds what the voucher changed.
  var base: [StockKey: ItemWarehouseState] = [:]
  var pending: [StockKey: ItemWarehouseState] = [:]
  var entries: [StockLedgerEntry] = []
  var problems: [Diagnostic] = []
  var gl = GLBuilder()

  init(masters: Masters, voucher: Voucher) {
    self.masters = masters
    self.company = masters.company
    self.voucher = voucher
  }

  mutating func fail(_ code: ErrorCode, line: Int, field: String, _ message: String) {
    var loc = voucher.source
    loc.line = line
    problems.append(Diagnostic(code, at: loc, voucher: voucher.no, field: field, message))
  }

  func item(_ row: ItemRow) -> Item? { masters.itemByCode[row.itemCode] }
  func account(of warehouse: String) -> String { masters.stockAccountOf[warehouse] ?? company.accounts.defaultInventory }

  // MARK: movements

  /// Moves `actualQty` (signed, stock UOM) of a row's item in `warehouse`; returns the entry, or nil after
  /// recording why it cannot move.
  mutating func move(
    _ row: ItemRow, item: Item, warehouse: String, field: String, actualQty: Quantity, incomingRate: Rate = .zero,
    outgoingRate: Rate? = nil
  ) -> StockLedgerEntry? {
    let key = StockKey(item: item.code, warehouse: warehouse)
    var state = pending[key] ?? base[key] ?? ItemWarehouseState()
    let after = state.qty + actualQty
    if actualQty.isNegative && (!masters.allowsNegativeStock(item) || item.hasSerialNo) {
      let shortfall = company.quantity(-after)
      if after.isNegative && shortfall > company.negativeTolerance {
        fail(
          .insufficientStock, line: row.line, field: "qty",
          "\(shortfall) units of \(item.code) needed in \(warehouse) on \(voucher.date) \(voucher.time) for \(voucher.no) to complete this transaction: \(state.qty) available, \(-actualQty) required"
        )
        return nil
      }
    }
    let prior = state
    let fallback: () -> Rate? = {
      if prior.hasEntries && !prior.valuationRate.isZero { return prior.valuationRate }
      if let r = item.valuationRate, r.isPositive { return r }
      return nil
    }
    let outcome: Valuation.Outcome
    do {
      outcome = try Valuation.apply(
        actualQty, incomingRate: incomingRate, outgoingRate: outgoingRate, to: &state,
        method: masters.valuationMethod(of: item), company: company, fallback: fallback)
    } catch {
      fail(
        .noValuationRate, line: row.line, field: "rate",
        "no valuation rate for \(item.code) in \(warehouse) to value \(voucher.no): give a rate, or set valuation_rate for the item in items.csv")
      return nil
    }
    pending[key] = state
    var e = StockLedgerEntry(
      date: voucher.date, time: voucher.time, voucherType: voucher.type, voucherNo: voucher.no, index: entries.count,
      itemCode: item.code, warehouse: warehouse, actualQty: actualQty, qtyAfterTransaction: state.qty,
      incomingRate: actualQty.isPositive ? incomingRate : .zero, valuationRate: state.valuationRate,
      stockValue: outcome.stockValue, stockValueDifference: outcome.stockValueDifference)
    if actualQty.isNegative {
      e.outgoingRate = outcome.stockValueDifference.magnitude.divided(by: actualQty.magnitude, rule: company.rounding)
    }
    e.batchNo = row.batchNo
    e.serialNos = row.serialNos
    e.stockQueue = state.queue
    entries.append(e)
    return e
  }

  /// Shares `total` over `weights` pro rata, each share rounded to currency precision, the last taking the
  /// remainder (ERPNext `update_valuation_rate`, `distribute_additional_costs`). Equal weights when all are 0.
  func distribute(_ total: Amount, over weights: [Fixed]) -> [Amount] {
    guard !weights.isEmpty else { return [] }
    let sum = weights.reduce(Fixed.zero, +)
    var shares: [Amount] = []
    var left = total
    for (i, w) in weights.enumerated() {
      if i == weights.count - 1 {
        shares.append(left)
      } else {
        let share =
          sum.isZero
          ? company.money(total.divided(by: Fixed(weights.count), rule: company.rounding))
          : company.money(Wide(product: total, w).divided(by: sum, rule: company.rounding))
        shares.append(share)
        left -= share
      }
    }
    return shares
  }

  /// The amount of a tax or charge row: its fixed amount, or `tax_rate` % of `netTotal`.
  func chargeAmount(_ c: ChargeRow, netTotal: Amount) -> Amount {
    if let a = c.amount { return company.money(a) }
    let rate = c.taxRate ?? .zero
    return company.money(Wide(product: netTotal, rate).divided(by: Fixed(100), rule: company.rounding))
  }

  // MARK: vouchers

  /// Purchase Receipt: stock in at purchase rate plus its share of valuation taxes; Dr stock / Cr SRBNB (net)
  /// and each valuation tax account.
  mutating func purchaseReceipt() {
    let rows = voucher.items.compactMap { r in item(r).map { (r, $0) } }
    let nets = rows.map { (r, _) in company.money((r.qty ?? .zero).multiplied(by: r.rate ?? .zero, rule: company.rounding)) }
    let netTotal = nets.reduce(Amount.zero, +)
    var valuationTotal = Amount.zero
    for c in voucher.taxes where c.category.addsToValuation {
      let amount = chargeAmount(c, netTotal: netTotal)
      valuationTotal += amount
      gl.credit(c.account, amount)
    }
    let shares = distribute(valuationTotal, over: nets.contains { !$0.isZero } ? nets : rows.map { $0.0.qty ?? .zero })
    let srbnb = company.accounts.stockReceivedButNotBilled
    for (i, (row, item)) in rows.enumerated() {
      let qty = masters.stockQty(row, item)
      let rate = (Wide(nets[i]) + Wide(shares[i])).divided(by: qty, rule: company.rounding)
      guard let e = move(row, item: item, warehouse: row.warehouse, field: "qty", actualQty: qty, incomingRate: rate) else { continue }
      gl.debit(account(of: row.warehouse), e.stockValueDifference)
      gl.credit(row.expenseAccount.isEmpty ? srbnb : row.expenseAccount, nets[i])
    }
  }

  /// Delivery Note: stock out at the engine's outgoing value; Dr cost of goods sold / Cr stock.
  mutating func deliveryNote() {
    for row in voucher.items {
      guard let item = item(row) else { continue }
      let qty = masters.stockQty(row, item)
      guard let e = move(row, item: item, warehouse: row.warehouse, field: "qty", actualQty: -qty) else { continue }
      let expense = !row.expenseAccount.isEmpty ? row.expenseAccount : (!item.expenseAccount.isEmpty ? item.expenseAccount : company.accounts.costOfGoodsSold)
      gl.transfer(e.stockValueDifference, debit: account(of: row.warehouse), credit: expense)
    }
  }

  /// Stock Entry: every outgoing row first (valued by the engine), then every incoming row (receipts at
  /// their rate or the fallback, transfers at exactly the value that left the source), each paired with the
  /// row's difference account; additional costs are shared over incoming rows by basic amount.
  mutating func stockEntry() {
    let rows = voucher.items.compactMap { r in item(r).map { (r, $0) } }
    var outValue: [Int: Amount] = [:]
    for (i, (row, item)) in rows.enumerated() where !row.sourceWarehouse.isEmpty {
      let qty = masters.stockQty(row, item)
      guard let e = move(row, item: item, warehouse: row.sourceWarehouse, field: "source_warehouse", actualQty: -qty) else { continue }
      outValue[i] = -e.stockValueDifference
      gl.transfer(e.stockValueDifference, debit: account(of: row.sourceWarehouse), credit: differenceAccount(row))
    }
    if !problems.isEmpty { return }
    let incoming = rows.indices.filter { !rows[$0].0.targetWarehouse.isEmpty }
    var basic: [Int: Amount] = [:]
    var basicRate: [Int: Rate] = [:]
    for i in incoming {
      let (row, item) = rows[i]
      let qty = masters.stockQty(row, item)
      if let v = outValue[i] {
        basic[i] = v
      } else {
        var rate = row.rate.map { r in r.divided(by: masters.conversionFactor(row, item) ?? .one, rule: company.rounding) }
        if rate == nil {
          let key = StockKey(item: item.code, warehouse: row.targetWarehouse)
          let state = pending[key] ?? base[key]
          if let s = state, s.hasEntries, !s.valuationRate.isZero { rate = s.valuationRate } else if let r = item.valuationRate, r.isPositive { rate = r }
        }
        guard let rate else {
          fail(.noValuationRate, line: row.line, field: "rate", "no rate for \(item.code): give rate, or set valuation_rate for the item in items.csv")
          continue
        }
        basicRate[i] = rate
        basic[i] = company.money(Wide(product: qty, rate))
      }
    }
    let costs = voucher.additionalCosts.map { chargeAmount($0, netTotal: .zero) }
    let costTotal = costs.reduce(Amount.zero, +)
    let shares = distribute(costTotal, over: incoming.map { basic[$0] ?? .zero })
    for (n, c) in voucher.additionalCosts.enumerated() {
      gl.transfer(costs[n], debit: differenceAccount(nil), credit: c.account)
    }
    for (n, i) in incoming.enumerated() {
      let (row, item) = rows[i]
      guard let b = basic[i] else { continue }
      let qty = masters.stockQty(row, item)
      let share = shares.isEmpty ? .zero : shares[n]
      let rate: Rate
      if share.isZero, outValue[i] == nil, let r = basicRate[i] {
        rate = r
      } else {
        rate = (Wide(b) + Wide(share)).divided(by: qty, rule: company.rounding)
      }
      guard let e = move(row, item: item, warehouse: row.targetWarehouse, field: "target_warehouse", actualQty: qty, incomingRate: rate) else { continue }
      gl.transfer(e.stockValueDifference, debit: account(of: row.targetWarehouse), credit: differenceAccount(row))
    }
  }

  /// The account a Stock Entry row's value is paired with: the row's expense account, else Stock Adjustment.
  func differenceAccount(_ row: ItemRow?) -> String {
    if let row, !row.expenseAccount.isEmpty { return row.expenseAccount }
    return company.accounts.stockAdjustment
  }
}
