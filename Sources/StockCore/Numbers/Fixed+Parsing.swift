extension Fixed {
  /// Parses the strict input syntax of SPEC §2: optional sign, digits, optional `.` and up to 9 fraction
  /// digits. No grouping, exponent, spaces, `NaN` or `Inf`. Returns nil for anything else.
  /// - Complexity: O(n) in the length of the text.
  public init?(parsing text: Substring) {
    // Over the field's bytes in place: no array per field, no walk of the view index by index.
    guard let parsed = text.withUTF8Bytes({ Fixed.parse($0) }) else { return nil }
    self = parsed
  }

  /// The parse of ``init(parsing:)`` over UTF-8 bytes.
  /// - Complexity: O(n) in the number of bytes.
  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Fixed? {
    var i = 0
    let n = bytes.count
    guard n > 0 else { return nil }
    var negative = false
    if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
      negative = bytes[0] == UInt8(ascii: "-")
      i = 1
    }
    // Both parts fit in 64 bits: the integer part stops at 10¹⁸ + 9 (see below), the fraction at 10⁹ − 1.
    var integer = 0
    var fraction = 0
    var fractionDigits = 0
    var seenDot = false
    var digits = 0
    while i < n {
      let byte = bytes[i]
      i += 1
      if byte == UInt8(ascii: ".") {
        if seenDot { return nil }
        seenDot = true
        continue
      }
      guard byte >= 48 && byte <= 57 else { return nil }
      let d = Int(byte &- 48)
      digits += 1
      if seenDot {
        fractionDigits += 1
        if fractionDigits > Fixed.scale { return nil }
        fraction = fraction &* 10 &+ d
      } else {
        if integer > 100_000_000_000_000_000 { return nil }  // 1e20: beyond any sane amount
        integer = integer &* 10 &+ d
      }
    }
    guard digits > 0 else { return nil }
    if seenDot && fractionDigits == 0 { return nil }
    if integer <= 9_000_000_000 {
      // The usual number in 64-bit arithmetic: at most 9 × 10¹⁸ + 10⁹ − 1 units (the fraction's digits
      // times the power that makes them nine are below 10⁹), without Int128's checked products.
      var scale = 1
      for _ in fractionDigits..<Fixed.scale { scale &*= 10 }
      let raw = integer &* 1_000_000_000 &+ fraction &* scale
      return Fixed(raw: Int128(negative ? -raw : raw))
    }
    var raw = Int128(integer) * Fixed.unit + Int128(fraction) * Fixed.pow10(Fixed.scale - fractionDigits)
    if negative { raw = -raw }
    return Fixed(raw: raw)
  }

  public init?(parsing text: String) { self.init(parsing: text[...]) }
}
