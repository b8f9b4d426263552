import Synchronization

/// A voucher number as plain data: up to 23 UTF-8 bytes held in the value itself, a longer one interned
/// for the life of the process (its bytes kept once, the value holding their address).
///
/// Entries and GL lines hold their voucher's number. As a `String` it made each of them a value with a
/// reference count: every copy of a line went through the runtime's value witness and counted the
/// string's storage (even for a number the string kept inline), every destroy again. Held as three words,
/// a line copies as its bytes. 23 bytes take ERPNext's numbering series (`MAT-PRE-2024-00001`,
/// `ACC-SINV-RET-2024-00001`); the rare longer number is interned by its bytes, so equal numbers are equal
/// words. Numbers are equal when their bytes are: two spellings `String` calls equal (a composed and a
/// decomposed accent) are two numbers, each written as it came.
///
/// Layout: bytes 0..<23 of the three words (little-endian) are the number's bytes, zero past its end, and
/// the last byte its length; an interned number has the last byte `0xFF`, its address in the first word
/// and its length in the second.
@frozen public struct VoucherNumber: Sendable, Hashable, BitwiseCopyable, Comparable, CustomStringConvertible {
  @usableFromInline var w0: UInt64
  @usableFromInline var w1: UInt64
  @usableFromInline var w2: UInt64

  /// The most bytes held in the value.
  public static let inlineCapacity = 23
  @usableFromInline static let internedTag: UInt64 = 0xFF << 56

  /// The empty number.
  public static var empty: VoucherNumber { VoucherNumber(w0: 0, w1: 0, w2: 0) }

  @inlinable init(w0: UInt64, w1: UInt64, w2: UInt64) {
    (self.w0, self.w1, self.w2) = (w0, w1, w2)
  }

  /// The number `text`.
  /// - Complexity: O(length); a number longer than ``inlineCapacity`` bytes is looked up (and the first
  ///   time kept) in the process's table of long numbers, under a lock.
  public init(_ text: String) {
    if let made = text.utf8.withContiguousStorageIfAvailable({ VoucherNumber(utf8: $0) }) {
      self = made
      return
    }
    var copy = text
    self = copy.withUTF8 { VoucherNumber(utf8: $0) }
  }

  /// The number whose UTF-8 bytes are `u`.
  /// - Complexity: O(bytes), as ``init(_:)``.
  public init(utf8 u: UnsafeBufferPointer<UInt8>) {
    guard u.count <= VoucherNumber.inlineCapacity else {
      self = VoucherNumber.intern(u)
      return
    }
    var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &words) { raw in
      if let base = u.baseAddress { raw.baseAddress!.copyMemory(from: base, byteCount: u.count) }
      raw[23] = UInt8(u.count)
    }
    (w0, w1, w2) = words
  }

  /// Whether the number is held by address (longer than ``inlineCapacity``).
  @inlinable var isInterned: Bool { w2 & VoucherNumber.internedTag == VoucherNumber.internedTag }

  /// The length in bytes.
  @inlinable public var utf8Count: Int { isInterned ? Int(w1) : Int(w2 >> 56) }

  @inlinable public var isEmpty: Bool { w2 == 0 }

  /// Lends the number's UTF-8 bytes to `body`.
  /// - Complexity: O(1).
  @inlinable public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    if isInterned {
      return try body(UnsafeBufferPointer(start: UnsafePointer<UInt8>(bitPattern: UInt(w0)), count: Int(w1)))
    }
    var words = (w0, w1, w2)
    let n = Int(w2 >> 56)
    return try withUnsafeBytes(of: &words) { try body(UnsafeBufferPointer(start: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)) }
  }

  /// The number as a string.
  /// - Complexity: O(length); no allocation up to 15 bytes (a small string).
  public var string: String { withUTF8 { String(decoding: $0, as: UTF8.self) } }
  public var description: String { string }

  /// Ordered by their UTF-8 bytes, that is by code point (as `String` orders numbers in one normalization
  /// form).
  public static func < (a: VoucherNumber, b: VoucherNumber) -> Bool {
    a.withUTF8 { x in b.withUTF8 { y in x.lexicographicallyPrecedes(y) } }
  }

  /// The numbers longer than ``inlineCapacity``, each kept once by its bytes (not as a `String`, which
  /// calls two spellings of an accent equal): the address of its bytes.
  private static let long = Mutex<[[UInt8]: UInt]>([:])

  private static func intern(_ u: UnsafeBufferPointer<UInt8>) -> VoucherNumber {
    let text = Array(u)
    let address = long.withLock { table in
      if let known = table[text] { return known }
      let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: u.count)
      _ = bytes.initialize(from: u)
      let a = UInt(bitPattern: bytes.baseAddress)
      table[text] = a
      return a
    }
    return VoucherNumber(w0: UInt64(address), w1: UInt64(u.count), w2: VoucherNumber.internedTag)
  }
}
