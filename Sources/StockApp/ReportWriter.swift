import Foundation
import StockCore
import StockRead
import StockReports
import StockStore

/// Writes the reports of SPEC §7 into the output folder, each file atomically.
enum ReportWriter {
  static func writeHeadReports(_ source: ReportSource, to out: String, chain: String) throws(StoreError) {
    try write(render(source), to: out, chain: chain)
  }

  /// The file that says which ledger head the head reports show.
  static let marker = ".ledger-head"

  /// Whether every head report is there and was written for the ledger head `chain`.
  static func areCurrent(in out: String, chain: String) -> Bool {
    guard let text = FileBytes.read(out + "/" + marker), String(decoding: text, as: UTF8.self) == chain + "\n" else { return false }
    return StockReports.names.allSatisfy { DurableFiles.exists(out + "/" + $0 + ".csv") }
  }

  /// Every head report as the bytes of its file, in name order (pure: may run beside the commit).
  static func render(_ source: ReportSource) -> [(name: String, bytes: [UInt8])] {
    StockReports.names.compactMap { name in StockReports.csv(name, source).map { (name, $0) } }
  }

  static func write(_ reports: [(name: String, bytes: [UInt8])], to out: String, chain: String) throws(StoreError) {
    try DurableFiles.makeDirectory(out)
    DurableFiles.removeStrayTemporaries(in: out)
    // Head reports are derived and rewritten by every run: replaced atomically, not fsynced. The marker is
    // written last, so it never vouches for reports that were not all written.
    try? FileManager.default.removeItem(atPath: out + "/" + marker)
    for r in reports { try DurableFiles.write(r.bytes, to: out + "/" + r.name + ".csv", durable: false) }
    try DurableFiles.write(Array((chain + "\n").utf8), to: out + "/" + marker, durable: false)
  }

}

/// The work of a run after its commit, all of it repeatable: errors files beside rejected files, the file
/// moves, the run's reports. An interrupted run is finished by the next one from what the ledger committed.
enum PostCommit {
  static func finish(
    _ run: (run: Int, moves: [(from: String, to: String)], outputs: [(target: String, content: String)], gl: [GLEntry]),
    store: LedgerStore, paths: BooksPaths, masters: Masters
  ) throws(StoreError) {
    let runName = LedgerStore.runName(run.run)
    let chain = (try? store.head().chain) ?? ""
    DurableFiles.removeStrayTemporaries(in: paths.rejected)
    for o in run.outputs where o.target.hasPrefix("rejected:") {
      try DurableFiles.makeDirectory(paths.rejected)
      try DurableFiles.write(o.content, to: paths.rejected + "/" + o.target.dropFirst("rejected:".count))
    }
    CrashPoint.hit("errors")
    try store.performMoves(run.moves)
    let dir = paths.out + "/runs/" + runName
    try DurableFiles.makeDirectory(dir)
    DurableFiles.removeStrayTemporaries(in: dir)
    let source = ReportSource(masters: masters, entries: [], gl: [])
    try DurableFiles.write(StockReports.generalLedgerCSV(run.gl, source), to: dir + "/gl-journal.csv")
    for o in run.outputs where o.target.hasPrefix("report:") {
      let content = o.content.replacingOccurrences(of: RunSummary.chainPlaceholder, with: chain)
      try DurableFiles.write(content, to: dir + "/" + o.target.dropFirst("report:".count))
    }
    CrashPoint.hit("reports")
    try store.markFinished(run: run.run)
  }
}
