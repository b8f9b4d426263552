import Testing
@testable import StockCore
@testable import StockOrder

/// SPEC §5.3: (posting date, posting time in whole seconds, arrival), arrival = ledger order, then file
/// name, then position.
@Suite struct TimelineTests {
  func v(_ no: String, day: Int, seconds: Int = 0) -> Voucher {
    Voucher(type: .stockEntry, no: no, date: BusinessDate(year: 2026, month: 1, day: day) ?? BusinessDate(dayNumber: 0),
            time: BusinessTime(seconds: seconds), source: SourceLocation(file: "x", line: 1))
  }

  @Test func orderIsDateTimeThenArrival() {
    let order = Timeline.order(
      posted: [v("P1", day: 5), v("P2", day: 3)],
      new: [(name: "b.csv", vouchers: [v("B1", day: 3), v("B2", day: 1, seconds: 60)]), (name: "a.csv", vouchers: [v("A1", day: 3), v("A2", day: 1)])])
    #expect(order.map { order.voucher($0).no } == ["A2", "B2", "P2", "A1", "B1", "P1"])
    #expect(order.map(\.isPosted) == [false, false, true, false, false, true])
  }

  @Test func fractionsOfASecondDoNotReorder() throws {
    let t1 = try #require(BusinessTime(parsing: "02:00:00.1234")), t2 = try #require(BusinessTime(parsing: "02:00:00"))
    var first = v("FIRST", day: 1)
    first.time = t1
    var second = v("SECOND", day: 1)
    second.time = t2
    let order = Timeline.order(posted: [], new: [(name: "a.csv", vouchers: [first, second])])
    #expect(order.map { order.voucher($0).no } == ["FIRST", "SECOND"])
  }

  /// A place is 12 bytes (a run holds one per voucher): the posted flag rides in the arrival's top bit, and
  /// neither spills into the other.
  @Test func placesAreTwelveBytesAndKeepBothFields() {
    #expect(MemoryLayout<TimelineVoucher>.stride == 12)
    let day = BusinessDate(dayNumber: 20_000), t = BusinessTime(seconds: 5)
    for arrival in [0, 1, 0x7FFF_FFFE, 0x7FFF_FFFF] {
      for posted in [false, true] {
        let p = TimelineVoucher(date: day, time: t, arrival: arrival, isPosted: posted)
        #expect(p.arrival == arrival && p.isPosted == posted && p.key == TimelineKey(date: day, time: t, arrival: arrival))
      }
    }
  }
}
