extension BinaryWriter {
  /// An item-warehouse: item code, then warehouse.
  @inlinable public mutating func key(_ k: StockKey) {
    string(k.item)
    string(k.warehouse)
  }
}

extension BinaryReader {
  /// The names interned from where they lie (a name met before is not made again).
  public mutating func key() throws(BinaryFormatError) -> StockKey {
    StockKey(item: try name(), warehouse: try name())
  }
}
