import Foundation
import Testing
@testable import StockCore
@testable import StockStore

/// The flat-file ledger: commit and read back, the chain, recovery of an interrupted run.
@Suite struct LedgerStoreTests {
  func directory() -> String { temporaryDirectory("sl-store") }

  func record(_ run: Int) -> RunRecord {
    let day = BusinessDate(year: 2026, month: 3, day: run) ?? BusinessDate(dayNumber: 0)
    var v = Voucher(type: .purchaseReceipt, no: "PR-\(run)", date: day, source: SourceLocation(file: "a.csv", line: 2))
    var row = ItemRow(line: 2, itemCode: "RM, \"special\"")
    row.warehouse = "Stores"
    row.qty = Fixed(parsing: "2.5")
    row.rate = Fixed(parsing: "0.333333333")
    v.items = [row]
    var e = StockLedgerEntry(
      date: day, time: BusinessTime(seconds: 3661), voucherType: .purchaseReceipt, voucherNo: v.no, index: 0,
      itemCode: row.itemCode, warehouse: "Stores", actualQty: Fixed(parsing: "2.5") ?? .zero, qtyAfterTransaction: Fixed(parsing: "2.5") ?? .zero,
      incomingRate: Fixed(parsing: "0.333333333") ?? .zero, valuationRate: Fixed(parsing: "0.333333333") ?? .zero,
      stockValue: Fixed(parsing: "0.83") ?? .zero, stockValueDifference: Fixed(parsing: "0.83") ?? .zero)
    e.serialNos = ["S-1", "S-2"]
    let g = GLEntry(date: day, voucherType: .purchaseReceipt, voucherNo: v.no, account: "Stores", debit: Fixed(parsing: "0.83") ?? .zero, credit: .zero, remarks: "=formula stays text")
    return RunRecord(run: run, vouchers: [v], entries: [e], gl: [g],
                     files: [FileRecord(sha256: String(repeating: "a", count: 63) + "\(run)", file: "a \(run).csv", status: .imported, rows: 1, vouchersPosted: 1, vouchersRejected: 0, run: run)],
                     moves: [])
  }

  @Test func committedRunsReadBackExactly() throws {
    let store = LedgerStore(directory: directory())
    let first = try store.commit(record(1), previousChain: LedgerStore.zeroChain, places: 2).chain
    let second = try store.commit(record(2), previousChain: first, places: 2).chain
    let ledger = try store.load()
    #expect(ledger.runCount == 2)
    #expect(ledger.chainHead == second)
    #expect(ledger.vouchers.map(\.no) == ["PR-1", "PR-2"])
    #expect(ledger.vouchers[0].items[0].itemCode == "RM, \"special\"")
    #expect(ledger.vouchers[0].items[0].rate == Fixed(parsing: "0.333333333"))
    let e = try #require(ledger.entries[LedgerContents.entryKey("PR-1", 0)])
    #expect(e == record(1).entries[0])
    #expect(ledger.gl.map(\.remarks) == ["=formula stays text", "=formula stays text"])
    #expect(ledger.imported.count == 2)
  }

  /// The run's `gl.csv` stands in for its journal only when no text field would be guarded against formulas
  /// in a report: a remark starting with `=` is written plain in the ledger but quoted with `'` in reports.
  @Test func theLedgerGLIsTheJournalOnlyWithoutFormulas() throws {
    let store = LedgerStore(directory: directory())
    let withFormula = try store.commit(record(1), previousChain: LedgerStore.zeroChain, places: 2)
    #expect(withFormula.journal == nil)
    var plain = record(2)
    plain.gl[0].remarks = "a remark"
    plain.gl[0].party = "-5"  // a negative number is data, not a formula
    let second = try store.commit(plain, previousChain: withFormula.chain, places: 2)
    let journal = try #require(second.journal)
    #expect(journal.hasSuffix("/runs/000002/gl.csv"))
    var guarded = ByteWriter(guardsFormulas: true)
    guarded.texts(LedgerFormat.glColumns)
    guarded.endRow()
    for g in plain.gl {
      LedgerFormat.write(g, places: 2, into: &guarded)
      guarded.endRow()
    }
    #expect(!guarded.sawFormula)
    #expect(try DurableFiles.read(journal) == guarded.bytes)
  }

  /// A run's `stock.csv` and `gl.csv` written beforehand are adopted by the commit (moved into the run,
  /// entered with the size and SHA-256 they were written with) when their row counts are the record's;
  /// otherwise the commit writes its own and the prewritten ones are removed. Either way the ledger reads
  /// back the same.
  @Test(arguments: [true, false]) func prewrittenRunFilesAreAdoptedOnlyWhenTheyHoldTheRecordsRows(matching: Bool) throws {
    let dir = directory()
    let store = LedgerStore(directory: dir)
    try DurableFiles.makeDirectory(dir)
    var r = record(1)
    r.gl[0].remarks = "a remark"
    /// The rows the commit writes; `marked`: with the warehouse or account `Stores` quoted, which reads back
    /// the same but shows which file the ledger holds.
    func rows(_ header: [String], _ row: (inout ByteWriter) -> Void, marked: Bool) -> [UInt8] {
      var w = ByteWriter(guardsFormulas: false)
      w.texts(header)
      w.endRow()
      row(&w)
      w.endRow()
      let text = String(decoding: w.bytes, as: UTF8.self)
      return Array((marked ? text.replacingOccurrences(of: ",Stores,", with: ",\"Stores\",") : text).utf8)
    }
    func stockRows(marked: Bool) -> [UInt8] {
      rows(LedgerFormat.stockColumns + ["is_cancelled"], { LedgerFormat.write(r.entries[0], places: 2, into: &$0); $0.text("") }, marked: marked)
    }
    func glRows(marked: Bool) -> [UInt8] { rows(LedgerFormat.glColumns, { LedgerFormat.write(r.gl[0], places: 2, into: &$0) }, marked: marked) }
    #expect(stockRows(marked: true) != stockRows(marked: false) && glRows(marked: true) != glRows(marked: false))
    let stock = try StreamedFile(path: dir + "/stock.csv")
    stock.append(stockRows(marked: true))
    let gl = try StreamedFile(path: dir + "/gl.csv")
    gl.append(glRows(marked: true))
    let files = PrewrittenRunFiles(stock: (try stock.closeHashed(), matching ? 1 : 2), gl: (try gl.closeHashed(), matching ? 1 : 0))
    let temporaries = [files.stock!.file.temporaryPath, files.gl!.file.temporaryPath]
    let committed = try store.commit(r, previousChain: LedgerStore.zeroChain, places: 2, prewritten: { files })
    for t in temporaries { #expect(!DurableFiles.exists(t), "\(t) left behind") }
    #expect(try DurableFiles.read(dir + "/runs/000001/stock.csv") == stockRows(marked: matching))
    #expect(try DurableFiles.read(dir + "/runs/000001/gl.csv") == glRows(marked: matching))
    let manifest = try String(contentsOfFile: dir + "/runs/000001/manifest", encoding: .utf8)
    for (name, bytes) in [("stock.csv", stockRows(marked: matching)), ("gl.csv", glRows(marked: matching))] {
      #expect(manifest.contains("file \(name) \(bytes.count) \(SHA256.hex(of: String(decoding: bytes, as: UTF8.self)))\n"))
    }
    #expect(committed.journal != nil)
    let ledger = try store.load()
    #expect(ledger.entries[LedgerContents.entryKey("PR-1", 0)] == r.entries[0])
    #expect(ledger.gl == r.gl)
  }

  /// A `vouchers.csv` begun beforehand with the record's first vouchers is continued by the commit: the
  /// file, its hash in the manifest and the places of the vouchers are those of a file written whole. One
  /// begun with other vouchers (another last number, more than the record has, another run) is dropped,
  /// and the commit writes its own.
  @Test(arguments: [0, 1, 3, 4, -1, -2, -3, -4]) func vouchersBegunBeforehandAreContinued(begun: Int) throws {
    var r = record(1)
    let first = r.vouchers[0]
    r.vouchers = VoucherList((1...4).map { i in
      var v = first
      v.no = "PR-\(i)"
      return v
    })
    func commit(begun: VouchersFile?) throws -> (manifest: String, bytes: [UInt8], places: [VoucherPlace], dir: String) {
      let dir = directory()
      let store = LedgerStore(directory: dir)
      try DurableFiles.makeDirectory(dir)
      var given: (@Sendable () -> VouchersFile?)?
      if let begun { given = { @Sendable in begun } }
      let committed = try store.commit(r, previousChain: LedgerStore.zeroChain, places: 2, prewrittenVouchers: given)
      return (try String(contentsOfFile: dir + "/runs/000001/manifest", encoding: .utf8), try DurableFiles.read(dir + "/runs/000001/vouchers.csv"), Array(committed.places), dir)
    }
    let whole = try commit(begun: nil)
    let scratch = directory()
    try DurableFiles.makeDirectory(scratch)
    // -1: a voucher the record does not have at its place; -2: more vouchers than the record's; -3: another
    // run; -4: the last in its place, the first not.
    let file = try VouchersFile(path: scratch + "/vouchers.csv", run: begun == -3 ? 2 : 1)
    let written: [Voucher]
    switch begun {
    case -1: written = [r.vouchers[1], r.vouchers[0]]
    case -4: written = [r.vouchers[2], r.vouchers[1]]
    case -2: written = Array(r.vouchers) + [r.vouchers[0]]
    case -3: written = Array(r.vouchers[..<2])
    default: written = Array(r.vouchers[..<begun])
    }
    for v in written { try file.write(v) }
    #expect(file.isBeginning(of: r.vouchers, run: 1) == (begun >= 0))
    let continued = try commit(begun: file)
    #expect(continued.bytes == whole.bytes)
    #expect(continued.places == whole.places && whole.places.count == 4)
    #expect(continued.manifest.components(separatedBy: "\n").filter { $0.hasPrefix("file vouchers.csv") } == whole.manifest.components(separatedBy: "\n").filter { $0.hasPrefix("file vouchers.csv") })
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty, "the begun file is adopted or removed")
  }

  /// Many vouchers left to write go on two threads, in blocks (``VouchersFile/write(_:from:)``): the same
  /// bytes and places as one writer going through them all, for counts around a block's, whether the
  /// commit writes the file whole or continues one begun beforehand (which is then adopted, not left), and
  /// whether the vouchers are held as values or encoded on the shelf (a large run's: the plain ones are
  /// written from where they lie).
  @Test(arguments: [0, 1, 2 * VouchersFile.block - 1, 2 * VouchersFile.block + 1, 5 * VouchersFile.block + 3], [false, true])
  func manyVouchersAreWrittenInBlocksAsOneWriterWritesThem(count: Int, encoded: Bool) throws {
    var r = record(1)
    let first = r.vouchers[0]
    let vouchers = (0..<count + 3).map { i in
      var v = first
      v.no = "PR-\(i)"
      if i % 7 == 3 { v.items.append(v.items[0]) }  // vouchers of several rows among them
      if i % 11 == 5 { v.items[0].batchNo = "B-\(i)" }  // and some with rare fields, written as values
      return v
    }
    if encoded {
      let shelf = VoucherShelf(holding: 0)
      shelf.append(contentsOf: vouchers)
      r.vouchers = VoucherList(shelf: shelf, range: 0..<vouchers.count)
    } else {
      r.vouchers = VoucherList(vouchers)
    }
    var expected = ByteWriter(guardsFormulas: false)
    expected.texts(LedgerFormat.voucherHeader)
    expected.endRow()
    let header = expected.count
    var ends: [Int] = []
    for v in r.vouchers {
      LedgerFormat.write(v, into: &expected)
      ends.append(expected.count)
    }
    for begun in [nil, 0, 3] as [Int?] {
      let dir = directory(), scratch = directory()
      try DurableFiles.makeDirectory(dir)
      try DurableFiles.makeDirectory(scratch)
      var given: (@Sendable () -> VouchersFile?)?
      if let begun {
        let file = try VouchersFile(path: scratch + "/vouchers.csv", run: 1)
        for v in r.vouchers.prefix(begun) { try file.write(v) }
        given = { @Sendable in file }
      }
      let committed = try LedgerStore(directory: dir).commit(r, previousChain: LedgerStore.zeroChain, places: 2, prewrittenVouchers: given)
      let what = begun.map { "\($0) begun" } ?? "written whole"
      #expect(try DurableFiles.read(dir + "/runs/000001/vouchers.csv") == expected.bytes, "\(what)")
      // Each voucher's place is its rows' bytes, one after another.
      let places = Array(committed.places)
      #expect(places.map(\.end) == ends && places.first?.start == header, "\(what)")
      #expect(zip(places.dropFirst(), places).allSatisfy { $0.start == $1.end }, "\(what)")
      #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty, "\(what): the begun file is adopted")
    }
  }

  /// A record whose entries (or GL lines) were rendered ahead and not kept commits only by adopting the
  /// run's stock.csv (or gl.csv) written beside the posting: without it, with a file of other rows, or after
  /// the writer failed, the commit fails saying why, and HEAD is as it was, so the run changes nothing and
  /// its input stays in the inbox for the next run.
  @Test(arguments: ["stock.csv", "gl.csv"], ["missing", "wrong rows", "writer failed"])
  func rowsNotKeptCommitOnlyWithTheirFile(file: String, case kind: String) throws {
    let dir = directory()
    let store = LedgerStore(directory: dir)
    let first = try store.commit(record(1), previousChain: LedgerStore.zeroChain, places: 2).chain
    var r = record(2)
    let posted: Int
    if file == "stock.csv" {
      (posted, r.streamedEntryCount, r.entries) = (r.entries.count, r.entries.count, [])
    } else {
      (posted, r.streamedGLCount, r.gl) = (r.gl.count, r.gl.count, [])
    }
    var prewritten: (@Sendable () -> PrewrittenRunFiles?)?
    var expected = "it was not written"
    if kind == "wrong rows" {
      let ahead = try StreamedFile(path: dir + "/ahead-" + file)
      ahead.append(Array("posting_date\n".utf8))
      let closed = (try ahead.closeHashed(), posted + 1)
      let files = file == "stock.csv" ? PrewrittenRunFiles(stock: closed, gl: nil) : PrewrittenRunFiles(stock: nil, gl: closed)
      prewritten = { @Sendable in files }
      expected = "it holds \(posted + 1) rows, not the \(posted) the run posted"
    } else if kind == "writer failed" {
      let files = PrewrittenRunFiles(stock: nil, gl: nil, failure: "ledger/\(file): No space left on device")
      prewritten = { @Sendable in files }
      expected = "ledger/\(file): No space left on device"
    }
    var message = ""
    do { _ = try store.commit(r, previousChain: first, places: 2, prewritten: prewritten) } catch { message = error.description }
    let what = file == "stock.csv" ? "stock entries" : "GL lines"
    #expect(posted > 0)
    #expect(message.contains("/runs/000002/\(file): the run's \(what) went to this file as they were posted and were not kept, and it cannot be used: \(expected). Nothing was committed"), "\(message)")
    let ledger = try store.load()
    #expect(ledger.runCount == 1 && ledger.chainHead == first)
  }

  /// A committed stock or GL file is read record by record: every line as the whole file's parse gave it,
  /// the first unreadable line named (with its place for `verify`), and a file the parser cannot read
  /// failing as such, whatever an earlier line holds.
  @Test func committedFilesAreReadRecordByRecordWithTheFirstProblemNamed() throws {
    let r = record(1)
    func file(_ header: [String], _ rows: [(inout ByteWriter) -> Void]) -> [UInt8] {
      var w = ByteWriter(guardsFormulas: false)
      w.texts(header)
      w.endRow()
      for row in rows {
        row(&w)
        w.endRow()
      }
      return w.bytes
    }
    let entry: (inout ByteWriter) -> Void = { LedgerFormat.write(r.entries[0], places: 2, into: &$0); $0.text("") }
    let cancelled: (inout ByteWriter) -> Void = { LedgerFormat.write(r.entries[0], places: 2, into: &$0); $0.text("1") }
    let line: (inout ByteWriter) -> Void = { LedgerFormat.write(r.gl[0], places: 2, into: &$0) }
    let bad: (inout ByteWriter) -> Void = { $0.texts(["not", "an", "entry"]) }
    var part = LedgerStore.FilePart()
    try LedgerStore.parse(file: "stock.csv", bytes: file(LedgerFormat.stockFileColumns, [entry, cancelled]), path: "s", run: 1, tolerant: false, into: &part)
    try LedgerStore.parse(file: "gl.csv", bytes: file(LedgerFormat.glColumns, [line, line, line]), path: "g", run: 1, tolerant: false, into: &part)
    #expect(part.stock.map(\.entry) == [r.entries[0], nil] && part.stock.map(\.key) == Array(repeating: LedgerContents.entryKey("PR-1", 0), count: 2))
    #expect(part.gl == Array(repeating: r.gl[0], count: 3) && part.glPlaces.isEmpty)
    var failed = LedgerStore.FilePart()
    #expect {
      try LedgerStore.parse(file: "stock.csv", bytes: file(LedgerFormat.stockFileColumns, [entry, bad, entry, bad]), path: "s.csv", run: 1, tolerant: true, into: &failed)
    } throws: { ($0 as? IntegrityError)?.description.contains("s.csv:3") == true && "\($0)".contains("unreadable stock ledger entry") }
    // An ordinary load names the line it cannot read too (it keeps no place for the others).
    #expect {
      try LedgerStore.parse(file: "gl.csv", bytes: file(LedgerFormat.glColumns, [line, line, bad]), path: "g.csv", run: 1, tolerant: false, into: &failed)
    } throws: { "\($0)".contains("g.csv:4") && "\($0)".contains("unreadable GL line") }
    // An unterminated quote on the last line: the parser's error, not the unreadable line before it.
    var quote = file(LedgerFormat.glColumns, [line, bad])
    quote += Array("\"open,".utf8)
    #expect {
      try LedgerStore.parse(file: "gl.csv", bytes: quote, path: "g.csv", run: 1, tolerant: true, into: &failed)
    } throws: { !"\($0)".contains("unreadable GL line") }
  }

  /// A few vouchers' entries and GL lines found in the committed files are what the whole load holds of
  /// them: the latest version of an entry, none of a cancelled one, the GL lines in ledger order — and
  /// nothing of a voucher whose number only begins the same.
  /// Three runs in `store`: PR-1 posted, PR-12 posted, then a run that revalues PR-1 (a new version of its
  /// entry, an adjustment line with `remarks`) and cancels PR-12's entry (and, `cancelling`, says so with
  /// a cancellation voucher). PR-1's revalued entry.
  func revaluingAndCancelling(_ store: LedgerStore, remarks: String, cancelling: Bool = false) throws -> StockLedgerEntry {
    let first = record(1)
    var second = record(12)
    second.run = 2
    var chain = try store.commit(first, previousChain: LedgerStore.zeroChain, places: 2).chain
    chain = try store.commit(second, previousChain: chain, places: 2).chain
    var revalued = first.entries[0]
    revalued.stockValueDifference = Fixed(parsing: "0.90") ?? .zero
    var adjustment = first.gl[0]
    adjustment.debit = Fixed(parsing: "0.07") ?? .zero
    adjustment.isAdjustment = true
    adjustment.remarks = remarks
    var cancel = Voucher(type: .purchaseReceipt, no: "PR-12", date: second.vouchers[0].date, source: SourceLocation(file: "c.csv", line: 2))
    cancel.action = .cancel
    var third = RunRecord(run: 3, vouchers: cancelling ? [cancel] : [], entries: [revalued], gl: [adjustment], files: [], moves: [])
    third.cancelledEntries = second.entries
    _ = try store.commit(third, previousChain: chain, places: 2)
    return revalued
  }

  @Test func storedLinesOfAFewVouchersAreWhatTheLoadHolds() throws {
    let store = LedgerStore(directory: directory())
    // (The other number as a field of the quoted remark.)
    _ = try revaluingAndCancelling(store, remarks: "revaluation,PR-12,after a backdated entry")
    let ledger = try store.load()
    // (Read in parts of 1, 7 and 64 bytes too: lines straddle them.)
    for numbers in [["PR-1"], ["PR-12"], ["PR-1", "PR-12"]] {
      for part in [1, 7, 64, LedgerStore.searchedPart] {
        let found = try #require(store.storedLines(of: Set(numbers), part: part))
        #expect(found.entries == ledger.entries.filter { numbers.contains($0.value.voucherNo) }, "\(numbers) \(part)")
        #expect(found.gl == ledger.gl.filter { numbers.contains($0.voucherNo) }, "\(numbers) \(part)")
      }
    }
    // More numbers than are searched for one by one: read from every line's number field, the same lines.
    let many = Set(["PR-1", "PR-12"] + (100..<110).map { "PR-\($0)" })
    #expect(many.count > LedgerStore.searchedOneByOne)
    for part in [7, LedgerStore.searchedPart] {
      let found = try #require(store.storedLines(of: many, part: part))
      #expect(found.entries == ledger.entries.filter { many.contains($0.value.voucherNo) }, "\(part)")
      #expect(found.gl == ledger.gl.filter { many.contains($0.voucherNo) }, "\(part)")
      #expect(found.gl.count == 3)
    }
    #expect(store.storedLines(of: ["PR-1"])?.entries.values.map(\.stockValueDifference) == [Fixed(parsing: "0.90") ?? .zero])
    #expect(store.storedLines(of: ["PR-1"])?.gl.count == 2)
    #expect(store.storedLines(of: ["PR-12"])?.entries.isEmpty == true)
    // Numbers a file would write quoted or guarded are not searched for.
    #expect(store.storedLines(of: ["PR,1"]) == nil)
    #expect(store.storedLines(of: ["-PR1"]) == nil)
  }

  /// The ledger read a part at a time for `verify` holds what the whole load holds, as digests: every
  /// voucher in ledger order, each current entry by its key (the latest version, cancelled ones left out),
  /// each voucher's GL; a file that differs from its manifest is read all the same and named.
  @Test func theStreamedLedgerIsTheLoadsAsDigests() throws {
    let dir = directory()
    let store = LedgerStore(directory: dir)
    // (A quoted remark across two lines.)
    let revalued = try revaluingAndCancelling(store, remarks: "revaluation,\nafter a backdated entry", cancelling: true)
    let ledger = try store.load()
    var scratch = ByteWriter(guardsFormulas: false, capacity: 256)
    var weights: [AccountName: UInt64] = [:]
    var net: [UInt64: UInt64] = [:], whole: UInt64 = 0
    for g in ledger.gl {
      net[StreamedLedger.numberDigest(g.voucherNo), default: 0] &+= StreamedLedger.term(g, weights: &weights)
      whole &+= StreamedLedger.term(g, number: StreamedLedger.numberDigest(g.voucherNo), weights: &weights)
    }
    // Where PR-1's revalued entry is: its line in the third run's stock.csv (beside PR-12's cancelled one).
    let third3 = try String(contentsOfFile: dir + "/runs/000003/stock.csv", encoding: .utf8).split(separator: "\n")
    let revaluedLine = try #require(third3.firstIndex { $0.contains(",PR-1,") }) + 1
    #expect(third3.count == 3)
    for part in [1, 7, 64, LedgerStore.searchedPart] {
      var vouchers: [Voucher] = [], lines: [GLEntry] = []
      let s = try store.streamed(places: 2, part: part, byVoucher: true, placing: true, vouchers: { vouchers += $0 }, gl: { lines.append($0) })
      #expect(vouchers.map(\.no) == ledger.vouchers.map(\.no) && vouchers.map(\.action) == ledger.vouchers.map(\.action), "part \(part)")
      #expect(lines == ledger.gl, "part \(part)")
      #expect(s.entries.count == ledger.entries.count && s.entries.count == 1, "part \(part)")
      for (_, e) in ledger.entries {
        #expect(s.entries[StreamedLedger.EntryKey(e.voucherNo, e.index)] == StreamedLedger.fieldsDigest(e, places: 2, scratch: &scratch), "part \(part)")
      }
      #expect(s.gl == net && s.glDigest == whole && s.cancelled == ["PR-12"] && s.damage.isEmpty, "part \(part)")
      #expect((s.runCount, s.chainHead, s.voucherCount, s.glLines) == (3, ledger.chainHead, 3, ledger.gl.count))
      // Where each voucher is in its run's vouchers.csv, as the whole load finds it.
      let places = s.voucherPlaces.flatMap { $0.map { [$0.run, $0.start, $0.end] } }
      #expect(places == ledger.voucherPlaces.map { [$0.run, $0.start, $0.end] } && places.count == 3, "part \(part): \(places)")
    }
    // Each voucher's lines read again with their places, and a line found by its number.
    #expect(store.glLines(of: "PR-1").map(\.line) == ledger.gl.filter { $0.voucherNo == "PR-1" })
    #expect(store.glLines(of: "PR-1").last?.place == dir + "/runs/000003/gl.csv:2")
    // The current entries read again with their places: PR-1's revalued version (PR-12's was cancelled).
    let current = store.currentEntries { _ in true }
    #expect(current.count == 1 && current.values.first?.entry == revalued && current.values.first?.place == dir + "/runs/000003/stock.csv:\(revaluedLine)")
    // A file changed: named, and read all the same.
    let path = dir + "/runs/000002/gl.csv"
    try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "0.83", with: "0.84").write(toFile: path, atomically: true, encoding: .utf8)
    let changed = try store.streamed(places: 2, vouchers: { _ in }, gl: { _ in })
    #expect(changed.damage.map(\.place) == [path])
    #expect(changed.voucherPlaces.isEmpty)  // (found only when asked for)
    #expect(changed.glDigest != whole && changed.gl.isEmpty)  // (by voucher only when asked for)
  }

  @Test func aChangedFileBreaksTheChain() throws {
    let dir = directory()
    let store = LedgerStore(directory: dir)
    _ = try store.commit(record(1), previousChain: LedgerStore.zeroChain, places: 2).chain
    let path = dir + "/runs/000001/gl.csv"
    let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "0.83", with: "0.84")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: IntegrityError.self) { try store.load() }
    let tolerant = try store.load(tolerant: true)
    #expect(tolerant.damage.map(\.place) == [path])
  }

  @Test func anUncommittedRunIsQuarantined() throws {
    let dir = directory()
    let store = LedgerStore(directory: dir)
    _ = try store.commit(record(1), previousChain: LedgerStore.zeroChain, places: 2).chain
    // A run that wrote its files but never replaced HEAD.
    try FileManager.default.createDirectory(atPath: dir + "/runs/000002", withIntermediateDirectories: true)
    try "half".write(toFile: dir + "/runs/000002/stock.csv", atomically: true, encoding: .utf8)
    try "tmp".write(toFile: dir + "/.HEAD.tmp-123", atomically: true, encoding: .utf8)
    let notes = try store.recover()
    #expect(notes.count == 1)
    #expect(FileManager.default.fileExists(atPath: dir + "/quarantine/run-000002/stock.csv"))
    #expect(!FileManager.default.fileExists(atPath: dir + "/.HEAD.tmp-123"))
    #expect(try store.load().runCount == 1)
  }

  @Test func theLockIsExclusive() throws {
    let store = LedgerStore(directory: directory())
    let first = try store.lock()
    #expect(first != nil)
    let second = try store.lock()
    #expect(second == nil)
    withExtendedLifetime(first) {}
  }
}

@Suite struct LedgerFormatTests {
  @Test func theFastVoucherWriterWritesTheCanonicalRows() {
    let day = BusinessDate(year: 2026, month: 5, day: 1) ?? BusinessDate(dayNumber: 0)
    var v = Voucher(type: .stockEntry, no: "SE, 1", date: day, time: BusinessTime(seconds: 45296), source: SourceLocation(file: "x", line: 1))
    v.purpose = .repack
    v.remarks = "=\"quoted\""
    var a = ItemRow(line: 2, itemCode: "A")
    a.sourceWarehouse = "Stores"
    a.qty = Fixed(parsing: "1.25")
    a.serialNos = ["S1", "S2"]
    a.batchExpiryDate = day
    var b = ItemRow(line: 3, itemCode: "B")
    b.targetWarehouse = "FG"
    b.qty = Fixed(4)
    b.isFinishedItem = true
    b.rate = Fixed(parsing: "0.000000001")
    v.items = [a, b]
    v.additionalCosts = [ChargeRow(line: 4, account: "Expenses", amount: Fixed(12), category: .valuation)]
    var cancel = Voucher(type: .purchaseReceipt, no: "PR-9", date: day, source: SourceLocation(file: "x", line: 1))
    cancel.action = .cancel
    // Without a box of rare fields, its rows without extras (their columns counted blank unread), but for
    // one whose only extra is a quantity too wide to pack.
    var plain = Voucher(type: .stockEntry, no: "SE-2", date: day, source: SourceLocation(file: "x", line: 7))
    plain.purpose = .materialTransfer
    plain.party = "Party"
    plain.isReturn = true
    plain.updateStock = true
    var moved = ItemRow(line: 7, itemCode: "A")
    moved.sourceWarehouse = "Stores"
    moved.targetWarehouse = "Shop"
    moved.qty = Fixed(3)
    moved.rate = Fixed(parsing: "2.5")
    var wide = ItemRow(line: 8, itemCode: "B")
    wide.warehouse = "Stores"
    wide.qty = Fixed(parsing: "12345678901.5")
    wide.isScrapItem = true
    plain.items = [moved, wide]
    #expect(plain.leavesRareFieldsBlank && moved.leavesExtrasBlank && !wide.leavesExtrasBlank && !v.leavesRareFieldsBlank)
    for voucher in [v, cancel, plain] {
      var fast = ByteWriter(guardsFormulas: false)
      LedgerFormat.write(voucher, into: &fast)
      var slow = CSVWriter(guardsFormulas: false)
      for r in LedgerFormat.voucherRows(voucher) { slow.row(r) }
      #expect(String(decoding: fast.bytes, as: UTF8.self) == slow.text)
    }
  }

  /// Every column set, on a row with every item field and a sparse one: the fixed sequence the writer
  /// uses is the layout's order.
  @Test func aVoucherRowHasEveryColumnInTheLayoutOrder() {
    let day = BusinessDate(year: 2026, month: 3, day: 1)!
    var v = Voucher(type: .stockEntry, no: "SE-1", date: day, time: BusinessTime(seconds: 3_723), source: SourceLocation(file: "a.csv", line: 2))
    v.action = .submit
    v.purpose = .manufacture
    v.party = "Party"
    v.isReturn = true
    v.returnAgainst = "SE-0"
    v.updateStock = true
    v.againstVoucher = "WO-1"
    v.remarks = "=a remark"
    var full = ItemRow(line: 2, itemCode: "FG")
    full.barcode = "4006381333931"
    full.warehouse = "W"
    full.sourceWarehouse = "Stores"
    full.targetWarehouse = "Finished Goods"
    full.isFinishedItem = true
    full.isScrapItem = true
    full.qty = Fixed(parsing: "2.5")
    full.uom = "Box"
    full.conversionFactor = Fixed(12)
    full.rate = Fixed(parsing: "0.125")
    full.batchNo = "LOT-1"
    full.batchExpiryDate = day.adding(days: 300)
    full.batchManufacturingDate = day.adding(days: -3)
    full.serialNos = ["S1", "S2"]
    full.expenseAccount = "Expenses"
    full.incomeAccount = "Sales"
    full.costCenter = "Main"
    var sparse = ItemRow(line: 3, itemCode: "RM")
    sparse.sourceWarehouse = "Stores"
    v.items = [full, sparse]
    let written = Self.text { LedgerFormat.write(v, into: &$0) }
    let byColumn = Self.text { w in for r in LedgerFormat.voucherRows(v) { w.texts(r); w.endRow() } }
    #expect(written == byColumn)
    #expect(LedgerFormat.voucherRows(v).allSatisfy { $0.count == VoucherColumn.allCases.count })
    // A voucher with only its header fields and a tax row takes the general way, the same text.
    var taxed = Voucher(type: .purchaseReceipt, no: "PR-1", date: day, source: SourceLocation(file: "a.csv", line: 5))
    taxed.items = [sparse]
    taxed.taxes = [ChargeRow(line: 6, account: "VAT", amount: Fixed(3))]
    #expect(Self.text { LedgerFormat.write(taxed, into: &$0) } == Self.text { w in for r in LedgerFormat.voucherRows(taxed) { w.texts(r); w.endRow() } })
  }

  /// A plain voucher the shelf encoded is written from where it lies (the run's `vouchers.csv` at ten
  /// million vouchers): the bytes its decoded self gives, with formulas guarded or not — quoting, a
  /// formula-like and a non-ASCII party, each flag, a purpose, a cancellation and a close, transfers,
  /// finished and scrap rows, a blank quantity or rate, several rows. One with rare fields or a row with
  /// extras, or without rows, is not plain and not read so.
  @Test func aPlainVoucherReadWhereItLiesWritesItsDecodedRows() {
    let day = BusinessDate(year: 2026, month: 5, day: 1)!
    func voucher(_ no: String, _ type: VoucherType = .purchaseReceipt, rows: Int = 1, _ edit: (inout Voucher) -> Void = { _ in }) -> Voucher {
      var v = Voucher(type: type, no: no, date: day.adding(days: rows), time: BusinessTime(seconds: 3_600 * rows + 7), source: SourceLocation(file: "a.csv", line: 2))
      v.items = (0..<rows).map { k in
        var r = ItemRow(line: 2 + k, itemCode: "ITEM\(k)")
        r.warehouse = k % 2 == 0 ? "Stores" : ""
        r.qty = Fixed(k + 1)
        r.rate = Fixed(parsing: "1.125")
        return r
      }
      edit(&v)
      return v
    }
    let plain = [
      voucher("PR-1") { $0.party = "Acme, \"Inc.\"" },
      voucher("PR-2") { $0.party = "=HYPERLINK(1)" },
      voucher("DN-1", .deliveryNote) { $0.party = "Café Zoë"; $0.isReturn = true; $0.items[0].rate = nil },
      voucher("SE-1", .stockEntry, rows: 3) { v in
        v.purpose = .repack
        v.updateStock = true
        v.items[0].warehouse = ""
        v.items[0].sourceWarehouse = "Stores"
        v.items[1].targetWarehouse = "Finished Goods"
        v.items[1].isFinishedItem = true
        v.items[2].isScrapItem = true
        v.items[2].qty = nil
      },
      voucher("-5") { $0.action = .cancel },
      voucher("PO-1", .purchaseOrder) { $0.action = .close },
    ]
    let notPlain = [
      voucher("PR-9") { $0.remarks = "a remark" },
      voucher("PR-10") { $0.items[0].batchNo = "LOT-1" },
      voucher("PR-11") { $0.items = [] },
    ]
    let shelf = VoucherShelf(holding: 0)
    shelf.append(contentsOf: plain + notPlain)
    var reader = VoucherShelf.Reader(shelf)
    var e = EncodedVoucher()
    for guards in [false, true] {
      for (p, v) in (plain + notPlain).enumerated() {
        var (fast, decoded) = (ByteWriter(guardsFormulas: guards), ByteWriter(guardsFormulas: guards))
        let read = reader.withPlain(p, into: &e) { LedgerFormat.write($0, into: &fast) }
        #expect(read == (p < plain.count), "\(v.no)")
        guard read else { continue }
        LedgerFormat.write(shelf[p], into: &decoded)
        #expect(String(decoding: fast.bytes, as: UTF8.self) == String(decoding: decoded.bytes, as: UTF8.self), "\(v.no)")
        #expect(shelf[p] == v)
      }
    }
  }

  static func text(_ write: (inout ByteWriter) -> Void) -> String {
    var w = ByteWriter(guardsFormulas: true)
    write(&w)
    return String(decoding: w.bytes, as: UTF8.self)
  }
}

/// A run's places are kept as 32-bit ends: read back, each is the place appended, also past 4 GB (where
/// the low bits wrap, once or at several vouchers in a row of large ones) and from a first voucher that
/// does not begin at 0.
@Suite struct VoucherPlacesTests {
  @Test func placesReadBackAsAppendedPastFourGigabytes() {
    var places = VoucherPlaces(run: 7)
    var expected: [VoucherPlace] = []
    var at = 143  // after the header
    let lengths = [120, 95, (1 << 32) - 1, 3, 1 << 31, 1 << 31, 1 << 31, 0, 77, (1 << 32) - 200, 500]
    for n in lengths {
      places.append(start: at, end: at + n)
      expected.append(VoucherPlace(run: 7, start: at, end: at + n))
      at += n
    }
    #expect(places.count == lengths.count)
    #expect(Array(places) == expected)
    #expect(places.indices.reversed().map { places[$0] } == expected.reversed())
    #expect(places.last?.end == 143 + lengths.reduce(0, +))
  }
}
