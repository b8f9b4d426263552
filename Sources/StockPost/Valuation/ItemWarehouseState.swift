import StockCore

/// The running state of one item in one warehouse after its latest entry (ERPNext's `Bin` plus the
/// previous SLE the engine continues from).
public struct ItemWarehouseState: Sendable, Hashable {
  public var qty: Quantity = .zero
  /// Rounded to currency precision.
  public var stockValue: Amount = .zero
  public var valuationRate: Rate = .zero
  /// FIFO/LIFO bins, oldest first; empty for moving average.
  public var queue: [StockBin] = []
  /// False until the first entry.
  public var hasEntries = false
  public init() {}
}
