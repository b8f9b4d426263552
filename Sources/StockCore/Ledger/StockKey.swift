/// Identifies the running state of one item in one warehouse.
///
/// The key of every per-item-warehouse table in the engine, the folds and the caches, looked up several times
/// per movement: it hashes its two names once, when it is made, and a table's lookup then hashes that one
/// word (Swift hashed both strings at every lookup). Equality is the names' (`String` equality, with its
/// Unicode equivalence; equal names hash alike), the stored hash compared first.
public struct StockKey: Sendable, Hashable, Comparable, BitwiseCopyable {
  /// The item's and the warehouse's names, interned (``InternedName``): a key copies as three words,
  /// without counting references to two strings (a stock ledger entry holds one, and the engine, the
  /// folds and the caches copy them by the million).
  public var itemName: InternedName { didSet { hashed = StockKey.hashedNames(item: itemName, warehouse: warehouseName) } }
  public var warehouseName: InternedName { didSet { hashed = StockKey.hashedNames(item: itemName, warehouse: warehouseName) } }
  /// The names hashed by ``NameHash`` (seeded per process: never stored on disk).
  @usableFromInline private(set) var hashed: Int

  public var item: String {
    @inlinable get { itemName.text }
    set { itemName = InternedName(newValue) }
  }
  public var warehouse: String {
    @inlinable get { warehouseName.text }
    set { warehouseName = InternedName(newValue) }
  }

  public init(item: String, warehouse: String) {
    self.init(item: InternedName(item), warehouse: InternedName(warehouse))
  }

  /// The key of two interned names, hashed from the hashes their boxes keep.
  @inlinable public init(item: InternedName, warehouse: InternedName) {
    itemName = item
    warehouseName = warehouse
    hashed = StockKey.hashedNames(item: item, warehouse: warehouse)
  }

  /// A key whose names' hash was made earlier: `hashedNames` is what ``hashedNames(item:warehouse:)`` gave
  /// for these names (or names equal to them) in this process (the posting core hashes the next vouchers'
  /// names for its prefetch, and makes their keys from that).
  public init(item: String, warehouse: String, hashedNames: Int) {
    self.init(item: InternedName(item), warehouse: InternedName(warehouse), hashedNames: hashedNames)
  }

  /// ``init(item:warehouse:hashedNames:)`` of interned names.
  public init(item: InternedName, warehouse: InternedName, hashedNames: Int) {
    itemName = item
    warehouseName = warehouse
    hashed = hashedNames
    assert(hashed == StockKey.hashedNames(item: item, warehouse: warehouse), "the hash given is not these names'")
  }

  /// What ``hashedNames`` is for a key of these names (without making one).
  public static func hashedNames(item: String, warehouse: String) -> Int {
    Int(truncatingIfNeeded: NameHash.hash(item, warehouse))
  }

  /// What ``hashedNames`` is for a key of these interned names: from the hashes each name's box keeps,
  /// without reading the names.
  @inlinable public static func hashedNames(item: InternedName, warehouse: InternedName) -> Int {
    Int(truncatingIfNeeded: NameHash.pair(item.nameHash, warehouse.nameHash))
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(hashed) }

  /// The names hashed (``NameHash``) when the key was made: what tables of keys of their own
  /// probe by (seeded per process, so never stored and never an order).
  @inlinable public var hashedNames: Int { hashed }

  /// What a table hashes: the names' hash (``NameHash``, made once) mixed with the table's seed (``HashMix``).
  public func _rawHashValue(seed: Int) -> Int { HashMix.mix(hashed, seed: seed) }

  /// The names' equality (`String`'s), the stored hash compared first and the same boxes equal at once.
  @inlinable public static func == (a: StockKey, b: StockKey) -> Bool {
    a.hashed == b.hashed && a.itemName == b.itemName && a.warehouseName == b.warehouseName
  }

  /// Item, then warehouse, by UTF-8 bytes (the order of every report).
  public static func < (a: StockKey, b: StockKey) -> Bool {
    let c = a.itemName.compareInByteOrder(b.itemName)
    return c != 0 ? c < 0 : a.warehouseName.compareInByteOrder(b.warehouseName) < 0
  }
}

/// Reserved, ordered and planned quantities per item and warehouse (ERPNext's `Bin` planning fields).
public struct PlanningTotals: Sendable, Hashable {
  public var reserved: Quantity = .zero
  public var ordered: Quantity = .zero
  public var planned: Quantity = .zero
  public init() {}
}
