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
    let (masters, ledger): (Masters, LedgerContents)
    switch Books.open(paths, command: "trace") {
    case .success(let books): (masters, ledger) = books
    case .failure(let failure): return failure.outcome
    }
    let source = ReportCommand.source(masters: masters, ledger: ledger)
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
}
