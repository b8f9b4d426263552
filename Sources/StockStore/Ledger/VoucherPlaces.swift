import StockCore

/// Where a run's vouchers are in its `vouchers.csv`, one after another (each begins where the one before
/// ends): where each ends, in 4 bytes (``GrowingOffsets``), where an array of ``VoucherPlace`` took 16 (ten
/// million places were 152 MB held from posting to the run's end).
public struct VoucherPlaces: RandomAccessCollection, Sendable {
  public let run: Int
  /// Where the first voucher begins.
  private var first = 0
  private var ends = GrowingOffsets()

  public init(run: Int = 0) { self.run = run }

  /// The same places in run `run` (places found before the run had its number).
  /// - Complexity: O(1) (the offsets are shared until one of the two changes).
  public func inRun(_ run: Int) -> VoucherPlaces {
    var p = VoucherPlaces(run: run)
    (p.first, p.ends) = (first, ends)
    return p
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { ends.count }

  /// Makes room for `count` places.
  public mutating func reserveCapacity(_ count: Int) { ends.reserveCapacity(count) }

  /// Adds the place of the next voucher, `start..<end`.
  /// - Precondition: `start` is where the last one ended (any, for the first), `end - start` below 2³².
  /// - Complexity: O(1) amortized.
  public mutating func append(start: Int, end: Int) {
    if ends.isEmpty { first = start }
    precondition(start == (ends.isEmpty ? first : ends.lastOffset) && end >= start && end - start < 1 << 32, "places one after another, each under 4 GB")
    ends.append(end)
  }

  /// - Complexity: O(1) below 4 GB; O(log wraps) past it.
  public subscript(i: Int) -> VoucherPlace {
    VoucherPlace(run: run, start: i == 0 ? first : ends[i - 1], end: ends[i])
  }
}
