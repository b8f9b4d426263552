#if canImport(Glibc)
  import Glibc
#endif

extension String {
  /// Whether `self` sorts before `other` by UTF-8 bytes (code point order): the order of every sorted
  /// report. Compares contiguous storage with `memcmp` when both strings have it.
  /// - Complexity: O(length of the common prefix).
  @inlinable public func precedesInByteOrder(_ other: String) -> Bool {
    if let r = utf8.withContiguousStorageIfAvailable({ a in
      other.utf8.withContiguousStorageIfAvailable { b in a.compareInByteOrder(b) < 0 }
    }), let r { return r }
    return utf8.lexicographicallyPrecedes(other.utf8)
  }
}

extension String {
  /// Compares by UTF-8 bytes: negative, zero or positive as `self` sorts before, equal to or after `other`.
  /// - Complexity: O(length of the common prefix).
  @inlinable public func compareInByteOrder(_ other: String) -> Int {
    if let r = utf8.withContiguousStorageIfAvailable({ a in
      other.utf8.withContiguousStorageIfAvailable { b in a.compareInByteOrder(b) }
    }), let r { return r }
    return self == other ? 0 : (utf8.lexicographicallyPrecedes(other.utf8) ? -1 : 1)
  }
}

extension UnsafeBufferPointer<UInt8> {
  /// Compares by bytes with `memcmp` (a prefix first): negative, zero or positive as `self` sorts before,
  /// equal to or after `other`. For UTF-8, code point order: what ``Swift/String/compareInByteOrder(_:)``
  /// compares, for names read where they lie.
  /// - Complexity: O(length of the common prefix).
  @inlinable public func compareInByteOrder(_ other: UnsafeBufferPointer<UInt8>) -> Int {
    let n = Swift.min(count, other.count)
    let c = n == 0 ? 0 : Int(memcmp(baseAddress!, other.baseAddress!, n))
    return c != 0 ? c : count - other.count
  }
}
