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
  /// The distinct items and the distinct warehouses (found by their boxes' addresses, in the order the keys
  /// name them first) are ranked by their bytes, and what is sorted are the keys' two ranks in one word
  /// with a position: plain words, compared and moved without reference counting or calls. A report's
  /// keys name each item several times (a thousand items in six thousand keys at 100k movements, six
  /// warehouses): ranking the names first sorts a thousand names, not six thousand keys by their names,
  /// which cost 4,700 instructions a key in each of the aggregate reports' sorts. Keys already in
  /// order (the next run's, decoded in report order) meet their names in order: both sorts are a pass.
  /// - Complexity: O(k log k) word comparisons for k keys, plus O(d log d) name comparisons for d distinct
  ///   names (O(k) and O(d) for keys in order).
  public static func sortedOrder(_ keys: [StockKey]) -> [Int] { sortedOrder(keys, packing: true) }

  /// ``sortedOrder(_:)``, with the ranks and positions packed into one word where they fit (`packing`), or
  /// kept as a pair (as for millions of names; a test compares the two).
  static func sortedOrder(_ keys: [StockKey], packing: Bool) -> [Int] {
    guard keys.count > 1 else { return Array(keys.indices) }
    var items = DistinctNames(), warehouses = DistinctNames()
    var places: [(item: Int32, warehouse: Int32)] = []
    places.reserveCapacity(keys.count)
    for k in keys { places.append((items.index(of: k.itemName), warehouses.index(of: k.warehouseName))) }
    let itemRanks = items.ranks(), warehouseRanks = warehouses.ranks()
    // The two ranks and the position in one word when they fit (they do but for millions of names).
    let (itemBits, warehouseBits, positionBits) = (bits(items.names.count), bits(warehouses.names.count), bits(keys.count))
    if packing && itemBits + warehouseBits + positionBits <= 64 {
      var words: [UInt64] = []
      words.reserveCapacity(keys.count)
      for (n, p) in places.enumerated() {
        let ranks = UInt64(itemRanks[Int(p.item)]) << warehouseBits | UInt64(warehouseRanks[Int(p.warehouse)])
        words.append(ranks << positionBits | UInt64(n))
      }
      words.sort()
      let mask = UInt64(1) << positionBits - 1
      return words.map { Int($0 & mask) }
    }
    var order: [(ranks: UInt64, at: Int)] = []
    order.reserveCapacity(keys.count)
    for (n, p) in places.enumerated() {
      order.append((UInt64(itemRanks[Int(p.item)]) << 32 | UInt64(warehouseRanks[Int(p.warehouse)]), n))
    }
    order.sort { $0.ranks != $1.ranks ? $0.ranks < $1.ranks : $0.at < $1.at }
    return order.map(\.at)
  }

  /// The bits that hold the numbers below `count`.
  private static func bits(_ count: Int) -> Int { max(1, Int.bitWidth - (count - 1).leadingZeroBitCount) }
}

/// The distinct names among many (interned: one box per spelling, so one address per name), numbered in
/// the order they are first met, then ranked by their bytes.
struct DistinctNames {
  private(set) var names: [InternedName] = []
  /// Open addressing by the boxes' addresses: a number into `names`, or -1 for a free slot. At most half
  /// full: it doubles as names come (its size follows the distinct names, a few warehouses among
  /// millions of keys, not the keys).
  private var slots = [Int32](repeating: -1, count: 16)
  private var mask = 15

  init() {}

  /// The number of `name`: the one it was given when first met, else the next.
  /// - Complexity: O(1) amortized.
  mutating func index(of name: InternedName) -> Int32 {
    var i = DistinctNames.slot(of: name, mask: mask)
    while true {
      let n = slots[i]
      if n < 0 { break }
      if names[Int(n)].identity == name.identity { return n }
      i = (i &+ 1) & mask
    }
    let n = Int32(names.count)
    names.append(name)
    if 2 * names.count > slots.count {
      grow()
    } else {
      slots[i] = n
    }
    return n
  }

  /// The first slot to probe for `name`.
  private static func slot(of name: InternedName, mask: Int) -> Int { HashMix.mix(Int(bitPattern: name.identity), seed: 0) & mask }

  /// Twice the slots, every name placed again (the last one added too).
  private mutating func grow() {
    slots = [Int32](repeating: -1, count: 2 * slots.count)
    mask = slots.count - 1
    for (n, name) in names.enumerated() {
      var i = DistinctNames.slot(of: name, mask: mask)
      while slots[i] >= 0 { i = (i &+ 1) & mask }
      slots[i] = Int32(n)
    }
  }

  /// Each name's rank in byte order (`ranks[number]`). Names that share their first 16 bytes are ordered
  /// by their whole bytes (two distinct names with the same words are long: the same words and length
  /// would be the same name).
  /// - Complexity: O(d log d) comparisons for d names; O(d) when they were met in order.
  func ranks() -> [UInt32] {
    let order = NamePrefix.byteOrder(names.map(NamePrefix.init)) { names[$0].compareInByteOrder(names[$1]) }
    var ranks = [UInt32](repeating: 0, count: names.count)
    for (rank, n) in order.enumerated() { ranks[n] = UInt32(rank) }
    return ranks
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

  /// The positions of names, given their `prefixes`, in the order of their bytes, equal names in the order
  /// given: the prefixes (plain words) sorted, then each run of long names sharing a prefix by `compare`
  /// (the bytes of the names at two positions: negative, zero or positive). What the reports' names and
  /// the serial numbers are sorted by (``String/byteOrder(_:)``, ``StockKey/sortedOrder(_:)``).
  /// - Complexity: O(n log n) word comparisons, plus `compare` within runs of long names sharing 16 bytes.
  static func byteOrder(_ prefixes: [NamePrefix], compare: (Int, Int) -> Int) -> [Int] {
    // Each prefix and its position as three words compared in turn, the last the length (at most 17, in
    // its top bits) and the position: no two are equal, and the sort compares plain words (a tuple of the
    // prefix and the position, compared field by field through a closure, was 55 instructions a
    // comparison, 73 M for the 80,000 numbers a daily run's snapshot sorts).
    var entries: [Word3] = []
    entries.reserveCapacity(prefixes.count)
    for (n, p) in prefixes.enumerated() { entries.append(Word3(p.high, p.low, UInt64(p.count) &<< 58 | UInt64(n))) }
    entries.sort()
    func at(_ e: Word3) -> Int { Int(truncatingIfNeeded: e.third & (1 &<< 58 &- 1)) }
    func samePrefix(_ a: Word3, _ b: Word3) -> Bool { a.first == b.first && a.second == b.second && a.third >> 58 == b.third >> 58 }
    // Runs the words cannot order: long names that share their first 16 bytes.
    var start = 0
    while start < entries.count {
      var end = start + 1
      while end < entries.count && samePrefix(entries[end], entries[start]) { end += 1 }
      if end - start > 1 && entries[start].third >> 58 > 16 {
        entries[start..<end].sort { a, b in
          let c = compare(at(a), at(b))
          return c != 0 ? c < 0 : at(a) < at(b)
        }
      }
      start = end
    }
    return entries.map(at)
  }

  /// Three words ordered as a tuple of them.
  struct Word3: Comparable {
    let first: UInt64, second: UInt64, third: UInt64
    init(_ first: UInt64, _ second: UInt64, _ third: UInt64) { (self.first, self.second, self.third) = (first, second, third) }
    static func < (a: Word3, b: Word3) -> Bool {
      a.first != b.first ? a.first < b.first : a.second != b.second ? a.second < b.second : a.third < b.third
    }
  }

  /// Equal words with different lengths: the longer name goes on with zero bytes, so the shorter is its
  /// prefix and comes first.
  static func < (a: NamePrefix, b: NamePrefix) -> Bool {
    if a.high != b.high { return a.high < b.high }
    if a.low != b.low { return a.low < b.low }
    return a.count < b.count
  }
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
