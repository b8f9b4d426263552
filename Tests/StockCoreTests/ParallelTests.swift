import Testing
@testable import StockCore

/// Work split over both cores gives what one core gives, in input order.
@Suite struct ParallelTests {
  /// Every element updated in place once, each result at its element's index: below the size that splits
  /// (one core) and above it (both), an odd count included.
  @Test(arguments: [0, 1, 1_999, 2_000, 5_001]) func updatesInPlaceAsALoopWould(count: Int) {
    var values = (0..<count).map { "v\($0)" }
    let results = Parallel.update(&values) { (v: inout String) -> Int in
      v += "!"
      return v.utf8.count
    }
    #expect(values == (0..<count).map { "v\($0)!" })
    #expect(results == values.map(\.utf8.count))
  }

  /// The array updated is the caller's own: a copy taken before is left as it was.
  @Test func aCopyTakenBeforeIsLeftAsItWas() {
    var values = Array(0..<4_000)
    let before = values
    _ = Parallel.update(&values) { (v: inout Int) -> Bool in
      v *= 2
      return true
    }
    #expect(before == Array(0..<4_000) && values == (0..<4_000).map { $0 * 2 })
  }
}
