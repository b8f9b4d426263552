import TestSupport
import Testing
@testable import StockCore
@testable import StockReports

/// The ageing fold's FIFO slots drop what was taken as they go: whatever the mix of appends, takes from the
/// front and slots put back, the live slots are those of a plain array worked the same way.
@Suite struct AgeingSlotQueueTests {
  @Test func theLiveSlotsAreThoseOfAPlainArray() {
    var queue = AgeingFold.SlotQueue()
    var model: [AgeingFold.Slot] = []
    var rng = SeededGenerator(seed: 8)
    // Every 97th slot's numbers too wide to pack (kept whole, aside), one of them exactly the packed form's
    // marker.
    func slot(_ n: Int) -> AgeingFold.Slot {
      let wide = n % 97 == 0 && n != 0
      let qty = wide ? (n % 2 == 0 ? Fixed(raw: Int128(Int64.min)) : Fixed(raw: Int128(Int64.max) * 3 + Int128(n))) : Fixed(n)
      let value = wide ? Fixed(raw: -Int128(Int64.max) * 5 - Int128(n)) : Fixed(2 * n)
      return AgeingFold.Slot(qty: qty, date: BusinessDate(dayNumber: 20_000 + n), value: value)
    }
    func same() -> Bool {
      queue.live.count == model.count && zip(queue.live, model).allSatisfy { $0.qty == $1.qty && $0.date == $1.date && $0.value == $1.value }
    }
    for n in 0..<5000 {
      switch Int.random(in: 0..<10, using: &rng) {
      case 0..<5:
        queue.append(slot(n))
        model.append(slot(n))
      case 5..<9:
        if !model.isEmpty {
          queue.popFront()
          model.removeFirst()
        }
      default:
        queue.pushFront(slot(-n))
        model.insert(slot(-n), at: 0)
      }
      if !same() { break }
    }
    #expect(same())
    // Emptied and used again.
    while !model.isEmpty {
      queue.popFront()
      model.removeFirst()
    }
    queue.append(slot(1))
    model.append(slot(1))
    #expect(same() && queue.first?.qty == Fixed(1))
    // A wide slot reads back whole; a narrow one beside it is packed.
    let big = AgeingFold.Slot(qty: Fixed(raw: Int128(Int64.max) + 1), date: BusinessDate(dayNumber: 20_001), value: Fixed(raw: -Int128(Int64.max) * 7))
    #expect(big.qty == Fixed(raw: Int128(Int64.max) + 1) && big.value == Fixed(raw: -Int128(Int64.max) * 7) && big.date == BusinessDate(dayNumber: 20_001))
    #expect(MemoryLayout<AgeingFold.Slot>.stride == 24)
  }
}
