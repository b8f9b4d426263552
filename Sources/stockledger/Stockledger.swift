import ArgumentParser
import Foundation
import StockApp
import StockCore
import StockReports

/// The program: the usual `run` line read directly (``RunCommandLine/init(plain:)``: ArgumentParser's
/// reflection was 3–4 ms of every run's start), every other line by ArgumentParser.
@main
enum Main {
  static func main() throws {
    if let line = RunCommandLine(plain: Array(CommandLine.arguments.dropFirst())) { try finish(line.run()) }
    Stockledger.main()
  }
}

/// The command line of SPEC §1. Each subcommand parses its flags, calls one use case of `StockApp`, prints
/// what it returns and exits with its code.
struct Stockledger: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stockledger",
    abstract: "Perpetual-inventory batch processor: CSV vouchers in, valued stock ledger, GL and reports out.",
    subcommands: [Run.self, Report.self, Close.self, Verify.self, Trace.self, Init.self, Generate.self])
}

func finish(_ outcome: CommandOutcome) throws -> Never {
  if !outcome.stdout.isEmpty { FileHandle.standardOutput.write(Data(outcome.stdout.utf8)) }
  if !outcome.stderr.isEmpty { FileHandle.standardError.write(Data(outcome.stderr.utf8)) }
  exit(outcome.exitCode)
}

struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "run", abstract: "Import the inbox: validate, post, commit, move files, write reports.")
  @Argument(help: "The books directory.") var books: String = "."
  @Option(help: "Master data folder (default BOOKS/masters).") var masters: String?
  @Option(help: "Inbox folder (default BOOKS/inbox).") var inbox: String?
  @Option(help: "Ledger folder (default BOOKS/ledger).") var ledger: String?
  @Option(help: "Reports folder (default BOOKS/reports).") var out: String?
  @Option(help: "Where imported files go (default BOOKS/archive).") var archive: String?
  @Flag(help: "Leave imported files in the inbox (the registry keeps them from posting twice).") var keepInbox = false
  @Option(help: "Where rejected files go (default BOOKS/rejected).") var rejected: String?
  @Flag(help: "Do everything except commit.") var dryRun = false
  @Flag(help: "Reject single vouchers instead of whole files.") var partial = false
  @Option(help: "Leave files younger than this many seconds for the next run.") var minAge: Double = 0
  @Option(help: "text or json.") var format: String = "text"
  @Flag(help: "Print nothing on success.") var quiet = false

  func validate() throws {
    if archive != nil && keepInbox { throw ValidationError("--archive and --keep-inbox exclude each other") }
    if RunCommandLine.Format(rawValue: format) == nil { throw ValidationError("--format is text or json") }
  }

  /// The line as parsed here (``RunCommandLine/init(plain:)`` gives the same for the lines it reads).
  var line: RunCommandLine {
    var l = RunCommandLine()
    (l.books, l.masters, l.inbox, l.ledger, l.out, l.archive, l.rejected) = (books, masters, inbox, ledger, out, archive, rejected)
    (l.keepInbox, l.dryRun, l.partial, l.minAge, l.quiet) = (keepInbox, dryRun, partial, minAge, quiet)
    l.format = RunCommandLine.Format(rawValue: format) ?? .text  // (`validate()` admits only the two)
    return l
  }

  func run() throws { try finish(line.run()) }
}

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "report", abstract: "Print a report from the ledger: \(StockReports.names.joined(separator: ", ")).")
  @Argument(help: "The report name.") var name: String
  @Argument(help: "The books directory.") var books: String = "."
  @Option(help: "Ledger folder (default BOOKS/ledger).") var ledger: String?
  @Option(help: "First posting date (YYYY-MM-DD).") var from: String?
  @Option(help: "Last posting date (YYYY-MM-DD).") var to: String?
  @Option(help: "Only this item.") var item: String?
  @Option(help: "Only this warehouse.") var warehouse: String?
  @Option(help: "csv, table or json.") var format: String = "csv"
  @Option(help: "Ageing buckets, upper bounds in days (stock-ageing).") var ranges: String = "30,60,90"
  @Option(help: "Write to this file instead of standard output.") var output: String?

  func run() throws {
    guard let fmt = ReportCommand.Format(rawValue: format) else { throw ValidationError("--format is csv, table or json") }
    func date(_ s: String?, _ flag: String) throws -> BusinessDate? {
      guard let s else { return nil }
      guard let d = BusinessDate(parsing: s) else { throw ValidationError("\(flag) \(s) is not a date of the form YYYY-MM-DD") }
      return d
    }
    let bounds = ranges.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !bounds.isEmpty, bounds.count == ranges.split(separator: ",").count, bounds.allSatisfy({ $0 > 0 }) else {
      throw ValidationError("--ranges takes whole numbers of days, such as 30,60,90")
    }
    let (first, last) = (try date(from, "--from"), try date(to, "--to"))
    if let first, let last, first > last { throw ValidationError("--from \(first) is after --to \(last): no date is in that range") }
    let filter = ReportFilter(from: first, to: last, item: item, warehouse: warehouse, ranges: bounds)
    var outcome = ReportCommand.run(name: name.hasSuffix(".csv") ? String(name.dropLast(4)) : name, paths: BooksPaths(books: books, ledger: ledger), filter: filter, format: fmt)
    if let output, outcome.exitCode == 0 {
      do { try outcome.stdout.write(toFile: output, atomically: true, encoding: .utf8) } catch {
        outcome = CommandOutcome(exitCode: 2, stderr: "stockledger report: cannot write \(output): \(error.localizedDescription)\n")
      }
      outcome.stdout = ""
    }
    try finish(outcome)
  }
}

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check the ledger's chain and re-derive every entry; exit 3 on a difference.")
  @Argument(help: "The books directory.") var books: String = "."
  @Option(help: "Ledger folder (default BOOKS/ledger).") var ledger: String?
  func run() throws { try finish(VerifyCommand.run(paths: BooksPaths(books: books, ledger: ledger))) }
}

struct Close: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "close", abstract: "Close the books through a date and write the close pack.")
  @Argument(help: "The books directory.") var books: String = "."
  @Option(help: "The last date of the closed period (YYYY-MM-DD).") var through: String
  @Option(help: "Ledger folder (default BOOKS/ledger).") var ledger: String?
  @Option(help: "Reports folder (default BOOKS/reports).") var out: String?
  func run() throws {
    guard let date = BusinessDate(parsing: through) else { throw ValidationError("--through \(through) is not a date of the form YYYY-MM-DD") }
    try finish(CloseCommand.run(paths: BooksPaths(books: books, ledger: ledger, out: out), through: date))
  }
}

struct Trace: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "trace", abstract: "The full history of a serial number or a batch (for a batch: who received it).")
  @Argument(help: "The books directory.") var books: String = "."
  @Option(help: "Ledger folder (default BOOKS/ledger).") var ledger: String?
  @Option(help: "A serial number.") var serial: String?
  @Option(help: "A batch number.") var batch: String?
  @Option(help: "table, csv or json.") var format: String = "table"
  func run() throws {
    guard let fmt = ReportCommand.Format(rawValue: format) else { throw ValidationError("--format is table, csv or json") }
    try finish(TraceCommand.run(paths: BooksPaths(books: books, ledger: ledger), serial: serial, batch: batch, format: fmt))
  }
}

struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a books directory with example master data.")
  @Argument(help: "The new books directory.") var directory: String
  func run() throws { try finish(InitCommand.run(directory: directory)) }
}

struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "generate", abstract: "Write a synthetic books directory (demos, benchmarks).")
  @Argument(help: "The new books directory.") var directory: String
  @Option(help: "Number of vouchers.") var vouchers: Int
  @Option(help: "Number of items.") var items: Int = 1000
  @Option(help: "Number of warehouses.") var warehouses: Int = 6
  @Option(help: "Random seed.") var seed: UInt64 = 42
  func validate() throws {
    if vouchers < 1 || items < 1 || warehouses < 2 { throw ValidationError("--vouchers and --items must be at least 1, --warehouses at least 2") }
  }
  func run() throws { try finish(GenerateCommand.run(directory: directory, vouchers: vouchers, items: items, warehouses: warehouses, seed: seed)) }
}
