import TestSupport
import Testing
@testable import StockCore
@testable import StockPost

/// `PostedDocuments` keeps documents as a log and builds its table of numbers when looked up: it must
/// answer as a dictionary would, whatever the order of sets and lookups, and copies must not share changes
/// — also when its log spills to a file (here after every few dozen bytes).
@Suite struct PostedDocumentsTests {
  static func doc(_ type: VoucherType, _ party: String, qty: Int, rate: Int, lines: Int = 1) -> PostedDocument {
    let ls = (0..<lines).map {
      PostedDocument.Line(key: StockKey(item: "RM\($0)", warehouse: "Stores"), qty: Fixed(qty), rate: Fixed(rate), documentRate: Fixed(rate + 1))
    }
    return PostedDocument(type: type, isReturn: false, party: party, lines: ls)
  }

  /// Documents in memory (nil), or spilling past `spill` bytes to a directory of their own.
  static func documents(spill: Int?) -> PostedDocuments {
    guard let spill else { return PostedDocuments() }
    return PostedDocuments(spillingTo: Scratch.directory("sl-docs"), every: spill)
  }

  @Test(arguments: [nil, 1, 64] as [Int?]) func answersAsADictionaryWouldWhateverTheOrderOfSetsAndLookups(spill: Int?) {
    var docs = Self.documents(spill: spill)
    var model: [String: PostedDocument] = [:]
    // Sets and lookups interleaved: lookups extend the table part-way, later sets go past it.
    for i in 0..<300 {
      let d = Self.doc(i % 2 == 0 ? .purchaseReceipt : .deliveryNote, "P\(i % 7)", qty: i + 1, rate: 10 + i % 13, lines: 1 + i % 3)
      docs["V\(i % 250)"] = d  // numbers 0..<50 are set twice: the later wins
      model["V\(i % 250)"] = d
      if i % 37 == 0 { #expect(docs["V\(i / 2)"] == model["V\(i / 2)"]) }
    }
    docs["V3"] = nil
    model["V3"] = nil
    var returned = docs["V10"]!
    returned.returned[StockKey(item: "RM0", warehouse: "Stores")] = Fixed(4)
    docs["V10"] = returned
    model["V10"] = returned
    for i in 0..<260 { #expect(docs["V\(i)"] == model["V\(i)"]) }
    #expect(docs["V10"]?.returned[StockKey(item: "RM0", warehouse: "Stores")] == Fixed(4))
    #expect(docs["V3"] == nil && docs["V255"] == nil)
    #expect(docs.dictionary == model)
  }

  @Test(arguments: [nil, 1] as [Int?]) func aCopyChangedLeavesTheOriginal(spill: Int?) {
    var docs = Self.documents(spill: spill)
    docs["PR-1"] = Self.doc(.purchaseReceipt, "Supplier", qty: 5, rate: 20)
    var copy = docs
    copy["PR-1"] = Self.doc(.purchaseReceipt, "Other", qty: 6, rate: 21)
    copy["PR-2"] = Self.doc(.purchaseReceipt, "Supplier", qty: 1, rate: 2)
    #expect(docs["PR-1"]?.party == "Supplier" && docs["PR-1"]?.lines.first?.qty == Fixed(5) && docs["PR-2"] == nil)
    #expect(copy["PR-1"]?.party == "Other" && copy["PR-2"]?.lines.first?.rate == Fixed(2))
    // Looked up first, then changed: the original's table does not see the copy's documents.
    var again = docs
    #expect(again["PR-1"]?.party == "Supplier")
    again["PR-3"] = Self.doc(.deliveryNote, "Customer", qty: 1, rate: 1)
    #expect(docs["PR-3"] == nil && again["PR-3"]?.type == .deliveryNote)
  }

  /// The engine writes a posting voucher's lines in place: they become its document when it posts, go when
  /// it fails, and stay its own when another document is set meanwhile (a return updating its original).
  @Test(arguments: [nil, 1] as [Int?]) func pendingLinesBecomeTheDocumentThatPostsOrGo(spill: Int?) {
    var docs = Self.documents(spill: spill)
    docs["PR-1"] = Self.doc(.purchaseReceipt, "Supplier", qty: 5, rate: 20, lines: 2)
    let line = { (q: Int) in PostedDocument.Line(key: StockKey(item: "RM\(q)", warehouse: "Stores"), qty: Fixed(q), rate: Fixed(7), documentRate: Fixed(8)) }
    docs.appendPendingLine(line(1))
    docs.discardPendingLines()  // a voucher that failed
    docs.appendPendingLine(line(2))
    var original = docs["PR-1"]!
    original.returned[StockKey(item: "RM0", warehouse: "Stores")] = Fixed(1)
    docs["PR-1"] = original  // set while DN-1's line is pending
    docs.appendPendingLine(line(3))
    docs.setPending("DN-1", type: .deliveryNote, isReturn: false, party: "Customer")
    #expect(docs["DN-1"] == PostedDocument(type: .deliveryNote, isReturn: false, party: "Customer", lines: [line(2), line(3)]))
    #expect(docs["PR-1"] == original && docs["PR-1"]?.lines.count == 2)
    docs.setPending("DN-2", type: .deliveryNote, isReturn: true, party: "Customer")
    #expect(docs["DN-2"]?.lines == [] && docs["DN-2"]?.isReturn == true)
    #expect(docs.dictionary.count == 3)
  }

  /// A run from scratch writes each document from the log in place: every record encodes as the document
  /// it set (returned quantities in key order, a wide line boxed), and a removal writes nothing.
  @Test(arguments: [nil, 1] as [Int?]) func eachRecordEncodesAsTheDocumentItSet(spill: Int?) throws {
    var docs = Self.documents(spill: spill)
    let first = Self.doc(.purchaseReceipt, "Supplier", qty: 5, rate: 20, lines: 3)
    docs["PR-1"] = first
    let wide = PostedDocument.Line(key: StockKey(item: "FG", warehouse: "Shop"), qty: Fixed(2), rate: Fixed(raw: Int128(Int64.max) * 3), documentRate: Fixed(9))
    let delivery = PostedDocument(type: .deliveryNote, isReturn: true, party: "Customer", lines: [wide])
    docs.appendPendingLine(wide)
    docs.setPending("DN-1", type: .deliveryNote, isReturn: true, party: "Customer")
    var returned = first
    returned.returned[StockKey(item: "RM2", warehouse: "Stores")] = Fixed(1)
    returned.returned[StockKey(item: "RM0", warehouse: "Stores")] = Fixed(3)
    docs["PR-1"] = returned
    docs["DN-1"] = nil
    let expected: [(String, PostedDocument)?] = [("PR-1", first), ("DN-1", delivery), ("PR-1", returned), nil]
    #expect(docs.setCount == expected.count)
    for (record, want) in expected.enumerated() {
      var w = BinaryWriter()
      let no = docs.encode(record: record, into: &w)
      #expect(no == want?.0)
      guard let want else {
        #expect(w.bytes.isEmpty)
        continue
      }
      var model = BinaryWriter()
      want.1.encode(into: &model)
      #expect(w.bytes == model.bytes)
      var r = BinaryReader(w.bytes)
      #expect(try PostedDocument(decoding: &r) == want.1)
    }
  }

  /// Numbers are a log shared by copies, read by going through the records after a mark: two copies
  /// setting documents in turn put their numbers between each other's, and each must still read its own
  /// number for every record, in order, backwards and at random (past the marks every 32 records), and
  /// find its documents by number.
  @Test(arguments: [nil, 1, 40] as [Int?]) func eachCopyReadsItsOwnNumbersWhenTheirsInterleave(spill: Int?) {
    var docs = Self.documents(spill: spill)
    for i in 0..<70 { docs["V\(i)"] = Self.doc(.purchaseReceipt, "S", qty: i + 1, rate: 3) }
    var (a, b) = (docs, docs)
    var (numbersA, numbersB) = ((0..<70).map { "V\($0)" }, (0..<70).map { "V\($0)" })
    for i in 0..<90 {
      // Numbers of several lengths (one record's size differs from the next).
      let (na, nb) = ("A\(String(repeating: "x", count: i % 5))\(i)", "B\(i)")
      a[na] = Self.doc(.deliveryNote, "C", qty: i + 1, rate: 5)
      numbersA.append(na)
      if i % 3 != 0 {
        b[nb] = Self.doc(.purchaseReceipt, "D", qty: i + 2, rate: 6)
        numbersB.append(nb)
      }
    }
    for (copy, numbers) in [(a, numbersA), (b, numbersB)] {
      var rng = SeededGenerator(seed: 7)
      let orders = [Array(numbers.indices), numbers.indices.reversed(), numbers.indices.shuffled(using: &rng)]
      for order in orders {
        var c = copy
        for r in order {
          var w = BinaryWriter()
          #expect(c.encode(record: r, into: &w) == numbers[r])
        }
      }
      var c = copy
      for (r, no) in numbers.enumerated() { #expect(c[no]?.lines.first?.qty == Fixed(r < 70 ? r + 1 : (no.hasPrefix("A") ? r - 69 : Int(no.dropFirst())! + 2))) }
    }
    var original = docs
    #expect(original["A0"] == nil && original["B1"] == nil && original.dictionary.count == 70)
  }

  /// A run from scratch copies its documents' records to the document file in bulk when each was set
  /// once, one after another: the bytes must be each document's encoding, framed, in the order set, with
  /// each record's offset; a removal, a lookup, or another copy writing to the shared log in between
  /// makes it say no (the records are then written one by one).
  @Test(arguments: [nil, 1] as [Int?]) func recordsSetOneAfterAnotherAreCopiedInBulk(spill: Int?) {
    var docs = Self.documents(spill: spill)
    var model = BinaryWriter()
    var offsets: [Int] = []
    for i in 0..<40 {
      // Some over 127 bytes (a two-byte length), from long names and several lines.
      let d = Self.doc(i % 3 == 0 ? .deliveryNote : .purchaseReceipt, String(repeating: "P", count: i * 5), qty: i + 1, rate: 7 + i, lines: 1 + i % 4)
      if i % 2 == 0 {
        docs["V\(i)"] = d
      } else {
        for l in d.lines { docs.appendPendingLine(l) }
        docs.setPending("V\(i)", type: d.type, isReturn: d.isReturn, party: d.party)
      }
      var payload = BinaryWriter()
      d.encode(into: &payload)
      offsets.append(model.bytes.count)
      model.count(payload.bytes.count)
      model.raw(payload.bytes)
    }
    var bytes: [UInt8] = []
    #expect(docs.contiguousRecords { bytes.append(contentsOf: $0) })
    #expect(bytes == model.bytes)
    #expect(offsets.indices.map { docs.contiguousOffset(ofRecord: $0) } == offsets)
    // A copy writes to the shared log: the original's next record is not where its last one ended.
    var copy = docs
    copy["OTHER"] = Self.doc(.purchaseReceipt, "S", qty: 1, rate: 1)
    #expect(copy.contiguousRecords { _ in })
    var original = docs
    original["V40"] = Self.doc(.purchaseReceipt, "S", qty: 1, rate: 1)
    #expect(!original.contiguousRecords { _ in Issue.record("nothing is written") })
    var removed = docs
    removed["V0"] = nil
    #expect(!removed.contiguousRecords { _ in Issue.record("nothing is written") })
    var looked = docs
    #expect(looked["V1"] != nil)
    #expect(!looked.contiguousRecords { _ in Issue.record("nothing is written") })
  }

  /// A line's numbers past 64 bits of 10⁻⁹ are kept whole (boxed), survive the document file, and a line
  /// brought back within range equals one made with the same numbers.
  /// A document begins with its type's code and the return flag in one byte: every type, returned or not,
  /// reads back as itself (with its party, lines and returns), and a byte of no type is an error.
  @Test func everyTypeAndReturnFlagReadsBack() throws {
    for type in VoucherType.allCases {
      for isReturn in [false, true] {
        var d = PostedDocument(type: type, isReturn: isReturn, party: "Acme \(type.code)", lines: Self.doc(type, "", qty: 3, rate: 7, lines: 2).lines)
        d.returned[StockKey(item: "RM0", warehouse: "Stores")] = Fixed(1)
        var w = BinaryWriter()
        d.encode(into: &w)
        #expect(w.bytes[0] == type.code | (isReturn ? 0x80 : 0))
        var r = BinaryReader(w.bytes)
        #expect(try PostedDocument(decoding: &r) == d)
      }
    }
    var w = BinaryWriter()
    Self.doc(.deliveryNote, "Zed", qty: 1, rate: 1).encode(into: &w)
    var bytes = w.bytes
    bytes[0] = 0x7F
    var r = BinaryReader(bytes)
    #expect(throws: BinaryFormatError.self) { try PostedDocument(decoding: &r) }
  }

  @Test func lineNumbersTooWideToPackAreKeptWhole() throws {
    let key = StockKey(item: "RM", warehouse: "Stores")
    let big = Fixed(raw: Int128(Int64.max) * 10)
    var line = PostedDocument.Line(key: key, qty: Fixed(3), rate: big, documentRate: Fixed(7))
    #expect(line.qty == Fixed(3) && line.rate == big && line.documentRate == Fixed(7))
    let doc = PostedDocument(type: .purchaseReceipt, isReturn: false, party: "S", lines: [line])
    var w = BinaryWriter()
    doc.encode(into: &w)
    var r = BinaryReader(w.bytes)
    #expect(try PostedDocument(decoding: &r) == doc)
    line.qty = -big
    #expect(line.qty == -big && line.rate == big)
    line.rate = Fixed(5)
    line.qty = Fixed(3)
    let small = PostedDocument.Line(key: key, qty: Fixed(3), rate: Fixed(5), documentRate: Fixed(7))
    #expect(line == small && line.hashValue == small.hashValue)
  }
}

extension PostedDocuments {
  /// A line given whole (the engine gives its fields).
  mutating func appendPendingLine(_ l: PostedDocument.Line) {
    appendPendingLine(key: l.key, qty: l.qty, rate: l.rate, documentRate: l.documentRate)
  }
}
