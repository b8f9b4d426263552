/// Offsets that never decrease (where each record of a log begins, one after another), kept in 4 bytes
/// each where an array of `Int` took 8: the low 32 bits of each, and the positions at which they wrapped
/// (none below 4 GB). Ten million offsets are 40 MB instead of 80.
public struct GrowingOffsets: RandomAccessCollection, Sendable {
  /// The low 32 bits of each offset.
  @usableFromInline private(set) var low: [UInt32] = []
  /// The positions at which the offsets passed another multiple of 2³², in order (a position may be
  /// listed more than once when one step passed several).
  private var wraps: [Int] = []
  /// The last offset appended.
  public private(set) var lastOffset = 0

  public init() {}

  @inlinable public var startIndex: Int { 0 }
  /// (Inlined: the replay and the shelf ask it for every voucher, across modules.)
  @inlinable public var endIndex: Int { low.count }

  /// Makes room for `count` offsets in all.
  public mutating func reserveCapacity(_ count: Int) { low.reserveCapacity(count) }

  /// Adds `offset`.
  /// - Precondition: `offset` is not below the last one, nor below 0.
  /// - Complexity: O(1) amortized.
  public mutating func append(_ offset: Int) {
    precondition(offset >= lastOffset, "offsets that never decrease")
    for _ in 0..<((offset >> 32) - (lastOffset >> 32)) { wraps.append(low.count) }
    low.append(UInt32(truncatingIfNeeded: offset))
    lastOffset = offset
  }

  /// - Complexity: O(1) below 4 GB; O(log wraps) past it.
  public subscript(i: Int) -> Int {
    guard !wraps.isEmpty else { return Int(low[i]) }
    var lo = 0, hi = wraps.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if wraps[mid] <= i { lo = mid + 1 } else { hi = mid }
    }
    return lo << 32 | Int(low[i])
  }
}
