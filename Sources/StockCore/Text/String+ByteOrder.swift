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

extension String {
  /// The positions of `names` in the order of their UTF-8 bytes (``precedesInByteOrder(_:)``), the same
  /// names coming in the order given. Each name's first 16 bytes are read once into two words, and those
  /// are sorted (``NamePrefix/byteOrder(_:compare:)``, as the reports' item and warehouse names are
  /// ranked); names longer than that which share them are then ordered by their bytes. The serials of a ten-million-voucher run, sorted by comparing them as
  /// strings, were a second of the end of the run.
  /// - Complexity: O(n log n) word comparisons, plus O(name) for long names that share 16 bytes.
  public static func byteOrder(_ names: [String]) -> [Int] {
    let prefixes = names.map { name in
      var name = name
      return name.withUTF8 { NamePrefix(utf8: $0) }
    }
    return NamePrefix.byteOrder(prefixes) { names[$0].compareInByteOrder(names[$1]) }
  }
}
