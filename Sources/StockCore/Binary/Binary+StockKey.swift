extension StockKey {
  /// The most bytes ``BinaryWriter/key(_:)`` writes for the key: each name's length (at most ten bytes)
  /// and its bytes. For a record (``BinaryWriter/record(maxBytes:_:)``) of the key and its numbers.
  @inlinable public var encodedSizeBound: Int { itemName.utf8Count &+ warehouseName.utf8Count &+ 20 }
}

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
