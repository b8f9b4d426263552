import Foundation
import Testing
@testable import StockApp

/// The renderer's thread gives way to the posting core (``RenderAhead/niceness``): lowering a thread's
/// priority changes that thread's only, relative to where it was.
@Suite struct ThreadPriorityTests {
  @Test func loweringAThreadLeavesTheOthersAsTheyWere() {
    let before = ThreadPriority.nice
    let seen = Background { () -> (Int32, Int32, Bool) in
      let start = ThreadPriority.nice
      let lowered = ThreadPriority.lower(by: RenderAhead.niceness)
      return (start, ThreadPriority.nice, lowered)
    }.value
    #expect(seen.2)
    #expect(seen.1 == min(19, seen.0 + RenderAhead.niceness))
    #expect(ThreadPriority.nice == before)  // this thread's own priority did not move
  }
}
