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

  /// In chunks the threads take in turn: every element transformed once, its result at its index, whatever
  /// the count against the chunks (fewer elements than chunks included, where most chunks are empty).
  @Test(arguments: [2, 15, 16, 17, 2_000, 2_015, 16 * 131 + 7]) func mapsInInputOrderWhateverTheChunks(count: Int) {
    let input = Array(0..<count)
    #expect(Parallel.map(input, minimum: 0) { $0 * 3 + 1 } == input.map { $0 * 3 + 1 })
    let (a, b) = Parallel.unzippedMap(input, minimum: 0) { ($0, "\($0)") }
    #expect(a == input && b == input.map { "\($0)" })
    var updated = input
    #expect(Parallel.update(&updated, minimum: 0) { (v: inout Int) -> Int in
      v = -v
      return v
    } == input.map { -$0 })
    #expect(updated == input.map { -$0 })
  }

  /// The chunks cover the elements once, in order, without gaps.
  @Test func chunksCoverEveryElementOnce() {
    for count in [0, 1, 15, 16, 17, 1_000, 1_001] {
      let ranges = (0..<Parallel.chunks).map { Parallel.chunk($0, of: count) }
      #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count, "count \(count)")
      #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "count \(count)")
    }
  }
}
