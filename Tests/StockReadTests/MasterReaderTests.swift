import Foundation
import Testing
@testable import StockCore
@testable import StockRead
import TestSupport

/// The master reader shows every problem at once: the rows' own and the checks across records, unless a
/// record could not be taken (then the checks across would name it unknown where it is not).
@Suite struct MasterReaderTests {
  /// The sample's master data copied to a new directory, with `extra` appended to the named files.
  func masters(_ extra: [String: String]) throws -> String {
    let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/Samples/books/masters"
    let d = Scratch.directory("masters")
    for f in try FileManager.default.contentsOfDirectory(atPath: samples) {
      var text = try String(contentsOfFile: samples + "/" + f, encoding: .utf8)
      if let more = extra[f] { text += more }
      try text.write(toFile: d + "/" + f, atomically: true, encoding: .utf8)
    }
    return d
  }

  func problems(_ extra: [String: String]) throws -> [String] {
    let directory = try masters(extra)
    do throws(MasterDataError) {
      _ = try MasterReader.read(directory: directory)
      return []
    } catch { return error.problems }
  }

  @Test func theSamplesMasterDataReads() throws {
    #expect(try problems([:]) == [])
  }

  /// A row's problem and a name listed twice, in one look.
  @Test func aRowsProblemAndADuplicateAreShownTogether() throws {
    let lines = try String(contentsOfFile: try masters([:]) + "/items.csv", encoding: .utf8).split(separator: "\n").count
    let found = try problems(["items.csv": "NEW1,New,Nos,1,FIFOO,,,,,,,\nRM0001,Again,Nos,1,FIFO,,,,,,,\n"])
    #expect(found == ["items.csv:\(lines + 1): valuation_method of NEW1 must be FIFO, LIFO or Moving Average", "items.csv: item RM0001 is listed twice"])
  }

  /// An account that could not be taken (its root type is wrong) is not then reported unknown by the
  /// warehouse that names it.
  @Test func aRecordNotTakenIsNotReportedUnknownToo() throws {
    let found = try problems([
      "accounts.csv": "Spare Stores,Stock Assets,Assett,,0\n",
      "warehouses.csv": "Spare,All Warehouses,Spare Stores,0\n",
    ])
    #expect(found.count == 1)
    #expect(found.first?.hasSuffix("root_type of Spare Stores must be one of Asset, Liability, Equity, Income, Expense") == true, "\(found)")
  }
}
