import StockCore

/// A report with one row per item-warehouse, in item then warehouse order, after a run that changed only
/// some item-warehouses: the previous file's other rows stand, the changed ones are dropped and their new
/// rows merged in by key. Byte for byte what rendering every row gives, when the other rows did not change.
public enum RowSplice {
  /// - Parameters:
  ///   - old: the previous file, header included.
  ///   - changed: the item-warehouses whose rows are replaced (or removed, or added).
  ///   - rows: their new rows, in key order, without a header.
  /// - Returns: nil for a file this cannot read by its first two fields (a quoted or formula-guarded item
  ///   or warehouse); the caller then renders every row.
  /// - Complexity: O(file size + changed rows).
  public static func splice(_ old: [UInt8], changed: Set<StockKey>, rows: [UInt8]) -> [UInt8]? {
    guard !old.contains(34), !rows.contains(34) else { return nil }
    /// The lines of `bytes` from `start` with their keys (item and warehouse, the first two fields).
    func lines(_ bytes: [UInt8], from start: Int) -> [(key: StockKey, range: Range<Int>)]? {
      var out: [(key: StockKey, range: Range<Int>)] = []
      var i = start
      while i < bytes.count {
        var end = i
        while end < bytes.count && bytes[end] != 10 { end += 1 }
        let next = min(end + 1, bytes.count)
        var first = i
        while first < end && bytes[first] != 44 { first += 1 }
        var second = first + 1
        while second < end && bytes[second] != 44 { second += 1 }
        guard first < end, second <= end, first > i, bytes[i] != 39, first + 1 < second, bytes[first + 1] != 39 else { return nil }
        let key = StockKey(item: String(decoding: bytes[i..<first], as: UTF8.self), warehouse: String(decoding: bytes[(first + 1)..<second], as: UTF8.self))
        out.append((key, i..<next))
        i = next
      }
      return out
    }
    guard let headerEnd = old.firstIndex(of: 10), let previous = lines(old, from: headerEnd + 1), let fresh = lines(rows, from: 0) else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(old.count + rows.count)
    out += old[...headerEnd]
    var j = 0
    for line in previous where !changed.contains(line.key) {
      while j < fresh.count && fresh[j].key < line.key {
        out += rows[fresh[j].range]
        j += 1
      }
      out += old[line.range]
    }
    while j < fresh.count {
      out += rows[fresh[j].range]
      j += 1
    }
    return out
  }
}
