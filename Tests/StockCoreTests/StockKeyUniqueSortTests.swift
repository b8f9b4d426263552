import TestSupport
import Testing
@testable import StockCore

/// A voucher's item-warehouses collected at the end of a longer buffer: repeats dropped (the first
/// spelling of equal keys kept) and sorted in report order, the elements before them untouched.
@Suite struct StockKeyUniqueSortTests {
  /// Against a plain model (a set's sorted elements), over random short runs of a few keys after a random
  /// prefix, including canonically equal spellings ("é" composed and decomposed are one key).
  @Test func keepsTheFirstOfEachKeySorted() {
    let names = ["A", "B", "caf\u{E9}", "cafe\u{301}", "Z9"]
    let warehouses = ["WH1", "WH2", "Stores"]
    var g = SeededGenerator(seed: 17)  // the same draws every run: a failure can be repeated
    for _ in 0..<2_000 {
      let pick = { StockKey(item: names.randomElement(using: &g)!, warehouse: warehouses.randomElement(using: &g)!) }
      let prefix = (0..<Int.random(in: 0...3, using: &g)).map { _ in pick() }
      let run = (0..<Int.random(in: 0...6, using: &g)).map { _ in pick() }
      var buffer = prefix + run
      buffer.uniqueSort(from: prefix.count)
      var firsts: [StockKey] = []
      for k in run where !firsts.contains(k) { firsts.append(k) }
      #expect(buffer.count == prefix.count + firsts.count)
      #expect(zip(buffer, prefix).allSatisfy { $0.item == $1.item && $0.warehouse == $1.warehouse })
      let sorted = Array(buffer[prefix.count...])
      #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0 < $1 })
      // Each key kept is spelled as its first occurrence in the run.
      for k in sorted {
        let first = firsts.first { $0 == k }!
        #expect(k.item.utf8.elementsEqual(first.item.utf8) && k.warehouse.utf8.elementsEqual(first.warehouse.utf8))
      }
    }
  }
}
