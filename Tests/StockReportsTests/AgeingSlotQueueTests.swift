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
    func slot(_ n: Int) -> AgeingFold.Slot { AgeingFold.Slot(qty: Fixed(n), date: BusinessDate(dayNumber: 20_000 + n), value: Fixed(2 * n)) }
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
  }
}
