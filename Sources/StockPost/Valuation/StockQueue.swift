import StockCore

/// The FIFO/LIFO bins of one item in one warehouse, oldest first, with their exact total value kept beside
/// them. A movement changes a bin or two at an end of the queue: summing every bin before and after each
/// movement, and copying them all in case the voucher failed, made a movement's cost grow with the open
/// layers — with the history, where receipts outpace issues.
///
/// Every change takes a ``QueueJournal`` and tells it how to undo the change (``QueueEdit``): the engine
/// keeps a voucher's edits and undoes them, newest first, if the voucher fails.
public struct StockQueue: Sendable, Hashable, ExpressibleByArrayLiteral {
  /// Oldest first. The first stored property: ``StockKeyTable/prefetch(queueAt:)`` reads its reference.
  public private(set) var bins: [StockBin]
  /// The total value in two words (a `Wide` would align the item-warehouse state to 16 bytes, 40 → 80).
  private var valueHigh: Int64 = 0
  private var valueLow: UInt64 = 0

  public init(_ bins: [StockBin] = []) {
    self.bins = bins
    var total = Wide.zero
    for b in bins { total += Wide(product: b.qty, b.rate) }
    setValue(total)
  }
  public init(arrayLiteral bins: StockBin...) { self.init(bins) }

  /// Σ qty × rate of the bins, exact (not snapped near zero).
  /// - Complexity: O(1).
  @inline(__always) public var value: Wide { Wide(raw: Int128(valueHigh) << 64 | Int128(valueLow)) }
  @inline(__always) private mutating func setValue(_ w: Wide) {
    valueHigh = Int64(truncatingIfNeeded: w.raw >> 64)
    valueLow = UInt64(truncatingIfNeeded: w.raw)
  }
  @inline(__always) private mutating func add(_ b: StockBin) { setValue(value + Wide(product: b.qty, b.rate)) }
  @inline(__always) private mutating func subtract(_ b: StockBin) { setValue(value - Wide(product: b.qty, b.rate)) }

  public var isEmpty: Bool { bins.isEmpty }
  public var count: Int { bins.count }
  public subscript(i: Int) -> StockBin { bins[i] }

  // MARK: changes (each journalled)

  /// - Complexity: O(1) amortised.
  public mutating func append(_ b: StockBin, journal: inout some QueueJournal) {
    journal.record(.appended)
    bins.append(b)
    add(b)
  }

  /// - Complexity: O(1).
  public mutating func set(_ b: StockBin, at i: Int, journal: inout some QueueJournal) {
    journal.record(.changed(bins[i], at: i))
    subtract(bins[i])
    bins[i] = b
    add(b)
  }

  /// - Complexity: O(bins after `i`) to close the gap (a memory move).
  public mutating func remove(at i: Int, journal: inout some QueueJournal) {
    journal.record(.removed(bins[i], at: i))
    subtract(bins.remove(at: i))
  }

  /// Undoes one change (the newest not yet undone).
  mutating func undo(_ edit: QueueEdit) {
    switch edit {
    case .appended: subtract(bins.removeLast())
    case let .changed(old, at: i):
      subtract(bins[i])
      bins[i] = old
      add(old)
    case let .removed(old, at: i):
      bins.insert(old, at: i)
      add(old)
    case let .replaced(old): self = StockQueue(old)
    }
  }
}

/// How to undo one change of a ``StockQueue``.
public enum QueueEdit: Sendable {
  /// A bin was appended: remove the last.
  case appended
  /// The bin at the index was this one.
  case changed(StockBin, at: Int)
  /// This bin was removed from the index.
  case removed(StockBin, at: Int)
  /// The queue was these bins (its state was set whole).
  case replaced([StockBin])
}

/// Receives the undo of each change made to a queue.
public protocol QueueJournal {
  mutating func record(_ edit: QueueEdit)
}

/// Keeps nothing: for a queue that is a copy (or a test), which nothing will undo.
public struct NoQueueJournal: QueueJournal {
  @inlinable public init() {}
  @inlinable public mutating func record(_ edit: QueueEdit) {}
}
