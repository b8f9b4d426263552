import StockCore

/// What one row moved in one warehouse: the sum over its stock ledger entries (one per batch).
struct Movement {
  var warehouse: String
  /// Signed, stock UOM.
  var actualQty: Quantity
  var stockValueDifference: Amount
  /// |value| ÷ |qty| of an outward movement (9 decimals); 0 for inward.
  var outgoingRate: Rate
}
