import StockCore
import StockReports
import StockStore

/// Writes the reports of SPEC §7 into the output folder, each file atomically.
enum ReportWriter {
  static func writeHeadReports(_ source: ReportSource, to out: String) throws(StoreError) {
    try DurableFiles.makeDirectory(out)
    for name in StockReports.names {
      guard let t = StockReports.make(name, source) else { continue }
      try DurableFiles.write(t.csv, to: out + "/" + name + ".csv")
    }
  }

  static func writeRunReports(summary: RunSummary, journal: ReportTable, rejections: ReportTable, to dir: String) throws(StoreError) {
    try DurableFiles.makeDirectory(dir)
    try DurableFiles.write(journal.csv, to: dir + "/gl-journal.csv")
    try DurableFiles.write(rejections.csv, to: dir + "/rejections.csv")
    try DurableFiles.write(summary.json, to: dir + "/run-summary.json")
  }
}
