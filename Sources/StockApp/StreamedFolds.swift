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
    let guarded: (String) -> Bool = { $0.utf8.first.map { [61, 43, 45, 64, 9, 13].contains($0) } ?? false }
    guard !masters.items.contains(where: { guarded($0.code) }), !masters.warehouses.contains(where: { guarded($0.name) }) else { return nil }
    var folds = LedgerFolds(filter: filter)
    let entries = fold(out + "/stock-ledger.csv") { f in
      guard f.count == StockLedgerEntry.columns.count, let e = LedgerFormat.parseStock(f + ["0"]) else { return false }
      folds.balance.add(e)
      if ageing { folds.ageing.add(e) }
      return true
    }
    guard entries else { return nil }
    var lines = true
    let listed = store.forEachCommittedFile { _, dir, name in
      guard name == "gl.csv" else { return true }
      lines = fold(dir + "/" + name) { f in
        guard let g = LedgerFormat.parseGL(f) else { return false }
        folds.add(g)
        return true
      }
      return lines
    }
    return listed && lines ? folds : nil
  }

  /// Hands every CSV record of the file at `path` but its header to `add`, which returns false for a line
  /// it cannot read; false when the file or a line cannot be read.
  static func fold(_ path: String, _ add: ([String]) -> Bool) -> Bool {
    var unreadable = false
    let read = FileBytes.forEachLines(ofFileAt: path) { lines, atStart in
      var header = atStart
      do throws(Diagnostic) {
        try CSVParser.forEachRecord(lines, file: path) { r in
          if header { header = false; return }
          if !unreadable && !add(r.fields) { unreadable = true }
        }
      } catch { unreadable = true }
      return !unreadable
    }
    return read && !unreadable
  }
}
