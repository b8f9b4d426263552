import StockCore

/// Identifies the running state of one item in one warehouse.
public struct StockKey: Sendable, Hashable, Comparable {
  public var item: String
  public var warehouse: String
  public init(item: String, warehouse: String) {
    self.item = item
    self.warehouse = warehouse
  }
  public static func < (a: StockKey, b: StockKey) -> Bool {
    a.item != b.item ? a.item.utf8.lexicographicallyPrecedes(b.item.utf8) : a.warehouse.utf8.lexicographicallyPrecedes(b.warehouse.utf8)
  }
}

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
