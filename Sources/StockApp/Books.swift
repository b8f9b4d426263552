import StockCore
import StockRead
import StockStore

/// Opens the master data and the committed ledger for a read-only command, or says why it cannot
/// (exit 2 for master data, 3 for integrity), prefixed with the command's name.
enum Books {
  static func open(_ paths: BooksPaths, command: String) -> Result<(Masters, LedgerContents), CommandFailure> {
    masters(paths, command: command).flatMap { masters in ledger(paths, command: command).map { (masters, $0) } }
  }

  /// The master data alone (for a command that needs them before it knows whether to read the ledger).
  static func masters(_ paths: BooksPaths, command: String) -> Result<Masters, CommandFailure> {
    do {
      let masters = try MasterReader.read(directory: paths.masters)
      masters.makeImmortal()  // (kept to the end of the command: its references are not counted)
      return .success(masters)
    } catch {
      return .failure(CommandFailure(CommandOutcome(exitCode: RunCommand.Exit.configuration, stderr: "stockledger \(command): master data cannot be used:\n" + error.description + "\n")))
    }
  }

  /// The committed ledger alone.
  static func ledger(_ paths: BooksPaths, command: String) -> Result<LedgerContents, CommandFailure> {
    do { return .success(try LedgerStore(directory: paths.ledger).load()) } catch {
      return .failure(CommandFailure(CommandOutcome(exitCode: RunCommand.Exit.integrity, stderr: "stockledger \(command): the ledger fails its integrity check at \(error.place): \(error.message)\n")))
    }
  }
}

/// A command that ends before doing its work, with what it prints.
struct CommandFailure: Error {
  var outcome: CommandOutcome
  init(_ outcome: CommandOutcome) { self.outcome = outcome }
}
