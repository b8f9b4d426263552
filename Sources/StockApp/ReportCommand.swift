import StockCore
import StockOrder
import StockRead
import StockReports
import StockStore
import StockValidate

/// `stockledger report NAME`: any report of SPEC §7, from the ledger as committed, as CSV, a terminal table
/// or JSON, filtered by dates, item or warehouse.
public enum ReportCommand {
  public enum Format: String, Sendable, CaseIterable { case csv, table, json }

  public static func run(name: String, paths: BooksPaths, filter given: ReportFilter, format: Format) -> CommandOutcome {
    Allocator.tuneForBatch()
    // The name first: an unknown one was found only after the whole ledger was read (seconds at a million).
    guard StockReports.names.contains(name) else {
      let hint = NameSuggestion.closest(to: name, among: StockReports.names).map { "did you mean \($0)? " } ?? ""
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger report: unknown report \(name); \(hint)the reports are: \(StockReports.names.joined(separator: ", "))\n")
    }
    // The master data read once, for the filters, the snapshot's report and the ledger's (they were read
    // for each, three times for a filtered report).
    let masters: Masters
    switch Books.masters(paths, command: "report") {
    case .success(let m): masters = m
    case .failure(let failure): return failure.outcome
    }
    var filter = given
    if let unknown = unknownFilter(filter, masters: masters) {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger report: \(unknown)\n")
    }
    if let w = filter.warehouse, masters.warehouse(w)?.isGroup == true { filter.within = ReportFilter.within(group: w, of: masters) }
    if let table = fromSnapshot(name: name, paths: paths, masters: masters, filter: filter) { return CommandOutcome(exitCode: 0, stdout: format.render(table)) }
    // From the head reports' files, a part at a time, when they describe the ledger (not edited since:
    // ``ReportWriter/areUnedited(in:chain:)``) and the ledger's files check against their manifests: the two ledgers as CSV are the head files' own lines the filter keeps
    // (the bytes the ledger loaded whole gives them); the balances and the ageing with dates (or filters the
    // snapshot's folds cannot answer) are folded from the head stock ledger and the GL files
    // (``StreamedFolds``). Else from the ledger loaded whole.
    let ledgers = format == .csv && (name == "stock-ledger" || name == "general-ledger")
    let store = LedgerStore(directory: paths.ledger)
    if ledgers || StreamedFolds.reports.contains(name), let head = try? store.head(), head.run > 0, ReportWriter.areUnedited(in: paths.out, chain: head.chain) {
      do { try store.checkFiles() } catch {
        return CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger report: the ledger fails its integrity check at \(error.place): \(error.message)\n")
      }
      if ledgers, let bytes = headLedgerLines(name, filter: filter, out: paths.out, masters: masters) {
        return CommandOutcome(exitCode: 0, stdout: String(decoding: bytes, as: UTF8.self))
      }
      // (Stock against GL compares everything up to `to`, as ``StockReports/make(_:_:_:)`` folds it.)
      let folded = name == "stock-vs-gl" ? ReportFilter(to: filter.to) : filter
      if !ledgers, let folds = StreamedFolds.folds(folded, ageing: name == "stock-ageing", store: store, out: paths.out, masters: masters),
        let table = folds.table(name, masters: masters, planning: [:])
      {
        return CommandOutcome(exitCode: 0, stdout: format == .csv ? String(decoding: table.csvBytes, as: UTF8.self) : format.render(table))
      }
    }
    // Else from the ledger read a part at a time and its vouchers posted again, for the same reports; only
    // then from the ledger loaded whole.
    if let head = try? store.head(), head.run > 0, let streamed = fromLedgerStreamed(name, filter: filter, format: format, paths: paths, masters: masters) {
      return streamed
    }
    let ledger: LedgerContents
    switch Books.ledger(paths, command: "report") {
    case .success(let l): ledger = l
    case .failure(let failure): return failure.outcome
    }
    let source = ReportCommand.source(masters: masters, ledger: ledger, planning: ["projected-qty", "material-requests"].contains(name))
    if format == .csv, let bytes = StockReports.csv(name, source, filter) { return CommandOutcome(exitCode: 0, stdout: String(decoding: bytes, as: UTF8.self)) }
    guard let table = StockReports.make(name, source, filter) else {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger report: \(name) cannot be made from the ledger\n")
    }
    return CommandOutcome(exitCode: 0, stdout: format.render(table))
  }

  /// What is wrong with an `--item` or `--warehouse` that names nothing in the master data (a report filtered
  /// by a mistyped name would be empty, and look like a period without movements); nil when both are known.
  static func unknownFilter(_ filter: ReportFilter, masters: Masters) -> String? {
    if let item = filter.item, masters.itemByCode[item] == nil {
      return "--item '\(item)' is not in items.csv" + NameSuggestion.hint(for: item, among: masters.items, { $0.code }, file: "items.csv", field: "--item")
    }
    if let warehouse = filter.warehouse, masters.warehouseByName[warehouse] == nil {
      return "--warehouse '\(warehouse)' is not in warehouses.csv" + NameSuggestion.hint(for: warehouse, among: masters.warehouses, { $0.name }, file: "warehouses.csv", field: "--warehouse")
    }
    return nil
  }

  /// The lines of the head `stock-ledger.csv` or `general-ledger.csv` that `filter` keeps, with the header:
  /// what ``StockReports/csv(_:_:_:)`` writes from the loaded ledger (the same writer made the head files,
  /// in the same order). nil when an item or warehouse name would be written guarded against formulas (it
  /// could not be matched as written), a field holds a line break, or a line cannot be read.
  /// - Complexity: O(bytes of the file), read a part at a time; memory O(the lines kept).
  static func headLedgerLines(_ name: String, filter: ReportFilter, out: String, masters: Masters) -> [UInt8]? {
    let stock = name == "stock-ledger"
    if stock, filter.item != nil || filter.warehouse != nil, !StreamedFolds.namesWrittenPlain(masters) { return nil }
    let path = out + "/" + name + ".csv"
    var kept: [UInt8] = []
    var unreadable = false
    let read = FileBytes.forEachLines(ofFileAt: path) { lines, atStart in
      var start = 0
      if atStart {
        // The header, always.
        while start < lines.count && lines[start] != 10 { start += 1 }
        start = min(start + 1, lines.count)
        kept.append(contentsOf: lines[..<start])
      }
      while start < lines.count {
        var end = start
        while end < lines.count && lines[end] != 10 { end += 1 }
        let line = UnsafeBufferPointer(rebasing: lines[start..<min(end + 1, lines.count)])
        start = end + 1
        // A quoted field that holds a line break (an odd number of quotes on the line): not split by lines.
        if line.reduce(0, { $0 + ($1 == 34 ? 1 : 0) }) % 2 == 1 {
          unreadable = true
          return false
        }
        // The posting date leads every line; a stock line's item and warehouse are its fifth and sixth fields.
        guard line.count >= 10, let date = BusinessDate.parse(UnsafeBufferPointer(rebasing: line[..<10])) else {
          unreadable = true
          return false
        }
        guard filter.inRange(date) else { continue }
        if stock, filter.item != nil || filter.warehouse != nil {
          var fields: [String]?
          do throws(Diagnostic) {
            try CSVParser.forEachRecord(line, file: path) { if fields == nil { fields = $0.fields } }
          } catch {}
          guard let f = fields, f.count == StockLedgerEntry.columns.count else {
            unreadable = true
            return false
          }
          guard filter.matches(item: f[4], warehouse: f[5]) else { continue }
        }
        kept.append(contentsOf: line)
      }
      return true
    }
    return read && !unreadable ? kept : nil
  }

  /// An aggregate report as of the head from the head snapshot's folds, without reading the ledger: when
  /// the snapshot describes the head and the report is asked for as the head reports are (the planning
  /// reports may also be restricted to an item or warehouse). nil: derive it from the ledger.
  static func fromSnapshot(name: String, paths: BooksPaths, masters: Masters, filter: ReportFilter) -> ReportTable? {
    let planningReport = name == "projected-qty" || name == "material-requests"
    guard filter.from == nil, filter.to == nil, filter.ranges == ReportFilter().ranges, planningReport || (filter.item == nil && filter.warehouse == nil),
      let head = try? LedgerStore(directory: paths.ledger).head(), head.run > 0,
      let snapshot = HeadSnapshot.current(
        store: LedgerStore(directory: paths.ledger), chain: head.chain, masters: MasterData(files: MasterFiles.read(directory: paths.masters), masters: masters)
      ).0
    else { return nil }
    return snapshot.folds.table(name, masters: masters, planning: snapshot.state.planning, filter: filter)
  }

  /// The report source of the committed ledger.
  /// With `planning`, the ledger's vouchers are replayed for the order quantities (they are not stored).
  static func source(masters: Masters, ledger: LedgerContents, planning: Bool = false) -> ReportSource {
    let work = RunWork(masters: masters, ledger: ledger, facts: LedgerFacts(), partial: false)
    var totals: [StockKey: PlanningTotals] = [:]
    if planning { totals = Replay(masters: masters, timeline: Timeline.order(posted: ledger.activeVouchers)).state.planning }
    return ReportSource(masters: masters, entries: work.sortedStoredEntries(), gl: ledger.gl, vouchers: index(ledger.vouchers), planning: totals)
  }

  /// Vouchers by number, as the reports need them: those that move batches or serials (parties of
  /// deliveries, batch dates) and returns.
  static func index(_ posted: [Voucher], _ new: VoucherList = []) -> [String: Voucher] {
    var out: [String: Voucher] = [:]
    func add(_ v: Voucher) { if v.action == .submit && (v.isReturn || v.hasTrackedRows) { out[v.no] = v } }
    for v in posted { add(v) }
    for v in new { add(v) }
    return out
  }
}

extension ReportCommand.Format {
  /// The table in this format.
  public func render(_ table: ReportTable) -> String {
    switch self {
    case .csv: return table.csv
    case .table: return table.table
    case .json: return table.json
    }
  }
}
