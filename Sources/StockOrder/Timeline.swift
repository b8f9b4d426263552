import StockCore

/// A voucher's place in the posting order: its date and time (read once) and its arrival position — ledger
/// order for posted vouchers; for new ones, after every posted voucher, then by file name, then by position
/// in the file (SPEC §5.3). The voucher itself is the timeline's ``TimelineVouchers`` at that arrival.
///
/// A value of 12 bytes, not an object: a run holds one per voucher, and as objects a million of them were
/// 64 MB of fresh memory, a million allocations and frees, and one more dependent load for the engine
/// before each voucher's fields. (Holding the voucher besides, it was 24 bytes; with the key's 64-bit
/// position 32: ten million were 200 MB more, and their sort moved twice as much.)
public struct TimelineVoucher: Sendable {
  @usableFromInline let date: BusinessDate
  @usableFromInline let time: BusinessTime
  /// The arrival position, and in the top bit whether the voucher is posted.
  @usableFromInline let arrivalAndPosted: UInt32
  /// True for a voucher that is already in the ledger.
  @inlinable public var isPosted: Bool { arrivalAndPosted & 0x8000_0000 != 0 }
  /// The posting key (the voucher's date and time, read once, and the arrival position).
  @inlinable public var key: TimelineKey { TimelineKey(date: date, time: time, arrival: arrival) }
  /// 0-based arrival position; unique within a run.
  @inlinable public var arrival: Int { Int(arrivalAndPosted & 0x7FFF_FFFF) }
  /// - Precondition: `arrival` is below 2³¹ (a run of two billion vouchers is out of reach).
  public init(date: BusinessDate, time: BusinessTime, arrival: Int, isPosted: Bool) {
    precondition(arrival >= 0 && arrival < 0x8000_0000, "an arrival position below 2³¹")
    self.date = date
    self.time = time
    arrivalAndPosted = UInt32(arrival) | (isPosted ? 0x8000_0000 : 0)
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

/// The vouchers of a timeline by arrival position: the ledger's posted vouchers (held), then the run's new
/// ones in arrival order (a ``VoucherList``, most of them on the run's ``VoucherShelf``).
public struct TimelineVouchers: Sendable {
  /// Arrivals `0..<posted.count`.
  public let posted: [Voucher]
  /// Arrivals from `posted.count` on.
  public let new: VoucherList

  public init(posted: [Voucher], new: VoucherList) {
    self.posted = posted
    self.new = new
  }

  public var count: Int { posted.count + new.count }

  /// The voucher at `arrival`, read on its own (``Reader`` for many).
  /// - Complexity: O(1) held; see ``VoucherShelf/subscript(_:)`` otherwise.
  public subscript(arrival: Int) -> Voucher { arrival < posted.count ? posted[arrival] : new[arrival - posted.count] }

  /// The date and time of the voucher at `arrival`, without reading a voucher the shelf encoded.
  /// - Complexity: O(1).
  public func dateAndTime(_ arrival: Int) -> (BusinessDate, BusinessTime) {
    if arrival < posted.count { return (posted[arrival].date, posted[arrival].time) }
    guard let p = new.position(arrival - posted.count) else {
      let v = new[arrival - posted.count]
      return (v.date, v.time)
    }
    return (new.shelf.date(p), new.shelf.time(p))
  }

  /// Reads the vouchers of a timeline, keeping its place in the shelf's file.
  public struct Reader: Sendable {
    private let vouchers: TimelineVouchers
    private var shelf: VoucherShelf.Reader
    public init(_ vouchers: TimelineVouchers) {
      self.vouchers = vouchers
      shelf = VoucherShelf.Reader(vouchers.new.shelf)
    }
    /// - Complexity: O(1) held; O(fields) encoded.
    public mutating func voucher(_ arrival: Int) -> Voucher {
      let posted = vouchers.posted.count
      if arrival < posted { return vouchers.posted[arrival] }
      guard let p = vouchers.new.position(arrival - posted) else { return vouchers.new[arrival - posted] }
      return shelf.voucher(p)
    }
  }
}

/// The vouchers of a run in posting order: their places (``TimelineVoucher``, sorted) and the vouchers
/// themselves by arrival.
public struct OrderedTimeline: RandomAccessCollection, Sendable {
  public let vouchers: TimelineVouchers
  public private(set) var places: [TimelineVoucher]

  public init() { self.init(vouchers: TimelineVouchers(posted: [], new: [])) }

  /// The vouchers in posting order.
  /// - Complexity: O(n log n).
  public init(vouchers: TimelineVouchers) {
    self.vouchers = vouchers
    var all: [TimelineVoucher] = []
    all.reserveCapacity(vouchers.count)
    for (a, v) in vouchers.posted.enumerated() { all.append(TimelineVoucher(date: v.date, time: v.time, arrival: a, isPosted: true)) }
    for a in vouchers.posted.count..<vouchers.count {
      let (date, time) = vouchers.dateAndTime(a)
      all.append(TimelineVoucher(date: date, time: time, arrival: a, isPosted: false))
    }
    all.sort { $0.key < $1.key }
    places = all
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { places.count }
  public subscript(n: Int) -> TimelineVoucher { places[n] }

  /// The voucher of a place, read on its own (``TimelineVouchers/Reader`` for many).
  public func voucher(_ place: TimelineVoucher) -> Voucher { vouchers[place.arrival] }
}

public enum Timeline {
  /// Posted vouchers (in ledger order) followed by new ones (sorted by file name, then position), numbered
  /// by arrival and sorted into posting order.
  /// - Complexity: O(n log n).
  public static func order(posted: [Voucher], new files: [(name: String, vouchers: VoucherList)]) -> OrderedTimeline {
    OrderedTimeline(vouchers: TimelineVouchers(posted: posted, new: arriving(files)))
  }

  /// The ledger's posted vouchers alone.
  public static func order(posted: [Voucher]) -> OrderedTimeline { OrderedTimeline(vouchers: TimelineVouchers(posted: posted, new: [])) }

  /// The same for files of vouchers held.
  public static func order(posted: [Voucher], new files: [(name: String, vouchers: [Voucher])]) -> OrderedTimeline {
    order(posted: posted, new: files.map { ($0.name, VoucherList($0.vouchers)) })
  }

  /// The new files' vouchers in arrival order, as one list (on the first file's shelf: a file on another
  /// shelf has its vouchers held by the list).
  /// - Complexity: O(n) (O(f log f) for f files when every file is the same shelf's range, in order).
  public static func arriving(_ files: [(name: String, vouchers: VoucherList)]) -> VoucherList {
    let ordered = arrivalOrder(files)
    guard let first = ordered.first(where: { !$0.vouchers.isEmpty }) else { return [] }
    var all = VoucherList(shelf: first.vouchers.shelf)
    for f in ordered { all.append(contentsOf: f.vouchers) }
    return all
  }
}

extension Timeline {
  /// New files in the order their vouchers arrive (by file name, in byte order): the order of a run's new
  /// vouchers in the ledger, within each file their order in it.
  /// - Complexity: O(f log f) for f files.
  public static func arrivalOrder<Vouchers>(_ files: [(name: String, vouchers: Vouchers)]) -> [(name: String, vouchers: Vouchers)] {
    files.sorted { $0.name.precedesInByteOrder($1.name) }
  }
}
