import Testing
@testable import StockCore
@testable import StockRead

/// Master data changed only by additions keeps every record posted vouchers depend on; any other change
/// names the first record it changes.
@Suite struct MasterRecordsTests {
  static let base: [String: String] = [
    "company.toml": "name = \"Co\"\ncurrency = \"USD\"\n\n[accounts]\nstock_adjustment = \"Stock Adjustment\"\n",
    "accounts.csv": "account,parent,root_type,account_type,is_group\nAssets,,Asset,,1\nStock In Hand,Assets,Asset,Stock,0\nStock Adjustment,,Expense,,0\n"
      + "Stock Received But Not Billed,,Liability,,0\nCost of Goods Sold,,Expense,,0\nExpenses Included In Valuation,,Expense,,0\n"
      + "Round Off,,Expense,,0\nTemporary Opening,,Equity,,0\nDebtors,,Asset,Receivable,0\nCreditors,,Liability,Payable,0\nSales,,Income,,0\n",
    "warehouses.csv": "warehouse,parent,account,is_group\nAll,,,1\nStores,All,,0\n",
    "items.csv": "item_code,item_name,stock_uom\nRM1,Steel,Nos\nRM2,Iron,Kg\n",
  ]

  /// The records of `base` with each named file replaced by the text given (nil: removed).
  func records(_ changes: [String: String?] = [:]) throws -> MasterRecords {
    var text = MasterRecordsTests.base
    for (name, value) in changes { text[name] = value }
    let files = MasterFiles(directory: "masters", bytes: text.mapValues { Array($0.utf8) })
    return MasterRecords(files: files, masters: try MasterReader.read(files))
  }

  @Test func recordsAddedAreAdditionsOnly() throws {
    let old = try records()
    let new = try records([
      "items.csv": MasterRecordsTests.base["items.csv"]! + "NEW,New item,Nos\n",
      "accounts.csv": MasterRecordsTests.base["accounts.csv"]! + "Stock Annex,Assets,Asset,,0\n",
      "warehouses.csv": MasterRecordsTests.base["warehouses.csv"]! + "Annex,All,Stock Annex,0\n",
      "uom_conversions.csv": "item_code,uom,conversion_factor\nRM1,Box,12\n",
      "reorder_levels.csv": "item_code,warehouse,reorder_level\nRM1,Stores,10\n",
    ])
    #expect(new.change(from: old) == nil)
    #expect(new.added(since: old) == 4)  // an item, an account, a warehouse, a unit (reorder levels are no records)
    #expect(old.change(from: new) == "accounts.csv: Stock Annex was removed")
  }

  @Test func aColumnAddedBlankOrMovedChangesNoRecord() throws {
    let old = try records()
    let new = try records(["items.csv": "stock_uom,item_code,item_name,barcodes\nNos,RM1,Steel,\nKg,RM2,Iron,\n"])
    #expect(new.change(from: old) == nil)
    #expect(new.added(since: old) == 0)
    #expect(new == old)
  }

  /// Columns nothing posted depends on (an item's name, barcodes and purchase unit, an account's parent and
  /// root type, a warehouse's parent and own account while its stock account resolves the same) change no
  /// record; the columns beside them in the same rows still do.
  @Test func descriptiveColumnsChangeNoRecord() throws {
    let old = try records()
    let accounts = MasterRecordsTests.base["accounts.csv"]!
    let new = try records([
      "items.csv": "item_code,item_name,stock_uom,barcodes,purchase_uom\nRM1,Mild steel,Nos,4006381333931;12345,\nRM2,Iron,Kg,,Nos\n",
      "accounts.csv": accounts.replacingOccurrences(of: "Stock In Hand,Assets,", with: "Stock In Hand,,")
        .replacingOccurrences(of: "Round Off,,Expense,", with: "Round Off,,Equity,"),
      "warehouses.csv": "warehouse,parent,account,is_group\nAll,,,1\nNorth,All,,1\nStores,North,Stock In Hand,0\n",
    ])
    #expect(new.change(from: old) == nil)
    #expect(new.added(since: old) == 1)  // the group North
    for file in ["items.csv", "accounts.csv"] {
      #expect(old.records.filter { $0.key.hasPrefix(file) } == new.records.filter { $0.key.hasPrefix(file) }, "\(file)")
    }
    #expect(try records(["items.csv": "item_code,item_name,stock_uom\nRM1,Steel,Nos\nRM2,Iron,Nos\n"]).change(from: new) == "items.csv: RM2 changed")
    #expect(try records(["accounts.csv": accounts.replacingOccurrences(of: "Round Off,,Expense,,0", with: "Round Off,,Expense,Tax,0")]).change(from: old) == "accounts.csv: Round Off changed")
  }

  @Test func aRecordChangedIsNamed() throws {
    let old = try records()
    #expect(try records(["items.csv": "item_code,item_name,stock_uom\nRM1,Steel,Nos\nRM2,Iron,Nos\n"]).change(from: old) == "items.csv: RM2 changed")
    #expect(try records(["items.csv": "item_code,item_name,stock_uom\nRM1,Steel,Nos\n"]).change(from: old) == "items.csv: RM2 was removed")
    #expect(try records(["items.csv": "item_code,item_name,stock_uom,valuation_method\nRM1,Steel,Nos,LIFO\nRM2,Iron,Kg,\n"]).change(from: old) == "items.csv: RM1 changed")
    // The company's settings are one record; its name and currency, which nothing reads, are not in it.
    let company = MasterRecordsTests.base["company.toml"]!
    let renamed = company.replacingOccurrences(of: "\"Co\"", with: "\"Co Ltd\"").replacingOccurrences(of: "\"USD\"", with: "\"EUR\"")
    #expect(try records(["company.toml": renamed]) == old)
    #expect(try records(["company.toml": "# the books of\n" + company]) == old)
    #expect(try records(["company.toml": company.replacingOccurrences(of: "currency = \"USD\"\n", with: "currency = \"USD\"\ncurrency_precision = 3\n")]).change(from: old) == "company.toml changed")
    let adjusted = try records(["company.toml": company.replacingOccurrences(of: "stock_adjustment = \"Stock Adjustment\"", with: "stock_adjustment = \"Round Off\"")])
    #expect(adjusted.change(from: old) == "company.toml changed")
    // (Said apart: after it, a run does not try to write its snapshot anew from the ledger.)
    let sameCompany = try records(["company.toml": renamed])
    let typed = try records(["accounts.csv": MasterRecordsTests.base["accounts.csv"]!.replacingOccurrences(of: "Round Off,,Expense,,0", with: "Round Off,,Expense,Tax,0")])
    #expect(typed.change(from: old) == "accounts.csv: Round Off changed")
    // A default account changed moves only the GL of the vouchers posting to it: not said apart (a run
    // writes the snapshot anew with the GL adjusted); a setting the stock depends on is.
    let precise = try records(["company.toml": company.replacingOccurrences(of: "currency = \"USD\"\n", with: "currency = \"USD\"\ncurrency_precision = 3\n")])
    #expect(precise.changesCompany(from: old) && !adjusted.changesCompany(from: old) && !sameCompany.changesCompany(from: old) && !typed.changesCompany(from: old))
    // Records written before the fiftieth session (no record of the settings but the accounts): any change.
    let older = MasterRecords(records: old.records.filter { $0.key != "company.toml\u{0}settings" })
    #expect(older.records.count == old.records.count - 1)
    #expect(adjusted.changesCompany(from: older) && precise.changesCompany(from: older) && !sameCompany.changesCompany(from: older))
    #expect(sameCompany.added(since: older) == 0)
    let withUnit = try records(["uom_conversions.csv": "item_code,uom,conversion_factor\nRM1,Box,12\n"])
    #expect(try records(["uom_conversions.csv": "item_code,uom,conversion_factor\nRM1,Box,10\n"]).change(from: withUnit) == "uom_conversions.csv: RM1 in Box changed")
  }

  /// A warehouse's record holds the stock account it resolves to (§3), which its ancestors and the
  /// company decide: its row unchanged, its record changes with them.
  @Test func aWarehouseWhoseStockAccountResolvesElsewhereChanges() throws {
    let old = try records()
    let accounts = MasterRecordsTests.base["accounts.csv"]! + "Stock Elsewhere,Assets,Asset,Stock,0\n"
    let new = try records(["accounts.csv": accounts, "warehouses.csv": "warehouse,parent,account,is_group\nAll,,Stock Elsewhere,1\nStores,All,,0\n"])
    let stores = MasterRecords.key(file: "warehouses.csv", "Stores")
    #expect(new.records[stores] != nil && new.records[stores] != old.records[stores])
    // (The group's own account is descriptive: what it decides is in its warehouses' records, and the
    // change is named by the warehouse whose postings it moves.)
    #expect(new.change(from: old) == "warehouses.csv: Stores changed")
    let byDefault = try records([
      "accounts.csv": accounts, "company.toml": MasterRecordsTests.base["company.toml"]! + "default_inventory = \"Stock Elsewhere\"\n",
    ])
    #expect(byDefault.records[stores] == new.records[stores])
    #expect(byDefault.change(from: old) == "company.toml changed")
  }

  @Test func partiesListedWhereNoneWereChangeWhatIsChecked() throws {
    let none = try records()
    let listed = try records(["parties.csv": "party,party_type\nAcme,Customer\n"])
    #expect(listed.change(from: none) == "parties.csv now lists parties where it listed none, or none where it listed some (a voucher's party is checked only when some are)")
    let more = try records(["parties.csv": "party,party_type\nAcme,Customer\nBeta,Supplier\n"])
    #expect(more.change(from: listed) == nil)
    #expect(more.added(since: listed) == 1)
  }

  @Test func recordsRoundTripThroughTheirEncoding() throws {
    let r = try records(["uom_conversions.csv": "item_code,uom,conversion_factor\nRM1,Box,12\n"])
    var reader = BinaryReader(r.encoded)
    #expect(try MasterRecords(decoding: &reader) == r)
    #expect(r.encoded == (try records(["uom_conversions.csv": "item_code,uom,conversion_factor\nRM1,Box,12\n"])).encoded)
  }
}
