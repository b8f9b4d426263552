import StockCore

/// An open order as the engine knows it (reference §8): what is still to be delivered (Sales Order),
/// received (Purchase Order) or produced (Work Order), per item and warehouse.
public struct OrderState: Sendable, Hashable {
  public var type: VoucherType
  public var party: String
  /// Still open, stock UOM, by item and warehouse.
  public var remaining: [StockKey: Quantity]
  public var isClosed = false
}

