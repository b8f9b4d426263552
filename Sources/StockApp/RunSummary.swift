import StockCore
import StockReports
import StockStore

/// What a run did, for the operator (one screen on stdout) and for schedulers (`run-summary.json`). Holds
/// no wall-clock time, so two runs over the same inputs write the same bytes.
public struct RunSummary: Sendable {
  public struct FileLine: Sendable {
    var name: String
    var sha256: String
    var status: String
    var rows: Int
    var vouchers: Int
    var posted: Int
    var totalQty: Fixed
    var totalValue: Fixed
  }
  public var run: String
  public var dryRun = false
  public var chainHead = ""
  var files: [FileLine] = []
  public var vouchersPosted = 0
  public var vouchersRejected = 0
  public var rejections = 0
  var entriesWritten = 0
  var repostedItemWarehouses = 0
  var adjustmentLines = 0
  var glDebit = Fixed.zero
  var glCredit = Fixed.zero
  var notes: [String] = []
  var places = 2
  /// The first problems found, as a dry run shows them (it writes no `rejected/` files to read them in).
  var firstProblems: [String] = []
  /// How many problems a dry run shows before it says how many more there are.
  static let problemsShown = 20

  init(run: String, work: RunWork, settled: RunWork.Settled, record: RunRecord, notes: [String]) {
    self.run = run
    self.places = work.masters.company.currencyPrecision
    for f in work.files {
      let qty = f.totalQty, value = f.totalValue
      let posted = record.files.first { $0.file == f.picked.name }?.vouchersPosted ?? 0
      files.append(FileLine(name: f.picked.name, sha256: f.picked.sha256, status: settled.fileStatus[f.picked.name]?.rawValue ?? "rejected",
                            rows: f.read.rowCount, vouchers: f.voucherCount, posted: posted, totalQty: qty, totalValue: value))
    }
    vouchersPosted = settled.acceptedNew.count
    vouchersRejected = work.files.reduce(0) { $0 + $1.voucherCount } - vouchersPosted
    rejections = settled.rejections.count
    firstProblems = settled.rejections.prefix(RunSummary.problemsShown).map(\.description)
    entriesWritten = settled.changedCount
    repostedItemWarehouses = settled.repostedKeys.count
    adjustmentLines = settled.adjustmentLines
    for g in settled.journal {
      glDebit += g.debit
      glCredit += g.credit
    }
    if let streamed = settled.streamedGL {
      glDebit += streamed.debit
      glCredit += streamed.credit
    }
    self.notes = notes
  }

  /// 0 when everything posted, 1 when the run committed but some input was rejected.
  public var exitCode: Int32 { (rejections > 0 || files.contains { $0.status != "imported" }) ? 1 : 0 }

  /// The one-screen summary.
  func text(paths: BooksPaths, elapsed: Double) -> String {
    var s = dryRun ? "stockledger run (dry run: nothing was committed)\n" : "stockledger run \(run)\n"
    for f in files {
      s += "  \(f.status.padding(9)) \(f.name): \(f.rows) rows, \(f.vouchers) vouchers, \(f.posted) posted\n"
    }
    s += "  vouchers: \(vouchersPosted) posted, \(vouchersRejected) rejected (\(rejections) \(rejections == 1 ? "problem" : "problems"))\n"
    s += "  stock entries written: \(entriesWritten); item-warehouses reposted: \(repostedItemWarehouses); GL adjustment lines: \(adjustmentLines)\n"
    s += "  journal: debit \(glDebit.formatted(places: places)) = credit \(glCredit.formatted(places: places))\n"
    if dryRun && !firstProblems.isEmpty {
      s += "  problems (a run would write them to \(paths.rejected)):\n"
      for p in firstProblems { s += "    \(p)\n" }
      if rejections > firstProblems.count { s += "    … and \(rejections - firstProblems.count) more\n" }
    }
    if !dryRun {
      s += "  ledger: \(paths.ledger) chain \(chainHead.prefix(16))\n"
      s += "  reports: \(paths.out) (this run: \(paths.out)/runs/\(run))\n"
      if rejections > 0 { s += "  rejected files and their errors: \(paths.rejected)\n" }
    }
    for n in notes { s += "  note: \(n)\n" }
    s += "  time: \(Int(elapsed * 1000)) ms\n"
    return s
  }

  /// Stands for the chain head in a summary written before the commit that makes the head.
  static let chainPlaceholder = "@CHAIN_HEAD@"

  /// `run-summary.json`: what the run did, reproducibly (no notes about this machine's recovery or timing).
  public var json: String { json(withNotes: false) }

  /// The summary for `--format json` on standard output, with the operator notes.
  public var jsonWithNotes: String { json(withNotes: true) }

  func json(withNotes: Bool) -> String {
    var s = "{\n"
    s += "  \"run\": \(JSON.string(run)),\n"
    s += "  \"dry_run\": \(dryRun),\n"
    s += "  \"ledger_chain_head\": \(JSON.string(chainHead.isEmpty ? RunSummary.chainPlaceholder : chainHead)),\n"
    s += "  \"files\": [\n"
    s += files.map { f in
      "    {\"file\": \(JSON.string(f.name)), \"sha256\": \"\(f.sha256)\", \"status\": \"\(f.status)\", \"rows\": \(f.rows), \"vouchers\": \(f.vouchers), \"vouchers_posted\": \(f.posted), \"control_totals\": {\"qty\": \"\(f.totalQty.plain)\", \"value\": \"\(f.totalValue.formatted(places: places))\"}}"
    }.joined(separator: ",\n")
    s += "\n  ],\n"
    s += "  \"vouchers_posted\": \(vouchersPosted),\n"
    s += "  \"vouchers_rejected\": \(vouchersRejected),\n"
    s += "  \"rejections\": \(rejections),\n"
    s += "  \"stock_entries_written\": \(entriesWritten),\n"
    s += "  \"reposted_item_warehouses\": \(repostedItemWarehouses),\n"
    s += "  \"gl_adjustment_lines\": \(adjustmentLines),\n"
    s += "  \"journal_debit\": \"\(glDebit.formatted(places: places))\",\n"
    s += "  \"journal_credit\": \"\(glCredit.formatted(places: places))\",\n"
    if withNotes { s += "  \"notes\": [" + notes.map(JSON.string).joined(separator: ", ") + "],\n" }
    s += "  \"exit_code\": \(exitCode)\n"
    return s + "}\n"
  }
}

extension String {
  func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
