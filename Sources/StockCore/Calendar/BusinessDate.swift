/// A calendar date in the company's business calendar (no time zone), stored as days since 1970-01-01.
public struct BusinessDate: Sendable, Hashable, BitwiseCopyable, Comparable, CustomStringConvertible {
  /// Days since 1970-01-01 (proleptic Gregorian).
  @inlinable public var dayNumber: Int { Int(days) }
  /// Stored in 32 bits (±5.8 million years; dates parse in years 1–9999): entries, GL lines and vouchers
  /// hold a date each, and a million-voucher run holds them all.
  @usableFromInline let days: Int32

  /// Traps beyond ±2³¹ days (master data bounds the day counts added to dates).
  @inlinable public init(dayNumber: Int) {
    guard let d = Int32(exactly: dayNumber) else { preconditionFailure("day number \(dayNumber) is out of range") }
    days = d
  }

  /// A valid date, or nil (`2026-02-30`).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...9999).contains(year), (1...12).contains(month),
      (1...BusinessDate.daysIn(month: month, year: year)).contains(day)
    else { return nil }
    self.init(dayNumber: BusinessDate.days(fromCivil: year, month, day))
  }

  /// Parses strict ISO `YYYY-MM-DD`.
  public init?(parsing text: Substring) {
    // Over the field's bytes in place: no array per field, no walk of the view index by index.
    guard let parsed = text.withUTF8Bytes({ BusinessDate.parse($0) }) else { return nil }
    self = parsed
  }

  /// The parse of ``init(parsing:)`` over UTF-8 bytes: `YYYY-MM-DD`, a real calendar day.
  public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> BusinessDate? {
    guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
    func num(_ r: Range<Int>) -> Int? {
      var v = 0
      for i in r {
        guard b[i] >= 48 && b[i] <= 57 else { return nil }
        v = v * 10 + Int(b[i] - 48)
      }
      return v
    }
    guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
    return BusinessDate(year: y, month: m, day: d)
  }
  public init?(parsing text: String) { self.init(parsing: text[...]) }

  @inlinable public static func < (a: BusinessDate, b: BusinessDate) -> Bool { a.days < b.days }

  /// The date `n` days later (earlier when negative).
  public func adding(days n: Int) -> BusinessDate { BusinessDate(dayNumber: dayNumber + n) }
  /// Whole days from `other` to `self`.
  public func days(since other: BusinessDate) -> Int { dayNumber - other.dayNumber }

  public var components: (year: Int, month: Int, day: Int) { BusinessDate.civil(fromDays: dayNumber) }

  /// `YYYY-MM-DD`.
  public var description: String {
    let (y, m, d) = components
    func pad(_ v: Int, _ w: Int) -> String {
      let s = String(v)
      return String(repeating: "0", count: max(0, w - s.count)) + s
    }
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
  }

  static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
  // Howard Hinnant's civil-from-days algorithms.
  static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (m + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }
  static func civil(fromDays z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }
}
