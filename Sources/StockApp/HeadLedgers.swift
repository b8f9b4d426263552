import StockCore
import StockReports
import StockStore

/// The two head ledgers (`stock-ledger.csv`, `general-ledger.csv`) written to temporary files in the output
/// folder, and the report folds, from entries and GL lines in ledger order, in as many pieces as they come:
/// all at once for ``ReportWriter/render(_:out:)``, a hand-over at a time for ``RenderAhead``. One writer,
/// so both give the same bytes.
///
/// Onto an empty ledger it also writes the run's own `stock.csv` and `gl.csv` (hashed, under temporary
/// names in the ledger directory) for the commit to adopt: the entries and lines are those the run
/// commits, which keeps neither (the replay streams them). `gl.csv` shares the general ledger's bytes up
/// to the first text field the reports guard against formulas (or the reports failing), and is written
/// row by row on its own from there.
struct HeadLedgers {
  private let masters: Masters
  private let places: Int
  private var files: (stock: StreamedFile, gl: StreamedFile)?
  /// Whether the general ledger's bytes are the run's journal's (a run onto an empty ledger).
  private let isJournal: Bool
  private var stock: ByteWriter
  private var gl: ByteWriter
  /// The run's `stock.csv` and `gl.csv` with the rows written to each (nil when not asked for, or failed).
  private var run: (stock: StreamedFile, gl: StreamedFile, stockRows: Int, glRows: Int)?
  private var runStock: ByteWriter
  /// The run's `gl.csv` rows once they are no longer the general ledger's bytes (``runGLOwn``).
  private var runGL: ByteWriter
  /// Whether the run's `gl.csv` is written row by row on its own: from the first row the reports guard
  /// against formulas, or once the reports are not written.
  private var runGLOwn = false
  /// Why the run's files were dropped, when they were (said by the commit if it then cannot write them).
  private var runFailure: StoreError?
  private(set) var folds = LedgerFolds()
  /// Whether entries and lines are added to ``folds`` too (not when the caller folds them itself: a
  /// snapshot written anew, ``HeadSnapshot/rebuilt(paths:store:chain:masters:timer:)``).
  private let folding: Bool
  /// The first error writing the files (the folds are built regardless).
  private(set) var failure: StoreError?

  /// - Parameters:
  ///   - journal: whether the general ledger written is also the run's journal (a run onto an empty
  ///     ledger): ``finish()`` then names it as the journal's bytes.
  ///   - ledger: the ledger directory, where the run's `stock.csv` and `gl.csv` are prewritten (a run
  ///     onto an empty ledger); nil: not written.
  ///   - folding: whether ``folds`` are made (see there).
  init(masters: Masters, out: String, journal: Bool, ledger: String? = nil, folding: Bool = true) {
    self.masters = masters
    self.folding = folding
    isJournal = journal
    places = masters.company.currencyPrecision
    do throws(StoreError) {
      try DurableFiles.makeDirectory(out)
      files = (
        // Both past the page cache, as the ledger's files: copied into the cache, the general ledger's
        // 170 MB at 1M cost the kernel a fifth of a second, the stock ledger's 119 MB a quarter of a second
        // of the renderer's core. Later runs append to both; a backdated run, which splices the stock
        // ledger, reads it into the cache first, beside its other reading (``DurableFiles/warm(_:)``).
        // Through the cache once the device falls behind: they are not fsynced, and on a device slower
        // than the run (250 MB/s) the run waited for their writes after its own were done.
        try StreamedFile(path: out + "/stock-ledger.csv", hashing: false, cachingWhenBehind: true),
        try StreamedFile(path: out + "/general-ledger.csv", hashing: false, cachingWhenBehind: true)
      )
    } catch {
      failure = error
    }
    if let ledger {
      do throws(StoreError) {
        // Synced as they go: the commit fsyncs them, which then has little left to flush.
        run = (try StreamedFile(path: ledger + "/stock.csv", syncingAsItGoes: true), try StreamedFile(path: ledger + "/gl.csv", syncingAsItGoes: true), 0, 0)
      } catch {
        runFailure = error
      }
    }
    runStock = ByteWriter(guardsFormulas: false, capacity: run == nil ? 0 : StreamedFile.chunk + (1 << 16))
    runStock.texts(LedgerFormat.stockFileColumns)
    runStock.endRow()
    runGL = ByteWriter(guardsFormulas: false, capacity: 0)
    stock = ByteWriter(guardsFormulas: true, capacity: StreamedFile.chunk + (1 << 16))
    gl = ByteWriter(guardsFormulas: true, capacity: StreamedFile.chunk + (1 << 16))
    stock.texts(StockReports.stockLedgerColumns)
    stock.endRow()
    gl.texts(StockReports.glColumns)
    gl.endRow()
  }

  /// Adds entries in ledger order. They are read in place, not copied into arrays: a copy retains and
  /// releases strings another thread may be retaining at the same moment (``RenderAhead``), contending for
  /// them. (Handing an element to another module's function may still copy it; BENCHMARKS.md measures
  /// what that costs.)
  /// - Parameter voucher: the voucher of a batch or serial entry, by number (the tracking folds need it).
  /// - Complexity: O(entries).
  mutating func add(entries e: UnsafeBufferPointer<StockLedgerEntry>, voucher: (String) -> Voucher?) {
    // Where the rows step found the ageing slots of the entries four ahead, for the slots step two later: a
    // ring of eight on the stack (an array here, checked and written through its buffer per entry, was
    // 100 more samples of this loop at 1M than the fold's wait it saved).
    var slotPositions = (0, 0, 0, 0, 0, 0, 0, 0)
    for i in e.indices {
      // One copy of the entry for the calls into other modules, which would each take their own.
      let entry = e[i]
      if folding {
        // The rows of the entries folded next, asked into cache in three steps (``LedgerFolds/prefetch(probe:)``):
        // the table slots, the rows, the ageing slots (its queue's storage was the fold's wait).
        if i + 8 < e.count { folds.prefetch(probe: e[i + 8].key) }
        withUnsafeMutableBytes(of: &slotPositions) { ring in
          let positions = ring.bindMemory(to: Int.self)
          if i + 4 < e.count { positions[(i + 4) & 7] = folds.prefetch(rows: e[i + 4].key) }
          if i + 2 < e.count && i >= 2 { folds.prefetch(slotsAt: positions[(i + 2) & 7]) }
        }
        folds.add(entry, voucher: entry.isTracked ? voucher(entry.voucherNo) : nil, masters: masters)
      }
      let writing = files != nil && failure == nil
      let start = stock.count
      if writing { entry.write(places: places, into: &stock) }
      if run != nil {
        // The run's row begins with the same fields: copied unless a text field was guarded (then the
        // guarded and unguarded bytes differ, and the row is formatted again).
        if writing && !stock.sawFormula {
          runStock.appendFields(of: stock, from: start)
          LedgerFormat.writeStockRowTail(entry, cancelled: false, into: &runStock)
        } else {
          LedgerFormat.writeStockRow(entry, cancelled: false, places: places, into: &runStock)
        }
        run!.stockRows += 1
        do throws(StoreError) { try run!.stock.write(from: &runStock) } catch { dropRunFiles(error) }
      }
      guard writing else { continue }
      stock.endRow()
      do throws(StoreError) { try files!.stock.write(from: &stock) } catch { failure = error }
    }
  }

  /// The run's files could not be written (`error`), or are not wanted: they are removed and left to the
  /// commit, which reports why if it cannot write them itself.
  private mutating func dropRunFiles(_ error: StoreError? = nil) {
    if let error, runFailure == nil { runFailure = error }
    run?.stock.discard()
    run?.gl.discard()
    run = nil
  }

  /// Adds GL lines in ledger order (read in place, as entries).
  /// - Complexity: O(lines).
  mutating func add(gl g: UnsafeBufferPointer<GLEntry>) {
    for i in g.indices {
      let line = g[i]  // one copy, as for entries
      if folding { folds.add(line) }
      let writing = files != nil && failure == nil
      if writing {
        let (start, guardedBefore) = (gl.count, gl.sawFormula)
        line.write(places: places, into: &gl)
        gl.endRow()
        // The first row guarded against formulas: the run's file takes the rows before it, then its own.
        if run != nil && !runGLOwn && !guardedBefore && gl.sawFormula { ownRunGL(sharing: start) }
      } else if run != nil && !runGLOwn {
        ownRunGL(sharing: gl.count)  // the reports are not written: what they gathered is still the run's
      }
      if run != nil {
        run!.glRows += 1
        if runGLOwn {
          LedgerFormat.write(line, places: places, into: &runGL)
          runGL.endRow()
          do throws(StoreError) { try run!.gl.write(from: &runGL) } catch { dropRunFiles(error) }
        }
      }
      if writing && gl.count >= StreamedFile.chunk { flushGL(files!, flushingAt: StreamedFile.chunk) }
    }
  }

  /// The run's `gl.csv` is written on its own from here: it takes the first `shared` bytes gathered for
  /// the general ledger (whole rows, not yet handed to it) and no more of them.
  private mutating func ownRunGL(sharing shared: Int) {
    gl.withUnsafeBytes { run?.gl.append(UnsafeRawBufferPointer(rebasing: $0[..<shared])) }
    runGL = ByteWriter(guardsFormulas: false, capacity: StreamedFile.chunk + (1 << 16))
    runGLOwn = true
  }

  /// Hands the GL bytes gathered to the general ledger (and to the run's `gl.csv`, while they are its
  /// bytes): their whole blocks at `threshold` (written from the buffer they were formatted in; the rest
  /// stays gathered), all of them at 0.
  private mutating func flushGL(_ files: (stock: StreamedFile, gl: StreamedFile), flushingAt threshold: Int = 0) {
    let also = runGLOwn ? nil : run?.gl
    do throws(StoreError) { try files.gl.write(from: &gl, flushingAt: threshold, alsoTo: also) } catch { failure = error }
  }

  /// Closes the files under their temporary names: the reports to rename into place after the commit,
  /// the folds, the journal's bytes (the general ledger's temporary path, when it is the journal), and the
  /// first failure.
  mutating func finish() -> ReportWriter.Rendered {
    var r = ReportWriter.Rendered(folds: folds)
    if let files, failure == nil {
      flushGL(files)
      do throws(StoreError) {
        try files.stock.write(from: &stock, flushingAt: 0)
        r.renames.append((try files.stock.closeTemporary(), "stock-ledger"))
        try files.gl.flush()
        let general = try files.gl.closeTemporary()
        r.renames.append((general, "general-ledger"))
        // The journal's bytes: ``PostCommit`` links the committed gl.csv instead when it holds them too.
        if isJournal { r.journal = general }
      } catch {
        failure = error
      }
    }
    // Both run files are written unguarded, whatever the reports hold and whether they were written:
    // stock.csv row by row, gl.csv with the general ledger's bytes until it has its own (``runGLOwn``;
    // then its bytes are not the journal's).
    if run != nil && !runGLOwn && (files == nil || failure != nil) { ownRunGL(sharing: gl.count) }
    if let run {
      do throws(StoreError) {
        try run.stock.write(from: &runStock, flushingAt: 0)
        let stock = (try run.stock.closeHashed(), run.stockRows)
        if runGLOwn { try run.gl.write(from: &runGL, flushingAt: 0) }
        r.runFiles = PrewrittenRunFiles(stock: stock, gl: (try run.gl.closeHashed(), run.glRows), glIsJournal: !runGLOwn)
      } catch {
        dropRunFiles(error)
      }
    }
    if r.runFiles == nil, let runFailure { r.runFiles = PrewrittenRunFiles(stock: nil, gl: nil, failure: runFailure.description) }
    r.failure = failure
    return r
  }

  /// Removes the files (the reports will not be used).
  mutating func discard() {
    dropRunFiles()
    files?.stock.discard()
    files?.gl.discard()
  }
}
