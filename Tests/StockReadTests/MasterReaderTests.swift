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

  /// A flag is 0 or 1, or true / false, yes / no in any case, and blank for its default (nil); anything
  /// else is not a flag. A list of barcodes leaves out blanks and the spaces around each.
  @Test func flagsAndBarcodesAreReadAsWritten() {
    let flags: [(String, Bool??)] = [
      ("", .some(nil)), ("1", true), ("0", false), ("TRUE", true), ("Yes", true), ("no", false), ("False", false),
      ("2", .none), ("10", .none), (" 1", .none),
    ]
    for (text, expected) in flags { #expect(MasterReader.parseBool(text) == expected, "\(text)") }
    #expect(MasterReader.barcodes("") == [] && MasterReader.barcodes(" ; ;") == [])
    #expect(MasterReader.barcodes("111; 222 ;;333") == ["111", "222", "333"])
  }

  /// Every column is read from the column of its name, whatever their order: all of `items.csv`'s in
  /// reverse, and those of the optional files shuffled; a bad flag, number or day count names its column.
  @Test func everyColumnIsReadByItsName() throws {
    let d = try masters([:])
    let items: [(String, String)] = [
      ("item_code", "ZZ1"), ("item_name", "Zed one"), ("stock_uom", "Box"), ("is_stock_item", "1"),
      ("valuation_method", "LIFO"), ("has_batch_no", "1"), ("has_serial_no", "0"), ("serial_no_series", ""),
      ("batch_no_series", "ZB-.####"), ("use_batchwise_valuation", "0"), ("shelf_life_days", "30"),
      ("warranty_days", "400"), ("allow_negative_stock", "yes"), ("valuation_rate", "12.5"),
      ("barcodes", "111; 222"), ("expense_account", "Stock Adjustment"), ("income_account", "Sales"),
      ("purchase_uom", "Carton"),
    ].reversed()
    try (items.map(\.0).joined(separator: ",") + "\n" + items.map(\.1).joined(separator: ",") + "\n")
      .write(toFile: d + "/items.csv", atomically: true, encoding: .utf8)
    try "account,party_type,party\nCreditors,Supplier,Acme\n".write(toFile: d + "/parties.csv", atomically: true, encoding: .utf8)
    try "conversion_factor,uom,item_code\n12,Carton,ZZ1\n".write(toFile: d + "/uom_conversions.csv", atomically: true, encoding: .utf8)
    try "request_type,reorder_qty,warehouse,item_code,reorder_level\nTransfer,50,Stores,ZZ1,10\n"
      .write(toFile: d + "/reorder_levels.csv", atomically: true, encoding: .utf8)
    let m = try MasterReader.read(directory: d)
    let item = try #require(m.item("ZZ1"))
    #expect(item.name == "Zed one" && item.stockUOM == "Box" && item.isStockItem && item.valuationMethod == .lifo)
    #expect(item.hasBatchNo && !item.hasSerialNo && item.serialNoSeries == "" && item.batchNoSeries == "ZB-.####")
    #expect(!item.useBatchwiseValuation && item.shelfLifeDays == 30 && item.warrantyDays == 400 && item.allowNegativeStock)
    #expect(item.valuationRate == Fixed(parsing: "12.5") && item.barcodes == ["111", "222"])
    #expect(item.expenseAccount == "Stock Adjustment" && item.incomeAccount == "Sales" && item.purchaseUOM == "Carton")
    #expect(m.parties.map(\.name) == ["Acme"] && m.parties.first?.account == "Creditors" && m.parties.first?.kind == .supplier)
    #expect(m.uomConversions["ZZ1"]?["Carton"] == Fixed(parsing: "12"))
    let level = try #require(m.reorderLevels.first)
    #expect(level.itemCode == "ZZ1" && level.warehouse == "Stores" && level.requestType == "Transfer")
    #expect(level.level == Fixed(parsing: "10") && level.qty == Fixed(parsing: "50"))

    let found = try problems(["items.csv": "BAD1,Bad,Nos,2,FIFO,,,,,x,,\n"])
    let line = try String(contentsOfFile: try masters([:]) + "/items.csv", encoding: .utf8).split(separator: "\n").count + 1
    #expect(found == [
      "items.csv:\(line): is_stock_item must be 0 or 1, not 2",
      "items.csv:\(line): shelf_life_days must be a whole number of days from 0 to 3652500, not x",
    ])
  }
}
