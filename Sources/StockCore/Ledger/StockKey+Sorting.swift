extension StockKey {
  /// `keys` in report order (``<``: item, then warehouse, by UTF-8 bytes).
  /// - Complexity: see ``sortedOrder(_:)``.
  public static func sorted(_ keys: some Sequence<StockKey>) -> [StockKey] {
    let all = Array(keys)
    return sortedOrder(all).map { all[$0] }
  }

  /// The positions of `keys` in report order: a table's rows are sorted once and then read in that order
  /// without a lookup per key.
  ///
  /// Each name's first 16 bytes are read once into two big-endian words, and what is sorted are those
  /// words and a position (plain words, compared and moved without reference counting or calls); only
  /// keys whose names are longer than 16 bytes and share those bytes are then ordered by their names. The
  /// aggregate reports sort every item-warehouse (40,000 at 1M movements), each of them in a daily run:
  /// comparing the names as strings at each of the ~600,000 steps was most of re-rendering them.
  /// - Complexity: O(k log k) word comparisons, plus O(name) for long names that share 16 bytes.
  public static func sortedOrder(_ keys: [StockKey]) -> [Int] {
    var entries: [SortEntry] = []
    entries.reserveCapacity(keys.count)
    for (n, k) in keys.enumerated() { entries.append(SortEntry(item: NamePrefix(k.itemName), warehouse: NamePrefix(k.warehouseName), at: n)) }
    entries.sort()
    // Runs the words cannot order: the same prefix of a long item (then by the keys), or the same short
    // item and the same prefix of a long warehouse.
    func settle(_ same: (SortEntry, SortEntry) -> Bool, where long: (SortEntry) -> Bool) {
      var start = 0
      while start < entries.count {
        var end = start + 1
        while end < entries.count && same(entries[start], entries[end]) { end += 1 }
        if end - start > 1 && long(entries[start]) { entries[start..<end].sort { keys[$0.at] < keys[$1.at] } }
        start = end
      }
    }
    settle({ $0.item == $1.item }, where: { $0.item.isLong })
    settle({ $0.item == $1.item && $0.warehouse == $1.warehouse }, where: { !$0.item.isLong && $0.warehouse.isLong })
    return entries.map(\.at)
  }
}

/// The first 16 UTF-8 bytes of a name as two big-endian words (zero after its end), and its length in
/// bytes up to 17 (17: longer than the words hold). Ordered as the bytes of the names, except that two
/// long names with the same words are equal here.
struct NamePrefix: Comparable {
  let high: UInt64
  let low: UInt64
  let count: Int

  init(_ name: InternedName) {
    self = name.withUTF8 { NamePrefix(utf8: $0) }  // the bytes where the name's box keeps them
  }

  init(utf8 b: UnsafeBufferPointer<UInt8>) {
    var high: UInt64 = 0, low: UInt64 = 0
    let n = b.count
    for i in 0..<min(8, n) { high |= UInt64(b[i]) << (56 - 8 * i) }
    if n > 8 { for i in 8..<min(16, n) { low |= UInt64(b[i]) << (56 - 8 * (i - 8)) } }
    (self.high, self.low, count) = (high, low, min(n, 17))
  }

  var isLong: Bool { count > 16 }

  /// Equal words with different lengths: the longer name goes on with zero bytes, so the shorter is its
  /// prefix and comes first.
  static func < (a: NamePrefix, b: NamePrefix) -> Bool {
    if a.high != b.high { return a.high < b.high }
    if a.low != b.low { return a.low < b.low }
    return a.count < b.count
  }
}

/// A key's place in the sort: its names' prefixes and its position.
struct SortEntry: Comparable {
  let item: NamePrefix
  let warehouse: NamePrefix
  let at: Int

  static func < (a: SortEntry, b: SortEntry) -> Bool {
    a.item != b.item ? a.item < b.item : a.warehouse < b.warehouse
  }
  static func == (a: SortEntry, b: SortEntry) -> Bool { a.item == b.item && a.warehouse == b.warehouse }
}

extension Array where Element == StockKey {
  /// Drops the repeats among the elements from `start` on (the first of equal keys kept) and sorts them
  /// (``StockKey/<``): the few item-warehouses of one voucher, collected at the end of a longer buffer.
  /// - Complexity: O(k²) for the k elements from `start` (a voucher names a few).
  public mutating func uniqueSort(from start: Int) {
    let n = count - start
    guard n > 1 else { return }
    if n == 2 {
      if self[start] == self[start + 1] {
        removeLast()
      } else if self[start + 1] < self[start] {
        swapAt(start, start + 1)
      }
      return
    }
    var kept = start
    for i in start..<count where !self[start..<kept].contains(self[i]) {
      swapAt(kept, i)
      kept += 1
    }
    removeSubrange(kept...)
    self[start...].sort()
  }
}
