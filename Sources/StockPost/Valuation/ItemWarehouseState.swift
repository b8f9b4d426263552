import StockCore

/// The running state of one item in one warehouse after its latest entry (ERPNext's `Bin` plus the
/// previous SLE the engine continues from).
public struct ItemWarehouseState: Sendable, Hashable {
  public var qty: Quantity = .zero
  /// Rounded to currency precision.
  public var stockValue: Amount = .zero
  public var valuationRate: Rate = .zero
  /// FIFO/LIFO bins, oldest first, and their total value; empty for moving average.
  public var queue = StockQueue()
  /// False until the first entry.
  public var hasEntries = false
  public init() {}
}
