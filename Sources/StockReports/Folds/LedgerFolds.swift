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
    // An entry that moves no batch and no serial has no box for them, and is not asked for either: the
    // two getters made a string and an array, retained and released, for every such entry (all of gen.py's).
    guard e.isTracked else { return }
    if !e.batchNo.isEmpty { batches.add(e, voucher: voucher, masters: masters) }
    if !e.serialNos.isEmpty { serials.add(e, voucher: voucher, masters: masters) }
  }

  /// Asks for the rows an entry a few places ahead will fold into to be brought into cache, in two steps:
  /// the table slots of its key (``StockKeyTable/prefetch(probe:)``), then, some entries later, the rows
  /// (``StockKeyTable/prefetch(position:)``, every cache line of each: a stock balance row spans three).
  /// At a million entries over 45,000 item-warehouses the folds' rows do not fit in cache: their lookups
  /// were two fifths of the folding. (A third step for the ageing slots' array, one load behind its row,
  /// moved the wait into the step: no gain, BENCHMARKS.md.)
  /// - Complexity: O(1) each; a hint, never a change.
  ///
  /// `mutating` though they change nothing, so that a caller in another module passes its folds by address:
  /// a non-mutating call copied the whole `LedgerFolds` (413 bytes) to a temporary first, three times an
  /// entry.
  @inline(__always) public mutating func prefetch(probe key: StockKey) {
    balance.rows.prefetch(probe: key.hashedNames)
    ageing.slots.prefetch(probe: key.hashedNames)
  }
  /// - Returns: the position of `key`'s ageing slots, for ``prefetch(slotsAt:)`` (-1: not found).
  @discardableResult @inline(__always) public mutating func prefetch(rows key: StockKey) -> Int {
    _ = balance.rows.prefetch(position: key.hashedNames)
    return ageing.slots.prefetch(position: key.hashedNames)
  }
  /// The third step: the ageing slots at `position` (``AgeingFold/prefetch(slotsAt:)``).
  @inline(__always) public mutating func prefetch(slotsAt position: Int) { ageing.prefetch(slotsAt: position) }

  /// Adds one GL line (lines come in ledger order).
  public mutating func add(_ g: GLEntry) { trial.add(g) }

  /// Replaces everything the folds know of the item-warehouses `keys` by what `fresh` knows (folds of their
  /// whole history, after a revaluation), and of the batches and serials of the `tracked` items, every
  /// item-warehouse of which `keys` must hold (as a revalued part does).
  /// - Complexity: O(keys), and O(batches and serials of all items) when `tracked` is not empty.
  public mutating func replace(_ keys: Set<StockKey>, tracked: Set<String>, from fresh: LedgerFolds) {
    for k in keys {
      balance.rows[k] = fresh.balance.rows[k]
      ageing.slots[k] = fresh.ageing.slots[k]
    }
    if let l = fresh.ageing.latest { ageing.latest = max(ageing.latest ?? l, l) }
    // (A part without batch or serial items leaves them alone: their folds walked every batch and serial.)
    guard !tracked.isEmpty else { return }
    batches.replace(items: tracked, from: fresh.batches)
    serials.replace(items: tracked, from: fresh.serials)
  }

  /// The folds of a whole report source.
  /// - Complexity: O(entries + GL lines).
  public static func of(_ s: ReportSource, filter: ReportFilter = ReportFilter()) -> LedgerFolds {
    var f = LedgerFolds(filter: filter)
    for e in s.entries { f.add(e, voucher: e.isTracked ? s.vouchers[e.voucherNo] : nil, masters: s.masters) }
    for g in s.gl { f.add(g) }
    return f
  }

  /// The columns of an aggregate report; nil for the two ledgers and unknown names.
  public func columns(_ name: String) -> [String]? {
    switch name {
    case "stock-balance": return StockBalanceFold.columns
    case "trial-balance": return TrialBalanceFold.columns
    case "stock-vs-gl": return StockReports.stockVsGLColumns
    case "batch-balance": return BatchBalanceFold.columns
    case "serial-status": return SerialStatusFold.columns
    case "stock-ageing": return ageing.columns
    case "projected-qty": return PlanningReports.projectedColumns
    case "material-requests": return PlanningReports.materialRequestColumns
    default: return nil
    }
  }

  /// Writes the rows of an aggregate report.
  /// - Parameter filter: item and warehouse restrict the rows of the planning reports (the folds carry the
  ///   rest of the filter).
  public func rows(_ name: String, into w: inout some RowSink, masters: Masters, planning: [StockKey: PlanningTotals], filter: ReportFilter = ReportFilter()) {
    let places = masters.company.currencyPrecision
    switch name {
    case "stock-balance": balance.rows(into: &w, places: places)
    case "trial-balance": trial.rows(into: &w, masters: masters)
    case "stock-vs-gl": StockReports.stockVsGL(balance, trial, masters: masters, into: &w)
    case "batch-balance": batches.rows(into: &w, places: places)
    case "serial-status": serials.rows(into: &w)
    case "stock-ageing": ageing.rows(into: &w, company: masters.company)
    case "projected-qty", "material-requests":
      let actual = balance.rows.mapValues(\.balanceQty)
      if name == "projected-qty" {
        PlanningReports.projectedQty(actual: actual, planning: planning, masters: masters, filter, into: &w)
      } else {
        PlanningReports.materialRequests(actual: actual, planning: planning, masters: masters, filter, into: &w)
      }
    default: break
    }
  }

  /// An aggregate report as a table; nil for the two ledgers and unknown names.
  public func table(_ name: String, masters: Masters, planning: [StockKey: PlanningTotals], filter: ReportFilter = ReportFilter()) -> ReportTable? {
    guard let columns = columns(name) else { return nil }
    var t = TableRows(columns: columns)
    rows(name, into: &t, masters: masters, planning: planning, filter: filter)
    return t.table
  }

  /// The reports whose rows are one per item-warehouse, in item then warehouse order: after a run that
  /// changed only some item-warehouses (and no date the ages are taken from), their other rows stand.
  public static let rowPerItemWarehouse = ["stock-balance", "stock-ageing", "projected-qty"]

  /// The rows of such a report for the item-warehouses `only`, as CSV lines (no header).
  public func csvRows(_ name: String, only: Set<StockKey>, masters: Masters, planning: [StockKey: PlanningTotals]) -> [UInt8] {
    var w = ByteWriter(guardsFormulas: true, capacity: 256 * only.count + 64)
    switch name {
    case "stock-balance": balance.rows(into: &w, places: masters.company.currencyPrecision, only: only)
    case "stock-ageing": ageing.rows(into: &w, company: masters.company, only: only)
    case "projected-qty":
      // The balances of those item-warehouses only (a table of all 45,000 was most of splicing the report).
      var actual: [StockKey: Quantity] = [:]
      for k in only { if let r = balance.rows[k] { actual[k] = r.balanceQty } }
      PlanningReports.projectedQty(actual: actual, planning: planning, masters: masters, ReportFilter(), into: &w, only: only)
    default: break
    }
    return w.bytes
  }

  /// An aggregate report as the bytes of its CSV file (the same text as its table's CSV).
  public func csv(_ name: String, masters: Masters, planning: [StockKey: PlanningTotals], filter: ReportFilter = ReportFilter()) -> [UInt8]? {
    guard let columns = columns(name) else { return nil }
    var w = ByteWriter(guardsFormulas: true, capacity: 1 << 20)
    w.texts(columns)
    w.endRow()
    rows(name, into: &w, masters: masters, planning: planning, filter: filter)
    return w.bytes
  }
}

extension LedgerFolds {
  static let formatTag = "stockledger-folds 1"

  /// The unfiltered folds in the snapshot's binary layout, in two parts that can be encoded and decoded on
  /// two cores: everything but the ageing fold (this), then the ageing fold (``encodeAgeing(into:)``).
  public func encodeAllButAgeing(into w: inout BinaryWriter) {
    w.string(LedgerFolds.formatTag)
    balance.encode(into: &w)
    trial.encode(into: &w)
    batches.encode(into: &w)
    serials.encode(into: &w)
  }

  /// The second part of the folds' binary layout: the ageing fold (FIFO slots per item-warehouse, the
  /// largest part).
  public func encodeAgeing(into w: inout BinaryWriter) { ageing.encode(into: &w) }

  /// The folds in the snapshot's layout, encoded ahead (beside the aggregate reports, on the core they
  /// leave idle) and written later: everything but the ageing fold, then the ageing fold's parts.
  public struct Encoded: Sendable {
    public var parts: [[UInt8]]
    /// The ageing fold's length in bytes (the parts after the first).
    public var ageing: Int
  }

  /// ``encodeAllButAgeing(into:)`` into bytes of their own (written after the snapshot's other parts).
  public func encodedAllButAgeing() -> [UInt8] {
    var w = BinaryWriter(capacity: 1 << 20)
    encodeAllButAgeing(into: &w)
    return w.bytes
  }

  /// ``encodedAllButAgeing()``, then ``encodeAgeing(part:_:)``, kept.
  /// - Complexity: O(the folds' bytes), held whole: for folds of tens of megabytes write them as parts.
  public func encoded(part: Int = 1 << 20) -> Encoded {
    var parts = [encodedAllButAgeing()]
    let ageing = encodeAgeing(part: part) { parts.append($0) }
    return Encoded(parts: parts, ageing: ageing)
  }

  /// The same in parts of about `part` bytes, each handed to `write` as it fills (ten million vouchers'
  /// ageing fold encoded whole was tens of megabytes at the end of the run, its peak).
  /// - Returns: the bytes handed over.
  public func encodeAgeing(part: Int, _ write: ([UInt8]) -> Void) -> Int {
    var w = BinaryWriter(capacity: part + (1 << 16))
    var total = 0
    ageing.encode(into: &w) { w in
      guard w.count >= part else { return }
      total += w.count
      write(w.bytes)
      w.reset()
    }
    total += w.count
    write(w.bytes)
    return total
  }

  /// The folds from what ``encodeAllButAgeing(into:)`` wrote, with the ageing fold decoded apart
  /// (``decodeAgeing(_:)``, on another core).
  public init(decodingAllButAgeing r: inout BinaryReader, ageing: AgeingFold) throws(BinaryFormatError) {
    guard try r.string() == LedgerFolds.formatTag else { throw BinaryFormatError(offset: r.offset, "not report folds of this version") }
    balance = try StockBalanceFold(decoding: &r)
    trial = try TrialBalanceFold(decoding: &r)
    batches = try BatchBalanceFold(decoding: &r)
    serials = try SerialStatusFold(decoding: &r)
    self.ageing = ageing
  }

  /// The ageing fold as ``encodeAgeing(into:)`` wrote it.
  /// - Complexity: O(slots).
  public static func decodeAgeing(_ r: inout BinaryReader) throws(BinaryFormatError) -> AgeingFold { try AgeingFold(decoding: &r) }
}
