import Foundation
import StockCore
import StockOrder
import StockPost
import StockRead
import StockReports
import StockStore
import StockValidate

/// Options of `stockledger run`.
public struct RunOptions: Sendable {
  public var paths: BooksPaths
  public var keepInbox = false
  public var dryRun = false
  public var partial = false
  public var minAge: Double = 0
  /// Show progress on standard error (when it is a terminal).
  public var progress = true
  /// The process exits right after the run: its vouchers, entries and lines are left for the exit to
  /// reclaim instead of being freed one by one (a million vouchers took a second to free). For the command
  /// line only; a caller that goes on (the tests) leaves it off.
  public var exitsAfter = false
  public init(paths: BooksPaths) { self.paths = paths }
}

/// What a run that the process exits after leaves to the exit (see ``RunOptions/exitsAfter``).
nonisolated(unsafe) private var keptUntilExit: [Any] = []

/// What a command prints and the exit code it ends with.
public struct CommandOutcome: Sendable {
  public var exitCode: Int32
  public var stdout: String
  public var stderr: String
  public init(exitCode: Int32, stdout: String = "", stderr: String = "") {
    self.exitCode = exitCode
    self.stdout = stdout
    self.stderr = stderr
  }
}

/// `stockledger run`: pick up the inbox, validate, order, post, commit, move files, write reports.
public enum RunCommand {
  /// Exit codes of SPEC §1.
  public enum Exit {
    public static let ok: Int32 = 0
    public static let rejected: Int32 = 1
    public static let configuration: Int32 = 2
    public static let integrity: Int32 = 3
    public static let locked: Int32 = 75
  }

  public static func run(_ o: RunOptions) -> (CommandOutcome, RunSummary?) {
    Allocator.tuneForBatch()
    let started = Date()
    let timer = PhaseTimer()
    let p = o.paths
    let masters: Masters
    // (Read once: the masters, their digest and their records describe the same bytes.)
    let masterFiles = MasterFiles.read(directory: p.masters)
    do { masters = try MasterReader.read(masterFiles) } catch {
      return (CommandOutcome(exitCode: Exit.configuration, stderr: "stockledger: master data in \(p.masters) cannot be used; nothing was changed:\n" + error.description + "\n"), nil)
    }
    masters.makeImmortal()  // (kept to the end of the run: its references are not counted)
    let store = LedgerStore(directory: p.ledger)
    let lock: FileLock
    do {
      guard let l = try store.lock() else {
        return (CommandOutcome(exitCode: Exit.locked, stderr: "stockledger: another run holds \(p.ledger)/.lock; nothing was changed. Try again when it has finished.\n"), nil)
      }
      lock = l
    } catch {
      return (CommandOutcome(exitCode: Exit.configuration, stderr: "stockledger: \(error)\n"), nil)
    }
    defer { withExtendedLifetime(lock) {} }
    var notes: [String] = []
    do {
      notes += try store.recover()
      if let unfinished = store.unfinishedRun() {
        try PostCommit.finish(unfinished, store: store, paths: p, masters: masters)
        notes.append("run \(LedgerStore.runName(unfinished.run)) was interrupted after its commit; its file moves and reports were completed")
      }
    } catch {
      return (CommandOutcome(exitCode: Exit.integrity, stderr: "stockledger: recovery failed: \(error)\n"), nil)
    }
    // An empty inbox and reports already written for the ledger's head: nothing to read, post or rewrite
    // (the nightly no-op costs a directory listing, not a pass over the ledger).
    let (picked, left) = Pickup.scan(inbox: p.inbox, minAge: o.minAge)
    notes += left
    if RunCommand.isLarge(inboxBytes: picked.reduce(0) { $0 + $1.size }) { Allocator.shareTwoArenas() }
    timer.mark("open")
    if picked.isEmpty, !o.dryRun, let head = try? store.head() {
      var current = ReportWriter.areCurrent(in: p.out, chain: head.chain)
      // Head reports missing, not the head's, or edited (deleted to be made again, opened and saved by a
      // spreadsheet): written anew from the ledger read a part at a time with the snapshot, when its
      // vouchers post as they did, rather than from the ledger loaded whole (below).
      // (Reports that name the head are left as they are when they cannot be written so, or when their
      // marker, written by an earlier version, does not say their sizes: the next run with files tells.)
      if head.run > 0, RunCommand.rebuildsSnapshots, !ReportWriter.areUnedited(in: p.out, chain: head.chain) {
        let master = MasterData(files: masterFiles, masters: masters)
        let (_, why, rebuildable) = HeadSnapshot.usable(store: store, chain: head.chain, masters: master, out: p.out)
        if rebuildable {
          switch HeadSnapshot.rebuilt(paths: p, store: store, chain: head.chain, masters: master, timer: timer) {
          case .success(let rebuilt):
            notes.append((why ?? "the head reports are not the ledger head's") + ": " + RunCommand.writtenAnew(rebuilt))
            current = true
          case .failure(let failure):
            notes.append((why ?? "the head reports are not the ledger head's") + "; the head snapshot could not be written anew from the ledger (\(failure.reason))" + (current ? "" : ": the ledger was replayed"))
          }
          timer.mark("anew: snapshot")
        }
      }
      if current {
        var text = RunCommand.nothingNew(in: p.inbox, run: head.run, chain: head.chain)
        for n in notes { text += "  note: \(n)\n" }
        return (CommandOutcome(exitCode: Exit.ok, stdout: text), nil)
      }
    }
    // Continue from the head snapshot when it describes the head: the run then reads only the ledger's
    // registry and posts its own vouchers (and, for backdated ones, the part of the history they touch).
    // When it cannot (a cancellation, a backdated order, a backdated part with batches or serials), or
    // there is no usable snapshot, the files are read again and the whole ledger is replayed.
    // Master data changed only by additions (``MasterRecords``) continues from the snapshot, too.
    let master = MasterData(files: masterFiles, masters: masters)
    var usable: HeadSnapshot?
    // GL adjustment lines a snapshot written anew found for posted vouchers (their GL under today's master
    // data), for the run to commit before its own lines.
    var pendingAdjustments: [GLEntry] = []
    /// The head snapshot written anew from the ledger read a part at a time, in memory that does not grow
    /// with the history, rather than the ledger replayed whole — when the ledger's vouchers post as they
    /// did: the snapshot to continue from (nil: replay), the GL adjustments it found, and the note saying so.
    func writtenAnew(_ why: String, chain: String) -> (found: HeadSnapshot?, adjustments: [GLEntry], note: String) {
      // (The GL adjusted only when the snapshot says the master data changed: a snapshot lost or of
      // another layout is written anew under the master data it was posted under, as a rule, and each
      // voucher's GL kept as a digest, 16 bytes a voucher, would be spent for nothing.)
      let mastersChanged = HeadSnapshot.mastersDigest(of: store).map { $0 != master.digest } ?? false
      var attempt = HeadSnapshot.rebuilt(paths: p, store: store, chain: chain, masters: master, timer: timer, adjustingGL: mastersChanged)
      // No snapshot to say the master data changed (a run that adjusted the GL stopped before its commit and
      // took the snapshot with it; one lost, then the master data changed): its GL differs, and one more
      // pass adjusts it, rather than a replay of the whole ledger.
      if !mastersChanged, case .failure(let f) = attempt, f.onlyGLDiffers {
        attempt = HeadSnapshot.rebuilt(paths: p, store: store, chain: chain, masters: master, timer: timer, adjustingGL: true)
      }
      defer { timer.mark("anew: snapshot") }
      switch attempt {
      case .success(let rebuilt):
        let written = why + ": " + RunCommand.writtenAnew(rebuilt)
        if let inMemory = rebuilt.snapshot { return (inMemory, rebuilt.adjustments, written) }
        let (found, noteAgain, _) = HeadSnapshot.usable(store: store, chain: chain, masters: master, out: p.out, foldsLater: true)
        return (found, [], [written, noteAgain].compactMap { $0 }.joined(separator: "; "))
      case .failure(let failure):
        return (nil, [], why + "; the head snapshot could not be written anew from the ledger (\(failure.reason))")
      }
    }
    if !picked.isEmpty, let head = try? store.head() {
      var (found, note, rebuildable) = HeadSnapshot.usable(store: store, chain: head.chain, masters: master, out: p.out, foldsLater: true)
      // No snapshot, one of another layout or head, or one of other master data: written anew.
      if found == nil, rebuildable, !o.dryRun, RunCommand.rebuildsSnapshots {
        let anew = writtenAnew(note ?? "the head snapshot cannot be used", chain: head.chain)
        (found, pendingAdjustments, note) = (anew.found, anew.adjustments, anew.note)
      }
      usable = found
      if let note { notes.append(found == nil ? note + ": the ledger was replayed" : note) }
    }
    /// The run continued from `snapshot` (with the adjustments `pending`): done, or why the ledger is replayed.
    func continuing(from snapshot: consuming HeadSnapshot, pending: [GLEntry], notes: [String]) -> Posting {
      var snapshot = snapshot
      let folds = snapshot.takeFolds()
      let ledger: LedgerContents
      do { ledger = try store.load(light: true) } catch {
        return .done((CommandOutcome(exitCode: Exit.integrity, stderr: "stockledger: the ledger fails its integrity check, so nothing was posted: \(error)\nRun 'stockledger verify' for details.\n"), nil))
      }
      let posting = post(
        o, picked: picked, notes: notes, masters: masters, store: store, ledger: ledger, snapshot: snapshot, folds: folds, master: master, started: started, timer: timer,
        pendingAdjustments: pending)
      if case .done = posting, o.exitsAfter { keptUntilExit += [ledger, snapshot, masters] as [Any] }
      return posting
    }
    if let snapshot = usable.take() {  // (taken: held here too, its folds were shared, and copied whole by the reports' first change)
      let edited = snapshot.edited
      switch continuing(from: snapshot, pending: pendingAdjustments, notes: notes) {
      case .done(let outcome): return outcome
      case .replay(let reason, _, damaged: true) where !o.dryRun && RunCommand.rebuildsSnapshots:
        // A snapshot whose folds cannot be read (found once the run posted: they are decoded beside it): as
        // one that cannot be read at all, written anew, and the run continues from it.
        let anew = (try? store.head()).map { writtenAnew(reason, chain: $0.chain) }
        if let anew, let again = anew.found {
          switch continuing(from: again, pending: anew.adjustments, notes: notes + [anew.note]) {
          case .done(let outcome): return outcome
          case .replay(let again, _, _): notes.append("\(anew.note); \(again): the ledger was replayed")
          }
        } else {
          notes.append((anew?.note ?? reason) + ": the ledger was replayed")
        }
      case .replay(let reason, let forward, _):
        // Warehouses edited (their stock accounts: what of them postings depend on) under a part too large to
        // post again: the ledger's vouchers post their stock as they did, so the snapshot is written anew with
        // the GL adjustments a replay would make, and the run continues from it — when all its vouchers come
        // after the head.
        if forward, pendingAdjustments.isEmpty, edited.items.isEmpty, !edited.warehouses.isEmpty, !o.dryRun, RunCommand.rebuildsSnapshots, let head = try? store.head(),
          case .success(let rebuilt) = HeadSnapshot.rebuilt(paths: p, store: store, chain: head.chain, masters: master, timer: timer, adjustingGL: true),
          let again = rebuilt.snapshot ?? HeadSnapshot.usable(store: store, chain: head.chain, masters: master, out: p.out, foldsLater: true).0
        {
          timer.mark("anew: snapshot")
          switch continuing(from: again, pending: rebuilt.adjustments, notes: notes + [reason + ": " + RunCommand.writtenAnew(rebuilt)]) {
          case .done(let outcome): return outcome
          case .replay(let again, _, _): notes.append((again == reason ? reason : "\(reason); \(again)") + ": the ledger was replayed")
          }
        } else {
          notes.append("\(reason): the ledger was replayed")
        }
      }
    }
    let ledger: LedgerContents
    do { ledger = try store.load() } catch {
      return (CommandOutcome(exitCode: Exit.integrity, stderr: "stockledger: the ledger fails its integrity check, so nothing was posted: \(error)\nRun 'stockledger verify' for details.\n"), nil)
    }
    switch post(o, picked: picked, notes: notes, masters: masters, store: store, ledger: ledger, snapshot: nil, master: master, started: started, timer: timer) {
    case .done(let outcome):
      if o.exitsAfter { keptUntilExit += [ledger, masters] as [Any] }
      return outcome
    case .replay: fatalError("a replay of the whole ledger always posts")
    }
  }

  enum Posting {
    case done((CommandOutcome, RunSummary?))
    /// The run cannot continue from the snapshot, for this reason; `forward`: none of its vouchers is dated
    /// before the head (adjustments of the ledger's GL could then come first in its journal); `damaged`: the
    /// snapshot cannot be read after all (its folds, decoded while the run posted), and may be written anew.
    case replay(String, forward: Bool = false, damaged: Bool = false)
  }

  /// Bytes of encoded vouchers past the shelf's budget (and of a large run's documents,
  /// ``documentSpill(inboxBytes:)``) a run fills in memory before they spill: 8 MB, twice (one part fills
  /// while the other is written: ``ByteLog``); `STOCKLEDGER_TEST_SPILL_BYTES` for tests (``testSpill``): a
  /// few bytes make a small run spill at every document.
  static let spillBytes = testSpill ?? 8 << 20
  static let testSpill = ProcessEnvironment.integer("STOCKLEDGER_TEST_SPILL_BYTES")

  /// Bytes of documents a run with `inboxBytes` of files keeps in memory before they spill: a run of up to
  /// 128 MB of files (a million vouchers are 83 MB) keeps up to 64 MB (its documents are 50–60 MB, and its
  /// peak about half a gigabyte): written to the spill file through the page cache and read back at the
  /// end, they cost the kernel a tenth of a second of copying, on the cores the run's two halves need.
  /// Larger runs spill every ``spillBytes``, their peak bounded by the FIFO layers, not history.
  static func documentSpill(inboxBytes: Int) -> Int {
    testSpill ?? (isLarge(inboxBytes: inboxBytes) ? spillBytes : 64 << 20)
  }

  /// The run's one file, when its bytes may be the run's `vouchers.csv` as they are (``VerbatimVouchers``):
  /// a CSV file whose vouchers are all valid, none of them a cancellation (those come last in
  /// `vouchers.csv`) or changed by validation. Whether they all post, unchanged by the engine, is seen after
  /// the posting; whether each voucher's rows are one run of lines, when the commit takes the file.
  static func verbatim(_ work: RunWork) -> RunWork.InputFile? {
    guard work.files.count == 1, let f = work.files.first, !f.picked.isXML, f.fileProblems.isEmpty,
      f.voucherProblems.isEmpty, !f.normalized, !f.hasCancels, f.voucherCount > 0, f.valid.count == f.voucherCount
    else { return nil }
    return f
  }

  /// What a snapshot written anew from the ledger wrote, for the run's notes.
  static func writtenAnew(_ rebuilt: HeadSnapshot.Rebuilt) -> String {
    let what = rebuilt.reports ? "the head reports and snapshot were" : "the head snapshot was"
    guard !rebuilt.adjustments.isEmpty else { return what + " written anew from the ledger, read a part at a time, its vouchers posting as they did (no replay of the ledger)" }
    let vouchers = Set(rebuilt.adjustments.map(\.voucherNo)).count
    return what + " written anew from the ledger, read a part at a time, its vouchers' stock posting as it did and the GL of \(vouchers) of them"
      + " otherwise under today's master data: \(rebuilt.adjustments.count) adjustment line\(rebuilt.adjustments.count == 1 ? "" : "s") in this run's journal (no replay of the ledger)"
  }

  /// The line a run with nothing to read prints: the ledger's head, or that it is empty (a new books folder).
  static func nothingNew(in inbox: String, run: Int, chain: String) -> String {
    run == 0
      ? "stockledger: nothing new in \(inbox); the ledger is empty\n"
      : "stockledger: nothing new in \(inbox); the ledger is unchanged (run \(LedgerStore.runName(run)), chain \(chain.prefix(12)))\n"
  }

  /// Whether a run of `inboxBytes` of files is one whose memory is bounded rather than spent for speed:
  /// its documents spill (``documentSpill(inboxBytes:)``), its allocator shares two arenas
  /// (``Allocator/shareTwoArenas()``), its folds are encoded as the snapshot is written, not beside the
  /// reports. Past 128 MB (a million vouchers are 83 MB); past `STOCKLEDGER_TEST_LARGE_BYTES` for tests,
  /// so that a small run takes a large one's paths.
  static func isLarge(inboxBytes: Int) -> Bool { inboxBytes > (testLarge ?? 128 << 20) }
  static let testLarge = ProcessEnvironment.integer("STOCKLEDGER_TEST_LARGE_BYTES")

  /// Valid vouchers a run keeps as values (``VoucherShelf``): a run of up to this many is not slowed by
  /// decoding them, and one that will have more (its first file's count scaled to the bytes of all its
  /// files says so) keeps none, and 16 bytes for each instead of about 250
  /// (`STOCKLEDGER_TEST_HELD_VOUCHERS` for tests: exactly that many held, the rest encoded, whatever the
  /// run's size; 0 encodes every voucher).
  static let heldVouchers = testHeldVouchers ?? 1_200_000
  static let testHeldVouchers = ProcessEnvironment.integer("STOCKLEDGER_TEST_HELD_VOUCHERS")
  /// Whether a run without a usable snapshot (none, or another layout's or head's) writes it anew from the
  /// ledger (``HeadSnapshot/rebuilt(paths:store:chain:masters:timer:)``) before it posts; `STOCKLEDGER_TEST_REPLAY=1`
  /// replays the whole ledger instead, as runs did before the forty-ninth session (the differential tests'
  /// reference).
  static let rebuildsSnapshots = ProcessEnvironment.value("STOCKLEDGER_TEST_REPLAY") == nil

  /// Reads, validates, posts and commits the picked files on `ledger`: the whole ledger, or (with
  /// `snapshot`) its registry, the run then continuing from the head snapshot.
  static func post(
    _ o: RunOptions, picked: [InboxFile], notes: [String], masters: Masters, store: LedgerStore, ledger: LedgerContents, snapshot: HeadSnapshot?,
    folds: PendingFolds? = nil, master: MasterData, started: Date, timer: PhaseTimer, pendingAdjustments: [GLEntry] = []
  ) -> Posting {
    let p = o.paths
    var notes = notes
    // A replay removes any snapshot left (and makes the removal durable) before the caches it would vouch
    // for change (``buildCaches()``). Begun here, while the device is idle: at the commit, behind the run's
    // own writes, the directory's fsync was 60–70 ms of a 100k run on a 250 MB/s device, on the posting core.
    let snapshotRemoved = snapshot == nil && !o.dryRun ? Background { store.removeSnapshot(); try? DurableFiles.syncDirectory(p.ledger) } : nil
    defer { _ = snapshotRemoved?.value }
    let facts = snapshot.map { s in LedgerFacts(posted: { [index = s.index] in index.lookup($0) }, cancelled: s.cancelled, closedThrough: ledger.closedThrough) }
      ?? RunWork.facts(of: ledger)
    // Pickup and reading.
    let progress = Progress(enabled: o.progress && isatty(2) == 1)
    timer.mark(snapshot == nil ? "load ledger" : "load snapshot")
    timer.basis = snapshot == nil ? "the ledger replayed" : "the head snapshot"
    defer { progress.finish() }
    // Up to eight of its parts being written at once: a file's vouchers are put in a tenth of a second on
    // both cores, and waited for the page cache 8 MB at a time (BENCHMARKS.md).
    let shelf = VoucherShelf(holding: RunCommand.heldVouchers, spillingTo: p.ledger, every: RunCommand.spillBytes, inFlight: 8)
    var work = RunWork(masters: masters, ledger: ledger, facts: facts, base: snapshot?.state ?? PostingState(), partial: o.partial, shelf: shelf)
    // A replay's naming series start after every name the ledger holds (``SeriesReached``); a snapshot's
    // are there already.
    if snapshot == nil && !ledger.vouchers.isEmpty { work.base.seriesUsed = SeriesReached.used(in: ledger.vouchers, masters: masters) }
    let inboxBytes = picked.reduce(0) { $0 + $1.size }
    if RunCommand.testHeldVouchers == nil { work.inboxBytes = inboxBytes }
    // The documents the engine sets go to a file without a name in the ledger directory past a threshold
    // (ten million were a gigabyte in memory; ``documentSpill(inboxBytes:)``); a test makes them spill sooner.
    if work.base.documents.setCount == 0 {
      work.base.documents = PostedDocuments(spillingTo: p.ledger, every: RunCommand.documentSpill(inboxBytes: inboxBytes))
    }
    let schema = LazySchema()
    // A voucher dated before the head will need the history (the part of the ledger it revalues): read
    // on the other core from the first file that has one, while this one reads and validates.
    var continued = snapshot
    var readingHistory = false
    // With it, the stock ledger the run will rewrite is read into the page cache meanwhile (the run onto an
    // empty ledger writes it past the cache), and looked through for a quote, which its rewrite needs to
    // know (``rewrittenStockLedger(_:component:out:places:quoted:)``), a megabyte at a time: searched after
    // the posting, mapped, it was 10–25 ms on the run's core at 1M and resident whole (1.2 GB at ten million).
    var warming: Background<Bool?>?
    defer { _ = warming?.value }
    // Where the vouchers of a run's one CSV file lie in it, for a commit that takes the file whole
    // (``VerbatimVouchers``): found from the bytes read, on a thread of its own that gives way to the
    // others (it fills the cores' idle moments), rather than in the file at the commit, where it was 3.5 ms
    // of a 100k run's last stretch.
    var foundPlaces: Background<VoucherPlaces?>?
    // Whether every voucher read so far comes after the head.
    var forward = true
    for (n, listed) in picked.enumerated() {
      progress.show("reading and validating \(listed.name)", done: n, total: picked.count)
      var loaded: Pickup.Loaded
      switch Pickup.load(listed) {
      case .success(let l): loaded = l
      case .failure(let left):
        notes.append(left.note)
        continue
      }
      // Parsed while its hash is finished on the other core (the hash took 9 ms of a 100k run's 8 MB, the
      // read 4.5): a file found already imported is parsed for nothing, which is rare. Its bytes are given
      // up to the reader, which lets go of them once parsed.
      if picked.count == 1, !o.dryRun, let bytes = loaded.bytes, bytes.count <= VerbatimVouchers.largestCopy {
        foundPlaces = Background {
          ThreadPriority.lower(by: ThreadPriority.spareTime)
          return bytes.withUnsafeBufferPointer { VerbatimVouchers.places(in: $0) }
        }
      }
      var bytes = loaded.bytes.take()
      let parsed = RunWork.parse(listed, bytes: bytes, schema: { schema.value })
      let f = loaded.file  // the hash waited for: the hasher has read the bytes too
      // A mapped file cut short while it was read (its size and time would say so as well) is left in
      // the inbox as changed; the bytes are let go of either way.
      let cut = bytes?.wasCut ?? false
      bytes = nil
      if let prior = ledger.imported[f.sha256] {
        if o.keepInbox {
          notes.append("\(f.name): already imported (as \(prior.file) in run \(prior.run)); skipped")
          continue
        }
        work.addDuplicate(f, of: prior)
        continue
      }
      if let earlier = work.files.first(where: { $0.picked.sha256 == f.sha256 }) {
        work.addDuplicate(f, ofInRun: earlier.picked.name)
        continue
      }
      if !work.add(f, read: cut ? nil : parsed) {
        notes.append("\(f.name): changed while it was read (still being written?); left for the next run")
        continue
      }
      // (With adjustments to commit first, every voucher must come after the head: ordered among the posted
      // ones, a replay commits its lines between theirs.)
      // (Looked for once a file, while none was found: a pass over its vouchers' dates.)
      if let s = snapshot, forward, work.files[work.files.count - 1].read.vouchers.contains(where: s.precedesHead) {
        forward = false
        if !pendingAdjustments.isEmpty {
          return .replay("the GL of posted vouchers is otherwise under today's master data, and \(f.name) has vouchers dated before the ledger's latest")
        }
      }
      if let s = snapshot, !readingHistory, !s.edited.isEmpty || !forward {
        continued = s.readingHistory(ledger: p.ledger)
        readingHistory = true
        warming = Background { [out = p.out] in FileBytes.holds(StockLedgerRewrite.quote, in: out + "/stock-ledger.csv") }
      }
      // Each file is validated as it is read: the vouchers of one file at a time are objects.
      work.validate(file: work.files.count - 1)
    }
    if work.files.isEmpty {
      // Nothing new: the ledger is unchanged; reports are rewritten identically (or, continuing from the
      // snapshot, are already current).
      if !o.dryRun && snapshot == nil {
        let source = ReportCommand.source(masters: masters, ledger: ledger, planning: true)
        do { try ReportWriter.writeHeadReports(source, to: p.out, chain: ledger.chainHead) } catch {
          return .done((CommandOutcome(exitCode: Exit.configuration, stderr: "stockledger: \(error)\n"), nil))
        }
      }
      var text = RunCommand.nothingNew(in: p.inbox, run: ledger.runCount, chain: ledger.chainHead)
      for n in notes { text += "  note: \(n)\n" }
      return .done((CommandOutcome(exitCode: Exit.ok, stdout: text), nil))
    }

    // The numbers across files; then post and settle which files (or vouchers) post.
    timer.mark("read and validate")
    progress.show("checking the numbers of \(work.files.reduce(0) { $0 + $1.voucherCount }) vouchers")
    work.finishValidation()
    timer.mark("validate")
    let documents = DocumentFile(ledger: p.ledger)
    let history = HistoryFile(ledger: p.ledger)
    var component: Component?
    if let continued {
      switch work.continuing(from: continued, documents: documents, history: history, ledgerDirectory: p.ledger) {
      case .failure(let f): return .replay(f.reason, forward: forward)
      case .success(.forward): break
      case .success(.revaluing(let c)):
        // (The adjustments are the whole ledger's, as of its head: a part revalued under them is not.)
        guard pendingAdjustments.isEmpty else {
          return .replay("the GL of posted vouchers is otherwise under today's master data, and the run revalues part of the history")
        }
        component = c
        timer.basis = "the head snapshot, revaluing \(c.stored.vouchers.count) posted vouchers of \(c.keys.count) item-warehouses"
      }
    }
    let loadedDocuments = work.base.documents.dictionary
    if component != nil { timer.mark("load part") }
    progress.show("posting \(ledger.activeVouchers.count + work.files.reduce(0) { $0 + $1.valid.count }) vouchers in date order")
    var settling: RunWork.Settled
    // Onto an empty ledger the head reports are the replay's entries and lines as they come: rendered on
    // the other core while the replay posts.
    let renderAhead = !o.dryRun && snapshot == nil && ledger.vouchers.isEmpty && ledger.gl.isEmpty && ledger.entries.isEmpty
    // The folds are encoded for the next snapshot beside the aggregate reports, but for a large run (whose
    // ageing fold, tens of megabytes, is encoded a part at a time as it is written).
    let encodingFolds = !o.dryRun && !RunCommand.isLarge(inboxBytes: inboxBytes)
    // A file that may be the run's vouchers.csv as it is: the renderer does not begin writing them.
    let verbatim = o.dryRun ? nil : RunCommand.verbatim(work)
    switch work.settle(
      renderingAhead: renderAhead
        ? {
          RenderAhead(
            masters: masters, out: p.out, ledger: p.ledger, run: ledger.runCount + 1, vouchers: verbatim == nil ? $0 : VoucherList(shelf: $0.shelf),
            cancels: verbatim == nil ? $1 : [], encodingFolds: encodingFolds)
        } : nil)
    {
    case .success(let s): settling = s
    case .failure(let error):
      return .done((CommandOutcome(exitCode: Exit.configuration, stderr: "stockledger: \(error.message)\nNothing was changed.\n"), nil))
    }
    // The posted vouchers' GL adjustments come first in the journal, as a replay posts them before the run's
    // vouchers, which all come after the head here.
    if !pendingAdjustments.isEmpty {
      precondition(settling.streamedGL == nil, "a run from the snapshot keeps its GL lines")
      settling.journal = pendingAdjustments + settling.journal
      settling.adjustmentLines += pendingAdjustments.count
    }
    let settled = settling

    timer.mark("post")
    // The snapshot's folds, decoded beside the reading and the posting: a snapshot whose folds cannot be
    // read is one the run does not continue from (asked before the reports take them, on their own thread).
    if folds?.damage != nil { return .replay("the head snapshot cannot be read (damaged)", damaged: true) }
    // The head reports are rendered on the other core while the run rewrites `stock-ledger.csv` and
    // commits; they are written only after the commit, so they never show what the ledger does not hold.
    // (Their source is made there too, and only when they were not rendered ahead: its index of vouchers
    // with batches, serials or returns walked a million vouchers on the critical path for nothing.)
    let revaluedKeys = component?.keys, revaluedTracked = component?.trackedItems ?? []
    // The posted vouchers the reports' entries come from: the revalued part's, when the run revalued one
    // (their batch and serial entries are folded afresh: the serial status takes its party from them).
    let postedVouchers = component == nil ? ledger.vouchers : work.ledger.vouchers
    let reports: Background<ReportWriter.Rendered>? = o.dryRun ? nil : settled.rendered ?? Background {
      let source = ReportSource(masters: masters, entries: settled.entries, gl: ledger.gl.isEmpty ? settled.journal : ledger.gl + settled.journal,
                                vouchers: ReportCommand.index(postedVouchers, settled.acceptedNew), planning: settled.planning)
      guard let snapshot else { return ReportWriter.render(source, out: p.out, encodingFolds: encodingFolds) }
      // The snapshot's folds, handed over (``HeadSnapshot/takeFolds()``): added to in place.
      guard let previous = folds?.take() else { preconditionFailure("a run from the snapshot is given its folds") }
      if let revaluedKeys {
        return ReportWriter.render(
          revaluing: source, keys: revaluedKeys, tracked: revaluedTracked, to: previous, planning: snapshot.state.planning, sizes: snapshot.reportSizes, out: p.out,
          encodingFolds: encodingFolds)
      }
      return ReportWriter.render(
        appending: source, to: previous, planning: snapshot.state.planning, sizes: snapshot.reportSizes, out: p.out, encodingFolds: encodingFolds)
    }
    // Waited for before returning, also when the run stops early, so nothing of this run is still writing
    // when the next one starts (in the same process: the tests').
    defer { _ = reports?.value }
    // The stock ledger rewritten on another thread while the run commits; the stock ledger it replaces is
    // not read again: its cached pages are dropped after (removed with the file at the end, freeing 114 MB
    // of them at 1M was the last 20–35 ms of a backdated run, the process waiting for it).
    var stockLedger: Background<Result<String, StoreError>>?
    if let component, !o.dryRun {
      let quoted = warming?.value ?? FileBytes.holds(StockLedgerRewrite.quote, in: p.out + "/stock-ledger.csv")
      switch rewrittenStockLedger(settled, component: component, out: p.out, places: masters.company.currencyPrecision, quoted: quoted) {
      case .success(let rewriting): stockLedger = rewriting
      case .failure(let f): return .replay(f.reason)
      }
      timer.mark("rewrite")
    }
    defer { _ = stockLedger?.value }  // (also when the run aborts: nothing is left writing)
    // What the run writes.
    let runNo = ledger.runCount + 1
    let runName = LedgerStore.runName(runNo)
    var moves: [(from: String, to: String)] = []
    var outputs: [(target: String, content: String)] = []
    for f in work.files {
      let outcome = settled.fileStatus[f.picked.name] ?? .rejected
      if outcome == .imported || outcome == .partial {
        if !o.keepInbox { moves.append((f.picked.path, uniquePath(p.archive, f.picked.name, runName))) }
      }
      if outcome != .imported {
        let diags = settled.rejections.filter { $0.location.file == f.picked.name }
        outputs.append(("rejected:" + f.picked.name + ".errors.csv", StockReports.rejections(diags).csv))
        if outcome == .partial {
          outputs.append(("rejected:" + f.picked.name + ".rejected.csv", f.heldBackCSV(settled.rejectedVouchers.numbers(in: f.picked.name))))
        } else if !o.keepInbox {
          moves.append((f.picked.path, p.rejected + "/" + f.picked.name))
        }
      }
    }
    var record = RunRecord(
      run: runNo, vouchers: settled.acceptedNew, entries: settled.changedCount == settled.entries.count ? settled.entries : zip(settled.entries, settled.written).filter(\.1).map(\.0), gl: settled.journal,
      files: work.files.map { f in
        let status = settled.fileStatus[f.picked.name] ?? .rejected
        let posted = settled.postedPerFile[f.picked.name] ?? 0
        return FileRecord(sha256: f.picked.sha256, file: f.picked.name, status: status, rows: f.read.rowCount,
                          vouchersPosted: posted, vouchersRejected: f.voucherCount - posted, run: runNo)
      }, moves: moves)
    record.cancelledEntries = settled.cancelledEntries
    if let f = verbatim, settled.fileStatus[f.picked.name] == .imported, settled.acceptedNew.shelfRange != nil, settled.acceptedNew.count == f.voucherCount {
      var found: (@Sendable () -> VoucherPlaces?)?
      if let scan = foundPlaces { found = { scan.value } }
      record.verbatimVouchers = VerbatimVouchers(
        path: f.picked.path, size: f.picked.size, modified: f.picked.mtime, sha256: f.picked.sha256, link: !o.keepInbox, foundPlaces: found)
    }
    record.streamedEntryCount = settled.streamedEntryCount
    record.streamedGLCount = settled.streamedGL?.count
    var summary = RunSummary(run: runName, work: work, settled: settled, record: record, notes: notes)
    summary.dryRun = o.dryRun
    if o.dryRun {
      timer.report()
      summary.chainHead = ledger.chainHead
      return .done((CommandOutcome(exitCode: summary.exitCode, stdout: summary.text(paths: p, elapsed: Date().timeIntervalSince(started))), summary))
    }
    record.outputs = outputs + [("report:rejections.csv", StockReports.rejections(settled.rejections).csv), ("report:run-summary.json", summary.json)]
    progress.show("committing run \(runName)")
    // The caches are written on the other core; waited for before returning, also when the run aborts.
    var caches: Background<HeadSnapshot?>?
    defer { _ = caches?.value }
    /// The next snapshot's documents and voucher index, built on the other core.
    func buildCaches() -> Background<HeadSnapshot?> {
      let (ledgerDirectory, workLedger) = (p.ledger, work.ledger)
      return Background { () -> HeadSnapshot? in
        // At normal priority: after a replay at ten million vouchers this thread is the end's long pole
        // (the history's keys, read where they lie, finish first). Lowered behind them (the twenty-first
        // session, when the history was last by 1.3 s), the run's end came 0.13–0.27 s later than at normal
        // priority (two alternating pairs).
        var next = HeadSnapshot.after(run: settled, on: ledger, from: snapshot, masters: master)
        // The state, which the documents and the index leave as it is, encoded beside them: after them it
        // was the last quarter second of this thread at ten million vouchers, on one core.
        let state = next.state
        let encodedState = Background { () -> [UInt8] in
          var w = BinaryWriter(capacity: 1 << 22)
          state.encode(into: &w)
          return w.bytes
        }
        do {
          try next.storeDocuments(of: settled, on: workLedger, from: snapshot, loaded: loadedDocuments, in: documents, indexIn: ledgerDirectory)
          try next.storeIndex(ledger: ledgerDirectory, from: snapshot)
        } catch {
          _ = encodedState.take()
          return nil
        }
        next.encodeIndexAndState(encodedState: encodedState.take())
        return next
      }
    }
    // After a replay the caches are rewritten whole and need nothing of the commit: they are built beside
    // it. Any snapshot left was removed first (and the removal made durable: `snapshotRemoved`), so a run
    // stopped before its commit leaves no snapshot that would vouch for caches it changed.
    if snapshot == nil {
      _ = snapshotRemoved?.value
      caches = buildCaches()
    }
    // The history's keys are worked out beside the commit (they need nothing of it but the places, put in
    // after): at a million vouchers a fifth of a second the posting core spent alone after the commit.
    let historyKeys = Background { HeadSnapshot.historyKeys(of: settled, on: ledger, from: snapshot) }
    defer { _ = historyKeys.value }  // also when the run aborts: nothing is left running
    do {
      // After a render-ahead the run's stock.csv and gl.csv are already written: the commit adopts them.
      let committed = try store.commit(
        record, previousChain: ledger.chainHead, places: masters.company.currencyPrecision, prewritten: settled.prewritten,
        prewrittenVouchers: settled.prewrittenVouchers)
      summary.chainHead = committed.chain
      timer.mark("commit")
      // The snapshot the run continued from describes the previous head from here on (a run stopped now
      // finds it stale and replays): removed on another thread, so that the rename of the next one into its
      // place frees nothing (freeing its 10 MB of blocks and cached pages was a daily run's last 7 ms).
      let staleSnapshot = snapshot == nil ? nil : Background { store.removeSnapshot() }
      defer { _ = staleSnapshot?.value }
      // The history is written as soon as its keys are worked out (it needs the commit's places).
      let storedHistory = Background { try? HeadSnapshot.storeHistory(historyKeys.value, places: committed.places, on: ledger, from: snapshot, in: history) }
      defer { _ = storedHistory.value }
      // The next run's starting point is built on another thread (after a replay already beside the commit,
      // else now, beside the reports still rendering and the run's journal, file moves and reports: in a
      // daily run it waited for the reports, a fifth of the run); the snapshot itself is written last,
      // naming the reports as they will be and the ledger files as they are then.
      if caches == nil { caches = buildCaches() }
      guard var rendered = reports?.value else { preconditionFailure("reports are rendered for every run that commits") }
      timer.mark("rendered")
      switch stockLedger?.value {
      case .success(let temporary): rendered.renames.append((temporary, "stock-ledger"))
      case .failure(let error): if rendered.failure == nil { rendered.failure = error }
      case nil: break
      }
      timer.mark("stock ledger rewritten")
      let sizes = ReportWriter.sizes(after: rendered, in: p.out)
      // The next snapshot is written on another thread, under a temporary name, while this one writes the
      // journal, moves the files and writes the reports (in a daily run they were 45 ms one after the
      // other, the last of it on one core), and all but its trailer while the history is still numbered
      // and written (at ten million vouchers a second and a half that came after it). It is put in place
      // last, once the reports are written as it says.
      let (chain, folds, encodedFolds, builtCaches) = (summary.chainHead, rendered.folds, rendered.encodedFolds, caches)
      let nextSnapshot = Background { () -> String? in
        // Not encoded ahead (a large run's), the folds but the ageing one are encoded here beside the
        // caches still being built: after them, they were the last half second of a ten-million-voucher
        // run, on one core. (The ageing fold, tens of megabytes there, is encoded as it is written.)
        let ahead = encodedFolds != nil || builtCaches == nil ? nil : Background { folds.encodedAllButAgeing() }
        let built = builtCaches?.value ?? nil
        let allButAgeing = ahead?.take()
        guard var next = built else { return nil }
        (next.chain, next.folds, next.reportSizes) = (chain, folds, sizes)
        next.ledgerFingerprint = store.statFingerprint() ?? ""
        var complete = false
        let aside = try? store.writeSnapshotAside { write in
          let ageing = next.encodeBody(write, encodedFolds: encodedFolds, allButAgeing: allButAgeing)
          guard let stored = storedHistory.value else { return }
          (next.historySize, next.historyCount) = stored
          write(next.trailer(ageing: ageing))
          complete = true
        }
        if let aside, !complete { unlink(aside) }
        return complete ? aside : nil
      }
      var asideTaken = false
      defer { if !asideTaken, let left = nextSnapshot.value { unlink(left) } }  // the run stopped on the way
      // GL lines not kept (streamed to the run's gl.csv) and neither a journal written beside them nor a
      // gl.csv with the journal's bytes: the lines are read back from the committed gl.csv (as recovery does).
      let journalCopy = rendered.journal.flatMap { DurableFiles.exists($0) ? $0 : nil }
      var journalLines = record.gl
      if record.streamedGLCount != nil && committed.journal == nil && journalCopy == nil {
        journalLines = store.unfinishedRun()?.gl ?? []
      }
      try PostCommit.finish((record.run, record.moves, record.outputs, journalLines), store: store, paths: p, masters: masters, journal: committed.journal, journalCopy: journalCopy)
      timer.mark("journal and moves")
      progress.show("writing reports to \(p.out)")
      var removal: Background<Void>?
      let written = try ReportWriter.write(rendered, to: p.out, chain: summary.chainHead, removal: &removal)
      timer.mark("reports")
      let aside = nextSnapshot.value
      asideTaken = true
      timer.mark("history and snapshot written")
      _ = staleSnapshot?.value  // removed before the next one takes its name
      if let aside, written == sizes {
        do { try store.adoptSnapshot(aside) } catch { store.removeSnapshot() }
      } else {
        if let aside { unlink(aside) }
        store.removeSnapshot()
      }
      _ = removal?.value
      timer.mark("snapshot")
      timer.report()
      if o.exitsAfter { keptUntilExit += [work, settled, record] as [Any] }
    } catch {
      return .done((CommandOutcome(exitCode: Exit.configuration, stderr: "stockledger: the run was aborted: \(error)\nIf it stopped before its commit the ledger is as it was; otherwise the next run completes it.\n"), nil))
    }
    return .done((CommandOutcome(exitCode: summary.exitCode, stdout: summary.text(paths: p, elapsed: Date().timeIntervalSince(started))), summary))
  }

  /// `stock-ledger.csv` after a run that revalued part of the history: the revalued vouchers' lines
  /// replaced, the cancelled vouchers' removed, the run's inserted. Where each change goes is found here,
  /// before the commit (a change that cannot be placed makes the run replay the ledger); the previous
  /// file's other lines are copied by the kernel on another thread, beside the commit (at 1M, 119 MB:
  /// 66–109 ms a backdated run waited for before it committed), and its cached pages dropped after.
  /// - Returns: the rewritten file under a temporary name (renamed into place with the other reports), or
  ///   why it could not be written, once written; nil when no line changes.
  /// - Parameter quoted: whether the previous file holds a quote (nil: it could not be read), looked for
  ///   beforehand: then every line is read (a quoted field may hold a line break).
  static func rewrittenStockLedger(
    _ s: RunWork.Settled, component: Component, out: String, places: Int, quoted: Bool?
  ) -> Result<Background<Result<String, StoreError>>?, Fallback> {
    var changed: Set<String> = []
    for (e, written) in zip(s.entries, s.written) where written && component.storedEntryCount[e.voucherNo] != nil { changed.insert(e.voucherNo) }
    for no in changed where (component.storedEntryCount[no] ?? 0) == 0 {
      return .failure(.init("the revalued voucher \(no) had no stock ledger line to replace"))
    }
    // Each voucher's lines, in timeline order (a voucher's entries are contiguous).
    var replacements: [StockLedgerRewrite.Replacement] = []
    var inserting: [StockLedgerRewrite.Block] = []
    var from: BusinessDate?
    var i = 0
    while i < s.entries.count {
      let no = s.entries[i].voucherNo
      var j = i
      while j < s.entries.count && s.entries[j].voucherNo == no { j += 1 }
      let isPosted = component.storedEntryCount[no] != nil
      if !isPosted || changed.contains(no) {
        var w = ByteWriter(guardsFormulas: true, capacity: 160 * (j - i))
        for e in s.entries[i..<j] {
          e.write(places: places, into: &w)
          w.endRow()
        }
        let first = s.entries[i]
        if isPosted {
          replacements.append(.init(voucherNo: no, date: first.date, time: first.time, bytes: w.bytes))
        } else {
          inserting.append(.init(date: first.date, time: first.time, bytes: w.bytes))
        }
        from = min(from ?? first.date, first.date)
      }
      i = j
    }
    // A cancelled voucher's lines leave it (its entries stay in the ledger, marked).
    var cancelledAt: [String: (date: BusinessDate, time: BusinessTime)] = [:]
    for e in s.cancelledEntries where cancelledAt[e.voucherNo] == nil { cancelledAt[e.voucherNo] = (e.date, e.time) }
    for (no, at) in cancelledAt.sorted(by: { $0.key < $1.key }) {
      replacements.append(.init(voucherNo: no, date: at.date, time: at.time, bytes: []))
      from = min(from ?? at.date, at.date)
    }
    guard let from else { return .success(nil) }
    let path = out + "/stock-ledger.csv"
    // (Mapped as it is read: the plan reads only the lines it searches.)
    guard let old = MappedFile(path: path) else { return .failure(.init("stock-ledger.csv cannot be read")) }
    // Changes found by binary search on date and time, the rest copied by the kernel on another thread.
    if quoted == false, let plan = StockLedgerRewrite.plan(old.bytes, replacing: replacements, inserting: inserting) {
      return .success(Background { () -> Result<String, StoreError> in
        defer { DurableFiles.dropCachedPages(path) }  // (not read again: removed with the file at the end)
        do throws(StoreError) {
          let file = try StreamedFile(path: path, hashing: false, directIO: false)
          let source = open(path, O_RDONLY | O_CLOEXEC)
          guard source >= 0 else {
            file.discard()
            throw StoreError(path: path, "cannot be read: \(String(cString: strerror(errno)))")
          }
          defer { close(source) }
          plan.apply(emit: file.append) { file.append(from: source, range: $0) }
          return .success(try file.closeTemporary())
        } catch {
          return .failure(error)
        }
      })
    }
    // Else every line read (a quoted field may hold a line break), here.
    do {
      let file = try StreamedFile(path: path, hashing: false, directIO: false)
      let replacing = Dictionary(replacements.map { ($0.field, $0.bytes) }, uniquingKeysWith: { a, _ in a })
      guard StockLedgerRewrite.rewrite(old.bytes, replacing: replacing, inserting: inserting, from: from, emit: file.append) else {
        file.discard()
        return .failure(.init("stock-ledger.csv does not hold the lines the snapshot expects"))
      }
      let written = try file.closeTemporary()
      return .success(Background { .success(written) })
    } catch {
      return .failure(.init("stock-ledger.csv cannot be rewritten (\(error))"))
    }
  }

  /// `dir/name`, or `dir/name` with the run inserted before the extension when that is taken.
  static func uniquePath(_ dir: String, _ name: String, _ run: String) -> String {
    let plain = dir + "/" + name
    if !DurableFiles.exists(plain) { return plain }
    let ext = (name as NSString).pathExtension
    let stem = (name as NSString).deletingPathExtension
    return dir + "/" + stem + ".run" + run + (ext.isEmpty ? "" : "." + ext)
  }
}

/// The XML schema, compiled on first use (a run with no XML file never pays for it).
final class LazySchema {
  private var compiled: XMLVoucherReader.Schema??
  var value: XMLVoucherReader.Schema? {
    if let compiled { return compiled }
    let s = try? XMLVoucherReader.Schema()
    compiled = .some(s)
    return s
  }
}
