import StockCore

/// What one row moved in one warehouse: the sum over its stock ledger entries (one per batch).
struct Movement {
  // (No warehouse: a movement with a name in it, returned as an optional per row, was destroyed through
  // the runtime's generic witness; the caller knows where it moved, ``Transaction/stockGL(_:in:counter:)``.)
  /// Signed, stock UOM.
  var actualQty: Quantity
  var stockValueDifference: Amount
  /// |value| ÷ |qty| of an outward movement (9 decimals); 0 for inward.
  var outgoingRate: Rate
}
