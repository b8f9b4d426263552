import StockCore
import StockOrder
import StockRead
import StockReports
import StockStore

/// `stockledger report NAME`: any report of SPEC §7, from the ledger as committed, as CSV, a terminal table
/// or JSON, filtered by dates, item or warehouse.
public enum ReportCommand {
  public enum Format: String, Sendable, CaseIterable { case csv, table, json }

  public static func run(name: String, paths: BooksPaths, filter: ReportFilter, format: Format) -> CommandOutcome {
    let masters: Masters
    do { masters = try MasterReader.read(directory: paths.masters) } catch {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger report: master data cannot be used:\n" + error.description + "\n")
    }
    let ledger: LedgerContents
    do { ledger = try LedgerStore(directory: paths.ledger).load() } catch {
      return CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger report: the ledger fails its integrity check at \(error.place): \(error.message)\n")
    }
    let work = RunWork(masters: masters, ledger: ledger, partial: false)
    let source = ReportSource(masters: masters, entries: work.sortedStoredEntries(), gl: ledger.gl)
    guard let table = StockReports.make(name, source, filter) else {
      return CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger report: unknown report \(name); the reports are: \(StockReports.names.joined(separator: ", "))\n")
    }
    switch format {
    case .csv: return CommandOutcome(exitCode: 0, stdout: table.csv)
    case .table: return CommandOutcome(exitCode: 0, stdout: table.table)
    case .json: return CommandOutcome(exitCode: 0, stdout: table.json)
    }
  }
}
