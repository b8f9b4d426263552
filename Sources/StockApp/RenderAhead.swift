import Foundation
import StockCore
import StockReports
import StockStore

/// The head reports of a replay onto an empty ledger, rendered on the other core while the replay posts:
/// `stock-ledger.csv` and `general-ledger.csv` written (to temporary names) and the report folds built
/// from the entries and GL lines as the replay appends them, the aggregate reports once it has posted;
/// and the run's own `stock.csv` and `gl.csv`, hashed, for the commit to adopt.
///
/// Without it the other core is idle while one core posts, and renders the same reports afterwards beside
/// the commit, which it outlasted (BENCHMARKS.md). Both write through ``HeadLedgers``; the result is what
/// ``ReportWriter/render(_:out:)`` gives for the same replay (`RenderAheadEndToEndTests` compares it with `report` on the committed ledger).
///
/// The replay hands over its arrays in place: ``publish(entries:entryCapacity:gl:glCapacity:vouchers:)``
/// passes their storage and how much of it is final, and the renderer reads only that part, while the
/// replay appends beyond it. Before an append would move an array's storage the replay calls ``drain()``,
/// which returns once the renderer has read everything published (and holds no pointer into it).
///
/// The arrays are windows of a few megabytes, in a ring: a full window is closed (``closeWindow()``) and
/// the replay goes on in another, while the renderer reads the closed ones in turn; a window is filled
/// again once the renderer has read it (``waitUntilRead(windows:)``), its pages already in memory. (One
/// window of 18 and 16 MB, drained and refilled, held a whole 100k run's entries and lines: 27 MB of fresh
/// pages faulted in, and torn down at exit.)
final class RenderAhead: @unchecked Sendable {
  private let masters: Masters
  private let out: String
  private let encodingFolds: Bool
  private let ledger: String
  private let condition = NSCondition()
  // Shared with the renderer, under `condition`:
  /// Where the replay's arrays are (nil while they may move) and how many of their elements are final:
  /// the window the replay is filling.
  private var entries: UnsafePointer<StockLedgerEntry>?
  private var gl: UnsafePointer<GLEntry>?
  private var entryCount = 0, glCount = 0
  /// The arrays' capacities: how far the renderer may fault in pages ahead of the replay.
  private var entryCapacity = 0, glCapacity = 0
  /// Windows the replay has closed (all their elements final) and the renderer has not read to their end,
  /// oldest first; the renderer reads them before the one being filled.
  private var closedWindows: [(entries: UnsafePointer<StockLedgerEntry>?, entryCount: Int, gl: UnsafePointer<GLEntry>?, glCount: Int)] = []
  /// Closed windows the renderer has read to their end.
  private var windowsRead = 0
  /// The vouchers of batch and serial entries published and not yet taken (the folds need them).
  private var vouchers: [(String, Voucher)] = []
  /// Where the renderer is in the window it reads: the oldest closed one, or the one being filled.
  private var entriesRead = 0, glRead = 0
  private var planning: [StockKey: PlanningTotals]?
  private var cancelled = false
  /// The run's `stock.csv` and `gl.csv`, once the ledgers are written (before the aggregate reports).
  private var runFiles: PrewrittenRunFiles?
  private var runFilesReady = false
  /// The replay's last windows of entries and GL lines, kept while the renderer reads them (``keep(_:)``).
  private var kept: [([StockLedgerEntry], [GLEntry])] = []
  private var work: Background<ReportWriter.Rendered?>!
  /// The run's vouchers in the order of its `vouchers.csv` (arrival order), written to it while the
  /// renderer would otherwise wait (``VouchersFile``); the commit continues the file. A voucher of a batch
  /// or serial item is written as it posted (the engine may have named or picked its batches or serials),
  /// so only once the replay has posted it; the others as they came. Used by the renderer's thread only.
  private let run: Int
  /// The new vouchers (read in order from the run's shelf), then the cancellations.
  private var pendingVouchers: VoucherList
  private var pendingCancels: [Voucher]
  private var pendingReader: VoucherShelf.Reader?
  /// The plain voucher read last where it lies (its rows' list reused).
  private var plain = EncodedVoucher()
  private var vouchersWritten = 0
  private var vouchersFile: VouchersFile?
  /// Whether the renderer is writing a slice of vouchers (under `condition`: ``takeVouchersFile()`` waits
  /// for the slice), and whether the file was taken (then no more is written).
  private var writingVouchers = false, vouchersTaken = false
  /// Which of the vouchers written were written as they posted (a bit per position).
  private var writtenAsPosted: [UInt64] = []
  /// The voucher to write next, once read (it may wait for its posting).
  private var pendingVoucher: Voucher?
  /// The positions of the vouchers that posted otherwise than they came (given by ``finish(planning:resolved:)``,
  /// under `condition`): each must have been written as it posted, or not yet, or the file is dropped.
  private var resolved: [Int]?
  /// Vouchers written between two looks at whether the replay handed something over (~0.1 ms).
  static let voucherSlice = 256

  /// For tests (`STOCKLEDGER_TEST_RENDER_LATE`): the renderer reads nothing before the replay has posted
  /// and the commit has taken the run's vouchers (it writes them meanwhile), then every window the replay
  /// closed (the ring then grows without bound: ``Replay/windows``), as a renderer far behind the replay
  /// would at the end of a run.
  static let testRendersLate = ProcessEnvironment.value("STOCKLEDGER_TEST_RENDER_LATE") == "1"

  /// Whether the renderer has nothing to read yet (under `condition`): nothing handed over that it has not
  /// read, and the replay still posting (for ``testRendersLate``: the replay still posting, or the run's
  /// vouchers not yet taken).
  private var waitsToRead: Bool {
    if RenderAhead.testRendersLate { return planning == nil || !vouchersTaken }
    return planning == nil && closedWindows.isEmpty && entryCount == entriesRead && glCount == glRead
  }

  /// Vouchers between two hand-overs: a few hundred kilobytes of entries each time.
  static let stride = 1024
  /// How far ahead of the replay the renderer faults in the arrays' pages: between one and two of these.
  static let populateWindow = 8 << 20

  /// Starts the renderer; it waits for the first hand-over.
  /// - Parameter ledger: the ledger directory, where the run's `stock.csv` and `gl.csv` are prewritten.
  /// - Parameters:
  ///   - run: the run's number (for the places of its vouchers).
  ///   - vouchers: the run's new vouchers in the order of its `vouchers.csv`, should they all post as
  ///     they came; then `cancels`.
  ///   - encodingFolds: whether the folds are encoded for the next snapshot beside the aggregate reports
  ///     (``ReportWriter/aggregates(_:_:splicing:only:temporariesIn:encodingFolds:)``).
  init(masters: Masters, out: String, ledger: String, run: Int, vouchers: VoucherList, cancels: [Voucher], encodingFolds: Bool) {
    self.masters = masters
    self.encodingFolds = encodingFolds
    self.out = out
    self.ledger = ledger
    self.run = run
    pendingVouchers = vouchers
    pendingCancels = cancels
    work = Background { [self] in self.render() }
  }

  /// Whether vouchers are left to write (renderer's thread).
  private var hasVouchersToWrite: Bool { !vouchersTaken && vouchersWritten < pendingVouchers.count + pendingCancels.count }

  /// The same for a voucher read where it lies; true also for an item the table cannot answer for (a name
  /// not ASCII: the voucher is then decoded, and asked again).
  private func mayResolve(_ v: EncodedVoucher) -> Bool {
    tracksItems && v.rows.contains { row in isTracked.value(utf8: row.itemCode) ?? true }
  }

  /// Whether the engine may post `v` otherwise than it came: a row of a batch or serial item.
  private func mayResolve(_ v: Voucher) -> Bool {
    tracksItems && v.items.contains { row in isTracked.value(row.itemCode) ?? masters.item(row.itemCode).map(Self.tracks) ?? false }
  }
  /// Whether any item is batch- or serial-tracked (else no voucher is looked at).
  private lazy var tracksItems = masters.items.contains(where: Self.tracks)
  /// Whether each item is batch- or serial-tracked, looked up by bytes without retaining the item (a
  /// retain and a release per row, of objects the posting core retains too).
  private lazy var isTracked = NameTable(ordered: masters.items.map(\.code), values: masters.items.map(Self.tracks))
  private static func tracks(_ item: Item) -> Bool { item.hasBatchNo || item.hasSerialNo }

  /// Writes the next few vouchers to the run's `vouchers.csv`, begun with the first (renderer's thread; a
  /// file that cannot be written is dropped, and the commit writes it). Stops at a voucher that may post
  /// otherwise than it came and has not posted yet (`posted`: the posted vouchers of batch and serial
  /// entries, by number, each taken out as it is written: kept, ten million vouchers' 400,000 stayed to
  /// the end of the run).
  /// - Returns: whether it wrote any.
  private func writeVoucherSlice(posted: inout [String: Voucher]) -> Bool {
    var left = RenderAhead.voucherSlice
    let before = vouchersWritten
    /// The file dropped (the commit writes it): nothing more is written.
    func drop() -> Bool {
      vouchersFile?.discard()
      vouchersFile = nil
      (pendingVouchers, pendingCancels, pendingReader) = ([], [], nil)
      vouchersWritten = 0
      return false
    }
    while left > 0 && hasVouchersToWrite {
      // The next voucher: one the shelf encoded, plain and of no batch or serial item, is written from
      // where it lies (``EncodedVoucher``); any other is read from the shelf once (and kept while it waits
      // for its posting).
      if pendingVoucher == nil && vouchersWritten < pendingVouchers.count {
        if pendingReader == nil { pendingReader = VoucherShelf.Reader(pendingVouchers.shelf) }
        if let p = pendingVouchers.position(vouchersWritten) {
          var failed = false
          var written = false
          _ = pendingReader!.withPlain(p, into: &plain) { e in
            guard !mayResolve(e) else { return }
            do throws(StoreError) {
              if vouchersFile == nil {
                vouchersFile = try VouchersFile(path: ledger + "/vouchers.csv", run: run, capacity: pendingVouchers.count + pendingCancels.count)
              }
              try vouchersFile?.write(e)
              written = true
            } catch {
              failed = true
            }
          }
          if failed { return drop() }
          if written {
            vouchersWritten += 1
            left -= 1
            continue
          }
          pendingVoucher = pendingReader!.voucher(p)
        } else {
          pendingVoucher = pendingVouchers[vouchersWritten]
        }
      }
      if pendingVoucher == nil { pendingVoucher = pendingCancels[vouchersWritten - pendingVouchers.count] }
      guard var v = pendingVoucher else { preconditionFailure("a voucher is left to write") }
      let asPosted = mayResolve(v)
      if asPosted {
        // Taken: written once, it is not looked up again (numbers are unique in a run, and the folds read a
        // hand-over's vouchers before the next slice is written).
        guard let p = posted.removeValue(forKey: v.no) else { break }
        v = p
      }
      pendingVoucher = nil
      do throws(StoreError) {
        if vouchersFile == nil {
          vouchersFile = try VouchersFile(path: ledger + "/vouchers.csv", run: run, capacity: pendingVouchers.count + pendingCancels.count)
        }
        try vouchersFile?.write(v)
      } catch {
        return drop()
      }
      if asPosted {
        let word = vouchersWritten >> 6
        while writtenAsPosted.count <= word { writtenAsPosted.append(0) }
        writtenAsPosted[word] |= 1 << UInt64(vouchersWritten & 63)
      }
      vouchersWritten += 1
      left -= 1
    }
    if !hasVouchersToWrite { (pendingVouchers, pendingCancels, pendingReader) = ([], [], nil) }
    return vouchersWritten > before
  }

  /// Whether every voucher that posted otherwise than it came was written as it posted, or not yet.
  private func wroteResolvedAsPosted(_ resolved: [Int]) -> Bool {
    resolved.allSatisfy { p in p >= vouchersWritten || writtenAsPosted[p >> 6] & (1 << UInt64(p & 63)) != 0 }
  }

  /// Hands over the replay's arrays: their first `count` elements are final, and they have room for
  /// `entryCapacity` and `glCapacity` elements. `vouchers` are the posted vouchers with batch or serial
  /// entries among them (by number).
  func publish(
    entries: UnsafeBufferPointer<StockLedgerEntry>, entryCapacity: Int, gl: UnsafeBufferPointer<GLEntry>, glCapacity: Int,
    vouchers: [(String, Voucher)]
  ) {
    condition.lock()
    (self.entries, entryCount, self.entryCapacity) = (entries.baseAddress, entries.count, entryCapacity)
    (self.gl, glCount, self.glCapacity) = (gl.baseAddress, gl.count, glCapacity)
    self.vouchers += vouchers
    condition.broadcast()
    condition.unlock()
  }

  /// Returns once the renderer has read everything published: the replay may then move its arrays.
  func drain() {
    let started = ThreadCPU.wall()
    defer { ThreadCPU.postingWaited += ThreadCPU.wall() - started }
    condition.lock()
    while !cancelled && (!closedWindows.isEmpty || entriesRead < entryCount || glRead < glCount) { condition.wait() }
    (entries, gl) = (nil, nil)
    condition.unlock()
  }

  /// The window being filled is full (everything in it published): the renderer reads it after the
  /// windows closed before it, and the replay goes on in another (published as it fills).
  func closeWindow() {
    condition.lock()
    closedWindows.append((entries, entryCount, gl, glCount))
    (entries, entryCount, entryCapacity, gl, glCount, glCapacity) = (nil, 0, 0, nil, 0, 0)
    // The renderer may be waiting, having read all of the window: it pops it (the replay may be about to
    // wait for that, ``drain()``).
    condition.broadcast()
    condition.unlock()
  }

  /// Returns once the renderer has read `n` closed windows to their end (the replay may then fill the
  /// `n`-th again), or the renderer was cancelled.
  func waitUntilRead(windows n: Int) {
    let started = ThreadCPU.wall()
    defer { ThreadCPU.postingWaited += ThreadCPU.wall() - started }
    condition.lock()
    while !cancelled && windowsRead < n { condition.wait() }
    condition.unlock()
  }

  /// Keeps the replay's last windows of entries and GL lines (those closed and not yet read, and the one
  /// it was filling) for as long as the renderer reads them: the replay keeps only their counts
  /// (``Replay/streamsEntries``) and is gone before the renderer has caught up.
  func keep(_ windows: [([StockLedgerEntry], [GLEntry])]) {
    condition.lock()
    kept = windows
    condition.unlock()
  }

  /// The replay has posted (everything is published): the aggregate reports are rendered with its
  /// planning totals, and the reports returned.
  /// - Parameter resolved: the positions of the run's vouchers (in the order given to ``init``) that posted
  ///   otherwise than they came.
  func finish(planning: [StockKey: PlanningTotals], resolved: [Int]) -> Background<ReportWriter.Rendered> {
    condition.lock()
    self.planning = planning
    self.resolved = resolved
    condition.broadcast()
    condition.unlock()
    let work = work!
    return Background {
      guard let rendered = work.value else { preconditionFailure("a finished render-ahead returns its reports") }
      return rendered
    }
  }

  /// The run's `vouchers.csv` as the renderer began it, taken from it (it writes no more of it) once the
  /// replay has finished, whether the renderer has finished or not: the commit continues it at once,
  /// beside the renderer, which is often still rendering then (at 100k the commit waited 20–30 ms for it,
  /// then wrote the rest alone). The one way the file leaves the renderer. nil when none was begun, or
  /// when a voucher the engine filled in was written as it came (the file is then removed).
  func takeVouchersFile() -> VouchersFile? {
    condition.lock()
    defer { condition.unlock() }
    while writingVouchers { condition.wait() }
    vouchersTaken = true
    condition.broadcast()
    guard let file = vouchersFile else { return nil }
    vouchersFile = nil
    guard let resolved, wroteResolvedAsPosted(resolved) else {
      file.discard()
      return nil
    }
    return file
  }

  /// The run's `stock.csv` and `gl.csv` as soon as they are written, without waiting for the aggregate
  /// reports (the commit adopts them meanwhile: it waited a quarter of a second at 1M for the aggregates).
  /// nil when they were not written or the renderer was cancelled.
  func prewrittenRunFiles() -> PrewrittenRunFiles? {
    let started = ThreadCPU.wall()
    condition.lock()
    defer { condition.unlock() }
    while !cancelled && !runFilesReady { condition.wait() }
    // (Asked for by the commit's tasks for `stock.csv` and `gl.csv` at once: the longer wait, under the lock.)
    ThreadCPU.commitWaited = max(ThreadCPU.commitWaited, ThreadCPU.wall() - started)
    return runFiles
  }

  /// The replay will not be used (vouchers failed and it posts again): the renderer stops and its
  /// temporary files are removed. Waits for it, so nothing reads the replay's arrays afterwards.
  func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    condition.unlock()
    _ = work.value
  }

  /// The renderer: what ``ReportWriter/render(_:out:)`` does, a hand-over at a time. nil when cancelled.
  private func render() -> ReportWriter.Rendered? {
    // Behind the posting core, which every other thread waits for, when both want a core
    // (``ThreadPriority/giveWay()``). Medians of alternating runs, the same binary with and without: 1M
    // 2.855 → 2.71 s (six of eight pairs faster), 10M 42.07 → 40.04 s (six of six), 100k unchanged.
    ThreadPriority.giveWay()
    let cpu = ThreadCPU.now()
    defer { ThreadCPU.rendering += ThreadCPU.now() - cpu }
    var ledgers = HeadLedgers(masters: masters, out: out, journal: true, ledger: ledger)
    var byNumber: [String: Voucher] = [:]
    var entriesAhead = PopulateAhead<StockLedgerEntry>(bytes: RenderAhead.populateWindow)
    var glAhead = PopulateAhead<GLEntry>(bytes: RenderAhead.populateWindow)
    while true {
      condition.lock()
      // Where reading resumes: shared, as the replay closes its windows (``closeWindow()``).
      while !cancelled && waitsToRead {
        // Nothing to render yet: the run's vouchers are written meanwhile, a slice at a time (until one has
        // to wait for its posting: then for the next hand-over).
        if hasVouchersToWrite {
          writingVouchers = true
          condition.unlock()
          let wrote = writeVoucherSlice(posted: &byNumber)
          condition.lock()
          writingVouchers = false
          condition.broadcast()
          if wrote { continue }
          if cancelled || !waitsToRead { continue }
        }
        let started = ThreadCPU.wall()
        condition.wait()
        ThreadCPU.renderingWaited += ThreadCPU.wall() - started
      }
      if cancelled {
        kept = []
        condition.unlock()
        ledgers.discard()
        vouchersFile?.discard()
        return nil
      }
      let (e0, g0) = (entriesRead, glRead)
      // The oldest window closed and not read to its end, else the one being filled.
      let closed = closedWindows.first
      let (e, e1, g, g1) = closed ?? (entries, entryCount, gl, glCount)
      let done = planning != nil && closed == nil && entryCount == e0 && glCount == g0
      let filling = (entries: entries, entryCount: entryCount, entryCapacity: entryCapacity, gl: gl, glCount: glCount, glCapacity: glCapacity)
      for (no, v) in vouchers { byNumber[no] = v }
      vouchers.removeAll()
      condition.unlock()
      if done { break }
      // The pages the replay will write next, faulted in here (the arrays cannot move before this
      // hand-over is read): a few megabytes ahead in the window being filled, so the posting core does not
      // stop to zero them (a window filled again has its pages: the call finds them there).
      entriesAhead.advance(filling.entries, count: filling.entryCount, capacity: filling.entryCapacity)
      glAhead.advance(filling.gl, count: filling.glCount, capacity: filling.glCapacity)
      if let e {
        ledgers.add(entries: UnsafeBufferPointer(rebasing: UnsafeBufferPointer(start: e, count: e1)[e0..<e1])) { no in
          let v = byNumber[no]
          assert(v != nil, "the voucher of a batch or serial entry is handed over with it, and kept until it is read")
          return v
        }
      }
      if let g { ledgers.add(gl: UnsafeBufferPointer(rebasing: UnsafeBufferPointer(start: g, count: g1)[g0..<g1])) }
      // Read by the folds: with no voucher left to write (all written, or the file dropped), nothing
      // looks them up again — once everything handed over with them is read: a closed window read, the
      // vouchers taken with it may be those of entries in the windows after it.
      condition.lock()
      if closed == nil && !hasVouchersToWrite && !byNumber.isEmpty { byNumber.removeAll(keepingCapacity: true) }
      (entriesRead, glRead) = (e1, g1)
      if closed != nil {
        // Read to its end: the replay may fill it again; the next window is read from its start.
        closedWindows.removeFirst()
        (entriesRead, glRead) = (0, 0)
        windowsRead += 1
      }
      condition.broadcast()
      condition.unlock()
    }
    var r = ledgers.finish()
    condition.lock()
    let read = kept
    kept = []  // read: the windows are let go (below)
    // (The vouchers begun stay here until the commit takes them, ``takeVouchersFile()``.)
    (runFiles, runFilesReady) = (r.runFiles, true)  // given to the commit from here (prewrittenRunFiles)
    r.runFiles = nil
    condition.broadcast()
    let planning = self.planning ?? [:]
    condition.unlock()
    // The windows freed on a thread of their own: each entry and GL line releases its voucher's number
    // and boxes, two milliseconds of a 100k run under the lock, which the commit waited for (it takes the
    // run's files from here) and the aggregates after it.
    DispatchQueue.global(qos: .utility).async { withExtendedLifetime(read) {} }
    r.add(ReportWriter.aggregates(r.folds, ReportSource(masters: masters, entries: [], gl: [], planning: planning), temporariesIn: out, encodingFolds: encodingFolds))
    return r
  }
}
