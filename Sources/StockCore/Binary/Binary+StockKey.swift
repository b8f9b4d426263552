extension BinaryWriter {
  /// An item-warehouse: item code, then warehouse.
  @inlinable public mutating func key(_ k: StockKey) {
    name(k.itemName)
    name(k.warehouseName)
  }

  /// An interned name as ``string(_:)`` writes its text, from the bytes its box keeps.
  @inlinable public mutating func name(_ n: InternedName) {
    n.withUTF8 { u in
      count(u.count)
      storage.append(contentsOf: u)
    }
  }
}

extension BinaryReader {
  /// The names interned from where they lie (a name met before is not made again).
  public mutating func key() throws(BinaryFormatError) -> StockKey {
    StockKey(item: try name(), warehouse: try name())
  }
}
