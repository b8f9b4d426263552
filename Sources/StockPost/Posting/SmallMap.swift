/// A map for the few keys one voucher touches: pairs in an array, searched from the start. A dictionary
/// per voucher cost an allocation and a hash of two strings per lookup, for two or three keys.
struct SmallMap<Key: Equatable, Value>: Sequence {
  private var pairs: [(key: Key, value: Value)] = []

  /// - Complexity: O(keys), which are few.
  subscript(key: Key) -> Value? {
    get { pairs.first { $0.key == key }?.value }
    set {
      if let i = pairs.firstIndex(where: { $0.key == key }) {
        if let newValue { pairs[i].value = newValue } else { pairs.remove(at: i) }
      } else if let newValue {
        pairs.append((key, newValue))
      }
    }
  }

  /// A part of the value for `key`, read in place (the value is not copied).
  /// - Complexity: O(keys), which are few.
  func read<R>(_ key: Key, _ part: KeyPath<Value, R>) -> R? {
    for i in pairs.indices where pairs[i].key == key { return pairs[i].value[keyPath: part] }
    return nil
  }

  /// Empties the map, keeping its room.
  mutating func removeAll() { pairs.removeAll(keepingCapacity: true) }

  /// The pairs in the order their keys were first set.
  func makeIterator() -> IndexingIterator<[(key: Key, value: Value)]> { pairs.makeIterator() }
}

extension SmallMap: Sendable where Key: Sendable, Value: Sendable {}
