import CSystem

#if canImport(Glibc)
  import Glibc
#endif

/// A table of values by item and warehouse that can be asked, a few steps ahead, to bring a key's value
/// into cache (``prefetch(probe:)``, ``prefetch(position:)``): the engine's states (`StockStates`) and the
/// report folds' rows, each looked up for every stock movement of a run. At a million vouchers over
/// 45,000 item-warehouses the values do not fit in cache, and a `Dictionary` lookup stalled its core on
/// the table, the key and the value in turn.
///
/// Keys and values in two arrays in the order the keys were added; an open-addressed table of their
/// positions, each slot with the top half of the key's hash (``StockKey/hashedNames``) so a probe compares
/// keys only when the halves agree. Keys are equal as ``StockKey`` is (its names' `String` equality).
/// Iteration is in the order keys were added (the same for the same inputs); equality ignores order.
public struct StockKeyTable<Value: Sendable>: Sendable {
  @usableFromInline var keys: [StockKey] = []
  @usableFromInline var values: [Value] = []
  /// Per slot: the hash's top 32 bits, then 1 + the position; 0 when empty. A power of two, at most
  /// half full (linear probing).
  @usableFromInline var slots: [UInt64] = Array(repeating: 0, count: 16)

  @inlinable public init() {}

  /// - Complexity: O(1) on average.
  @inlinable public var count: Int { keys.count }
  @inlinable public var isEmpty: Bool { keys.isEmpty }

  /// Makes room for `n` keys without growing the table.
  /// - Complexity: O(n).
  @inlinable public mutating func reserveCapacity(_ n: Int) {
    keys.reserveCapacity(n)
    values.reserveCapacity(n)
    if 2 * n > slots.count { rehash(minimumSlots: 2 * n) }
  }

  /// The value of `key`; setting nil removes it.
  /// - Complexity: O(1) on average.
  @inlinable public subscript(key: StockKey) -> Value? {
    get { position(of: key).map { values[$0] } }
    set {
      if let newValue {
        if let i = position(of: key) { values[i] = newValue } else { insert(key, newValue) }
      } else {
        removeValue(forKey: key)
      }
    }
  }

  /// The value of `key`, read and changed in place; `defaultValue` added first when it is not here.
  /// - Complexity: O(1) on average.
  @inlinable public subscript(key: StockKey, default defaultValue: @autoclosure () -> Value) -> Value {
    get { position(of: key).map { values[$0] } ?? defaultValue() }
    _modify {
      let p = position(of: key) ?? append(key, defaultValue())
      yield &values[p]
    }
  }

  /// The values in the order their keys were added, read in place.
  @inlinable @inline(__always) public func withValues<R>(_ body: (UnsafeBufferPointer<Value>) -> R) -> R {
    values.withUnsafeBufferPointer(body)
  }

  /// The values transformed, as a dictionary by key.
  /// - Complexity: O(n).
  @inlinable public func mapValues<T>(_ transform: (Value) -> T) -> [StockKey: T] {
    var d: [StockKey: T] = [:]
    d.reserveCapacity(keys.count)
    for (k, v) in zip(keys, values) { d[k] = transform(v) }
    return d
  }

  /// Removes `key` and its value: the last key takes its position.
  /// - Complexity: O(1) on average.
  @inlinable @discardableResult public mutating func removeValue(forKey key: StockKey) -> Value? {
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
      values.swapAt(i, last)
    }
    keys.removeLast()
    return values.removeLast()
  }

  // MARK: by position

  /// Where `key` is, if it is here (positions change only when a key is removed).
  /// - Complexity: O(1) on average.
  @inlinable public func position(of key: StockKey) -> Int? {
    slot(of: key).map { Int(slots[$0] & 0xFFFF_FFFF) - 1 }
  }

  /// The keys in the order added (a key's position is its index here).
  /// - Complexity: O(1) (the array is shared, not copied).
  @inlinable public var keysInOrder: [StockKey] { keys }

  /// The value at `position`, read and changed in place.
  @inlinable public subscript(at position: Int) -> Value {
    _read { yield values[position] }
    _modify { yield &values[position] }
  }

  /// Adds `key`, which is not here, after the others.
  /// - Returns: its position.
  /// - Complexity: O(1) amortized.
  @inlinable public mutating func append(_ key: StockKey, _ value: Value) -> Int {
    insert(key, value)
    return keys.count - 1
  }

  /// Adds `key` after the others unless it is here already: one probe for both (a decoder's keys, which
  /// should all be new, are checked without a second lookup).
  /// - Returns: false, changing nothing, when `key` is here.
  /// - Complexity: O(1) amortized.
  @inlinable public mutating func appendNew(_ key: StockKey, _ value: Value) -> Bool {
    if 2 * (keys.count + 1) > slots.count { rehash(minimumSlots: 2 * (keys.count + 1)) }
    let hash = key.hashedNames
    let tag = UInt64(UInt(bitPattern: hash) >> 32)
    let mask = slots.count - 1
    var i = hash & mask
    while slots[i] != 0 {
      if slots[i] >> 32 == tag && keys[Int(slots[i] & 0xFFFF_FFFF) - 1] == key { return false }
      i = (i + 1) & mask
    }
    keys.append(key)
    values.append(value)
    slots[i] = tag << 32 | UInt64(keys.count)
    return true
  }

  /// Removes the key added last (undoing ``append(_:_:)``).
  /// - Complexity: O(1) on average.
  @inlinable public mutating func removeLast() {
    guard let key = keys.last else { return }
    removeValue(forKey: key)
  }

  // MARK: prefetching

  /// Asks for the table slot where `key` would be found to be brought into cache (the first step of a
  /// lookup a few vouchers ahead). Reads nothing but the table's address.
  /// - Complexity: O(1).
  @inlinable @inline(__always) public func prefetch(probe hash: Int) {
    slots.withUnsafeBufferPointer { s in stockledger_prefetch(s.baseAddress! + (hash & (s.count - 1))) }
  }

  /// The position a key of `hash` most likely has, found by its hash alone (the slot should be in cache by
  /// now, ``prefetch(probe:)``), with its key and value asked into cache; -1 when none is found.
  /// - Complexity: O(1) on average; compares no keys.
  @inlinable @inline(__always) public func prefetch(position hash: Int) -> Int {
    let tag = UInt64(UInt(bitPattern: hash) >> 32)
    return slots.withUnsafeBufferPointer { s in
      let mask = s.count - 1
      var i = hash & mask
      while true {
        let e = s[i]
        if e == 0 { return -1 }
        if e >> 32 == tag {
          let p = Int(e & 0xFFFF_FFFF) - 1
          // Every cache line of each: an element may straddle lines (the arrays' elements start 32 bytes
          // into a line, so a 64-byte state always does, its queue reference in the second line), and one
          // wider than a line spans three (a stock balance row of 144 bytes: prefetching its two ends left
          // the middle line, which the fold then waited for).
          keys.withUnsafeBufferPointer { k in StockKeyTable.prefetchLines(of: k.baseAddress! + p) }
          values.withUnsafeBufferPointer { v in StockKeyTable.prefetchLines(of: v.baseAddress! + p) }
          return p
        }
        i = (i + 1) & mask
      }
    }
  }

  /// Asks for every cache line of the element at `element` (stepping a line at a time from its first byte,
  /// then its last: the lines it spans, wherever it starts).
  @inlinable @inline(__always) static func prefetchLines<T>(of element: UnsafePointer<T>) {
    let start = UnsafeRawPointer(element)
    var offset = 0
    while offset < MemoryLayout<T>.size {
      stockledger_prefetch(start + offset)
      offset += 64
    }
    stockledger_prefetch(start + (MemoryLayout<T>.size - 1))
  }

  // MARK: the table

  @inlinable func slot(of key: StockKey) -> Int? { slot(hashed: key.hashedNames) { $0 == key } }

  /// The slot of the key of `hash` that `matches` (asked only of keys whose slot has the hash's top half).
  @inlinable @inline(__always) func slot(hashed hash: Int, _ matches: (StockKey) -> Bool) -> Int? {
    let tag = UInt64(UInt(bitPattern: hash) >> 32)
    return slots.withUnsafeBufferPointer { s in
      keys.withUnsafeBufferPointer { k in
        let mask = s.count - 1
        var i = hash & mask
        while true {
          let e = s[i]
          if e == 0 { return nil }
          if e >> 32 == tag && matches(k[Int(e & 0xFFFF_FFFF) - 1]) { return i }
          i = (i + 1) & mask
        }
      }
    }
  }

  @inlinable mutating func insert(_ key: StockKey, _ value: Value) {
    if 2 * (keys.count + 1) > slots.count { rehash(minimumSlots: 2 * (keys.count + 1)) }
    keys.append(key)
    values.append(value)
    place(key.hashedNames, position: keys.count - 1)
  }

  @inlinable mutating func place(_ hash: Int, position: Int) {
    let mask = slots.count - 1
    var i = hash & mask
    while slots[i] != 0 { i = (i + 1) & mask }
    slots[i] = UInt64(UInt(bitPattern: hash) >> 32) << 32 | UInt64(position + 1)
  }

  /// Empties `slot`, moving later entries of its probe sequence back (no tombstones).
  @inlinable mutating func removeSlot(_ slot: Int) {
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

  @inlinable mutating func rehash(minimumSlots: Int) {
    var size = 16
    while size < minimumSlots { size *= 2 }
    slots = Array(repeating: 0, count: size)
    for (p, k) in keys.enumerated() { place(k.hashedNames, position: p) }
  }
}

extension StockKeyTable: Sequence {
  /// The keys and values in the order the keys were added, as a dictionary's elements.
  public struct Iterator: IteratorProtocol {
    @usableFromInline var keys: IndexingIterator<[StockKey]>
    @usableFromInline var values: IndexingIterator<[Value]>
    @inlinable init(keys: IndexingIterator<[StockKey]>, values: IndexingIterator<[Value]>) {
      self.keys = keys
      self.values = values
    }
    @inlinable public mutating func next() -> (key: StockKey, value: Value)? {
      guard let k = keys.next(), let v = values.next() else { return nil }
      return (k, v)
    }
  }
  @inlinable public func makeIterator() -> Iterator { Iterator(keys: keys.makeIterator(), values: values.makeIterator()) }
  @inlinable public var underestimatedCount: Int { keys.count }
}

extension StockKeyTable: Equatable where Value: Equatable {
  /// The same keys with the same values, in any order.
  /// - Complexity: O(n) on average.
  @inlinable public static func == (a: StockKeyTable, b: StockKeyTable) -> Bool {
    a.count == b.count && a.allSatisfy { b[$0] == $1 }
  }
}
