extension BinaryWriter {
  /// An item-warehouse: item code, then warehouse.
  @inlinable public mutating func key(_ k: StockKey) {
    string(k.item)
    string(k.warehouse)
  }
}

extension BinaryReader {
  public mutating func key() throws(BinaryFormatError) -> StockKey { StockKey(item: try string(), warehouse: try string()) }
}
