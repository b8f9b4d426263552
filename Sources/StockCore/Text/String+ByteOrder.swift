#if canImport(Glibc)
  import Glibc
#endif

extension String {
  /// Whether `self` sorts before `other` by UTF-8 bytes (code point order): the order of every sorted
  /// report. Compares contiguous storage with `memcmp` when both strings have it.
  /// - Complexity: O(length of the common prefix).
  @inlinable public func precedesInByteOrder(_ other: String) -> Bool {
    if let r = utf8.withContiguousStorageIfAvailable({ a in
      other.utf8.withContiguousStorageIfAvailable { b -> Bool in
        let n = min(a.count, b.count)
        let c = n == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, n)
        return c != 0 ? c < 0 : a.count < b.count
      }
    }), let r { return r }
    return utf8.lexicographicallyPrecedes(other.utf8)
  }
}

extension String {
  /// Compares by UTF-8 bytes: negative, zero or positive as `self` sorts before, equal to or after `other`.
  /// - Complexity: O(length of the common prefix).
  @inlinable public func compareInByteOrder(_ other: String) -> Int {
    if let r = utf8.withContiguousStorageIfAvailable({ a in
      other.utf8.withContiguousStorageIfAvailable { b -> Int in
        let n = min(a.count, b.count)
        let c = n == 0 ? 0 : Int(memcmp(a.baseAddress!, b.baseAddress!, n))
        return c != 0 ? c : a.count - b.count
      }
    }), let r { return r }
    return self == other ? 0 : (utf8.lexicographicallyPrecedes(other.utf8) ? -1 : 1)
  }
}
