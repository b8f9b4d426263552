import Testing
@testable import StockApp
@testable import StockCore
@testable import StockOrder

/// A replay keeps its posted vouchers as what the timeline does not say (`Replay.PostedList`): each must
/// read back as the voucher it posted (or the one the engine filled in), with its entries and lines, its
/// document, arrival and whether it was in the ledger — also after a voucher of the timeline failed, when
/// the n-th posted is no longer the timeline's n-th; and with the new vouchers encoded on the run's shelf
/// (then those the engine filled in are encoded on a shelf of their own).
@Suite struct ReplayPostedListTests {
  static func voucher(_ no: String, day: Int) -> Voucher {
    Voucher(type: .purchaseReceipt, no: no, date: BusinessDate(dayNumber: 20_000 + day), source: SourceLocation(file: "a.csv", line: day + 2))
  }

  /// A timeline of `posted` ledger vouchers and `new` ones, the new ones on a shelf that encodes them when asked.
  static func timeline(posted: [Voucher], new: [Voucher], encoded: Bool) -> OrderedTimeline {
    let shelf = VoucherShelf(holding: encoded ? 0 : .max)
    for v in new { shelf.append(v) }
    return Timeline.order(posted: posted, new: [(name: "a.csv", vouchers: VoucherList(shelf: shelf, range: 0..<new.count))])
  }

  @Test(arguments: [false, true]) func postedVouchersReadBackAsTheyPosted(encoded: Bool) {
    // Arrival order differs from posting order; the first two were in the ledger already.
    let vouchers = (0..<8).map { Self.voucher("V\($0)", day: ($0 * 5) % 8) }
    let timeline = Self.timeline(posted: Array(vouchers[..<2]), new: Array(vouchers[2...]), encoded: encoded)
    #expect(timeline.vouchers.new.shelf.encodes == encoded)
    #expect(timeline.map(\.arrival) == [0, 5, 2, 7, 4, 1, 6, 3], "days 0, 5, 2, 7, 4, 1, 6, 3 by arrival")
    #expect(timeline.map { timeline.voucher($0) } == timeline.map { vouchers[$0.arrival] })
    var list = Replay.PostedList(timeline: timeline)
    var filled = timeline.voucher(timeline[4])
    filled.remarks = "batch named by the engine"
    // Timeline positions 2 and 5 fail: no element; 4 is filled in; entries and lines of varying counts.
    var want: [(position: Int, entries: Range<Int>, gl: Range<Int>, document: Int, resolved: Voucher?)] = []
    var (e, g) = (0, 0)
    for position in timeline.indices where position != 2 && position != 5 {
      let (ne, ng) = (position % 3, 2 * (position % 2))
      let resolved = position == 4 ? filled : nil
      let document = position % 2 == 0 ? want.count : -1
      list.append(position: position, resolved: resolved, entryEnd: e + ne, glEnd: g + ng, document: document)
      want.append((position, e..<e + ne, g..<g + ng, document, resolved))
      (e, g) = (e + ne, g + ng)
    }
    #expect(list.count == want.count)
    for (i, w) in want.enumerated() {
      let p = list[i]
      let tv = timeline[w.position]
      #expect(p.voucher == (w.resolved ?? vouchers[tv.arrival]) && list.voucher(i) == p.voucher, "posted \(i)")
      #expect(p.voucher.remarks == (w.position == 4 ? "batch named by the engine" : ""))
      #expect(p.entries == w.entries && list.entries(i) == w.entries && p.gl == w.gl && list.gl(i) == w.gl, "posted \(i)")
      #expect(p.document == w.document && list.document(i) == w.document)
      #expect(p.arrival == tv.arrival && list.arrival(i) == tv.arrival && p.isPosted == tv.isPosted && list.isPosted(i) == tv.isPosted)
      #expect(p.isResolved == (w.position == 4) && list.isResolved(i) == p.isResolved)
      #expect(list.timelinePosition(i) == w.position)
    }
    #expect(list.last?.voucher.no == timeline.voucher(timeline[7]).no)
    let numbers: [String] = list.map { $0.voucher.no }
    #expect(numbers == want.map { vouchers[timeline[$0.position].arrival].no })
  }

  @Test(arguments: [false, true]) func withoutFailuresTheNthPostedIsTheTimelinesNth(encoded: Bool) {
    let timeline = Self.timeline(posted: [], new: (0..<200).map { Self.voucher("V\($0)", day: $0) }, encoded: encoded)
    var list = Replay.PostedList(timeline: timeline)
    for n in timeline.indices { list.append(position: n, resolved: n % 70 == 69 ? timeline.voucher(timeline[n]) : nil, entryEnd: 2 * n + 2, glEnd: 3 * n + 3, document: n) }
    for n in timeline.indices {
      #expect(list.timelinePosition(n) == n && list[n].voucher.no == "V\(n)" && list[n].entries == 2 * n..<2 * n + 2 && list[n].gl == 3 * n..<3 * n + 3)
      #expect(list.isResolved(n) == (n % 70 == 69))
      // A run whose shelf encodes encodes the vouchers the engine filled in too, in the order they posted.
      #expect(list.resolvedShelfPosition(n) == (encoded && n % 70 == 69 ? n / 70 : nil))
    }
    #expect((list.resolvedShelf != nil) == encoded && list.resolvedShelf?.count == (encoded ? 2 : nil))
  }
}
