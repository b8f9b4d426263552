/// Where a run's vouchers are in its `vouchers.csv`, one after another (each begins where the one before
/// ends): 4 bytes a voucher — the low 32 bits of where it ends, counted from where the first begins —
/// where an array of ``VoucherPlace`` took 16 (ten million places were 152 MB held from posting to the
/// run's end). The high bits are the number of times the low ones wrapped by then, kept as the positions
/// where they did (none below 4 GB).
public struct VoucherPlaces: RandomAccessCollection, Sendable {
  public let run: Int
  /// Where the first voucher begins.
  private var first = 0
  /// The low 32 bits of where each voucher ends, from `first`.
  private var ends: [UInt32] = []
  /// The positions at which those ends passed another multiple of 2³², in order.
  private var wraps: [Int] = []
  /// Where the last voucher ends, from `first`.
  private var last = 0

  public init(run: Int = 0) { self.run = run }

  public var startIndex: Int { 0 }
  public var endIndex: Int { ends.count }

  /// Makes room for `count` places.
  public mutating func reserveCapacity(_ count: Int) { ends.reserveCapacity(count) }

  /// Adds the place of the next voucher, `start..<end`.
  /// - Precondition: `start` is where the last one ended (any, for the first), `end - start` below 2³².
  /// - Complexity: O(1) amortized.
  public mutating func append(start: Int, end: Int) {
    if ends.isEmpty { (first, last) = (start, 0) }
    precondition(start == first + last && end >= start && end - start < 1 << 32, "places one after another, each under 4 GB")
    let relative = end - first
    if relative >> 32 != last >> 32 { wraps.append(ends.count) }
    ends.append(UInt32(truncatingIfNeeded: relative))
    last = relative
  }

  /// Where the `i`-th voucher ends, from `first`.
  private func end(_ i: Int) -> Int {
    guard !wraps.isEmpty else { return Int(ends[i]) }
    var lo = 0, hi = wraps.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if wraps[mid] <= i { lo = mid + 1 } else { hi = mid }
    }
    return lo << 32 | Int(ends[i])
  }

  /// - Complexity: O(1) below 4 GB; O(log wraps) past it.
  public subscript(i: Int) -> VoucherPlace {
    VoucherPlace(run: run, start: first + (i == 0 ? 0 : end(i - 1)), end: first + end(i))
  }
}
