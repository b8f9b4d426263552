import StockCore
import StockReports
import StockStore

/// The two head ledgers (`stock-ledger.csv`, `general-ledger.csv`, and optionally the run's journal, the
/// same bytes as the general ledger) written to temporary files in the output folder, and the report folds,
/// from entries and GL lines in ledger order, in as many pieces as they come: all at once for
/// ``ReportWriter/render(_:out:)``, a hand-over at a time for ``RenderAhead``. One writer, so both give the
/// same bytes.
struct HeadLedgers {
  private let masters: Masters
  private let places: Int
  private var files: (stock: StreamedFile, gl: StreamedFile, journal: StreamedFile?)?
  private var stock: ByteWriter
  private var gl: ByteWriter
  private(set) var folds = LedgerFolds()
  /// The first error writing the files (the folds are built regardless).
  private(set) var failure: StoreError?

  /// - Parameter journal: whether to write `gl-journal.csv` too (a run onto an empty ledger).
  init(masters: Masters, out: String, journal: Bool) {
    self.masters = masters
    places = masters.company.currencyPrecision
    do throws(StoreError) {
      try DurableFiles.makeDirectory(out)
      files = (
        try StreamedFile(path: out + "/stock-ledger.csv", hashing: false), try StreamedFile(path: out + "/general-ledger.csv", hashing: false),
        journal ? try StreamedFile(path: out + "/gl-journal.csv", hashing: false) : nil
      )
    } catch {
      failure = error
    }
    stock = ByteWriter(guardsFormulas: true, capacity: StreamedFile.chunk + (1 << 16))
    gl = ByteWriter(guardsFormulas: true, capacity: StreamedFile.chunk + (1 << 16))
    stock.texts(StockReports.stockLedgerColumns)
    stock.endRow()
    gl.texts(StockReports.glColumns)
    gl.endRow()
  }

  /// Adds entries in ledger order. They are read in place, not copied: a copy would retain and release
  /// strings another thread may be retaining at the same moment (``RenderAhead``), contending for them.
  /// - Parameter voucher: the voucher of a batch or serial entry, by number (the tracking folds need it).
  /// - Complexity: O(entries).
  mutating func add(entries e: UnsafeBufferPointer<StockLedgerEntry>, voucher: (String) -> Voucher?) {
    for i in e.indices {
      let tracked = !e[i].batchNo.isEmpty || !e[i].serialNos.isEmpty
      folds.add(e[i], voucher: tracked ? voucher(e[i].voucherNo) : nil, masters: masters)
      guard let files, failure == nil else { continue }
      e[i].write(places: places, into: &stock)
      stock.endRow()
      do throws(StoreError) { try files.stock.write(from: &stock) } catch { failure = error }
    }
  }

  /// Adds GL lines in ledger order (read in place, as entries).
  /// - Complexity: O(lines).
  mutating func add(gl g: UnsafeBufferPointer<GLEntry>) {
    for i in g.indices {
      folds.add(g[i])
      guard let files, failure == nil else { continue }
      g[i].write(places: places, into: &gl)
      gl.endRow()
      if gl.count >= StreamedFile.chunk { flushGL(files) }
    }
  }

  /// Hands the GL bytes gathered to the general ledger and the journal.
  private mutating func flushGL(_ files: (stock: StreamedFile, gl: StreamedFile, journal: StreamedFile?)) {
    if let journal = files.journal { gl.withUnsafeBytes { journal.append($0) } }
    do throws(StoreError) { try files.gl.write(from: &gl, flushingAt: 0) } catch { failure = error }
  }

  /// Closes the files under their temporary names: the reports to rename into place after the commit,
  /// the journal's temporary path (when written), the folds, and the first failure.
  mutating func finish() -> ReportWriter.Rendered {
    var r = ReportWriter.Rendered(folds: folds)
    if let files, failure == nil {
      flushGL(files)
      do throws(StoreError) {
        try files.stock.write(from: &stock, flushingAt: 0)
        r.renames.append((try files.stock.closeTemporary(), "stock-ledger"))
        try files.gl.flush()
        r.renames.append((try files.gl.closeTemporary(), "general-ledger"))
        r.journal = try files.journal?.closeTemporary()
      } catch {
        failure = error
      }
    }
    r.failure = failure
    return r
  }

  /// Removes the files (the reports will not be used).
  func discard() {
    files?.stock.discard()
    files?.gl.discard()
    files?.journal?.discard()
  }
}
