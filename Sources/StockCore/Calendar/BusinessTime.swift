/// A time of day in business time. Ordering uses whole seconds: fractions are dropped, as ERPNext's
/// `posting_datetime` does (two entries at 02:00:00.1234 and 02:00:00 are the same instant).
public struct BusinessTime: Sendable, Hashable, BitwiseCopyable, Comparable, CustomStringConvertible {
  /// Seconds since midnight, 0 ..< 86400.
  @inlinable public var seconds: Int { Int(stored) }
  /// 32 bits, beside a date's 32 (entries and vouchers hold both).
  @usableFromInline let stored: Int32

  /// Traps beyond ±2³¹ seconds (times parse within a day).
  @inlinable public init(seconds: Int) {
    guard let s = Int32(exactly: seconds) else { preconditionFailure("\(seconds) seconds is out of range") }
    stored = s
  }
  public static let midnight = BusinessTime(seconds: 0)

  /// Parses `HH:MM[:SS[.ffffff]]`; the fraction is accepted and dropped.
  public init?(parsing text: Substring) {
    // Over the field's bytes in place: no array per field, no walk of the view index by index.
    guard let parsed = text.withUTF8Bytes({ BusinessTime.parse($0) }) else { return nil }
    self = parsed
  }

  /// The parse of ``init(parsing:)`` over UTF-8 bytes: `HH:MM`, `HH:MM:SS` or `HH:MM:SS.ffffff`.
  public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> BusinessTime? {
    func two(_ i: Int) -> Int? {
      guard i + 1 < b.count, (48...57).contains(b[i]), (48...57).contains(b[i + 1]) else { return nil }
      return Int(b[i] - 48) * 10 + Int(b[i + 1] - 48)
    }
    guard b.count >= 5, b[2] == UInt8(ascii: ":"), let h = two(0), let m = two(3), h < 24, m < 60 else {
      return nil
    }
    var s = 0
    if b.count > 5 {
      guard b.count >= 8, b[5] == UInt8(ascii: ":"), let sec = two(6), sec < 60 else { return nil }
      s = sec
      if b.count > 8 {
        guard b[8] == UInt8(ascii: "."), b.count > 9, b.count <= 15 else { return nil }
        for i in 9..<b.count where !(48...57).contains(b[i]) { return nil }
      }
    }
    return BusinessTime(seconds: h * 3600 + m * 60 + s)
  }
  public init?(parsing text: String) { self.init(parsing: text[...]) }

  @inlinable public static func < (a: BusinessTime, b: BusinessTime) -> Bool { a.stored < b.stored }

  /// `HH:MM:SS`.
  public var description: String {
    func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(pad(seconds / 3600)):\(pad(seconds / 60 % 60)):\(pad(seconds % 60))"
  }
}
