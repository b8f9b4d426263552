import Testing
@testable import StockCore
import TestSupport

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

  /// Names given in order (a master file's) answer as the same names given as a dictionary, by string, by
  /// bytes and by interned name; a name given twice answers its last value, as the dictionary holds it;
  /// names that are not ASCII are left out for the dictionary to answer.
  @Test func namesGivenInOrderAnswerAsTheDictionaryDoes() {
    var names = (0..<3000).reversed().map { "ORD\($0)" }  // not in name order
    var values = Array(0..<3000)
    names += ["ORD7", "caf\u{E9}", ""]
    values += [-7, -1, -2]
    let ordered = NameTable(ordered: names, values: values)
    var dictionary: [String: Int] = [:]
    for (n, v) in zip(names, values) { dictionary[n] = v }
    let sorted = NameTable(dictionary)
    #expect(ordered.value("ORD7") == -7 && ordered.value(InternedName("ORD7")) == -7)
    for (name, value) in dictionary where name.utf8.allSatisfy({ $0 < 0x80 }) {
      #expect(ordered.value(name) == value && ordered.value(name) == sorted.value(name), "\(name)")
      #expect(ordered.value(InternedName(name)) == value, "\(name) by its box")
      var bytes = name
      #expect(bytes.withUTF8 { ordered.value(utf8: $0) } == value, "\(name) by its bytes")
    }
    #expect(ordered.value("caf\u{E9}") == nil && ordered.value("ORD3000") == nil)
    #expect(NameTable<Int>(ordered: [], values: []).value("x") == nil)
  }

  /// Interned names are found by their boxes: every name of tables of every size (their slots for boxes
  /// filling, probing past each other), names not there, the empty name and names the table leaves to the
  /// dictionary answer as lookups by bytes do, and so do names interned before the table was made.
  @Test(arguments: [1, 7, 9, 100, 3000]) func internedNamesAreFoundByTheirBoxes(count: Int) {
    let before = (0..<count).map { InternedName("BOX\($0)") }  // interned first: the table finds the same boxes
    var table: [String: Int] = [:]
    for i in 0..<count { table["BOX\(i)"] = i }
    table["caf\u{E9}"] = -1
    let names = NameTable(table)
    for i in 0..<count {
      #expect(names.value(before[i]) == i && names.value(InternedName("BOX\(i)")) == i, "BOX\(i)")
      #expect(names.part(of: before[i]) { $0 * 2 } == 2 * i)
      // Found by the box, not by the bytes the lookup would fall back on: the entry holds the name's value.
      #expect(names.boxPosition(of: before[i]).map { names.value(entryAt: $0) } == i, "BOX\(i) by its box")
    }
    for missing in ["BOX\(count)", "BOX", "", "caf\u{E9}", "box0"] {
      #expect(names.value(InternedName(missing)) == nil && names.value(InternedName(missing)) == names.value(missing), "\(missing)")
      #expect(names.boxPosition(of: InternedName(missing)) == nil, "\(missing) by its box")
    }
  }

  /// A lookup given the hash the prefetch made of the name (the posting core's first row) answers as one
  /// that hashes it; and a key given its names' hash is the key made from the names.
  @Test func lookupsGivenTheirHashAnswerAsTheOthers() {
    var table: [String: Int] = [:]
    for i in 0..<500 { table["ITEM\(i)"] = i }
    let names = NameTable(table)
    for name in ["ITEM0", "ITEM499", "ITEM500", "ITEM", ""] {
      #expect(names.value(name, hash: NameTable<Int>.hash(of: name)!) == names.value(name), "\(name)")
      #expect(names.value(InternedName(name)) == names.value(name), "\(name)")
      #expect(names.part(of: InternedName(name)) { $0 } == names.value(name), "\(name)")
    }
    for (item, warehouse) in [("ITEM7", "Stores"), ("", "WH"), ("caf\u{E9}", "Lyon"), ("cafe\u{301}", "Lyon")] {
      let made = StockKey(item: item, warehouse: warehouse)
      let given = StockKey(item: item, warehouse: warehouse, hashedNames: StockKey.hashedNames(item: item, warehouse: warehouse))
      #expect(given == made && given.hashedNames == made.hashedNames && given.hashValue == made.hashValue)
      // From interned names, the hash their boxes keep is the names' hash.
      let interned = StockKey(item: InternedName(item), warehouse: InternedName(warehouse))
      #expect(interned == made && interned.hashedNames == made.hashedNames && interned.item == item && interned.warehouse == warehouse)
    }
    // Names equal as strings (the same name in two normal forms) hash alike: either's hash makes the key.
    let composed = StockKey(item: "caf\u{E9}", warehouse: "Lyon")
    #expect(StockKey(item: "cafe\u{301}", warehouse: "Lyon", hashedNames: composed.hashedNames) == composed)
  }

  /// The prefetch steps find what a lookup finds when the name sits in the slot its hash probes first, and
  /// nothing otherwise; positions they cannot use are ignored (a hint, never a read out of bounds).
  @Test func prefetchStepsPointWhereLookupsGo() {
    var table: [String: Int] = [:]
    for i in 0..<3000 { table["ITEM\(i)"] = i }
    let names = NameTable(table)
    var found = 0
    for name in table.keys {
      guard let h = NameTable<Int>.hash(of: name) else { Issue.record("\(name) has no hash"); continue }
      names.prefetch(slotOf: h)
      let position = names.prefetch(entryOf: h)
      names.prefetch(valueAt: position)
      if position >= 0 { found += 1 }
      // Where the first slot holds another name, the step points at that name's entry: a wasted prefetch.
      #expect(position < table.count)
    }
    #expect(found > table.count / 2)  // at most half full: most names are where their hash probes first
    for bad in [-1, table.count, Int.max] { names.prefetch(valueAt: bad) }
    let empty = NameTable([String: Item]())
    #expect(empty.prefetch(entryOf: NameTable<Item>.hash(of: "x")!) == -1)
    let items = NameTable(["A": Item(code: "A")])
    let h = NameTable<Item>.hash(of: "A")!
    let p = items.prefetch(entryOf: h)
    #expect(p == 0)
    items.prefetch(valueAt: p)
    #expect(items.value("A")?.code == "A")
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
    // A warehouse's group flag read where it lies, as the warehouse says it: in the table, through the
    // dictionary (the Kelvin sign), and none for a name that is no warehouse.
    #expect(masters.isGroupWarehouse("All") == true && masters.isGroupWarehouse("K1") == false)
    #expect(masters.isGroupWarehouse("\u{212A}1") == false && masters.isGroupWarehouse("k1") == nil && masters.isGroupWarehouse("") == nil)
    // Unretained, the same objects: from the table, and from the dictionary for the other spellings.
    for code in ["K", "\u{212A}", "caf\u{E9}", "cafe\u{301}", "k", ""] {
      #expect(masters.unretainedItem(code)?.takeUnretainedValue() === masters.item(code), "\(code)")
    }
  }

  /// The unretained lookup of a table of objects finds the object the table holds (the same one), and nil
  /// where ``NameTable/value(_:)`` says nil.
  @Test func unretainedValuesAreTheTablesObjects() {
    var table: [String: Item] = [:]
    for i in 0..<700 { table["ITEM\(i)"] = Item(code: "ITEM\(i)") }
    table["caf\u{E9}"] = Item(code: "caf\u{E9}")
    let names = NameTable(table)
    for (name, item) in table where name.utf8.allSatisfy({ $0 < 0x80 }) {
      #expect(names.unretainedValue(name)?.takeUnretainedValue() === item)
    }
    #expect(names.unretainedValue("caf\u{E9}") == nil && names.unretainedValue("ITEM700") == nil)
    #expect(NameTable([String: Item]()).unretainedValue("x") == nil)
  }
}

/// Voucher numbers entered and found as a `Dictionary` enters and finds them, through growth, with names
/// in other normal forms (one name, as `String` equality says).
@Suite struct NumberIndexTests {
  @Test func answersAsTheDictionaryDoes() {
    for capacity in [0, 5, 10_000] {
      var index = NumberIndex(capacity: capacity)
      var table: [String: Int] = [:]
      var generator = SeededGenerator(seed: UInt64(capacity) + 1)
      for step in 0..<6_000 {
        let n = Int.random(in: 0..<4_000, using: &generator)
        let name = n % 50 == 0 ? "caf\u{E9}-\(n)" : (n % 50 == 1 ? "cafe\u{301}-\(n - 1)" : "PR-\(n)")
        let expected = table[name, default: step]
        table[name] = expected
        #expect(index.entered(name, default: step) == expected, "\(name)")
      }
      #expect(index.count == table.count)
      for (name, value) in table { #expect(index.value(name) == value) }
      #expect(index.value("PR-4000") == nil && index.value("") == nil)
      #expect(Set(index.names) == Set(table.keys))
    }
  }
}
