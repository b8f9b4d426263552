import Foundation
import Testing
@testable import StockApp

/// A thread with time to spare gives way (``ThreadPriority/giveWay()``: the renderer): lowering a thread's priority changes that thread's only, relative to where it was.
@Suite struct ThreadPriorityTests {
  @Test func loweringAThreadLeavesTheOthersAsTheyWere() {
    let before = ThreadPriority.nice
    let seen = Background { () -> (Int32, Int32, Bool, Int32) in
      let start = ThreadPriority.nice
      let lowered = ThreadPriority.giveWay()
      // A thread it starts afterwards takes its priority.
      let started = Background { ThreadPriority.nice }.value
      return (start, ThreadPriority.nice, lowered, started)
    }.value
    #expect(seen.2)
    #expect(seen.1 == min(19, seen.0 + 4))
    #expect(seen.3 == seen.1)
    #expect(ThreadPriority.nice == before)  // this thread's own priority did not move
  }
}
