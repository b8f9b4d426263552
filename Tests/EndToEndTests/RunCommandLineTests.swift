import StockApp
import Testing

@testable import stockledger

/// The usual `run` line is read without ArgumentParser (``RunCommandLine/init(plain:)``) exactly as
/// ArgumentParser reads it, and every other line is left to ArgumentParser. (Here, not in StockAppTests:
/// only this target sees the command line's `Run`.)
@Suite struct RunCommandLineTests {
  /// Lines read directly: each gives what ArgumentParser's `run` command gives.
  @Test(arguments: [
    ["run"], ["run", "books"], ["run", "books", "--quiet"], ["run", "--quiet", "books"], ["run", "--quiet"],
    ["run", "b", "--partial", "--dry-run", "--keep-inbox", "--format", "json", "--quiet"],
    ["run", "--format", "text", "b"], ["run", "--format", "json"], ["run", "/abs/books dir", "--dry-run"],
  ])
  func readAsArgumentParserReadsIt(_ line: [String]) throws {
    let plain = try #require(RunCommandLine(plain: line))
    let parsed = try Run.parse(Array(line.dropFirst()))
    #expect(plain == parsed.line)
  }

  /// The fields of one line, spelled out (the comparison above would pass if both readers dropped one).
  @Test func fieldsOfALine() throws {
    let l = try #require(RunCommandLine(plain: ["run", "--keep-inbox", "/b", "--format", "json", "--partial"]))
    #expect(l.books == "/b" && l.keepInbox && l.partial && !l.dryRun && !l.quiet && l.format == .json)
    #expect(l.masters == nil && l.inbox == nil && l.ledger == nil && l.out == nil && l.archive == nil && l.rejected == nil && l.minAge == 0)
    let o = l.options
    #expect(o.paths.books == "/b" && o.paths.masters == "/b/masters" && o.keepInbox && o.partial && o.progress && o.exitsAfter)
    #expect(try #require(RunCommandLine(plain: ["run"])).books == ".")
    #expect(try #require(RunCommandLine(plain: ["run", "--quiet"])).options.progress == false)
  }

  /// Lines left to ArgumentParser: other commands, help, options with values, repeats, a second directory,
  /// a format it refuses, and the forms the direct reading does not take.
  @Test(arguments: [
    [], ["report", "stock-balance"], ["--help"], ["run", "--help"], ["run", "-h"], ["run", "b", "c"], ["run", "b", "--quiet", "--quiet"],
    ["run", "--format"], ["run", "--format", "xml"], ["run", "--format=json"], ["run", "--masters", "m"], ["run", ""],
    ["run", "--", "b"], ["run", "b", "--archive", "a"], ["run", "--min-age", "5"], ["run", "--keep-inbox", "--archive", "a"],
    ["run", "--quite"], ["run", "-"],
  ])
  func otherLinesAreLeftToArgumentParser(_ line: [String]) {
    #expect(RunCommandLine(plain: line) == nil)
  }
}
