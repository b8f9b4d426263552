/// The UTF-8 bytes of a name that a CSV field holds as they are: no comma, quote or line break, and not
/// beginning like a formula (``ByteWriter/text(plain:)`` writes them without scanning them).
///
/// Made once for each of a few names (voucher types, interned account names) and kept for the life of
/// the process: the bytes are never freed, so a `PlainText` copies as two words, without a reference count
/// (and is shared between threads: the bytes are never written after it is made).
/// The ledgers write these names on every GL line and stock ledger entry; as strings, each field was
/// scanned for quotes and formulas again (about 190 instructions a field).
public struct PlainText: @unchecked Sendable {
  @usableFromInline let base: UnsafePointer<UInt8>
  @usableFromInline let count: Int

  /// The bytes of `text`, or nil when a field of it needs quotes or a formula guard (or it is empty:
  /// ``ByteWriter/text(_:)`` writes those as they are).
  /// - Complexity: O(length of `text`); the bytes are allocated and never freed.
  public init?(_ text: String) {
    var text = text
    guard text.withUTF8(PlainText.holdsAsIs) else { return nil }
    let bytes = Array(text.utf8)
    let stored = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
    stored.initialize(from: bytes, count: bytes.count)
    (base, count) = (UnsafePointer(stored), bytes.count)
  }

  /// The bytes of a literal, which the program holds as constants: neither copied nor checked (the caller
  /// knows them plain; ``VoucherType/plainName`` is checked by its tests).
  /// - Complexity: O(1).
  @inlinable init(constant: StaticString) {
    (base, count) = (constant.utf8Start, constant.utf8CodeUnitCount)
  }

  /// The bytes at `bytes`, which their owner keeps for the life of the process (an interned name's box),
  /// not copied; nil as ``init(_:)`` says for their text.
  /// - Complexity: O(bytes).
  init?(kept bytes: UnsafeBufferPointer<UInt8>) {
    guard let b = bytes.baseAddress, PlainText.holdsAsIs(bytes) else { return nil }
    (base, count) = (b, bytes.count)
  }

  /// Whether a CSV field holds these bytes as they are: not empty, no comma, quote or line break, not
  /// beginning like a formula.
  static func holdsAsIs(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
    !u.isEmpty && !ByteWriter.needsQuotes(u) && !ByteWriter.mayBeFormula(u)
  }
}
