import StockCore

/// A voucher with its place in arrival order: ledger order for posted vouchers; for new ones, after every
/// posted voucher, then by file name, then by position in the file (SPEC §5.3).
///
/// A value of 24 bytes (the voucher is one reference to its shared fields; its date, time and arrival
/// position kept beside it, the position in 32 bits), not an object: a run holds one per voucher, and as
/// objects a million of them were 64 MB of fresh memory, a million allocations and frees, and one more
/// dependent load for the engine before each voucher's fields. (With the key's 64-bit position it was 32
/// bytes: ten million were 80 MB more, and their sort moved a third more.)
public struct TimelineVoucher: Sendable {
  public let voucher: Voucher
  @usableFromInline let date: BusinessDate
  @usableFromInline let time: BusinessTime
  @usableFromInline let arrivalPosition: UInt32
  /// True for a voucher that is already in the ledger.
  public let isPosted: Bool
  /// The posting key (the voucher's date and time, read once, and the arrival position).
  @inlinable public var key: TimelineKey { TimelineKey(date: date, time: time, arrival: arrival) }
  /// 0-based arrival position; unique within a run.
  @inlinable public var arrival: Int { Int(arrivalPosition) }
  /// - Precondition: `arrival` is below 2³² (a run of four billion vouchers is out of reach).
  public init(voucher: Voucher, arrival: Int, isPosted: Bool) {
    self.voucher = voucher
    self.isPosted = isPosted
    date = voucher.date
    time = voucher.time
    arrivalPosition = UInt32(arrival)
  }
}

/// The order in which vouchers post. Comparable: earlier first.
public struct TimelineKey: Sendable, Hashable, Comparable {
  public var date: BusinessDate
  public var time: BusinessTime
  public var arrival: Int
  public init(date: BusinessDate, time: BusinessTime, arrival: Int) {
    self.date = date
    self.time = time
    self.arrival = arrival
  }
  public static func < (a: TimelineKey, b: TimelineKey) -> Bool {
    if a.date != b.date { return a.date < b.date }
    if a.time != b.time { return a.time < b.time }
    return a.arrival < b.arrival
  }
}

public enum Timeline {
  /// Posted vouchers (in ledger order) followed by new ones (sorted by file name, then position), numbered
  /// by arrival and sorted into posting order.
  /// - Complexity: O(n log n).
  public static func order(posted: [Voucher], new files: [(name: String, vouchers: [Voucher])]) -> [TimelineVoucher] {
    var all: [TimelineVoucher] = []
    all.reserveCapacity(posted.count + files.reduce(0) { $0 + $1.vouchers.count })
    for v in posted { all.append(TimelineVoucher(voucher: v, arrival: all.count, isPosted: true)) }
    for f in arrivalOrder(files) {
      for v in f.vouchers { all.append(TimelineVoucher(voucher: v, arrival: all.count, isPosted: false)) }
    }
    all.sort { $0.key < $1.key }
    return all
  }
}

extension Timeline {
  /// New files in the order their vouchers arrive (by file name, in byte order): the order of a run's new
  /// vouchers in the ledger, within each file their order in it.
  /// - Complexity: O(f log f) for f files.
  public static func arrivalOrder(_ files: [(name: String, vouchers: [Voucher])]) -> [(name: String, vouchers: [Voucher])] {
    files.sorted { $0.name.precedesInByteOrder($1.name) }
  }
}
