import Testing
@testable import StockCore

/// Master data found by bytes answers as the dictionaries do: every name, names that are not there, and
/// names the table leaves to the dictionary (not ASCII, or equal to an ASCII name only as `String`s are).
@Suite struct NameTableTests {
  @Test func answersAsTheDictionaryDoes() {
    var table: [String: Int] = [:]
    for i in 0..<3000 { table["ITEM\(i)"] = i }
    table["caf\u{E9}"] = -1
    table[""] = -2
    let names = NameTable(table)
    for (name, value) in table where name.utf8.allSatisfy({ $0 < 0x80 }) { #expect(names.value(name) == value) }
    #expect(names.value("caf\u{E9}") == nil)  // not ASCII: the dictionary's to answer
    #expect(names.value("ITEM3000") == nil && names.value("ITEM") == nil && names.value("ITEM00") == nil)
    #expect(NameTable([String: Int]()).value("x") == nil)
  }

  @Test func mastersFallBackToTheDictionaryForOtherSpellings() throws {
    var company = Company(name: "Co")
    for path: WritableKeyPath<DefaultAccounts, String> in [\.defaultInventory, \.stockReceivedButNotBilled, \.stockAdjustment, \.costOfGoodsSold, \.expensesIncludedInValuation, \.roundOff, \.temporaryOpening, \.receivable, \.payable, \.income] {
      company.accounts[keyPath: path] = "Stock"
    }
    let masters = try Masters(
      company: company, accounts: [.init(name: "Stock", rootType: .asset, accountType: "Stock")],
      warehouses: [.init(name: "All", isGroup: true), .init(name: "K1", parent: "All", account: "Stock")],
      items: [Item(code: "K"), Item(code: "cafe\u{301}")])
    #expect(masters.item("K")?.code == "K")
    #expect(masters.item("\u{212A}")?.code == "K")  // the Kelvin sign is K to `String`
    #expect(masters.item("caf\u{E9}")?.code == "cafe\u{301}")
    #expect(masters.item("k") == nil)
    #expect(masters.warehouse("\u{212A}1")?.name == "K1" && masters.stockAccountName(of: "K1")?.name == "Stock")
    #expect(masters.stockAccountName(of: "All") == nil)
  }
}
