import Foundation
import StockCore
import StockRead
import StockReports
import StockStore

/// Writes the reports of SPEC §7 into the output folder, each file atomically.
enum ReportWriter {
  /// The head reports of one run, rendered (pure: may run beside the commit).
  struct Rendered: Sendable {
    /// Rows appended to the two ledgers, each after the size it had at the previous head.
    var appends: [(name: String, bytes: [UInt8], after: Int)] = []
    /// Files already written under a temporary name, renamed into place: (temporary path, report name).
    var renames: [(temporary: String, name: String)] = []
    /// The folds the aggregate reports were rendered from (for the next snapshot).
    var folds = LedgerFolds()
    /// ``folds`` encoded for the next snapshot beside the aggregate reports, when asked for.
    var encodedFolds: LedgerFolds.Encoded?
    /// Why a report could not be rendered to its temporary file (the write then fails with it).
    var failure: StoreError?
    /// A file holding the run's GL journal's bytes: a run onto an empty ledger, whose journal is its general
    /// ledger (this, under its temporary name in the output folder). ``PostCommit`` copies it when the
    /// committed `gl.csv` does not hold those bytes (a text field guarded against formulas), instead of
    /// formatting the lines again.
    var journal: String?
    /// The run's `stock.csv` and `gl.csv`, written beside the posting for the commit to adopt (``HeadLedgers``);
    /// taken by ``RenderAhead``, which hands them to the commit before the aggregate reports are done.
    var runFiles: PrewrittenRunFiles?

    /// Adds the aggregate reports: their temporary files to ``renames``, the first failure to ``failure``,
    /// the folds encoded to ``encodedFolds``.
    mutating func add(_ aggregates: [Aggregate]) {
      for a in aggregates {
        switch a {
        case .written(let name, let temporary): renames.append((temporary, name))
        case .failed(let error): if failure == nil { failure = error }
        case .folds(let encoded): encodedFolds = encoded
        }
      }
    }
  }

  /// The two reports that grow with the history: a run appends to them.
  static let appendableNames = ["stock-ledger", "general-ledger"]
  /// The reports whose sizes the snapshot records: a run appends to the first two and may splice the others,
  /// but only into files of the size it wrote.
  static let sizedNames = appendableNames + LedgerFolds.rowPerItemWarehouse

  static func writeHeadReports(_ source: ReportSource, to out: String, chain: String) throws(StoreError) {
    var removal: Background<Void>?
    _ = try write(render(source, out: out), to: out, chain: chain, removal: &removal)
    _ = removal?.value
  }

  /// The file that says which ledger head the head reports show.
  static let marker = ".ledger-head"

  /// Whether every head report is there and was written for the ledger head `chain`.
  static func areCurrent(in out: String, chain: String) -> Bool {
    guard let text = FileBytes.read(out + "/" + marker), markedHead(text) == chain else { return false }
    return StockReports.names.allSatisfy { DurableFiles.exists(out + "/" + $0 + ".csv") }
  }

  /// The marker's text: the ledger head the reports show, then the sizes of ``sizedNames`` as written
  /// (nil: not said). The sizes let a run that has no usable snapshot (which records them too) tell whether
  /// the head ledgers were changed since, before it writes the snapshot anew from the ledger
  /// (``HeadSnapshot/rebuilt(paths:store:chain:masters:timer:)``).
  static func markerText(chain: String, sizes: [Int]?) -> [UInt8] {
    Array((chain + "\n" + (sizes.map { "sizes " + $0.map(String.init).joined(separator: " ") + "\n" } ?? "")).utf8)
  }

  /// Whether every head report is there, written for the ledger head `chain`, and the two ledgers are at the
  /// sizes the marker records (not edited since; a marker without sizes, written before the forty-ninth
  /// session, cannot say so): the sizes when they are, else nil.
  static func asMarked(in out: String, chain: String) -> [Int]? {
    guard areCurrent(in: out, chain: chain), let sizes = markedSizes(in: out, chain: chain), ledgers(in: out, areAt: sizes) else { return nil }
    return sizes
  }

  /// Whether every head report is there, written for the ledger head `chain`, and the two ledgers are not
  /// known to be edited: at the sizes the marker records, or the marker records none (written before the
  /// forty-ninth session: the reports are taken as written, as they were then, until a run writes sizes).
  static func areUnedited(in out: String, chain: String) -> Bool {
    guard areCurrent(in: out, chain: chain) else { return false }
    return markedSizes(in: out, chain: chain).map { ledgers(in: out, areAt: $0) } ?? true
  }

  /// Whether the two head ledgers in `out` (``appendableNames``) are at the first of `sizes` (those of
  /// ``sizedNames``, as a marker or a snapshot records them): two `stat`s.
  static func ledgers(in out: String, areAt sizes: [Int]) -> Bool {
    sizes.count >= appendableNames.count && appendableNames.enumerated().allSatisfy { i, name in DurableFiles.size(out + "/" + name + ".csv") == sizes[i] }
  }

  /// The ledger head a marker's text names (its first line).
  static func markedHead(_ text: [UInt8]) -> String? {
    guard let end = text.firstIndex(of: 10) else { return nil }
    return String(decoding: text[..<end], as: UTF8.self)
  }

  /// The sizes of ``sizedNames`` the marker in `out` records for the head `chain`; nil when it does not
  /// name that head or records none (a marker written before the forty-ninth session).
  static func markedSizes(in out: String, chain: String) -> [Int]? {
    guard let text = FileBytes.read(out + "/" + marker), markedHead(text) == chain else { return nil }
    let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
    guard lines.count == 2, lines[1].hasPrefix("sizes ") else { return nil }
    let sizes = lines[1].dropFirst(6).split(separator: " ").compactMap { Int($0) }
    return sizes.count == sizedNames.count ? sizes : nil
  }

  /// Every head report from the whole ledger. The two ledgers, which grow with the history, are written
  /// in chunks to temporary files in `out` (renamed into place by ``write(_:to:chain:)``), not built in
  /// memory: at a million vouchers they are a quarter of a gigabyte.
  /// - Complexity: O(entries + GL lines).
  /// - Parameter encodingFolds: whether the folds are encoded for the next snapshot beside the aggregate
  ///   reports (``aggregates(_:_:splicing:only:temporariesIn:encodingFolds:)``).
  static func render(_ source: ReportSource, out: String, encodingFolds: Bool = false) -> Rendered {
    var ledgers = HeadLedgers(masters: source.masters, out: out, journal: false)
    source.entries.withUnsafeBufferPointer { ledgers.add(entries: $0) { source.vouchers[$0] } }
    source.gl.withUnsafeBufferPointer { ledgers.add(gl: $0) }
    var r = ledgers.finish()
    r.add(aggregates(r.folds, source, temporariesIn: out, encodingFolds: encodingFolds))
    return r
  }

  /// The head reports after a run that posted only after the previous head: `source` holds the run's
  /// entries and GL lines, appended to the two ledgers and added to the previous head's folds. The reports
  /// with a row per item-warehouse keep the rows of the item-warehouses the run did not touch
  /// (``RowSplice``): the stock balance and the projected quantity always (a row changes only with its
  /// item-warehouse's entries and planning), the stock ageing when the latest date did not move (every age
  /// moves with it).
  /// - Parameters:
  ///   - planning: the planning totals before the run (the snapshot's).
  ///   - out: the output folder, whose reports are spliced when they are as the snapshot recorded them.
  /// - Complexity: O(the run's entries and lines + the rows of the reports rendered whole + the sizes of
  ///   those spliced).
  static func render(
    appending source: ReportSource, to folds: consuming LedgerFolds, planning: [StockKey: PlanningTotals], sizes: [Int], out: String, encodingFolds: Bool = false
  ) -> Rendered {
    // Whether the latest date moves (then every age does), before the folds are handed on whole.
    let latest = folds.ageing.latest
    var r = Rendered(folds: consume folds)
    // The run's rows of the two ledgers, formatted on another thread while the folds take in its entries
    // (the one needs nothing of the other): in a daily run they were 9 ms before the aggregates could begin.
    let appends = Background { [source] in
      [
        (name: "stock-ledger", bytes: StockReports.stockLedgerCSV(source, header: false), after: sizes[0]),
        (name: "general-ledger", bytes: StockReports.generalLedgerCSV(source.gl, source, header: false), after: sizes[1]),
      ]
    }
    var touched = Set<StockKey>()
    for e in source.entries {
      touched.insert(e.key)
      r.folds.add(e, voucher: e.isTracked ? source.vouchers[e.voucherNo] : nil, masters: source.masters)
    }
    for g in source.gl { r.folds.add(g) }
    for (k, t) in source.planning where planning[k] != t { touched.insert(k) }
    for k in planning.keys where source.planning[k] == nil { touched.insert(k) }
    let spliced: Set<String> = r.folds.ageing.latest == latest ? Set(LedgerFolds.rowPerItemWarehouse) : ["stock-balance", "projected-qty"]
    r.add(aggregates(r.folds, source, splicing: (out, touched, sizes), only: spliced, temporariesIn: out, encodingFolds: encodingFolds))
    r.appends = appends.value
    return r
  }

  /// The head reports after a run that revalued part of the history: `source` holds the part's entries
  /// (its whole history, revalued) and the run's, in timeline order; the part's item-warehouses are folded
  /// afresh (with the batches and serials of its `tracked` items), the rest added to the head's folds.
  /// `stock-ledger.csv` is rewritten apart (see
  /// ``StockLedgerRewrite``) and renamed into place with the others.
  /// When the run changed nothing but the part (no other item-warehouse, no order, no later date), the
  /// reports with a row per item-warehouse keep their other rows from the files in `out` (``RowSplice``).
  static func render(
    revaluing source: ReportSource, keys: Set<StockKey>, tracked: Set<String>, to folds: consuming LedgerFolds, planning: [StockKey: PlanningTotals], sizes: [Int], out: String,
    encodingFolds: Bool = false
  ) -> Rendered {
    // Whether the latest date moves (then every age does), before the folds are handed on whole.
    let latest = folds.ageing.latest
    var r = Rendered(folds: consume folds)
    var fresh = LedgerFolds()
    for e in source.entries {
      let voucher = e.isTracked ? source.vouchers[e.voucherNo] : nil
      if keys.contains(e.key) {
        fresh.add(e, voucher: voucher, masters: source.masters)
      } else {
        r.folds.add(e, voucher: voucher, masters: source.masters)
      }
    }
    r.folds.replace(keys, tracked: tracked, from: fresh)
    for g in source.gl { r.folds.add(g) }
    r.appends = [("general-ledger", StockReports.generalLedgerCSV(source.gl, source, header: false), sizes[1])]
    let onlyThePart = r.folds.ageing.latest == latest && source.planning == planning
      && source.entries.allSatisfy { keys.contains($0.key) }
    r.add(
      aggregates(
        r.folds, source, splicing: onlyThePart ? (out, keys, sizes) : nil, only: Set(LedgerFolds.rowPerItemWarehouse), temporariesIn: out,
        encodingFolds: encodingFolds))
    return r
  }

  /// The aggregate reports from the folds, rendered on both cores (each report a task for whichever core is
  /// free, the largest first).
  /// - Parameters:
  ///   - splicing: the output folder, the only item-warehouses that changed and the sizes the snapshot
  ///     recorded (``sizedNames``): the reports of `spliceable` are spliced into their previous files, when
  ///     those are as written, instead of rendered whole.
  ///   - spliceable: the reports that may be spliced (of ``LedgerFolds/rowPerItemWarehouse``).
  ///   - temporariesIn: the output folder, where each report is written under a temporary name by the
  ///     thread that rendered it (renamed into place by ``write(_:to:chain:removal:)``), beside the other
  ///     reports still rendering: written after them all, a daily run's 7 MB of aggregate reports were 25 ms
  ///     of the kernel's copying on the run's last stretch, one core idle.
  ///   - encodingFolds: whether `folds` are also encoded for the next snapshot (``Aggregate/folds(_:)``, one
  ///     more task): encoded after the reports, on the run's last stretch, they were a daily run's last 20 ms.
  static func aggregates(
    _ folds: LedgerFolds, _ source: ReportSource, splicing: (out: String, keys: Set<StockKey>, sizes: [Int])? = nil, only spliceable: Set<String> = [],
    temporariesIn out: String, encodingFolds: Bool = false
  ) -> [Aggregate] {
    // Every report but the two ledgers, in the catalogue's order (taken largest first, ``AggregateTask/weight``).
    let tasks = StockReports.names.filter { !appendableNames.contains($0) }.map(AggregateTask.report) + (encodingFolds ? [.folds] : [])
    return Parallel.mapEach(tasks, weight: \.weight) { task -> Aggregate in
      guard case .report(let name) = task else { return .folds(folds.encoded()) }
      var bytes: [UInt8]
      if let splicing, spliceable.contains(name), let k = sizedNames.firstIndex(of: name), k >= appendableNames.count, k < splicing.sizes.count,
        let old = FileBytes.read(splicing.out + "/" + name + ".csv"), old.count == splicing.sizes[k],
        let spliced = RowSplice.splice(old, changed: splicing.keys, rows: folds.csvRows(name, only: splicing.keys, masters: source.masters, planning: source.planning))
      {
        bytes = spliced
      } else {
        bytes = folds.csv(name, masters: source.masters, planning: source.planning) ?? []
      }
      do throws(StoreError) {
        // Through the page cache: the next run splices it.
        let file = try StreamedFile(path: out + "/" + name + ".csv", hashing: false, directIO: false)
        file.append(bytes)
        bytes = []
        return .written(name, temporary: try file.closeTemporary())
      } catch {
        return .failed(error)
      }
    }
  }

  /// A task of ``aggregates(_:_:splicing:only:temporariesIn:encodingFolds:)``: a report, or the folds encoded.
  enum AggregateTask: Sendable {
    case report(String)
    case folds

    /// What it costs, roughly (the daily run on a 1M ledger: the ageing report about 18 ms, the balance and
    /// the folds' encoding about 10, the rest a few): the largest are taken first.
    var weight: Int {
      switch self {
      case .report("stock-ageing"): 4
      case .report("stock-balance"), .folds: 3
      case .report("projected-qty"): 2
      case .report: 1
      }
    }
  }

  /// An aggregate report rendered: the temporary file it was written to, or why it could not be.
  enum Aggregate: Sendable {
    case written(String, temporary: String)
    case failed(StoreError)
    /// Not a report: the folds encoded for the next snapshot.
    case folds(LedgerFolds.Encoded)
  }

  /// The sizes of ``sizedNames`` that writing `r` into `out` gives (known before it is written).
  static func sizes(after r: Rendered, in out: String) -> [Int] {
    sizedNames.map { name in
      if let a = r.appends.first(where: { $0.name == name }) { return a.after + a.bytes.count }
      if let m = r.renames.first(where: { $0.name == name }) { return DurableFiles.size(m.temporary) ?? 0 }
      return DurableFiles.size(out + "/" + name + ".csv") ?? 0
    }
  }

  /// Writes the reports and then the marker; returns the sizes of ``sizedNames`` as written.
  /// - Parameter removal: set to the removal of replaced reports still under way on the other core (wait for
  ///   it before the process ends; a temporary name left behind is removed by the next write).
  static func write(_ r: Rendered, to out: String, chain: String, removal: inout Background<Void>?) throws(StoreError) -> [Int] {
    if let failure = r.failure { throw failure }
    try DurableFiles.makeDirectory(out)
    let keep = Set(r.renames.map(\.temporary))
    for n in (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [] where n.hasPrefix(".") && n.contains(".tmp-") && !keep.contains(out + "/" + n) {
      unlink(out + "/" + n)
    }
    // Head reports are derived and rewritten by every run: replaced atomically (or appended to), not
    // fsynced. The marker is removed first and written last, so it never vouches for reports that were not
    // all written.
    try? FileManager.default.removeItem(atPath: out + "/" + marker)
    var sizes: [String: Int] = [:]
    for a in r.appends {
      try DurableFiles.append(a.bytes, to: out + "/" + a.name + ".csv", truncatingTo: a.after)
      sizes[a.name] = a.after + a.bytes.count
    }
    var replaced: [String] = []
    for m in r.renames {
      let path = out + "/" + m.name + ".csv"
      // The file replaced is moved aside and removed on the other core: freeing a large file's blocks and
      // cached pages takes a while (35 ms for the 114 MB stock ledger at 1M), and nobody waits for it.
      let aside = out + "/." + m.name + ".csv.tmp-replaced-\(getpid())"
      if (DurableFiles.size(path) ?? 0) > 1 << 24, rename(path, aside) == 0 { replaced.append(aside) }
      guard rename(m.temporary, path) == 0 else { throw StoreError(path: path, "cannot rename \(m.temporary) into place") }
      sizes[m.name] = DurableFiles.size(path) ?? 0
    }
    let aside = replaced
    removal = aside.isEmpty ? nil : Background { for f in aside { unlink(f) } }
    let written = sizedNames.map { sizes[$0] ?? DurableFiles.size(out + "/" + $0 + ".csv") ?? 0 }
    try DurableFiles.write(markerText(chain: chain, sizes: written), to: out + "/" + marker, durable: false)
    return written
  }
}

/// The work of a run after its commit, all of it repeatable: errors files beside rejected files, the file
/// moves, the run's reports. An interrupted run is finished by the next one from what the ledger committed.
enum PostCommit {
  /// - Parameters:
  ///   - journal: the committed `gl.csv`, when its bytes are the run's journal's (``LedgerStore/commit(_:previousChain:places:prewritten:prewrittenVouchers:)``).
  ///   - journalCopy: an existing file holding the journal's bytes otherwise (``ReportWriter/Rendered/journal``).
  static func finish(
    _ run: (run: Int, moves: [(from: String, to: String)], outputs: [(target: String, content: String)], gl: [GLEntry]),
    store: LedgerStore, paths: BooksPaths, masters: Masters, journal: String? = nil, journalCopy: String? = nil
  ) throws(StoreError) {
    let runName = LedgerStore.runName(run.run)
    let chain = (try? store.head().chain) ?? ""
    DurableFiles.removeStrayTemporaries(in: paths.rejected)
    // Each file fsynced, each directory once after its files (before `.done` says they are all there).
    var rejected = false
    for o in run.outputs where o.target.hasPrefix("rejected:") {
      try DurableFiles.makeDirectory(paths.rejected)
      try DurableFiles.write(o.content, to: paths.rejected + "/" + o.target.dropFirst("rejected:".count), syncingDirectory: false)
      rejected = true
    }
    if rejected { try DurableFiles.syncDirectory(paths.rejected) }
    CrashPoint.hit("errors")
    // The inbox files archived beside the run's reports (each waits on its directories' fsyncs).
    let moves = run.moves
    let moving = Background { () -> StoreError? in
      do throws(StoreError) { try store.performMoves(moves) } catch { return error }
      return nil
    }
    defer { _ = moving.value }  // also when a report fails: nothing is left moving
    let dir = paths.out + "/runs/" + runName
    try DurableFiles.makeDirectory(dir)
    DurableFiles.removeStrayTemporaries(in: dir)
    let source = ReportSource(masters: masters, entries: [], gl: [])
    try writeJournal(run.gl, to: dir, source: source, committed: journal, copy: journalCopy, syncingDirectory: false)
    for o in run.outputs where o.target.hasPrefix("report:") {
      let content = o.content.replacingOccurrences(of: RunSummary.chainPlaceholder, with: chain)
      try DurableFiles.write(content, to: dir + "/" + o.target.dropFirst("report:".count), syncingDirectory: false)
    }
    try DurableFiles.syncDirectory(dir)
    CrashPoint.hit("reports")
    if let error = moving.value { throw error }
    try store.markFinished(run: run.run)
  }

  /// Writes the run's journal into `dir`: the committed `gl.csv` when its bytes are the journal's
  /// (`committed`), linked (one file under two names, made read-only: ``DurableFiles/link(_:as:)``) or, on
  /// a file system that cannot, copied by the kernel; else the file `copy` holding the journal's bytes,
  /// copied by the kernel; else the lines formatted.
  ///
  /// Linked, the journal costs neither writing nor room: at a million vouchers it was 170 MB written a third
  /// time (beside the ledger's `gl.csv` and the general ledger), a tenth of a second of the run.
  /// - Parameter syncingDirectory: false when the caller fsyncs `dir` itself.
  static func writeJournal(_ gl: [GLEntry], to dir: String, source: ReportSource, committed: String?, copy: String? = nil, syncingDirectory: Bool = true) throws(StoreError) {
    if let committed, try DurableFiles.link(committed, as: dir + "/gl-journal.csv", syncingDirectory: syncingDirectory) { return }
    let out = try StreamedFile(path: dir + "/gl-journal.csv", hashing: false, syncingAsItGoes: true)
    if let bytes = committed ?? copy {
      try out.append(contentsOf: bytes)  // a file holds the journal's bytes: copied, not formatted
    } else {
      try out.writeRows(guardingFormulas: true) { (w, flush) throws(StoreError) in try StockReports.generalLedgerCSV(gl, source, into: &w, flush: flush) }
    }
    _ = try out.finish(syncingDirectory: syncingDirectory)
  }
}
