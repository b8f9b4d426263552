import Testing
@testable import StockCore

/// Work split over both cores gives what one core gives, in input order.
@Suite struct ParallelTests {
  /// A pointer the chunks write through at distinct indices (as the run's validation writes its columns).
  struct Column: @unchecked Sendable { let base: UnsafeMutablePointer<Int> }

  /// Every element updated in place once, what is made of it written at its index, a value per chunk in
  /// input order: below the size that splits (one core, one chunk) and above it (both), an odd count included.
  @Test(arguments: [0, 1, 1_999, 2_000, 5_001]) func updatesInPlaceAsALoopWould(count: Int) {
    var values = (0..<count).map { "v\($0)" }
    var lengths = [Int](repeating: -1, count: count)
    let ranges = lengths.withUnsafeMutableBufferPointer { out -> [Range<Int>] in
      guard let base = out.baseAddress else { return Parallel.updateChunks(&values) { range, _ in range } }
      let column = Column(base: base)
      return Parallel.updateChunks(&values) { range, v in
        for i in range {
          v[i] += "!"
          column.base[i] = v[i].utf8.count
        }
        return range
      }
    }
    #expect(values == (0..<count).map { "v\($0)!" })
    #expect(lengths == values.map(\.utf8.count))
    // The chunks' values in input order, covering every element once.
    #expect(ranges.first?.lowerBound ?? 0 == 0 && ranges.last?.upperBound ?? 0 == count)
    #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    #expect(ranges.count == (count == 0 ? 0 : count < 2_000 ? 1 : Parallel.chunks))
  }

  /// The array updated is the caller's own: a copy taken before is left as it was.
  @Test func aCopyTakenBeforeIsLeftAsItWas() {
    var values = Array(0..<4_000)
    let before = values
    _ = Parallel.updateChunks(&values) { range, v in
      for i in range { v[i] *= 2 }
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
    let sums = Parallel.updateChunks(&updated, minimum: 0) { range, v in
      for i in range { v[i] = -v[i] }
      return range.reduce(0) { $0 + v[$1] }
    }
    #expect(updated == input.map { -$0 } && sums.reduce(0, +) == -input.reduce(0, +) && sums.count == Parallel.chunks)
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
