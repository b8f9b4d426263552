/// Identifies the running state of one item in one warehouse.
///
/// The key of every per-item-warehouse table in the engine, the folds and the caches, looked up several times
/// per movement: it hashes its two names once, when it is made, and a table's lookup then hashes that one
/// word (Swift hashed both strings at every lookup). Equality is the names' (`String` equality, with its
/// Unicode equivalence; equal names hash alike), the stored hash compared first.
public struct StockKey: Sendable, Hashable, Comparable {
  public var item: String { didSet { hashed = StockKey.hashed(item, warehouse) } }
  public var warehouse: String { didSet { hashed = StockKey.hashed(item, warehouse) } }
  /// The names hashed by ``NameHash`` (seeded per process: never stored on disk).
  @usableFromInline private(set) var hashed: Int

  public init(item: String, warehouse: String) {
    self.item = item
    self.warehouse = warehouse
    hashed = StockKey.hashed(item, warehouse)
  }

  /// A key whose names' hash was made earlier: `hashedNames` is what ``hashedNames(item:warehouse:)`` gave
  /// for these names (or names equal to them) in this process (the posting core hashes the next vouchers'
  /// names for its prefetch, and makes their keys from that).
  public init(item: String, warehouse: String, hashedNames: Int) {
    self.item = item
    self.warehouse = warehouse
    hashed = hashedNames
    assert(hashed == StockKey.hashed(item, warehouse), "the hash given is not these names'")
  }

  /// What ``hashedNames`` is for a key of these names (without making one).
  public static func hashedNames(item: String, warehouse: String) -> Int { hashed(item, warehouse) }

  /// What ``hashedNames`` is for a key of these interned names: from the hashes each name's box keeps,
  /// without reading the names.
  @inlinable public static func hashedNames(item: InternedName, warehouse: InternedName) -> Int {
    Int(truncatingIfNeeded: NameHash.pair(item.nameHash, warehouse.nameHash))
  }

  private static func hashed(_ item: String, _ warehouse: String) -> Int {
    Int(truncatingIfNeeded: NameHash.hash(item, warehouse))
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(hashed) }

  /// The names hashed (``NameHash``) when the key was made: what tables of keys of their own
  /// probe by (seeded per process, so never stored and never an order).
  @inlinable public var hashedNames: Int { hashed }

  /// What a table hashes: the names' hash (``NameHash``, made once) mixed with the table's seed (``HashMix``).
  public func _rawHashValue(seed: Int) -> Int { HashMix.mix(hashed, seed: seed) }

  public static func == (a: StockKey, b: StockKey) -> Bool {
    a.hashed == b.hashed && a.item == b.item && a.warehouse == b.warehouse
  }

  /// Item, then warehouse, by UTF-8 bytes (the order of every report).
  public static func < (a: StockKey, b: StockKey) -> Bool {
    let c = a.item.compareInByteOrder(b.item)
    return c != 0 ? c < 0 : a.warehouse.precedesInByteOrder(b.warehouse)
  }
}

/// Reserved, ordered and planned quantities per item and warehouse (ERPNext's `Bin` planning fields).
public struct PlanningTotals: Sendable, Hashable {
  public var reserved: Quantity = .zero
  public var ordered: Quantity = .zero
  public var planned: Quantity = .zero
  public init() {}
}
