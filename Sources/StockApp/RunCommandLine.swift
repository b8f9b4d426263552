/// What `stockledger run` is given on its command line (SPEC §1), whoever parsed it: the command line's
/// ArgumentParser command, or ``init(plain:)`` for the line cron usually runs.
///
/// ArgumentParser reads a command's options through the Swift runtime's reflection (type metadata looked up
/// by mangled name, protocol conformances searched across the binary, which carries Foundation): 3–4 ms
/// of CPU before a run starts, on one core, measured by `perf stat` on a run that stops at once (8.3 → 5.3
/// ms of wall time). The usual line is read here instead; any other (help, an option with a value, an
/// error to report) goes to ArgumentParser as before.
public struct RunCommandLine: Equatable, Sendable {
  public var books = "."
  public var masters: String?
  public var inbox: String?
  public var ledger: String?
  public var out: String?
  public var archive: String?
  public var rejected: String?
  public var keepInbox = false
  public var dryRun = false
  public var partial = false
  public var minAge: Double = 0
  public var format = Format.text
  public var quiet = false

  public init() {}

  /// The arguments after the program's name when they are `run`, then at most one books directory (not
  /// empty, not starting with `-`) and each of `--quiet`, `--partial`, `--dry-run`, `--keep-inbox` and
  /// `--format text|json` at most once, in any order: what ArgumentParser makes of the same line. nil for
  /// any other line (ArgumentParser reads it, and reports what is wrong with it).
  /// - Complexity: O(arguments).
  public init?(plain arguments: [String]) {
    guard arguments.first == "run" else { return nil }
    // The flags met, a bit each (a set of strings was a generic type made and hashed at every start).
    var seen = 0
    /// Whether `flag` (bit `bit`) comes for the first time.
    func first(_ bit: Int) -> Bool {
      defer { seen |= 1 << bit }
      return seen & 1 << bit == 0
    }
    var books: String?
    var i = 1
    while i < arguments.count {
      let a = arguments[i]
      i += 1
      if !a.hasPrefix("-") {
        guard books == nil, !a.isEmpty else { return nil }
        books = a
        continue
      }
      switch a {
      case "--quiet" where first(0): quiet = true
      case "--partial" where first(1): partial = true
      case "--dry-run" where first(2): dryRun = true
      case "--keep-inbox" where first(3): keepInbox = true
      case "--format" where first(4):
        guard i < arguments.count, let f = Format(rawValue: arguments[i]) else { return nil }
        format = f
        i += 1
      default: return nil
      }
    }
    if let books { self.books = books }
  }

  /// The run's options: those of the line, for a run the process exits after, showing its progress unless
  /// it is quiet.
  public var options: RunOptions {
    var o = RunOptions(paths: BooksPaths(books: books, masters: masters, inbox: inbox, ledger: ledger, out: out, archive: archive, rejected: rejected))
    o.keepInbox = keepInbox
    o.dryRun = dryRun
    o.partial = partial
    o.minAge = minAge
    o.progress = !quiet
    o.exitsAfter = true
    return o
  }

  /// How the run's summary is printed.
  public enum Format: String, Sendable, CaseIterable {
    case text, json
  }

  /// Runs, and what the command prints: the summary as text or JSON (``format``), nothing on success when
  /// quiet.
  public func run() -> CommandOutcome {
    var (outcome, summary) = RunCommand.run(options)
    if format == .json, let summary { outcome.stdout = summary.jsonWithNotes }
    if quiet && outcome.exitCode == 0 { outcome.stdout = "" }
    return outcome
  }
}
