import Foundation
import Testing
@testable import StockCore
@testable import StockStore

/// `history.bin` as the two-step encoder writes it: the keys of each voucher first, the places put before
/// them once the commit has given them, vouchers skipped (cancelled ones) keeping the others' places; a
/// file written whole numbers its item-warehouses, records appended spell them out, and both read back
/// to the same places and keys.
@Suite struct HistoryFileTests {
  let a = StockKey(item: "RM0001", warehouse: "Stores"), b = StockKey(item: "RM0002", warehouse: "Stores")
  let c = StockKey(item: "caf\u{E9}", warehouse: "Stores, \"Annex\"")

  func place(_ i: Int) -> VoucherPlace { VoucherPlace(run: 1 + i / 3, start: 100 * i, end: 100 * i + 40 + i) }

  func keys(_ contents: HistoryFile.Contents, _ ordinal: Int) -> [StockKey] { contents.keys(of: ordinal).map { contents.keys[Int($0)] } }

  @Test func recordsReadBackWithTheirPlacesAndKeys() throws {
    let file = HistoryFile(ledger: temporaryDirectory("sl-history"))
    // Vouchers 0…4; voucher 1 is skipped (its place is never asked for), voucher 3 touches nothing. A
    // record's keys are a set in key order ("RM…" before "café": bytes), however they were given.
    var whole = HistoryFile.Encoder(appending: false)
    for (source, ks) in [(0, [a]), (2, [b, a]), (3, []), (4, [c, b])] { whole.add(source: source, keys: ks) }
    #expect(whole.count == 4)
    let size = try file.write(whole) { place($0) }
    #expect(size == whole.bytes { place($0) }.count)
    // Two more, appended with their keys spelled out (a run from the snapshot).
    var appended = HistoryFile.Encoder(appending: true)
    appended.add(source: 0, keys: [c])
    appended.add(source: 1, keys: [a, c])
    let total = try file.append(appended.bytes { place(10 + $0) }, after: size)
    let contents = try file.read(size: total)
    #expect(contents.count == 6)
    let expected: [(VoucherPlace, [StockKey])] = [(place(0), [a]), (place(2), [a, b]), (place(3), []), (place(4), [b, c]), (place(10), [c]), (place(11), [a, c])]
    for (ordinal, (p, ks)) in expected.enumerated() {
      #expect(contents.place(of: ordinal) == p, "voucher \(ordinal)")
      #expect(keys(contents, ordinal) == ks, "voucher \(ordinal)")
    }
    #expect(contents.keys.count == 3)  // the appended keys are the numbered ones
  }

  /// A replay's history is written in parts as its records are put together: past a part (a megabyte),
  /// the file is the records' bytes and reads back every place and key.
  @Test func aLargeHistoryIsWrittenInParts() throws {
    let file = HistoryFile(ledger: temporaryDirectory("sl-history"))
    var encoder = HistoryFile.Encoder(appending: false)
    let all = (0..<500).map { StockKey(item: "ITEM\($0)", warehouse: "WH\($0 % 7)") }
    let n = 150_000
    for i in 0..<n { encoder.add(source: i, keys: i % 10 == 0 ? [all[i % 500], all[(i * 7) % 500]] : [all[i % 500]]) }
    let big = { (i: Int) in VoucherPlace(run: 1, start: 1_000 * i, end: 1_000 * i + 100 + i % 900) }
    let size = try file.write(encoder, place: big)
    let bytes = encoder.bytes(place: big)
    #expect(bytes.count > 1 << 20 && size == bytes.count)  // more than one part
    #expect(FileManager.default.contents(atPath: file.path).map(Array.init) == bytes)
    // Numbered a batch at a time (their table slots fetched ahead): finished, the same bytes.
    var finished = encoder
    finished.finish()
    #expect(finished.count == n && finished.bytes(place: big) == bytes)
    let contents = try file.read(size: size)
    #expect(contents.count == n)
    for i in stride(from: 0, to: n, by: 997) {
      #expect(contents.place(of: i) == big(i))
      #expect(keys(contents, i) == Set(i % 10 == 0 ? [all[i % 500], all[(i * 7) % 500]] : [all[i % 500]]).sorted())
    }
  }

  /// A record longer than a part (a voucher of four thousand rows, each item-warehouse new and of long
  /// names: its keys spelled out, over a megabyte) is written whole between its neighbours, and reads back.
  @Test func aRecordLongerThanAPartsRoomIsWrittenWhole() throws {
    let file = HistoryFile(ledger: temporaryDirectory("sl-history"))
    var encoder = HistoryFile.Encoder(appending: false)
    let small = (0..<50).map { StockKey(item: "ITEM\($0)", warehouse: "WH1") }
    let long = String(repeating: "x", count: 300)
    let many = (0..<4_000).map { StockKey(item: "ITEM-\($0)-\(long)", warehouse: "Stores \($0 % 3)") }
    let n = 40_000, big = 30_000
    for i in 0..<n { encoder.add(source: i, keys: i == big ? many : [small[i % 50]]) }
    let place = { (i: Int) in VoucherPlace(run: 2, start: 90 * i, end: 90 * i + 80) }
    let size = try file.write(encoder, place: place)
    let bytes = encoder.bytes(place: place)
    #expect(size == bytes.count && size > 1_200_000)
    #expect(FileManager.default.contents(atPath: file.path).map(Array.init) == bytes)
    let contents = try file.read(size: size)
    #expect(contents.count == n)
    for i in [0, big - 1, big, big + 1, n - 1] {
      #expect(contents.place(of: i) == place(i), "voucher \(i)")
      #expect(keys(contents, i) == (i == big ? many.sorted() : [small[i % 50]]), "voucher \(i)")
    }
  }

  /// Keys collected into the encoder's buffer, repeats and all, are recorded as the sorted keys without
  /// repeats given whole: the same bytes, numbered a batch at a time or spelled out for appending.
  @Test func collectedKeysAreRecordedSortedWithoutRepeats() {
    let all = (0..<60).map { StockKey(item: "I\($0 % 13)", warehouse: "W\($0 % 4)") }
    for appending in [false, true] {
      var given = HistoryFile.Encoder(appending: appending), collected = HistoryFile.Encoder(appending: appending)
      for i in 0..<400 {
        let named = (0..<(i % 5)).map { all[(i * 7 + $0 * 11) % all.count] } + (i % 3 == 0 ? [all[(i * 7) % all.count]] : [])
        var unique: [StockKey] = []
        for k in named where !unique.contains(k) { unique.append(k) }
        given.add(source: i, keys: unique.sorted())
        collected.add(source: i) { $0 += named }
      }
      given.finish()
      collected.finish()
      #expect(collected.count == 400)
      #expect(collected.bytes(place: place) == given.bytes(place: place), "appending: \(appending)")
    }
  }

  /// Vouchers skipped (cancelled) anywhere in the batches the keys are numbered in keep the others' places
  /// and keys, finished or not.
  @Test func skippedVouchersAcrossBatches() throws {
    let all = (0..<40).map { StockKey(item: "I\($0)", warehouse: "W\($0 % 3)") }
    var encoder = HistoryFile.Encoder(appending: false)
    let sources = (0..<300).filter { $0 % 37 != 5 && $0 % 64 != 31 }
    for i in sources { encoder.add(source: i, keys: i % 5 == 0 ? [] : [all[i % 40], all[(i * 3) % 40]].sorted()) }
    let unfinished = encoder.bytes(place: place)
    encoder.finish()
    #expect(encoder.bytes(place: place) == unfinished)
    let file = HistoryFile(ledger: temporaryDirectory("sl-history"))
    let contents = try file.read(size: try file.write(encoder, place: place))
    #expect(contents.count == sources.count)
    for (ordinal, i) in sources.enumerated() {
      #expect(contents.place(of: ordinal) == place(i), "voucher \(i)")
      #expect(keys(contents, ordinal) == (i % 5 == 0 ? [] : [all[i % 40], all[(i * 3) % 40]].sorted()), "voucher \(i)")
    }
  }

  /// Keys added from moves read where they lie (names hashed and looked up as bytes, made only when new)
  /// are recorded as the sketches' keys are: one move, two of one key, two out of order by item or by
  /// warehouse, none, names past ASCII, an ASCII key first numbered in another spelling, more than two
  /// moves, a record of more than 255 bytes; numbered or spelled out.
  @Test func movesReadInPlaceAreRecordedAsTheirKeys() throws {
    let shelf = VoucherShelf(holding: 0)
    func voucher(_ n: Int, _ rows: [(String, String, String)]) -> Voucher {
      var v = Voucher(type: .stockEntry, no: "SE-\(n)", date: BusinessDate(dayNumber: 19_000), source: SourceLocation(file: "a.csv", line: n + 2))
      v.items = rows.enumerated().map { i, r in
        var row = ItemRow(line: n + 2 + i, itemCode: r.0)
        (row.warehouse, row.targetWarehouse) = (r.1, r.2)
        return row
      }
      return v
    }
    let long = (0..<30).map { ("Item with a long name \($0)", "Warehouse with a long name", "") }
    let put = [
      voucher(0, [("K", "\u{212A}1", "")]), voucher(1, [("K", "K1", "")]), voucher(2, [("B", "W1", ""), ("A", "W2", "")]),
      voucher(3, [("A", "W1", "W1")]), voucher(4, []), voucher(5, [("C", "W1", ""), ("A", "W1", ""), ("C", "W1", "")]),
      voucher(6, [("caf\u{E9}", "W1", "")]), voucher(7, long), voucher(8, [("A", "W2", ""), ("A", "W1", "")]), voucher(9, [("A", "W2", "W1")]),
      voucher(10, [("K", "K1", "")]), voucher(11, long),
    ]
    shelf.append(contentsOf: put)
    let list = VoucherList(shelf: shelf, range: 0..<put.count)
    for appending in [false, true] {
      var read = HistoryFile.Encoder(appending: appending), sketched = HistoryFile.Encoder(appending: appending)
      var inPlace = 0
      list.forEachMoves({ i, m in
        inPlace += 1
        read.add(source: i, moves: m)
      }, sketched: { i, v in read.add(source: i) { keys in v.forEachMove { keys.append(StockKey(item: $0, warehouse: $1)) } } })
      list.forEachSketch { i, v in sketched.add(source: i) { keys in v.forEachMove { keys.append(StockKey(item: $0, warehouse: $1)) } } }
      read.finish()
      sketched.finish()
      #expect(inPlace == put.count)
      #expect(read.count == put.count && read.bytes(place: place) == sketched.bytes(place: place), "appending: \(appending)")
      guard !appending else { continue }
      let file = HistoryFile(ledger: temporaryDirectory("sl-history"))
      let contents = try file.read(size: try file.write(read, place: place))
      let kelvin = StockKey(item: "K", warehouse: "\u{212A}1")
      #expect(keys(contents, 1) == [kelvin] && keys(contents, 10) == [kelvin] && contents.keys(of: 1) == contents.keys(of: 0))
      #expect(keys(contents, 2) == [StockKey(item: "A", warehouse: "W2"), StockKey(item: "B", warehouse: "W1")])
      #expect(keys(contents, 8) == [StockKey(item: "A", warehouse: "W1"), StockKey(item: "A", warehouse: "W2")] && keys(contents, 9) == keys(contents, 8))
      #expect(keys(contents, 7).count == 30 && keys(contents, 11) == keys(contents, 7) && contents.place(of: 11) == place(11))
    }
  }

  /// A history file in a directory of its own, and where its index goes.
  func indexedHistory() -> (file: HistoryFile, index: String) {
    let ledger = temporaryDirectory("sl-history")
    return (HistoryFile(ledger: ledger), ledger + "/history.idx")
  }

  /// Every lookup of `contents` against `reference` (the history read whole): the count, the keys in their
  /// numbers' order, each voucher's place and keys, each item-warehouse's vouchers.
  func expectSame(_ contents: HistoryFile.Contents, _ reference: HistoryFile.Contents, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(contents.count == reference.count && contents.keys == reference.keys, sourceLocation: sourceLocation)
    for o in 0..<reference.count where contents.place(of: o) != reference.place(of: o) || contents.keys(of: o) != reference.keys(of: o) {
      Issue.record("voucher \(o) differs", sourceLocation: sourceLocation)
    }
    for k in reference.keys.indices where contents.vouchers(of: k) != reference.vouchers(of: k) {
      Issue.record("the vouchers of \(reference.keys[k]) differ", sourceLocation: sourceLocation)
    }
    #expect(!contents.isDamaged, sourceLocation: sourceLocation)
  }

  /// A history read whole writes its index (`history.idx`); read again, with records appended since, the
  /// index gives the first vouchers and the file the rest, and every lookup is as the history read whole
  /// gives it — while the appended records' bytes are fewer than an eighth of the indexed ones' (more, and
  /// the history is read whole and the index written anew). A history written whole again removes the index.
  @Test func theIndexGivesWhatTheHistoryReadWholeGives() throws {
    let (file, index) = indexedHistory()
    let all = (0..<300).map { StockKey(item: "ITEM\($0 % 120)", warehouse: "WH\($0 % 7)") }
    var whole = HistoryFile.Encoder(appending: false)
    let n = 4_000
    for i in 0..<n { whole.add(source: i, keys: i % 9 == 0 ? [all[i % 300], all[(i * 13) % 300]] : i % 50 == 7 ? [] : [all[i % 300]]) }
    var size = try file.write(whole) { place($0) }
    #expect(!FileManager.default.fileExists(atPath: index))
    let first = try file.contents(size: size).get()
    #expect(first.indexed == nil && FileManager.default.fileExists(atPath: index))
    expectSame(try file.contents(size: size).get(), try file.read(size: size))
    #expect(try file.contents(size: size).get().indexed?.count == n)
    // Records appended (keys spelled out, some new): the index and the tail.
    var appended = HistoryFile.Encoder(appending: true)
    let fresh = StockKey(item: "NEW", warehouse: "WH0")
    for i in 0..<40 { appended.add(source: i, keys: i % 4 == 0 ? [fresh, all[i % 300]] : [all[(i * 7) % 300]]) }
    size = try file.append(appended.bytes { place(n + $0) }, after: size)
    let joined = try file.contents(size: size).get()
    #expect(joined.indexed?.count == n && joined.count == n + 40)
    expectSame(joined, try file.read(size: size))
    // Past an eighth of the indexed vouchers: read whole, and indexed anew.
    var more = HistoryFile.Encoder(appending: true)
    for i in 0..<300 { more.add(source: i, keys: [all[(i * 11) % 300]]) }
    size = try file.append(more.bytes { place(n + 40 + $0) }, after: size)
    #expect(try file.contents(size: size).get().indexed == nil)
    let again = try file.contents(size: size).get()
    #expect(again.indexed?.count == n + 340)
    expectSame(again, try file.read(size: size))
    // The snapshot knowing fewer bytes than the index describes: not used (read as far as it knows).
    #expect(HistoryIndex(history: file.path, size: size - 1) == nil)
    // Written whole again: the index is removed with the history it described.
    _ = try file.write(whole) { place($0) }
    #expect(!FileManager.default.fileExists(atPath: index))
  }

  /// An index that does not describe the history is not used: one of another history file (written anew
  /// under another inode, the index put back), one whose sampled bytes differ, one cut short; and one whose
  /// numbers point outside its arrays is found damaged by the lookup that meets them, the history then read
  /// whole (``HistoryFile/contentsReadWhole(size:)``) and indexed anew.
  @Test func anIndexThatDoesNotDescribeTheHistoryIsNotUsed() throws {
    let (file, index) = indexedHistory()
    let all = (0..<40).map { StockKey(item: "I\($0)", warehouse: "W\($0 % 3)") }
    var whole = HistoryFile.Encoder(appending: false)
    for i in 0..<1_000 { whole.add(source: i, keys: [all[i % 40]]) }
    let size = try file.write(whole) { place($0) }
    _ = try file.contents(size: size).get()
    let good = try Data(contentsOf: URL(fileURLWithPath: index))
    #expect(try file.contents(size: size).get().indexed != nil)
    // Another history file of the same records (a replay writes it anew): another inode.
    _ = try file.write(whole) { place($0) }
    try good.write(to: URL(fileURLWithPath: index))
    #expect(try file.contents(size: size).get().indexed == nil)
    // Its sampled bytes changed in place (same inode): the first record's place.
    let indexed = try Data(contentsOf: URL(fileURLWithPath: index))
    var history = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file.path)))
    history[1] ^= 1
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file.path))
    try handle.write(contentsOf: Data(history))
    try handle.close()
    #expect(try file.contents(size: size).get().indexed == nil)
    history[1] ^= 1
    let restore = try FileHandle(forWritingTo: URL(fileURLWithPath: file.path))
    try restore.write(contentsOf: Data(history))
    try restore.close()
    try indexed.write(to: URL(fileURLWithPath: index))
    #expect(try file.contents(size: size).get().indexed != nil)
    // Cut short: refused. A count past 32 bits in its header (the vouchers'): refused, not followed.
    try indexed.prefix(indexed.count - 4).write(to: URL(fileURLWithPath: index))
    #expect(try file.contents(size: size).get().indexed == nil)
    var huge = [UInt8](indexed)
    let fields = 1 + HistoryIndex.tag.utf8.count + 8 + 8  // the tag, where the arrays start, the history's size
    for i in fields..<fields + 8 { huge[i] = 0xFF }
    try Data(huge).write(to: URL(fileURLWithPath: index))
    #expect(HistoryIndex(history: file.path, size: size) == nil)
    // A voucher number past the vouchers in the arrays' last one (each item-warehouse's vouchers): the
    // lookup of that item-warehouse finds it, gives nothing, and says so.
    var damaged = [UInt8](indexed)
    withUnsafeBytes(of: Int32(5_000).littleEndian) { damaged.replaceSubrange(damaged.count - 4..<damaged.count, with: $0) }
    try Data(damaged).write(to: URL(fileURLWithPath: index))
    let contents = try file.contents(size: size).get()
    #expect(contents.indexed != nil && !contents.isDamaged)
    let last = contents.keys.indices.last!
    #expect(contents.vouchers(of: last).isEmpty && contents.isDamaged)
    let reread = try file.contentsReadWhole(size: size).get()
    expectSame(reread, try file.read(size: size))
    #expect(try file.contents(size: size).get().indexed != nil && !(try file.contents(size: size).get().isDamaged))
  }
}
