import StockCore

/// Every aggregate report of SPEC §7 as one fold over the ledger in posting order. A run keeps the folds
/// of the ledger head in its snapshot and adds only its own entries and GL lines, so the head reports cost
/// in proportion to the run, not to the history; `stockledger report` folds the ledger with its filter.
public struct LedgerFolds: Sendable {
  public var balance: StockBalanceFold
  public var trial: TrialBalanceFold
  public var batches: BatchBalanceFold
  public var serials: SerialStatusFold
  public var ageing: AgeingFold

  public init(filter: ReportFilter = ReportFilter()) {
    balance = StockBalanceFold(filter: filter)
    trial = TrialBalanceFold(filter: filter)
    batches = BatchBalanceFold(filter: filter)
    serials = SerialStatusFold(filter: filter)
    ageing = AgeingFold(filter: filter)
  }

  /// Adds one stock ledger entry (entries come in posting order).
  /// - Parameter voucher: the entry's voucher; needed only for batch and serial entries.
  public mutating func add(_ e: StockLedgerEntry, voucher: Voucher?, masters: Masters) {
    balance.add(e)
    ageing.add(e)
    if !e.batchNo.isEmpty { batches.add(e, voucher: voucher, masters: masters) }
    if !e.serialNos.isEmpty { serials.add(e, voucher: voucher, masters: masters) }
  }

  /// Adds one GL line (lines come in ledger order).
  public mutating func add(_ g: GLEntry) { trial.add(g) }

  /// Replaces everything the folds know of the item-warehouses `keys` by what `fresh` knows (folds of their
  /// whole history, after a revaluation). Batches and serials are not replaced.
  /// - Complexity: O(keys).
  public mutating func replace(_ keys: Set<StockKey>, from fresh: LedgerFolds) {
    for k in keys {
      balance.rows[k] = fresh.balance.rows[k]
      ageing.slots[k] = fresh.ageing.slots[k]
    }
    if let l = fresh.ageing.latest { ageing.latest = max(ageing.latest ?? l, l) }
  }

  /// The folds of a whole report source.
  /// - Complexity: O(entries + GL lines).
  public static func of(_ s: ReportSource, filter: ReportFilter = ReportFilter()) -> LedgerFolds {
    var f = LedgerFolds(filter: filter)
    for e in s.entries { f.add(e, voucher: e.batchNo.isEmpty && e.serialNos.isEmpty ? nil : s.vouchers[e.voucherNo], masters: s.masters) }
    for g in s.gl { f.add(g) }
    return f
  }

  /// An aggregate report from the folds; nil for the two ledgers and unknown names.
  /// - Parameter filter: item and warehouse restrict the rows of the planning reports (the folds carry the
  ///   rest of the filter).
  public func table(_ name: String, masters: Masters, planning: [StockKey: PlanningTotals], filter: ReportFilter = ReportFilter()) -> ReportTable? {
    let places = masters.company.currencyPrecision
    switch name {
    case "stock-balance": return balance.table(places: places)
    case "trial-balance": return trial.table(masters: masters)
    case "stock-vs-gl": return StockReports.stockVsGL(balance, trial, masters: masters)
    case "batch-balance": return batches.table(places: places)
    case "serial-status": return serials.table()
    case "stock-ageing": return ageing.table(company: masters.company)
    case "projected-qty", "material-requests":
      let actual = balance.rows.mapValues(\.balanceQty)
      return name == "projected-qty"
        ? PlanningReports.projectedQty(actual: actual, planning: planning, masters: masters, filter)
        : PlanningReports.materialRequests(actual: actual, planning: planning, masters: masters, filter)
    default: return nil
    }
  }
}

extension LedgerFolds {
  static let formatTag = "stockledger-folds 1"

  /// The unfiltered folds in the snapshot's binary layout.
  public func encode(into w: inout BinaryWriter) {
    w.string(LedgerFolds.formatTag)
    balance.encode(into: &w)
    trial.encode(into: &w)
    batches.encode(into: &w)
    serials.encode(into: &w)
    ageing.encode(into: &w)
  }

  public init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    guard try r.string() == LedgerFolds.formatTag else { throw BinaryFormatError(offset: r.offset, "not report folds of this version") }
    balance = try StockBalanceFold(decoding: &r)
    trial = try TrialBalanceFold(decoding: &r)
    batches = try BatchBalanceFold(decoding: &r)
    serials = try SerialStatusFold(decoding: &r)
    ageing = try AgeingFold(decoding: &r)
  }
}
