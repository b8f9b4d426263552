import TestSupport
import Testing
@testable import StockCore

/// `HashOrder.repeated(in:)` finds the hashes that occur more than once through a bitmap of buckets and a
/// sort of the few in shared buckets: it must give exactly the values a count of every hash gives — repeats
/// twice and thrice, far apart or side by side, hashes sharing a bucket but not a value, and none.
@Suite struct HashRepeatsTests {
  static func model(_ hashes: [UInt64]) -> [UInt64] {
    var count: [UInt64: Int] = [:]
    for h in hashes { count[h, default: 0] += 1 }
    return count.filter { $0.value > 1 }.keys.sorted()
  }

  @Test(arguments: [0, 1, 2, 100, 5_000, 200_000]) func repeatsAreThoseACountGives(n: Int) {
    var rng = SeededGenerator(seed: UInt64(n) + 3)
    var hashes = (0..<n).map { _ in rng.next() }
    // Repeats: some twice, some thrice, from anywhere in the list.
    for k in 0..<(n / 50) {
      hashes.append(hashes[Int(rng.next() % UInt64(n))])
      if k % 3 == 0 { hashes.append(hashes[Int(rng.next() % UInt64(n))]) }
    }
    // Hashes that share the top bits (a bucket) but not the value, one of them repeated.
    let top: UInt64 = 0xABCD_0000_0000_0000
    hashes += [top | 1, top | 2, top | 3, top | 2]
    hashes.shuffle(using: &rng)
    #expect(HashOrder.repeated(in: hashes) == Self.model(hashes), "n = \(n)")
  }

  @Test func noneOrOneGivesNone() {
    #expect(HashOrder.repeated(in: []).isEmpty && HashOrder.repeated(in: [7]).isEmpty && HashOrder.repeated(in: [7, 8]).isEmpty)
    #expect(HashOrder.repeated(in: [7, 7]) == [7] && HashOrder.repeated(in: [9, 7, 9, 7, 7]) == [7, 9])
  }
}
