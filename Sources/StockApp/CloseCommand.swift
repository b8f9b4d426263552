import StockCore
import StockRead
import StockReports
import StockStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `stockledger close --through DATE`: records a period close in the ledger — afterwards nothing may be
/// posted, backdated or cancelled on or before DATE — and writes the close pack to `OUT/close-DATE/`:
/// trial balance, stock balance and stock-vs-GL as of DATE, and the ledger's chain head.
public enum CloseCommand {
  public static func run(paths: BooksPaths, through date: BusinessDate) -> CommandOutcome {
    // A period is closed once it has ended: a close through a date still to come (a mistyped year, say)
    // would refuse every voucher up to it, and a close is not undone. The machine's calendar decides, as
    // the clerk's does; the date is not written anywhere.
    if let today = today(), date > today {
      return CommandOutcome(
        exitCode: RunCommand.Exit.configuration,
        stderr: "stockledger close: \(date) is after today (\(today)): a period is closed once it has ended, and a close is not undone; check the date; nothing was changed\n")
    }
    let masters: Masters
    let masterFiles = MasterFiles.read(directory: paths.masters)
    do { masters = try MasterReader.read(masterFiles) } catch {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger close: master data cannot be used:\n" + error.description + "\n")
    }
    masters.makeImmortal()  // (kept to the end of the command: its references are not counted)
    let store = LedgerStore(directory: paths.ledger)
    let lock: FileLock
    do {
      guard let l = try store.lock() else {
        return CommandOutcome(exitCode: RunCommand.Exit.locked, stderr: "stockledger close: another run holds \(paths.ledger)/.lock; nothing was changed\n")
      }
      lock = l
      _ = try store.recover()
    } catch {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger close: \(error)\n")
    }
    defer { withExtendedLifetime(lock) {} }
    // The whole ledger is checked (every file against its manifest), then folded as of the date: from the
    // head stock ledger and the runs' GL files, a part at a time, when the head reports describe the
    // ledger and are not edited (``ReportWriter/areUnedited(in:chain:)``, ``StreamedFolds``: an edited
    // stock ledger would give an edited pack); else, when the head reports can be written anew from the
    // ledger read a part at a time (with the snapshot, as a run does), from them; else loaded whole.
    let ledger: LedgerContents
    var folds: LedgerFolds?
    var notes: [String] = []
    do {
      ledger = try store.load(light: true)
      var current = ReportWriter.areUnedited(in: paths.out, chain: ledger.chainHead)
      // (Written anew, every file was just hashed and checked against its manifest: not again below.)
      var checked = false
      if !current, ledger.runCount > 0, RunCommand.rebuildsSnapshots {
        let master = MasterData(files: masterFiles, masters: masters)
        let (_, why, rebuildable) = HeadSnapshot.usable(store: store, chain: ledger.chainHead, masters: master, out: paths.out)
        if rebuildable, case .success(let rebuilt) = HeadSnapshot.rebuilt(paths: paths, store: store, chain: ledger.chainHead, masters: master) {
          notes.append((why ?? "the head reports are not the ledger head's") + ": " + RunCommand.writtenAnew(rebuilt))
          (current, checked) = (true, true)
        }
      }
      if current {
        if !checked { try store.checkFiles() }
        folds = StreamedFolds.folds(ReportFilter(to: date), ageing: false, store: store, out: paths.out, masters: masters)
      }
      if folds == nil { folds = LedgerFolds.of(ReportCommand.source(masters: masters, ledger: try store.load()), filter: ReportFilter(to: date)) }
    } catch {
      return CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger close: the ledger fails its integrity check at \(error.place): \(error.message)\n")
    }
    if let closed = ledger.closedThrough, date <= closed {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger close: the books are already closed through \(closed); a new close must be later\n")
    }
    guard let folds else { preconditionFailure("folded one way or the other") }
    // (As `StockReports.trialBalance`, `stockBalance` and `stockVsGL` make them as of the date.)
    let trial = folds.table("trial-balance", masters: masters, planning: [:])!
    let stock = folds.table("stock-balance", masters: masters, planning: [:])!
    let versus = StockReports.stockVsGL(folds.balance, folds.trial, masters: masters)
    var record = RunRecord(run: ledger.runCount + 1, vouchers: [], entries: [], gl: [], files: [], moves: [])
    record.closeThrough = date
    // The head snapshot and reports as they are before the close (read before the commit changes the head).
    let snapshotBefore = store.readSnapshot()
    let reportsCurrent = ReportWriter.areCurrent(in: paths.out, chain: ledger.chainHead)
    let chain: String
    do {
      chain = try store.commit(record, previousChain: ledger.chainHead, places: masters.company.currencyPrecision).chain
      try store.markFinished(run: record.run)
    } catch {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger close: nothing was closed: \(error)\n")
    }
    carryForward(snapshotBefore, reportsCurrent: reportsCurrent, from: ledger.chainHead, to: chain, store: store, out: paths.out)
    let dir = paths.out + "/close-\(date)"
    let places = masters.company.currencyPrecision
    let column = { (t: ReportTable, name: String) in t.columns.firstIndex(of: name) ?? 0 }
    let sum = { (t: ReportTable, name: String) in t.rows.reduce(Fixed.zero) { $0 + (Fixed(parsing: $1[column(t, name)]) ?? .zero) } }
    let difference = sum(versus, "difference")
    let summary = """
      {
        "closed_through": "\(date)",
        "run": "\(LedgerStore.runName(record.run))",
        "ledger_chain_head": "\(chain)",
        "trial_balance_debit": "\(sum(trial, "closing_debit").formatted(places: places))",
        "trial_balance_credit": "\(sum(trial, "closing_credit").formatted(places: places))",
        "stock_value": "\(sum(stock, "balance_value").formatted(places: places))",
        "stock_vs_gl_difference": "\(difference.formatted(places: places))"
      }

      """
    do {
      try DurableFiles.makeDirectory(dir)
      try DurableFiles.write(trial.csv, to: dir + "/trial-balance.csv")
      try DurableFiles.write(stock.csv, to: dir + "/stock-balance.csv")
      try DurableFiles.write(versus.csv, to: dir + "/stock-vs-gl.csv")
      try DurableFiles.write(summary, to: dir + "/close-summary.json")
      try DurableFiles.write("\(chain)\n", to: dir + "/chain-head.txt")
    } catch {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger close: the close is recorded (run \(LedgerStore.runName(record.run))) but the close pack could not be written: \(error)\n")
    }
    var text = "stockledger close: books closed through \(date) (run \(LedgerStore.runName(record.run)), chain \(chain.prefix(16)))\n"
    text += "  close pack: \(dir)\n"
    if !difference.isZero { text += "  WARNING: stock and GL differ by \(difference.formatted(places: places)) as of \(date); see stock-vs-gl.csv\n" }
    for n in notes { text += "  note: \(n)\n" }
    return CommandOutcome(exitCode: 0, stdout: text)
  }

  /// Carries the head snapshot and the head reports' marker over the close, which changes nothing either
  /// describes (no voucher, entry or GL line; the close date is read with the ledger's registry): the next
  /// run continues from them instead of replaying the whole ledger (until the forty-sixth session every
  /// close made the next nightly run a replay). Best effort: a snapshot or marker not carried is one the
  /// next run finds stale, and it replays, as before. The snapshot is carried only if it described the
  /// ledger as it was: read before the commit, of the old head's chain. Its files' fingerprint need not be
  /// today's (books copied, restored or touched): the close checked every file against its manifest first,
  /// as a run does before it continues from such a snapshot (a close after a copy made the next run a
  /// replay, without a note).
  static func carryForward(_ snapshot: [UInt8]?, reportsCurrent: Bool, from old: String, to new: String, store: LedgerStore, out: String) {
    if let snapshot, let now = store.statFingerprint(),
      let carried = HeadSnapshot.carriedForward(snapshot, chain: old, to: new, fingerprint: now),
      let aside = try? store.writeSnapshotAside(parts: { $0(carried) })
    {
      do { try store.adoptSnapshot(aside) } catch { store.removeSnapshot() }
    } else {
      store.removeSnapshot()
    }
    // The reports are those of the new head as much as the old one's.
    guard reportsCurrent else { return }
    try? DurableFiles.write(ReportWriter.markerText(chain: new, sizes: ReportWriter.markedSizes(in: out, chain: old)), to: out + "/" + ReportWriter.marker, durable: false)
  }

  /// Today's date on this machine (local time); nil where the clock cannot be read.
  static func today() -> BusinessDate? {
    var now = time(nil)
    var parts = tm()
    guard localtime_r(&now, &parts) != nil else { return nil }
    return BusinessDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
  }
}
