/// What interned names stand for (an item, an account), kept by the address of the name's box: a slot per
/// address, direct-mapped, filled by the caller's lookup the first time a name lands in it.
///
/// A lookup in the masters by a name's bytes (a probe and a comparison, about 130–180 instructions) was
/// made for every row that posts; a slot is one load and one comparison. A name whose slot another name
/// took is looked up again, which costs what it did without the cache. Values are kept as given: a class
/// is best kept `Unmanaged` (the caller holding what owns it), so reading a slot counts no reference.
public struct InternedNameCache<Value> {
  @usableFromInline var slots: [(address: UInt, value: Value?)]
  @usableFromInline let mask: Int

  /// A cache of `slotCount` slots (a power of two).
  public init(slotCount: Int = 4096) {
    precondition(slotCount > 0 && slotCount & (slotCount - 1) == 0, "a power of two slots")
    slots = Array(repeating: (0, nil), count: slotCount)
    mask = slotCount - 1
  }

  /// The value of `name`: its slot's, or `lookUp(name)` put in its slot (the empty name is never kept).
  /// - Complexity: O(1) when the slot holds the name; else one `lookUp`.
  @inlinable public mutating func value(_ name: InternedName, lookUp: (InternedName) -> Value?) -> Value? {
    let address = name.identity
    // (Boxes are at least 16-byte aligned: the low bits say nothing.)
    let i = Int(truncatingIfNeeded: address &>> 4) & mask
    if address != 0, slots[i].address == address { return slots[i].value }
    let value = lookUp(name)
    if address != 0 { slots[i] = (address, value) }
    return value
  }
}

extension InternedNameCache: Sendable where Value: Sendable {}
