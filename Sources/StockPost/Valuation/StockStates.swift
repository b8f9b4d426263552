import CMalloc
import StockCore

/// The running state of every item and warehouse: what the engine looks up for every movement.
///
/// A table of its own rather than a `Dictionary`, so that the replay can ask for a state to be brought into
/// cache a few vouchers before it is needed (``prefetch(probe:)``, ``prefetch(state:)``): at a million
/// vouchers over 45,000 item-warehouses the states and their FIFO queues do not fit in cache, and every
/// movement otherwise stalled the posting core on the table, the state and the queue in turn.
///
/// Keys and states in two arrays in the order the keys were added; an open-addressed table of their
/// positions, each slot with the top half of the key's hash (``StockKey/hashedNames``) so a probe compares
/// keys only when the halves agree. Keys are equal as ``StockKey`` is (its names' `String` equality).
/// Iteration is in the order keys were added (the same for the same vouchers); equality ignores order.
public struct StockStates: Sendable {
  private var keys: [StockKey] = []
  private var states: [ItemWarehouseState] = []
  /// Per slot: the hash's top 32 bits, then 1 + the position; 0 when empty. A power of two, at most
  /// half full (linear probing).
  private var slots: [UInt64] = Array(repeating: 0, count: 16)

  public init() {}

  /// - Complexity: O(1) on average.
  public var count: Int { keys.count }
  public var isEmpty: Bool { keys.isEmpty }

  /// Makes room for `n` keys without growing the table.
  /// - Complexity: O(n).
  public mutating func reserveCapacity(_ n: Int) {
    keys.reserveCapacity(n)
    states.reserveCapacity(n)
    if 2 * n > slots.count { rehash(minimumSlots: 2 * n) }
  }

  /// The state of `key`; setting nil removes it.
  /// - Complexity: O(1) on average.
  public subscript(key: StockKey) -> ItemWarehouseState? {
    get { position(of: key).map { states[$0] } }
    set {
      if let newValue {
        if let i = position(of: key) { states[i] = newValue } else { insert(key, newValue) }
      } else {
        removeValue(forKey: key)
      }
    }
  }

  /// The quantity of `key`'s state, read in place (a copy of the state retains its queue); zero when absent.
  public func qty(_ key: StockKey) -> Quantity {
    guard let i = position(of: key) else { return .zero }
    return states[i].qty
  }

  /// Removes `key` and its state: the last key takes its position.
  /// - Complexity: O(1) on average.
  @discardableResult public mutating func removeValue(forKey key: StockKey) -> ItemWarehouseState? {
    guard let slot = slot(of: key) else { return nil }
    let i = Int(slots[slot] & 0xFFFF_FFFF) - 1
    removeSlot(slot)
    let last = keys.count - 1
    if i != last {
      // The last key moves to `i`: its slot is repointed.
      var s = Int(truncatingIfNeeded: keys[last].hashedNames) & (slots.count - 1)
      while Int(slots[s] & 0xFFFF_FFFF) - 1 != last { s = (s + 1) & (slots.count - 1) }
      slots[s] = slots[s] & ~0xFFFF_FFFF | UInt64(i + 1)
      keys.swapAt(i, last)
      states.swapAt(i, last)
    }
    keys.removeLast()
    return states.removeLast()
  }

  // MARK: by position

  /// Where `key` is, if it is here (positions change only when a key is removed).
  /// - Complexity: O(1) on average.
  public func position(of key: StockKey) -> Int? {
    slot(of: key).map { Int(slots[$0] & 0xFFFF_FFFF) - 1 }
  }

  /// The state at `position`, read and changed in place.
  public subscript(at position: Int) -> ItemWarehouseState {
    _read { yield states[position] }
    _modify { yield &states[position] }
  }

  /// Adds `key`, which is not here, after the others.
  /// - Returns: its position.
  /// - Complexity: O(1) amortized.
  public mutating func append(_ key: StockKey, _ state: ItemWarehouseState) -> Int {
    insert(key, state)
    return keys.count - 1
  }

  /// Removes the key added last (undoing ``append(_:_:)``).
  /// - Complexity: O(1) on average.
  public mutating func removeLast() {
    guard let key = keys.last else { return }
    removeValue(forKey: key)
  }

  // MARK: prefetching

  /// Asks for the table slot where `key` would be found to be brought into cache (the first step of a
  /// lookup a few vouchers ahead). Reads nothing but the table's address.
  /// - Complexity: O(1).
  @inline(__always) public func prefetch(probe hash: Int) {
    slots.withUnsafeBufferPointer { s in stockledger_prefetch(s.baseAddress! + (hash & (s.count - 1))) }
  }

  /// The position a key of `hash` most likely has, found by its hash alone (the slot should be in cache by
  /// now, ``prefetch(probe:)``), with its key and state asked into cache; -1 when none is found.
  /// - Complexity: O(1) on average; compares no keys.
  @inline(__always) public func prefetch(position hash: Int) -> Int {
    let tag = UInt64(UInt(bitPattern: hash) >> 32)
    return slots.withUnsafeBufferPointer { s in
      let mask = s.count - 1
      var i = hash & mask
      while true {
        let e = s[i]
        if e == 0 { return -1 }
        if e >> 32 == tag {
          let p = Int(e & 0xFFFF_FFFF) - 1
          keys.withUnsafeBufferPointer { stockledger_prefetch($0.baseAddress! + p) }
          states.withUnsafeBufferPointer { stockledger_prefetch($0.baseAddress! + p) }
          return p
        }
        i = (i + 1) & mask
      }
    }
  }

  /// Asks for the first bins of the FIFO queue of the state at `position` to be brought into cache (the
  /// state itself should be in cache by now, ``prefetch(position:)``).
  @inline(__always) public func prefetch(queueAt position: Int) {
    guard position >= 0, position < states.count else { return }
    states.withUnsafeBufferPointer { s in
      // The queue's storage object: its bins start after a 32-byte header.
      let object = UnsafeRawPointer(s.baseAddress! + position).load(fromByteOffset: ItemWarehouseState.queueOffset, as: UnsafeRawPointer.self)
      stockledger_prefetch(object + 32)
      stockledger_prefetch(object + 96)
    }
  }

  // MARK: the table

  private func slot(of key: StockKey) -> Int? {
    let hash = key.hashedNames
    let tag = UInt64(UInt(bitPattern: hash) >> 32)
    return slots.withUnsafeBufferPointer { s in
      keys.withUnsafeBufferPointer { k in
        let mask = s.count - 1
        var i = hash & mask
        while true {
          let e = s[i]
          if e == 0 { return nil }
          if e >> 32 == tag && k[Int(e & 0xFFFF_FFFF) - 1] == key { return i }
          i = (i + 1) & mask
        }
      }
    }
  }

  private mutating func insert(_ key: StockKey, _ state: ItemWarehouseState) {
    if 2 * (keys.count + 1) > slots.count { rehash(minimumSlots: 2 * (keys.count + 1)) }
    keys.append(key)
    states.append(state)
    place(key.hashedNames, position: keys.count - 1)
  }

  private mutating func place(_ hash: Int, position: Int) {
    let mask = slots.count - 1
    var i = hash & mask
    while slots[i] != 0 { i = (i + 1) & mask }
    slots[i] = UInt64(UInt(bitPattern: hash) >> 32) << 32 | UInt64(position + 1)
  }

  /// Empties `slot`, moving later entries of its probe sequence back (no tombstones).
  private mutating func removeSlot(_ slot: Int) {
    let mask = slots.count - 1
    var hole = slot
    var i = (slot + 1) & mask
    while slots[i] != 0 {
      let home = Int(truncatingIfNeeded: keys[Int(slots[i] & 0xFFFF_FFFF) - 1].hashedNames) & mask
      // Moves back when its home is not within (hole, i], cyclically.
      if (i - home) & mask >= (i - hole) & mask {
        slots[hole] = slots[i]
        hole = i
      }
      i = (i + 1) & mask
    }
    slots[hole] = 0
  }

  private mutating func rehash(minimumSlots: Int) {
    var size = 16
    while size < minimumSlots { size *= 2 }
    slots = Array(repeating: 0, count: size)
    for (p, k) in keys.enumerated() { place(k.hashedNames, position: p) }
  }
}

extension StockStates: Sequence {
  /// The keys and states in the order the keys were added.
  public func makeIterator() -> Zip2Sequence<[StockKey], [ItemWarehouseState]>.Iterator { zip(keys, states).makeIterator() }
}

extension StockStates: Equatable {
  /// The same keys with the same states, in any order.
  /// - Complexity: O(n) on average.
  public static func == (a: StockStates, b: StockStates) -> Bool {
    a.count == b.count && a.allSatisfy { b[$0] == $1 }
  }
}

extension ItemWarehouseState {
  /// Where the queue's reference is in the state (for ``StockStates/prefetch(queueAt:)``).
  @inline(__always) static var queueOffset: Int { MemoryLayout<ItemWarehouseState>.offset(of: \.queue)! }
}
