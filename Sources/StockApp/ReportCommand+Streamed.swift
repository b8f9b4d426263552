import StockCore
import StockReports
import StockStore

extension ReportCommand {
  /// A report the head reports cannot give (missing, of another head, edited), derived from the ledger read
  /// a part at a time as `verify` reads it, in memory that does not grow with the history, instead of from
  /// the ledger loaded whole (1M: about 1.2 GB; 10M: more than most machines have). The reports are those
  /// the head reports give a part at a time: the two ledgers as CSV, and ``StreamedFolds/reports`` in any
  /// format. The general ledger is the runs' GL lines as they are read, in ledger order, once every file is
  /// checked against its manifest; the stock ledger,
  /// the balances and the ageing come from the entries of the ledger's vouchers posted again from empty
  /// state (``VerifyCommand/post(_:masters:seriesUsed:stored:store:spillingTo:locating:stoppingAtDifference:into:entriesPosted:)``),
  /// which must come out as the ledger holds them — the loaded ledger's report shows the entries as
  /// stored; under master data they no longer post the same under, nil.
  /// - Returns: nil when the report is not one of these, a ledger file fails its check (the loaded path
  ///   names it), or the vouchers post otherwise: the caller loads the ledger.
  /// - Complexity: O(bytes of the ledger) read and hashed on both cores, O(vouchers × rows) posted; memory
  ///   that of `verify`, and the report's bytes. The general ledger: O(bytes of the ledger) hashed, of the GL
  ///   files parsed; memory a part and the report's bytes.
  static func fromLedgerStreamed(_ name: String, filter: ReportFilter, format: Format, paths: BooksPaths, masters: Masters) -> CommandOutcome? {
    // (`STOCKLEDGER_TEST_REPLAY=1`: loaded whole, as before the fiftieth session — the tests' reference.)
    guard RunCommand.rebuildsSnapshots else { return nil }
    let ledgers = format == .csv && (name == "stock-ledger" || name == "general-ledger")
    guard ledgers || StreamedFolds.reports.contains(name) else { return nil }
    let store = LedgerStore(directory: paths.ledger)
    let places = masters.company.currencyPrecision
    let general = name == "general-ledger", ageing = name == "stock-ageing"
    // (Stock against GL compares everything up to `to`, as ``StockReports/make(_:_:_:)`` folds it.)
    var folds = LedgerFolds(filter: name == "stock-vs-gl" ? ReportFilter(to: filter.to) : filter)
    var w = ByteWriter(guardsFormulas: true, capacity: 1 << 16)
    if ledgers {
      w.texts(general ? StockReports.glColumns : StockReports.stockLedgerColumns)
      w.endRow()
    }
    // The general ledger and the trial balance: every file checked against its manifest, then the GL files'
    // lines as they are read (nothing posted again: they are the ledger's).
    if general || name == "trial-balance" {
      guard (try? store.checkFiles()) != nil, StreamedFolds.forEachGLLine(store: store, { g in
        guard general else { return folds.add(g) }
        guard filter.inRange(g.date) else { return }
        g.write(places: places, into: &w)
        w.endRow()
      }) else { return nil }
    } else {
      guard fromPostedEntries() else { return nil }
    }
    if ledgers { return CommandOutcome(exitCode: 0, stdout: String(decoding: w.bytes, as: UTF8.self)) }
    guard let table = folds.table(name, masters: masters, planning: [:]) else { return nil }
    return CommandOutcome(exitCode: 0, stdout: format == .csv ? String(decoding: table.csvBytes, as: UTF8.self) : format.render(table))

    /// The stock ledger's lines, or the folds, from the ledger read a part at a time and its vouchers posted
    /// again; false when a file differs or the vouchers post otherwise.
    func fromPostedEntries() -> Bool {
      var read: StreamedVouchers
      do {
        // (The lines come on the reading's other thread, in ledger order, before anything below runs.)
        read = try StreamedVouchers.read(store: store, ledger: paths.ledger, masters: masters, gl: { g in if !ledgers { folds.add(g) } })
      } catch {
        return false
      }
      var stored = read.takeStored()
      guard stored.damage.isEmpty else { return false }
      var posted = LedgerFolds()  // (the posting's own, of every entry: not the report's)
      let result = VerifyCommand.post(
        read.active, masters: masters, seriesUsed: read.reached, stored: &stored, store: store, spillingTo: paths.ledger, locating: false,
        stoppingAtDifference: true, into: &posted
      ) { entries in
        for e in entries {
          if ledgers {
            guard filter.inRange(e.date) && filter.matches(item: e.itemCode, warehouse: e.warehouse) else { continue }
            e.write(places: places, into: &w)
            w.endRow()
          } else {
            folds.balance.add(e)
            if ageing { folds.ageing.add(e) }
          }
        }
      }
      guard case .success(let p) = result, p.difference == nil, stored.entries.isEmpty, p.glDigest == stored.glDigest else { return false }
      return true
    }
  }
}
