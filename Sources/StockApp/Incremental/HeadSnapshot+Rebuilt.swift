import Foundation
import StockCore
import StockOrder
import StockPost
import StockRead
import StockReports
import StockStore

/// A head snapshot written anew from the ledger, a part of a file at a time, where a run has none to continue
/// from (``usable(store:chain:masters:out:)``'s `rebuildable`): none at all (deleted, lost with a copy), one
/// in another version's layout (the first run after an upgrade that changes it), one unreadable or of
/// another head, one of master data changed in what postings may depend on (an account's type, a party, a
/// company setting, a batch or serial item, a record removed). The run then continues from it as from any
/// snapshot, instead of replaying the ledger with the whole history in memory (1M: 11.2 s and 1.49 GB; 10M:
/// 131.5 s and 12.5 GB, more than most machines that would run it have).
///
/// The ledger is read as `verify` reads it (``LedgerStore/streamed(places:part:byVoucher:placing:vouchers:gl:)``:
/// every file hashed and checked, each stock entry kept as a digest, the vouchers on a shelf that spills)
/// and its vouchers posted again from empty state. Only when every entry and the whole GL come out as the
/// ledger holds them, under today's master data, is the snapshot written: its state and report folds are
/// then those a replay of the same vouchers gives, and so are its caches (documents, voucher index,
/// history), written as a replay writes them. When only the GL differs and the caller asks for it
/// (`adjustingGL`: master data that moves accounts, not stock), the adjustment lines a replay would make are
/// made too, and the snapshot, which describes the head with them, is handed to the run instead of written.
/// Otherwise (the master data changed what the ledger's vouchers post, a file differs from its manifest)
/// nothing is written and the run replays the ledger, which makes the adjustments or names the damage, as
/// before. The head reports are written anew in the same pass when they are not as their marker records.
extension HeadSnapshot {
  /// Why a snapshot was not written anew (said in the run's notes; the run then replays the ledger).
  struct NotRebuilt: Error {
    var reason: String
    /// Whether the vouchers' stock posts as the ledger holds it and only their GL differs, which a pass
    /// `adjustingGL` adjusts.
    var onlyGLDiffers = false
  }

  /// What writing the snapshot anew wrote besides it.
  struct Rebuilt {
    /// Whether the head reports were written anew too (they were not as their marker records them:
    /// missing, edited, or of a version that did not record their sizes).
    var reports = false
    /// With `adjustingGL`, when some posted vouchers' GL differs under today's master data: the adjustment
    /// lines that take the ledger's GL to it, in posting order, for the run to commit before its own lines;
    /// and the snapshot, which describes the head with them and so is not written (it is the run's, in
    /// memory: on disk it would vouch for a GL the ledger does not hold yet).
    var adjustments: [GLEntry] = []
    var snapshot: HeadSnapshot?
  }

  /// Writes the head snapshot of the ledger `store` (head `chain`) and its caches anew, from the ledger
  /// read a part at a time and its vouchers posted again under `masters`. The head reports in `paths.out`
  /// are kept when they are those of `chain` at the sizes their marker records
  /// (``ReportWriter/markedSizes(in:chain:)``); otherwise (missing, edited, or written by a version that did
  /// not record their sizes) they are written anew too, from the same pass: the stock ledger from the
  /// entries as they post, the general ledger from the lines as they are read, the rest from the folds.
  /// The stale snapshot is removed (durably) once the vouchers are known to post as they did, before the
  /// caches it would vouch for are rewritten; a run stopped on the way leaves no snapshot, and the next one
  /// writes it again (and the reports' marker is removed before they are replaced, so the same holds for
  /// them).
  /// - Complexity: O(bytes of the ledger) read and hashed (on both cores), O(vouchers × rows) posted;
  ///   memory that of `verify` (about 120 bytes a voucher, the engine's state and the folds; 1M: about
  ///   300 MB), not the history's; O(entries + lines) more written when the reports are.
  /// - Parameter adjustingGL: whether vouchers whose entries post as they did but whose GL differs under
  ///   today's master data (an account of a warehouse, an item or the company changed) are adjusted rather
  ///   than the snapshot refused (``Rebuilt/adjustments``, for a run to commit: a replay makes the same lines).
  ///   Each voucher's GL is then kept as a digest while the ledger is read (16 bytes a voucher), and the
  ///   differing vouchers' stored lines found in one more pass over the GL files.
  static func rebuilt(
    paths: BooksPaths, store: LedgerStore, chain: String, masters: MasterData, timer: PhaseTimer? = nil, adjustingGL: Bool = false
  ) -> Result<Rebuilt, NotRebuilt> {
    let sizes = ReportWriter.asMarked(in: paths.out, chain: chain)
    let m = masters.masters
    // The head ledgers, when the reports are written anew: to temporary files in the output folder,
    // renamed into place once the vouchers are known to post as they did (the folds are made below).
    var ledgers = sizes == nil ? HeadLedgers(masters: m, out: paths.out, journal: false, folding: false) : nil
    defer { ledgers?.discard() }
    // The ledger read as `verify` reads it (``VerifyCommand/streamed(paths:masters:part:locating:)``).
    var folds = LedgerFolds()
    var read: StreamedVouchers
    do {
      read = try StreamedVouchers.read(store: store, ledger: paths.ledger, masters: m, byVoucher: adjustingGL, placing: true, gl: { g in
        folds.add(g)
        if ledgers != nil { withUnsafePointer(to: g) { ledgers!.add(gl: UnsafeBufferPointer(start: $0, count: 1)) } }
      })
    } catch {
      return .failure(NotRebuilt(reason: "\(error.place): \(error.message)"))
    }
    timer?.mark("anew: ledger read")
    var stored = read.takeStored()
    let shelf = read.shelf
    if let damage = stored.damage.first { return .failure(NotRebuilt(reason: "\(damage.place): \(damage.message)")) }
    guard stored.chainHead == chain else { return .failure(NotRebuilt(reason: "the ledger's head moved while it was read")) }
    let all = VoucherList(shelf: shelf, range: 0..<shelf.count)
    guard stored.voucherPlaces.reduce(0, { $0 + $1.count }) == shelf.count else {
      return .failure(NotRebuilt(reason: "the places of the ledger's vouchers were not all found"))
    }
    // The date and time of the timeline's last voucher (its latest: the timeline is in date and time order).
    var lastKey: (date: BusinessDate, time: BusinessTime)?
    for i in read.active.indices {
      guard let p = read.active.position(i) else { continue }
      let key = (date: shelf.date(p), time: shelf.time(p))
      if lastKey.map({ ($0.date, $0.time) < (key.date, key.time) }) ?? true { lastKey = key }
    }
    var posted: VerifyCommand.Posted
    let writing: ((UnsafeBufferPointer<StockLedgerEntry>) -> Void)? = ledgers == nil ? nil : { ledgers!.add(entries: $0) { _ in nil } }
    // With `adjustingGL`, the vouchers whose GL differs, in posting order, with their nets as posted now (by
    // number, type and date: the vouchers themselves, at ten million a gigabyte).
    var differing: [(voucher: (no: String, type: VoucherType, date: BusinessDate), nets: [(AccountName, Amount)])] = []
    let adjusting: ((Voucher, [GLEntry]) -> Void)? = adjustingGL ? { v, gl in
      var nets: [(AccountName, Amount)] = []
      for g in gl { nets.withNet(g.accountName, adding: g.net) }
      differing.append(((v.no, v.type, v.date), nets))
    } : nil
    switch VerifyCommand.post(read.active, masters: m, seriesUsed: read.reached, stored: &stored, store: store, spillingTo: paths.ledger, locating: false,
      stoppingAtDifference: true, into: &folds, entriesPosted: writing, glDiffering: adjusting) {
    case .failure(let noLongerPosts): return .failure(NotRebuilt(reason: noLongerPosts.message))
    case .success(let p): posted = p
    }
    if let difference = posted.difference { return .failure(NotRebuilt(reason: "the ledger's vouchers post otherwise under today's master data (\(difference))")) }
    guard stored.entries.isEmpty else { return .failure(NotRebuilt(reason: "the ledger holds stock entries its vouchers no longer give")) }
    guard posted.glDigest == stored.glDigest || !differing.isEmpty else {
      return .failure(NotRebuilt(reason: "the ledger's vouchers give another GL under today's master data", onlyGLDiffers: true))
    }
    // What the caches need of the ledger as read; its table of entries' digests, emptied but not shrunk
    // (2²⁴ slots, 400 MB at ten million), let go and its pages given back before they are built.
    let (cancelled, voucherPlaces) = (stored.cancelled, stored.voucherPlaces)
    stored = StreamedLedger()
    read.active = VoucherList(shelf: shelf)  // (a position a voucher: 40 MB at ten million)
    // The adjustments, from the differing vouchers' lines as the ledger holds them (one pass over the GL
    // files), as a replay of the whole ledger makes them (``RunWork/adjustments(of:derived:stored:)``).
    var adjustments: [GLEntry] = []
    if !differing.isEmpty {
      Allocator.returnFreedPages()  // (the tables just let go: 10M, 900 MB, before the GL files are read again)
      // (Their lines let go once netted, before the adjustments are made.)
      var storedNet: [VoucherNumber: [(AccountName, Amount)]] = [:]
      do {
        guard let found = store.storedLines(of: Set(differing.map(\.voucher.no)), entries: false) else {
          return .failure(NotRebuilt(reason: "the lines of the vouchers whose GL differs under today's master data cannot be found in the ledger's files"))
        }
        for g in found.gl { storedNet[g.number, default: []].withNet(g.accountName, adding: g.net) }
      }
      for d in differing { adjustments += RunWork.adjustments(of: d.voucher, derived: d.nets, stored: storedNet[VoucherNumber(d.voucher.no)] ?? []) }
      differing = []
      timer?.mark("anew: GL adjusted")
    }
    // The stale snapshot removed (durably) before the caches and reports it would vouch for are rewritten;
    // kept until here, so that a snapshot the run can still continue from (edited items, whose part it
    // posts again) outlives an attempt that fails.
    store.removeSnapshot()
    try? DurableFiles.syncDirectory(paths.ledger)
    // The documents taken out of the state (the snapshot does not keep them), to be looked up by number
    // through this one value: its table of numbers, built by the posting's first lookup (a return, an
    // invoice) or by the caches' first, then grows in place, where a copy sharing it with the state copied
    // it whole (400 MB at ten million) at its first lookup; the history's keys use the same table after
    // the documents (two copies on two cores were two tables side by side).
    var documents = posted.state.documents
    posted.state.documents = PostedDocuments()
    Allocator.returnFreedPages()

    timer?.mark("anew: posted")
    var next = HeadSnapshot(
      chain: chain, masters: masters, records: masters.encodedRecords, lastKey: lastKey, cancelled: cancelled, index: PostedVouchers(),
      state: posted.state, folds: folds)
    do throws(StoreError) {
      if let marked = sizes {
        // The head ledgers as written; the reports with a row per item-warehouse rendered whole by the next
        // run (sizes no file has): they may have been written under other master data, which a snapshot
        // would have said.
        next.reportSizes = marked.indices.map { $0 < ReportWriter.appendableNames.count ? marked[$0] : -1 }
      } else if var written = ledgers.take() {
        // The head reports written anew: the two ledgers closed, the rest rendered from the folds (on both
        // cores), all put in place and the marker written last, naming the head and the sizes as written.
        var rendered = written.finish()
        let source = ReportSource(masters: m, entries: [], gl: [], planning: posted.state.planning)
        rendered.add(ReportWriter.aggregates(next.folds, source, temporariesIn: paths.out))
        var removal: Background<Void>?
        next.reportSizes = try ReportWriter.write(rendered, to: paths.out, chain: chain, removal: &removal)
        _ = removal?.value
        timer?.mark("anew: reports")
      }
      let documentPlaces = try next.storeDocuments(ofLedger: all, documents: &documents, in: DocumentFile(ledger: paths.ledger))
      timer?.mark("anew: documents")
      let keys = HeadSnapshot.historyKeys(ofLedger: all, documents: &documents, orders: posted.state.orders, cancelled: cancelled)
      documents = PostedDocuments()  // (its table of numbers: 400 MB at ten million, let go before the index)
      Allocator.returnFreedPages()
      timer?.mark("anew: history's keys")
      try next.storeIndex(ofLedger: all, documentPlaces: documentPlaces, indexIn: paths.ledger)
      timer?.mark("anew: index")
      // The n-th voucher's place: the runs' places one after another.
      var runs: [(start: Int, places: VoucherPlaces)] = []
      var start = 0
      for places in voucherPlaces {
        runs.append((start, places))
        start += places.count
      }
      var run = 0
      next.historySize = try HistoryFile(ledger: paths.ledger).write(keys) { n in
        // (Sources come in ledger order: the run moves forward; looked up from the start otherwise.)
        if n < runs[run].start { run = 0 }
        while n >= runs[run].start + runs[run].places.count { run += 1 }
        return runs[run].places[n - runs[run].start]
      }
      next.historyCount = keys.count
      timer?.mark("anew: history")
      next.ledgerFingerprint = store.statFingerprint() ?? ""
      let aside = try store.writeSnapshotAside { write in
        let ageing = next.encodeBody(write)
        write(next.trailer(ageing: ageing))
      }
      if !adjustments.isEmpty {
        // Not put in place: read back as the run's, in memory, and removed.
        defer { unlink(aside) }
        guard let bytes = FileBytes.read(aside), let decoded = try? HeadSnapshot(decoding: bytes, ledger: paths.ledger) else {
          throw StoreError(path: aside, "cannot be read back")
        }
        return .success(Rebuilt(reports: sizes == nil, adjustments: adjustments, snapshot: decoded))
      }
      try store.adoptSnapshot(aside)
    } catch {
      store.removeSnapshot()
      return .failure(NotRebuilt(reason: "its caches could not be written: \(error)"))
    }
    return .success(Rebuilt(reports: sizes == nil))
  }
}
