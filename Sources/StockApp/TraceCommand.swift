import StockCore
import StockRead
import StockReports
import StockStore

/// `stockledger trace (--serial NO | --batch NO)`: the full history of a serial or a batch — every voucher,
/// date, warehouse and party — and, for a batch, the customers who received it (the recall list).
public enum TraceCommand {
  public static func run(paths: BooksPaths, serial: String?, batch: String?, format: ReportCommand.Format) -> CommandOutcome {
    guard (serial == nil) != (batch == nil) else {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger trace: give either --serial NO or --batch NO\n")
    }
    let masters: Masters
    switch Books.masters(paths, command: "trace") {
    case .success(let m): masters = m
    case .failure(let failure): return failure.outcome
    }
    let source: ReportSource
    switch traced(paths: paths, masters: masters, serial: serial, batch: batch) {
    case .success(let s): source = s
    case .failure(let failure): return failure.outcome
    }
    let history = TrackingReports.trace(source, serial: serial, batch: batch)
    if history.rows.isEmpty {
      return CommandOutcome(exitCode: 1, stderr: "stockledger trace: no stock ledger entry has \(serial.map { "serial \($0)" } ?? "batch \(batch ?? "")")\n")
    }
    var out = ""
    if format == .table {
      out += serial.map { "Serial \($0)\n\n" } ?? "Batch \(batch ?? "")\n\n"
      out += history.table
      if let serial {
        let status = TrackingReports.serialStatus(source)
        if let row = status.rows.first(where: { $0.first == serial }) {
          out += "\nNow: " + zip(status.columns.dropFirst(), row.dropFirst()).filter { !$0.1.isEmpty }.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "\n"
        }
      }
      if let batch {
        let recipients = TrackingReports.recipients(source, batch: batch)
        out += recipients.rows.isEmpty ? "\nCustomers who received it: none (no delivery or sale of this batch is posted)\n" : "\nCustomers who received it:\n" + recipients.table
      }
    } else {
      out = format.render(history)
      if let batch, format == .csv { out += "\n" + TrackingReports.recipients(source, batch: batch).csv }
    }
    return CommandOutcome(exitCode: 0, stdout: out)
  }

  /// What the tracking reports read of the ledger for one serial or batch: every file checked against its
  /// manifest, then only the entries that move it and their vouchers, found a part at a time
  /// (``LedgerStore/tracked(text:matches:part:)``: on ten million movements 5–9 s and 71 MB, where the
  /// whole ledger loaded would not fit in this machine's memory). The whole ledger is loaded when the text cannot be searched for as it
  /// is (a comma or a quote in it), and for tests (`STOCKLEDGER_TEST_TRACE_WHOLE=1`), as the reference.
  static func traced(paths: BooksPaths, masters: Masters, serial: String?, batch: String?) -> Result<ReportSource, CommandFailure> {
    let store = LedgerStore(directory: paths.ledger)
    let timer = PhaseTimer()
    defer { timer.report() }
    if !wholeForTests, let text = serial ?? batch {
      timer.basis = "trace, what moves it read a part at a time"
      do { try store.checkFiles() } catch {
        return .failure(CommandFailure(CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger trace: the ledger fails its integrity check at \(error.place): \(error.message)\n")))
      }
      let matches: (StockLedgerEntry) -> Bool = { e in serial.map { e.serialNos.contains($0) } ?? (e.batchNo == batch) }
      timer.mark("files checked")
      if let (entries, vouchers) = store.tracked(text: text, matches: matches, part: LedgerStore.testPart ?? LedgerStore.searchedPart) {
        timer.mark("\(entries.count) entries found")
        return .success(ReportSource(masters: masters, entries: entries, gl: [], vouchers: ReportCommand.index(Array(vouchers.values))))
      }
    }
    timer.basis = "trace, the ledger loaded"
    defer { timer.mark("loaded") }
    return Books.ledger(paths, command: "trace").map { ReportCommand.source(masters: masters, ledger: $0) }
  }

  /// For tests (`STOCKLEDGER_TEST_TRACE_WHOLE=1`): the ledger loaded whole, the reference.
  static let wholeForTests = ProcessEnvironment.value("STOCKLEDGER_TEST_TRACE_WHOLE") == "1"
}
