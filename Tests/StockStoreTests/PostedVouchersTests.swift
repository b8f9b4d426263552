import Foundation
import TestSupport
import Testing
@testable import StockCore
@testable import StockStore

/// The posted-voucher index: a base file searched in place, recent vouchers beside it, and their merge.
@Suite struct PostedVouchersTests {
  let day = BusinessDate(year: 2026, month: 3, day: 1)!

  @Test func lookupsAgreeBeforeAndAfterAMerge() throws {
    let dir = temporaryDirectory("sl-index")
    let base = VoucherIndex().adding((0..<500).map { ("PR-\($0)", VoucherType.purchaseReceipt, day.adding(days: $0)) })
    let size = try PostedVouchers(base: base).writeBase(ledger: dir)
    var posted = PostedVouchers(mapped: try PostedVouchers.mapBase(ledger: dir, size: size))
    posted.add([("DN-1", .deliveryNote, day), ("PR-x,\"quoted\"", .purchaseReceipt, day)])
    posted.setDocuments([("PR-7", 1234), ("DN-1", 99)])
    func check(_ p: PostedVouchers) {
      #expect(p.lookup("PR-499")?.date == day.adding(days: 499))
      #expect(p.lookup("PR-0")?.type == .purchaseReceipt)
      #expect(p.lookup("PR-500") == nil)
      #expect(p.lookup("DN-1")?.type == .deliveryNote)
      #expect(p.lookup("PR-x,\"quoted\"") != nil)
      #expect(p.documentOffset("PR-7") == 1234)
      #expect(p.documentOffset("DN-1") == 99)
      #expect(p.documentOffset("PR-8") == nil)
    }
    check(posted)
    let merged = try posted.merged()
    #expect(merged.recent.isEmpty && merged.movedDocuments.isEmpty && merged.base.count == 502)
    check(merged)
    #expect(throws: BinaryFormatError.self) { try PostedVouchers.mapBase(ledger: dir, size: size + 1) }
  }

  /// The recent part is written in the order of its numbers' bytes however it was filled: decoded from a
  /// snapshot in that order and added to (the added ones sorted and merged in), decoded from one in another
  /// order (an older build's: all of them sorted), or added to from nothing; with numbers past ASCII, a
  /// number given again, and long numbers that share their first sixteen bytes.
  @Test func theRecentPartIsWrittenInTheOrderOfItsNumbersBytes() throws {
    func numbers(_ p: PostedVouchers) throws -> [String] {
      var w = BinaryWriter()
      p.encodeRecent(into: &w)
      var r = BinaryReader(w.bytes)
      var out: [String] = []
      for _ in 0..<(try r.count()) {
        out.append(try r.string())
        _ = (try r.string(), try r.date(), try r.int())
      }
      return out
    }
    func encoded(_ numbers: [String]) -> [UInt8] {
      var w = BinaryWriter()
      w.count(numbers.count)
      for no in numbers {
        w.string(no)
        w.string(VoucherType.purchaseReceipt.rawValue)
        w.date(day)
        w.int(-1)
      }
      w.count(0)
      return w.bytes
    }
    var rng = SeededGenerator(seed: 3)
    let first = (0..<400).map { "R-\($0)" }
    let long = (0..<30).map { "LONG-NUMBER-0000-\($0)" }
    let before = first + long + ["\u{C9}-1", "e\u{301}-2"]
    let later = ((0..<200).map { "D-\($0)" } + ["R-5", "LONG-NUMBER-0000-7x", "\u{C9}-0"]).shuffled(using: &rng)
    let expected = { (all: [String]) in String.byteOrder(all).map { all[$0] } }
    // The base a merge writes is the same bytes whichever way the recent part was filled.
    var bases: [[UInt8]] = []
    for decodedInOrder in [true, false] {
      var p = PostedVouchers()
      let decoded = decodedInOrder ? expected(before) : before.shuffled(using: &rng)
      var r = BinaryReader(encoded(decoded))
      try p.decodeRecent(from: &r)
      p.add(later.map { ($0, VoucherType.deliveryNote, day) })
      let all = Array(Set(before + later))
      #expect(try numbers(p) == expected(all), "decoded in order: \(decodedInOrder)")
      guard case .built(let index) = try p.merged().base else {
        Issue.record("a merge builds its base")
        continue
      }
      var w = BinaryWriter()
      index.encode(into: &w)
      bases.append(w.bytes)
      #expect(index.count == all.count)
    }
    #expect(bases.count == 2 && bases[0] == bases[1])
    var fresh = PostedVouchers()
    fresh.add(later.map { ($0, VoucherType.deliveryNote, day) })
    #expect(try numbers(fresh) == expected(Array(Set(later))))
  }

  @Test func theBucketSortIsAStableSortByHash() {
    var rng = SeededGenerator(seed: 8)
    // Spread hashes with repeats, and a run bunched into one bucket (the comparison sort's case).
    var hashes = (0..<5000).map { _ in UInt64.random(in: 0...UInt64.max, using: &rng) }
    hashes += hashes.prefix(300)
    hashes += (0..<200).map { UInt64($0 % 7) }
    hashes.shuffle(using: &rng)
    let expected = hashes.indices.sorted { (hashes[$0], $0) < (hashes[$1], $1) }.map { UInt32($0) }
    #expect(HashOrder.positions(sortedBy: hashes) == expected)
    #expect(HashOrder.positions(sortedBy: []) == [])
    #expect(HashOrder.positions(sortedBy: [7]) == [0])
  }

  @Test func aBuiltIndexIsTheIndexAddedToAndWritesItsEncoding() throws {
    let numbers = (0..<3000).map { "V-\($0)" }
    var b = VoucherIndex.Builder(capacity: 10)  // grows past its capacity
    for (i, no) in numbers.enumerated() { b.add(no, type: i % 2 == 0 ? .purchaseReceipt : .deliveryNote, date: day.adding(days: i), document: i % 3 == 0 ? nil : 10 * i) }
    let built = b.build()
    // Built before the documents' places are known, then given them: the same index, byte for byte.
    var awaiting = VoucherIndex.Builder(capacity: numbers.count)
    for (i, no) in numbers.enumerated() { awaiting.add(no, type: i % 2 == 0 ? .purchaseReceipt : .deliveryNote, date: day.adding(days: i), document: nil) }
    let completed = awaiting.buildAwaitingDocuments().finish(documents: numbers.indices.map { $0 % 3 == 0 ? 0 : UInt64(10 * $0) + 1 })
    var (a, c) = (BinaryWriter(), BinaryWriter())
    built.encode(into: &a)
    completed.encode(into: &c)
    #expect(a.bytes == c.bytes)
    // The same vouchers added in two steps: the same lookups.
    let first = VoucherIndex().adding(numbers.indices.prefix(1000).map { (numbers[$0], $0 % 2 == 0 ? .purchaseReceipt : .deliveryNote, day.adding(days: $0), $0 % 3 == 0 ? nil : 10 * $0) })
    let both = first.adding(numbers.indices.dropFirst(1000).map { (numbers[$0], $0 % 2 == 0 ? .purchaseReceipt : .deliveryNote, day.adding(days: $0), $0 % 3 == 0 ? nil : 10 * $0) })
    for (i, no) in numbers.enumerated() {
      for index in [built, both] {
        #expect(index.lookup(no)?.date == day.adding(days: i))
        #expect(index.documentOffset(no) == (i % 3 == 0 ? nil : 10 * i))
      }
    }
    #expect(built.lookup("V-3000") == nil)
    // Documents kept only up to the last voucher that has one: those before and after it have none.
    for documents in [[nil, nil, 7, nil, nil], [nil, nil, nil], [3, nil], [nil, 4]] as [[Int?]] {
      var few = VoucherIndex.Builder(capacity: 2)
      for (i, d) in documents.enumerated() { few.add("D-\(i)", type: .purchaseReceipt, date: day, document: d) }
      let index = few.build()
      let merged = VoucherIndex().adding(documents.enumerated().map { ("D-\($0)", .purchaseReceipt, day, $1) })
      for (i, d) in documents.enumerated() { #expect(index.documentOffset("D-\(i)") == d && merged.documentOffset("D-\(i)") == d, "\(documents) at \(i)") }
    }
    // Written in parts, the file is the encoding's bytes.
    let dir = temporaryDirectory("sl-index")
    let file = try StreamedFile(path: dir + "/index", hashing: false, directIO: false)
    built.write(to: file)
    _ = try file.finish(durable: false)
    var w = BinaryWriter()
    built.encode(into: &w)
    #expect(FileManager.default.contents(atPath: dir + "/index").map(Array.init) == w.bytes)
    // A replay's index written as it is put in order, a part at a time (more vouchers than a part): the
    // same bytes, mapped and looked up as the next run does.
    var streamed = VoucherIndex.Builder(capacity: numbers.count)
    for (i, no) in numbers.enumerated() { streamed.add(no, type: i % 2 == 0 ? .purchaseReceipt : .deliveryNote, date: day.adding(days: i), document: nil) }
    let many = numbers + (3000..<40_000).map { "W-\($0)" }
    for i in numbers.count..<many.count { streamed.add(many[i], type: .stockEntry, date: day, document: nil) }
    let places = many.indices.map { $0 % 3 == 0 ? 0 : UInt64(10 * $0) + 1 }
    let whole = streamed.buildAwaitingDocuments()
    var expected = BinaryWriter()
    whole.finish(documents: places).encode(into: &expected)
    let (mapped, size) = try PostedVouchers.writeBase(whole, documents: { places[$0] }, ledger: dir)
    #expect(FileManager.default.contents(atPath: PostedVouchers.basePath(ledger: dir)).map(Array.init) == expected.bytes)
    #expect(size == expected.bytes.count)
    for i in stride(from: 0, to: many.count, by: 7) { #expect(mapped.documentOffset(many[i]) == (i % 3 == 0 ? nil : 10 * i)) }
    #expect(mapped.lookup("V-4")?.date == day.adding(days: 4) && mapped.lookup("W-39999")?.type == .stockEntry && mapped.lookup("W-40000") == nil)
  }

  /// A large replay's index keeps its numbers in a log that spills to a file (here at every 64 bytes):
  /// written, and completed in memory, it is the index that keeps them in memory, byte for byte — the
  /// numbers' frames are the log's records, and the index's offsets theirs.
  @Test func anIndexWhoseNumbersSpillIsTheSameIndex() throws {
    let dir = temporaryDirectory("sl-index-spill")
    // Short and long numbers (a length of two bytes), and one not ASCII.
    let numbers = (0..<5000).map { $0 % 997 == 5 ? String(repeating: "N", count: 130 + $0 % 7) + "-\($0)" : "V-\($0)" } + ["Entrepôt-1"]
    func filled(_ b: inout VoucherIndex.Builder) {
      for (i, no) in numbers.enumerated() { b.add(no, type: i % 2 == 0 ? .purchaseReceipt : .deliveryNote, date: day.adding(days: i % 400), document: nil) }
    }
    var held = VoucherIndex.Builder(capacity: numbers.count)
    var spilled = VoucherIndex.Builder(capacity: numbers.count, spillingNamesTo: dir, every: 64)
    filled(&held)
    filled(&spilled)
    let places = numbers.indices.map { $0 % 3 == 0 ? 0 : UInt64(10 * $0) + 1 }
    var (a, b) = (BinaryWriter(), BinaryWriter())
    held.buildAwaitingDocuments().finish(documents: places).encode(into: &a)
    spilled.buildAwaitingDocuments().finish(documents: places).encode(into: &b)
    #expect(a.bytes == b.bytes)
    let (mapped, size) = try PostedVouchers.writeBase(spilled.buildAwaitingDocuments(), documents: { places[$0] }, ledger: dir)
    #expect(FileManager.default.contents(atPath: PostedVouchers.basePath(ledger: dir)).map(Array.init) == a.bytes && size == a.bytes.count)
    for (i, no) in numbers.enumerated() where i % 13 == 0 || no.count > 100 || !no.hasPrefix("V") {
      #expect(mapped.lookup(no)?.date == day.adding(days: i % 400) && mapped.documentOffset(no) == (i % 3 == 0 ? nil : 10 * i), "\(no)")
    }
    #expect(mapped.lookup("V-5000") == nil)
    // Nothing left beside the index: the log's file had no name.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix("vouchers") }.isEmpty)
  }

  @Test func documentsWrittenRecordByRecordAreReadAtTheirOffsets() throws {
    let dir = temporaryDirectory("sl-docs")
    let file = DocumentFile(ledger: dir)
    let writer = try file.rewrite()
    // Enough to pass the writer's buffer several times.
    let payloads = (0..<400).map { i in [UInt8](repeating: UInt8(i % 251), count: 1 + i * 37 % 20_000) }
    let offsets = payloads.map { writer.record($0) }
    #expect(FileManager.default.fileExists(atPath: file.path) == false)  // replaced only when finished
    let size = try writer.finish()
    #expect(size == DurableFiles.size(file.path))
    for (p, o) in zip(payloads, offsets) { #expect(file.read(at: o) == p) }
  }
}
