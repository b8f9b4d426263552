import Foundation
import TestSupport
import Testing
@testable import StockCore

/// A run keeps its vouchers on a `VoucherShelf`: as values up to a budget, encoded past it (spilled to a
/// file). Every field of every voucher must come back as it was put (`Voucher ==` compares them all,
/// the source included), however it was put (one by one, or many encoded on both cores), wherever it is
/// (held, in memory, in the file), read on its own or in order; and lists of them keep their order.
@Suite struct VoucherShelfTests {
  /// A voucher with every field set that can be: rare fields, tax and cost rows, an XML place, item rows
  /// with every extra (serials, batch dates, accounts), a blank quantity, a quantity too wide to pack.
  static func full(_ no: String, file: String = "full.xml") -> Voucher {
    var v = Voucher(type: .stockEntry, no: no, date: BusinessDate(year: 2026, month: 2, day: 28)!, time: BusinessTime(seconds: 86_399),
                    source: SourceLocation(file: file, line: 41, column: 7, element: "voucher"))
    v.action = .cancel
    v.purpose = .repack
    v.party = "Entrepôt de Lyon — quai 7"
    v.isReturn = true
    v.updateStock = true
    v.returnAgainst = "SE-0"
    v.againstVoucher = "PO-9"
    v.remarks = "all the fields"
    v.taxes = [ChargeRow(line: 42, account: "VAT", taxRate: Fixed(parsing: "19.5")!, category: .valuationAndTotal),
               ChargeRow(line: 43, account: "Duty", amount: Fixed(parsing: "-12.34")!, category: .valuation)]
    v.additionalCosts = [ChargeRow(line: 44, account: "Freight", amount: Fixed(7))]
    v.additionalCosts[0].remarks = "by road"
    var a = ItemRow(line: 41, itemCode: "RM0001")
    a.sourceWarehouse = "Stores"
    a.qty = Fixed(raw: Int128(Int64.max) * 3)  // wide: kept beside the row
    a.rate = Fixed(parsing: "0.000000001")!
    a.isScrapItem = true
    a.barcode = "4006381333931"
    a.uom = "Box"
    a.conversionFactor = Fixed(12)
    a.batchNo = "B-7"
    a.batchExpiryDate = BusinessDate(year: 2027, month: 1, day: 1)
    a.batchManufacturingDate = BusinessDate(year: 2025, month: 12, day: 31)
    a.expenseAccount = "Stock Adjustment"
    a.incomeAccount = "Sales"
    a.costCenter = "Main"
    a.remarks = "row remark"
    a.serialNos = ["SN-1", "SN-2", "SN-\(no)"]
    var b = ItemRow(line: 45, itemCode: "FG0001")
    b.targetWarehouse = "Finished Goods"
    b.warehouse = "Stores"
    b.isFinishedItem = true
    b.qty = nil
    b.rate = Fixed(parsing: "-3.5")!
    v.items = [a, b]
    return v
  }

  /// A plain receipt, as most of a run's vouchers are (one row, no extras), dated by `day`.
  static func plain(_ n: Int, file: String) -> Voucher {
    var v = Voucher(type: .purchaseReceipt, no: "PR-\(n)", date: BusinessDate(dayNumber: 19_000 + n % 400), time: BusinessTime(seconds: n % 86_400),
                    source: SourceLocation(file: file, line: n + 2))
    v.party = "Supplier \(n % 17)"
    var row = ItemRow(line: n + 2, itemCode: "ITEM\(n % 997)")
    row.warehouse = "WH\(n % 9)"
    row.qty = Fixed(n % 50 + 1)
    row.rate = n % 5 == 0 ? nil : Fixed(raw: Int128(n) * 1_000_000)
    v.items = [row]
    return v
  }

  @Test func everyFieldDecodesAsEncoded() throws {
    let files = ["other.csv", "full.xml", "a.csv", ""]
    for v in [Self.full("SE-1"), Self.plain(7, file: "a.csv"), Voucher(type: .stockReconciliation, no: "", date: BusinessDate(dayNumber: -3), source: SourceLocation(file: "", line: 0))] {
      var w = BinaryWriter()
      v.encode(file: files.firstIndex(of: v.source.file)!, into: &w)
      let (back, atEnd) = try w.bytes.withUnsafeBytes { bytes in
        var r = RawByteReader(bytes)
        return (try Voucher(decoding: &r, files: files), r.isAtEnd)
      }
      #expect(back == v && atEnd, "\(v.no)")
      let (backQty, qty): ([Fixed?], [Fixed?]) = (back.items.map(\.qty), v.items.map(\.qty))
      #expect(backQty == qty && back.remarks == v.remarks && back.source.element == v.source.element)
      // Damaged: cut short anywhere, it is an error, not a crash.
      for cut in stride(from: 0, to: w.bytes.count, by: 3) {
        let short = Array(w.bytes.prefix(cut))
        #expect(throws: BinaryFormatError.self) {
          try short.withUnsafeBytes { bytes in
            var r = RawByteReader(bytes)
            _ = try Voucher(decoding: &r, files: files)
          }
        }
      }
    }
  }

  /// Held up to the budget, the rest encoded — one by one and in bulk (both cores past 2,000, twice: the
  /// second half's log reused), in memory or spilled at every record, with one part or several being
  /// written at once; and again once all are put (the parts in flight landed, ``releaseDatesAndTimes()``).
  @Test(arguments: [(Int.max, nil, 1), (0, nil, 1), (3, nil, 1), (0, 1, 1), (0, 1, 5), (2_500, 64, 1), (2_500, 64, 8), (0, 4096, 3)] as [(Int, Int?, Int)])
  func vouchersReadBackAsPut(holding: Int, spillEvery: Int?, inFlight: Int) throws {
    let dir = Scratch.directory("shelf")
    let shelf = spillEvery.map { VoucherShelf(holding: holding, spillingTo: dir, every: $0, inFlight: inFlight) } ?? VoucherShelf(holding: holding)
    var put: [Voucher] = [Self.full("SE-1"), Self.plain(1, file: "a.csv")]
    #expect(shelf.append(put[0]) == 0 && shelf.append(put[1]) == 1)
    let bulk = (0..<5_000).map { $0 % 1_000 == 3 ? Self.full("SE-\($0)", file: "b.csv") : Self.plain($0, file: $0 < 2_600 ? "b.csv" : "c.csv") }
    #expect(shelf.append(contentsOf: bulk) == 2..<5_002)
    put += bulk
    #expect(shelf.append(contentsOf: Array(put.prefix(10))) == 5_002..<5_012)
    put += put.prefix(10)
    let again = (0..<3_001).map { $0 % 500 == 7 ? Self.full("SE-\($0)", file: "d.xml") : Self.plain(9_000 + $0, file: "d.csv") }
    #expect(shelf.append(contentsOf: again) == 5_012..<8_013)
    put += again
    #expect(shelf.count == put.count && shelf.heldVouchers.count == min(holding, put.count) && shelf.encodes == (holding < put.count))
    var reader = VoucherShelf.Reader(shelf)
    var wrong: [Int] = []
    for (p, v) in put.enumerated() where reader.voucher(p) != v || shelf.date(p) != v.date || shelf.time(p) != v.time { wrong.append(p) }
    for p in stride(from: put.count - 1, through: 0, by: -97) where shelf[p] != put[p] { wrong.append(p) }
    #expect(wrong.isEmpty, "positions read back otherwise: \(wrong.prefix(10))")
    // A decoded voucher's file is one string per file.
    #expect(Set((0..<put.count).map { shelf[$0].source.file }) == ["full.xml", "a.csv", "b.csv", "c.csv", "d.xml", "d.csv"])
    shelf.releaseDatesAndTimes()
    var settled = VoucherShelf.Reader(shelf)
    let wrongSettled = put.indices.filter { settled.voucher($0) != put[$0] }
    #expect(wrongSettled.isEmpty, "positions read back otherwise once all are put: \(wrongSettled.prefix(10))")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  /// Vouchers put with their keys (made by the caller as it validated them) read back as those put
  /// without: taken whole as the first vouchers of a shelf that holds them all, put one by one (held or
  /// encoded) when others came first or the budget is smaller.
  @Test(arguments: [Int.max, 0, 2_500]) func vouchersPutWithTheirKeysReadBackAsPut(holding: Int) {
    let first = (0..<3_000).map { $0 % 700 == 1 ? Self.full("SE-\($0)", file: "a.xml") : Self.plain($0, file: "a.csv") }
    let second = (3_000..<3_100).map { Self.plain($0, file: "b.csv") }
    let shelf = VoucherShelf(holding: holding)
    #expect(shelf.append(contentsOf: first, keys: first.map { VoucherShelf.key(of: $0) }) == 0..<3_000)
    #expect(shelf.append(contentsOf: second, keys: second.map { VoucherShelf.key(of: $0) }) == 3_000..<3_100)
    let put = first + second
    #expect(shelf.count == put.count && shelf.heldVouchers.count == min(holding, put.count))
    var reader = VoucherShelf.Reader(shelf)
    let wrong = put.indices.filter { reader.voucher($0) != put[$0] || shelf.date($0) != put[$0].date || shelf.time($0) != put[$0].time }
    #expect(wrong.isEmpty, "positions read back otherwise: \(wrong.prefix(10))")
  }

  /// A run's accepted list is its shelf in order with a few vouchers as the engine filled them in, held in
  /// place of theirs: it stays a range (no slots) while the positions follow on, reads back the held ones
  /// where they stand — in order, by index, sketched, filtered, without its first, joined — and, once a
  /// position does not follow on, keeps them as it turns into slots.
  @Test(arguments: [Int.max, 0]) func vouchersHeldInPlaceOfTheirsKeepTheirPlace(holding: Int) {
    let shelf = VoucherShelf(holding: holding)
    let put = (0..<200).map { Self.plain($0, file: "a.csv") }
    shelf.append(contentsOf: put)
    var list = VoucherList(shelf: shelf)
    var want: [Voucher] = []
    for p in 5..<150 {
      if p % 37 == 0 || p == 5 || p == 149 {
        var filled = put[p]
        filled.items[0].batchNo = "B-\(p)"
        list.append(filled, replacing: p)
        want.append(filled)
      } else {
        list.append(position: p)
        want.append(put[p])
      }
    }
    #expect(list.position(0) == nil && list.position(1) == 6 && list.position(37 - 5) == nil && list.position(144) == nil)
    #expect(Array(list) == want && list.indices.map { list[$0] } == want)
    var sketched: [String] = []
    list.forEachSketch { _, v in sketched.append(v.no) }
    #expect(sketched == want.map(\.no))
    #expect(Array(list.filter { $0.no.hasSuffix("4") }) == want.filter { $0.no.hasSuffix("4") })
    #expect(Array(list.dropping(first: 30)) == Array(want.dropFirst(30)))
    var joined = VoucherList(shelf: shelf, range: 0..<5)
    joined.append(contentsOf: list)
    #expect(Array(joined) == Array(put[0..<5]) + want)
    // A position that does not follow on: slots, the held ones kept where they stand.
    list.append(position: 170)
    var filled = put[180]
    filled.items[0].batchNo = "B-180"
    list.append(filled, replacing: 180)
    want += [put[170], filled]
    #expect(Array(list) == want && list.position(0) == nil && list.position(145) == 170 && list.position(146) == nil)
  }

  /// A large run's vouchers the engine filled in are encoded on a shelf of their own as they post (in
  /// memory, or spilled at every few bytes), and its accepted list names them there
  /// (``VoucherList/init(shelf:encodingOwnOn:)``), as well as values it is given (a cancellation, one in
  /// place of a voucher that does not follow on): in order, by index, sketched, their moves read in place,
  /// filtered, without its first, joined, the list reads as the same list holding them.
  @Test(arguments: [nil, 64] as [Int?]) func ownVouchersEncodedOnAShelfOfTheirOwn(spillEvery: Int?) throws {
    let dir = Scratch.directory("own-shelf")
    let shelf = spillEvery.map { VoucherShelf(holding: 0, spillingTo: dir, every: $0) } ?? VoucherShelf(holding: 0)
    let put = (0..<200).map { Self.plain($0, file: "a.csv") }
    shelf.append(contentsOf: put)
    let ownShelf = shelf.encodingSibling()
    var lists = [VoucherList(shelf: shelf, encodingOwnOn: ownShelf), VoucherList(shelf: shelf)]
    var want: [Voucher] = []
    func filled(_ p: Int) -> Voucher {
      var v = put[p]
      v.items[0].batchNo = "B-\(p)"
      v.items[0].serialNos = ["S-\(p)-1", "S-\(p)-2"]
      return v
    }
    for p in 5..<150 {
      if p % 37 == 0 || p == 5 || p == 149 {
        // Put on the own shelf as the replay puts it, named there by position; held by the other list.
        lists[0].append(own: ownShelf.append(filled(p)), replacing: p)
        lists[1].append(filled(p), replacing: p)
        want.append(filled(p))
      } else {
        for k in lists.indices { lists[k].append(position: p) }
        want.append(put[p])
      }
    }
    let cancel = Self.full("SE-own")
    for k in lists.indices {
      lists[k].append(position: 170)
      lists[k].append(filled(180), replacing: 180)
      lists[k].append(cancel)
    }
    want += [put[170], filled(180), cancel]
    #expect(ownShelf.count == 6 + 2 && ownShelf.encodes)  // 5, 37, 74, 111, 148, 149; 180 and the cancellation
    for list in lists {
      #expect(Array(list) == want && list.indices.map { list[$0] } == want)
      var sketched: [String] = []
      list.forEachSketch { _, v in
        var moves: [String] = []
        v.forEachMove { moves.append("\($0)@\($1)") }
        sketched.append(v.no + " " + moves.joined(separator: " "))
      }
      let moves = want.map { v in
        v.no + " " + v.items.flatMap { r in [r.warehouse, r.sourceWarehouse, r.targetWarehouse].filter { !$0.isEmpty }.map { "\(r.itemCode)@\($0)" } }.joined(separator: " ")
      }
      #expect(sketched == moves)
      var read: [String] = []
      list.forEachMoves({ i, m in read.append("\(i) \(String(decoding: m.no, as: UTF8.self))") }, sketched: { i, v in read.append("\(i) \(v.no)") })
      #expect(read == want.indices.map { "\($0) \(want[$0].no)" })
      // Plain vouchers read where they lie, the others as values, in order over any range; an error stops it.
      for range in [want.indices, 10..<60] {
        var written: [String] = []
        list.forEachPlain(in: range, plain: { e in written.append(String(decoding: e.head.no, as: UTF8.self)) }, decoded: { v in written.append(v.no) })
        #expect(written == want[range].map(\.no))
      }
      struct Stop: Error {}
      var before = 0
      #expect(throws: Stop.self) {
        try list.forEachPlain(in: want.indices, plain: { (_) throws(Stop) in before += 1; if before == 40 { throw Stop() } }, decoded: { (_) throws(Stop) in before += 1 })
      }
      #expect(before == 40)
      #expect(Array(list.filter { $0.no.hasSuffix("4") || $0.no == "SE-own" }) == want.filter { $0.no.hasSuffix("4") || $0.no == "SE-own" })
      #expect(Array(list.dropping(first: 30)) == Array(want.dropFirst(30)))
      var joined = VoucherList(shelf: shelf, range: 0..<5)
      joined.append(contentsOf: list)
      #expect(Array(joined) == Array(put[0..<5]) + want)
    }
    // The encoded ones are read in place (the full cancellation, with rare fields, is sketched).
    var inPlace = 0
    lists[0].forEachMoves({ _, _ in inPlace += 1 }, sketched: { _, _ in })
    #expect(inPlace == want.count - 1)
    // Written from where they lie: the run's shelf's vouchers; those filled in (their batches and serials
    // are rare fields) and the cancellation as values, whether held or on a shelf of their own.
    for list in lists {
      var plain = 0
      list.forEachPlain(in: want.indices, plain: { _ in plain += 1 }, decoded: { _ in })
      #expect(plain == want.count - 8)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  /// The dates and times go while a run posts and come back from its timeline when it orders again: those
  /// put back read as put, the vouchers themselves are untouched, and a second release keeps the count.
  @Test func datesAndTimesPutBackReadAsPut() {
    let shelf = VoucherShelf(holding: 2)
    let put = (0..<40).map { Self.plain($0 * 7, file: "a.csv") }
    shelf.append(contentsOf: put)
    shelf.releaseDatesAndTimes()
    shelf.releaseDatesAndTimes()
    #expect(shelf.count == 40)
    let kept = Array(stride(from: 1, to: 40, by: 3))
    shelf.restoreDatesAndTimes { restore in for p in kept.reversed() { restore(p, put[p].date, put[p].time) } }
    #expect(shelf.count == 40)
    #expect(kept.filter { shelf.date($0) != put[$0].date || shelf.time($0) != put[$0].time }.isEmpty)
    #expect(kept.allSatisfy { put[$0].date != BusinessDate(dayNumber: 0) })
    #expect((0..<40).filter { shelf[$0] != put[$0] }.isEmpty)
  }

  /// A list names vouchers of a shelf by position (a range while it can be) and holds others itself; it
  /// reads back in order, by index, filtered, without its first ones, and joined to another list.
  @Test(arguments: [Int.max, 0]) func listsKeepTheirOrder(holding: Int) {
    let shelf = VoucherShelf(holding: holding)
    let put = (0..<50).map { Self.plain($0, file: "a.csv") }
    shelf.append(contentsOf: put)
    var list = VoucherList(shelf: shelf, range: 10..<20)
    var want = Array(put[10..<20])
    list.append(position: 20)
    want.append(put[20])
    #expect(list.position(10) == 20)
    let own = Self.full("SE-own")
    list.append(own)
    list.append(position: 3)
    want += [own, put[3]]
    #expect(list.position(11) == nil && list.position(12) == 3)
    #expect(Array(list) == want && list.indices.map { list[$0] } == want)
    #expect(Array(list.filter { $0.no.hasSuffix("1") || $0.no == "SE-own" }) == want.filter { $0.no.hasSuffix("1") || $0.no == "SE-own" })
    #expect(Array(list.dropping(first: 9)) == Array(want.dropFirst(9)))
    var joined = VoucherList(shelf: shelf, range: 0..<5)
    joined.append(contentsOf: VoucherList(shelf: shelf, range: 5..<8))
    #expect(joined.position(7) == 7 && Array(joined) == Array(put[0..<8]))
    joined.append(contentsOf: list)
    joined.append(contentsOf: VoucherList([own]))  // another shelf: held by the list
    #expect(Array(joined) == Array(put[0..<8]) + want + [own])
    #expect(Array(VoucherList([put[1], put[0]])) == [put[1], put[0]])
  }

  /// A sketch read from the shelf (encoded or held) says what the voucher says: number, type, date,
  /// action, the vouchers it refers to, and (asked for) each warehouse each row's item moves in.
  @Test(arguments: [Int.max, 0]) func sketchesSayWhatTheVouchersSay(holding: Int) {
    let shelf = VoucherShelf(holding: holding)
    var full = Self.full("SE-9")
    full.action = .submit
    let put = [Self.full("SE-1"), full, Self.plain(3, file: "a.csv"), Self.plain(4, file: "b.csv")]
    shelf.append(contentsOf: put)
    let list = VoucherList(shelf: shelf, range: 0..<put.count)
    for rows in [true, false] {
      var seen: [Int] = []
      list.forEachSketch(rows: rows) { i, k in
        let v = put[i]
        seen.append(i)
        #expect(k.no == v.no && k.type == v.type && k.date == v.date && k.action == v.action, "\(v.no)")
        #expect(k.returnAgainst == v.returnAgainst && k.againstVoucher == v.againstVoucher, "\(v.no)")
        guard rows else { return }
        var moves: [String] = []
        k.forEachMove { moves.append("\($0)@\($1)") }
        let want = v.items.flatMap { r in [r.warehouse, r.sourceWarehouse, r.targetWarehouse].filter { !$0.isEmpty }.map { "\(r.itemCode)@\($0)" } }
        #expect(moves == want, "\(v.no)")
        // A voucher of one row gives the same names through `onlyRow`; others none.
        if let row = k.onlyRow {
          #expect(v.items.count == 1, "\(v.no)")
          let r = v.items[0]
          #expect(row.item.text == r.itemCode && row.warehouse.text == r.warehouse, "\(v.no)")
          #expect(row.source.text == r.sourceWarehouse && row.target.text == r.targetWarehouse, "\(v.no)")
        } else {
          #expect(v.items.count != 1, "\(v.no)")
        }
      }
      #expect(seen == Array(put.indices))
    }
    var moves: [String] = []
    VoucherSketch(put[0]).forEachMove { moves.append("\($0)@\($1)") }
    #expect(moves == ["RM0001@Stores", "FG0001@Stores", "FG0001@Finished Goods"])
  }

  /// Heads read where they lie (the voucher index's pass) say what the vouchers say — type, action, number
  /// and date — for every voucher a shelf encoded, rare fields, a purpose and a non-ASCII number included,
  /// on the run's shelf or the list's own; those held are sketched, in their place in the order.
  @Test(arguments: [Int.max, 0]) func headsReadInPlaceSayWhatTheVouchersSay(holding: Int) {
    let shelf = VoucherShelf(holding: holding)
    var order = Voucher(type: .purchaseOrder, no: "Commande-\u{E9}", date: BusinessDate(dayNumber: 19_000), source: SourceLocation(file: "d.csv", line: 2))
    order.action = .close
    let put = [Self.plain(0, file: "a.csv"), Self.full("SE-1"), order, Self.plain(3, file: "b.csv")]
    shelf.append(contentsOf: put)
    var list = VoucherList(shelf: shelf, encodingOwnOn: shelf.encodingSibling())
    for p in put.indices { list.append(position: p) }
    var filled = Self.plain(7, file: "a.csv")
    filled.items[0].serialNos = ["S-1"]
    list.append(filled)
    let want = put + [filled]
    var seen: [String] = []
    list.forEachHead({ i, h in
      seen.append("encoded \(i)")
      #expect(h.type == want[i].type && h.action == want[i].action && h.date == want[i].date, "\(want[i].no)")
      #expect(String(decoding: h.no, as: UTF8.self) == want[i].no)
    }, sketched: { i, k in
      seen.append("sketched \(i)")
      #expect(k.type == want[i].type && k.action == want[i].action && k.date == want[i].date && k.no == want[i].no)
    })
    #expect(seen == want.indices.map { holding == 0 || $0 == 4 ? "encoded \($0)" : "sketched \($0)" })
  }

  /// Moves read where they lie say what the sketch says, for every voucher the shelf encoded that refers
  /// to no other (rows with extras passed over, a cancellation's action kept); those held, or with rare
  /// fields, go to the sketches, in their place in the order.
  @Test(arguments: [Int.max, 0]) func movesReadInPlaceSayWhatTheSketchesSay(holding: Int) {
    let shelf = VoucherShelf(holding: holding)
    // Every row's extra, cancelled, no rare fields: read in place.
    var extras = Voucher(type: .stockEntry, no: "SE-2", date: BusinessDate(dayNumber: 19_001), source: SourceLocation(file: "c.csv", line: 2))
    extras.action = .cancel
    extras.items = Self.full("SE-2").items
    extras.items.append(ItemRow(line: 46, itemCode: "caf\u{E9}"))
    extras.items[2].warehouse = "Entrep\u{F4}t"
    let put = [Self.plain(0, file: "a.csv"), Self.full("SE-1"), extras, Self.plain(3, file: "b.csv"), Voucher(type: .purchaseOrder, no: "PO-1", date: BusinessDate(dayNumber: 19_000), source: SourceLocation(file: "d.csv", line: 2))]
    shelf.append(contentsOf: put)
    let list = VoucherList(shelf: shelf, range: 0..<put.count)
    var seen: [String] = []
    func moves(_ v: Voucher) -> [String] { v.items.flatMap { r in [r.warehouse, r.sourceWarehouse, r.targetWarehouse].filter { !$0.isEmpty }.map { "\(r.itemCode)@\($0)" } } }
    list.forEachMoves({ i, m in
      seen.append("encoded \(i)")
      #expect(String(decoding: m.no, as: UTF8.self) == put[i].no && m.action == put[i].action)
      #expect(m.moves.map { "\($0.item.text)@\($0.warehouse.text)" } == moves(put[i]), "\(put[i].no)")
    }, sketched: { i, k in
      seen.append("sketched \(i)")
      #expect(k.no == put[i].no)
    })
    #expect(seen == (holding == 0 ? ["encoded 0", "sketched 1", "encoded 2", "encoded 3", "encoded 4"] : put.indices.map { "sketched \($0)" }))
    #expect(moves(extras) == ["RM0001@Stores", "FG0001@Stores", "FG0001@Finished Goods", "caf\u{E9}@Entrep\u{F4}t"])
  }
}
