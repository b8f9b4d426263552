import StockCore
import StockRead
import StockReports
import StockStore

/// The folds of the stock balance, stock ageing and trial balance over the whole ledger, without loading
/// it: memory of the item-warehouses and accounts, not of the history (`stockledger close`, and
/// `stockledger report` of those reports with dates). The entries come from the head `stock-ledger.csv`
/// (every entry's current version, cancelled ones left out, in timeline order), the GL lines from every
/// run's `gl.csv`, each read a part at a time: the same folds as over the loaded ledger's entries and
/// lines. The caller has checked that the head reports describe the ledger's head, and the ledger's files
/// (``LedgerStore/checkFiles()``).
enum StreamedFolds {
  /// The reports these folds make as the loaded ledger's do (the batch and serial reports need the
  /// vouchers, the planning reports the orders, the two ledgers are the files themselves).
  static let reports: Set<String> = ["stock-balance", "trial-balance", "stock-vs-gl", "stock-ageing"]

  /// The folds under `filter` (the ageing fold only with `ageing`); nil when an item or warehouse name
  /// would be written guarded against formulas in the report (a leading `=`, `+`, `-`, `@`, tab or CR), or
  /// a line cannot be read: the caller then loads the ledger.
  /// - Complexity: O(bytes of the stock ledger report + bytes of the GL files).
  static func folds(_ filter: ReportFilter, ageing: Bool, store: LedgerStore, out: String, masters: Masters) -> LedgerFolds? {
    guard namesWrittenPlain(masters) else { return nil }
    var folds = LedgerFolds(filter: filter)
    func addEntry(_ e: StockLedgerEntry) {
      folds.balance.add(e)
      if ageing { folds.ageing.add(e) }
    }
    let entries = fold(out + "/stock-ledger.csv") { f in
      guard let (e, _) = LedgerFormat.parseStock(f, file: false) else { return false }
      addEntry(e)
      return true
    } general: { f in
      guard f.count == StockLedgerEntry.columns.count, let e = LedgerFormat.parseStock(f + ["0"]) else { return false }
      addEntry(e)
      return true
    }
    guard entries else { return nil }
    return forEachGLLine(store: store) { folds.add($0) } ? folds : nil
  }

  /// Hands every GL line of the ledger to `body` in ledger order, from every run's `gl.csv` a part at a time;
  /// false when a file or a line cannot be read (`body` may have had some lines then).
  /// - Complexity: O(bytes of the GL files); memory O(a part).
  static func forEachGLLine(store: LedgerStore, _ body: (GLEntry) -> Void) -> Bool {
    var lines = true
    var accounts = LedgerFormat.AccountNames()
    let listed = store.forEachCommittedFile { _, dir, name in
      guard name == "gl.csv" else { return true }
      lines = fold(dir + "/" + name) { f in
        guard let g = LedgerFormat.parseGL(f, accounts: &accounts) else { return false }
        body(g)
        return true
      } general: { f in
        guard let g = LedgerFormat.parseGL(f) else { return false }
        body(g)
        return true
      }
      return lines
    }
    return listed && lines
  }

  /// Whether no item code or warehouse name would be written guarded against formulas in the head reports
  /// (``ByteWriter/isGuarded(_:)``): only then are the reports' names those of the master data.
  /// - Complexity: O(items + warehouses).
  static func namesWrittenPlain(_ masters: Masters) -> Bool {
    !masters.items.contains { ByteWriter.isGuarded($0.code) } && !masters.warehouses.contains { ByteWriter.isGuarded($0.name) }
  }

  /// Hands every CSV record of the file at `path` but its header to `plain` (a part of plain lines:
  /// ASCII, no quote, no CR, read over its bytes) or `general` (through a string per field), each of which
  /// returns false for a record it cannot read (`plain`'s are read again by `general`); false when the file
  /// or a record cannot be read.
  static func fold(_ path: String, plain: (LedgerFormat.PlainFields) -> Bool, general: ([String]) -> Bool) -> Bool {
    var unreadable = false
    let read = FileBytes.forEachLines(ofFileAt: path) { lines, atStart in
      var header = atStart
      let reading = CSVParser.forEachRecordOverBytes(lines) { _, bounds in
        if header { header = false; return }
        let f = LedgerFormat.PlainFields(lines, bounds)
        if !unreadable && !plain(f) && !general(f.texts) { unreadable = true }
      }
      switch reading {
      case .read: return !unreadable
      case .blankRecords:
        unreadable = true  // (no line of these files is blank)
        return false
      case .notPlain: break
      }
      do throws(Diagnostic) {
        try CSVParser.forEachRecord(lines, file: path) { r in
          if header { header = false; return }
          if !unreadable && !general(r.fields) { unreadable = true }
        }
      } catch { unreadable = true }
      return !unreadable
    }
    return read && !unreadable
  }
}
