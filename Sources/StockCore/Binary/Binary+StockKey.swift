extension BinaryWriter {
  /// An item-warehouse: item code, then warehouse.
  @inlinable public mutating func key(_ k: StockKey) {
    name(k.itemName)
    name(k.warehouseName)
  }
}

extension BinaryReader {
  /// The names interned from where they lie (a name met before is not made again).
  public mutating func key() throws(BinaryFormatError) -> StockKey {
    StockKey(item: try name(), warehouse: try name())
  }
}
