extension Fixed {
  /// Parses the strict input syntax of SPEC §2: optional sign, digits, optional `.` and up to 9 fraction
  /// digits. No grouping, exponent, spaces, `NaN` or `Inf`. Returns nil for anything else.
  /// - Complexity: O(n) in the length of the text.
  public init?(parsing text: Substring) {
    var utf8 = text.utf8[...]
    guard !utf8.isEmpty else { return nil }
    var negative = false
    if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
      negative = first == UInt8(ascii: "-")
      utf8 = utf8.dropFirst()
    }
    var integer: Int128 = 0
    var fraction: Int128 = 0
    var fractionDigits = 0
    var seenDot = false
    var digits = 0
    for byte in utf8 {
      if byte == UInt8(ascii: ".") {
        if seenDot { return nil }
        seenDot = true
        continue
      }
      guard byte >= 48 && byte <= 57 else { return nil }
      let d = Int128(byte - 48)
      digits += 1
      if seenDot {
        fractionDigits += 1
        if fractionDigits > Fixed.scale { return nil }
        fraction = fraction * 10 + d
      } else {
        if integer > 100_000_000_000_000_000 { return nil }  // 1e20: beyond any sane amount
        integer = integer * 10 + d
      }
    }
    guard digits > 0 else { return nil }
    if seenDot && fractionDigits == 0 { return nil }
    var raw = integer * Fixed.unit + fraction * Fixed.pow10(Fixed.scale - fractionDigits)
    if negative { raw = -raw }
    self.init(raw: raw)
  }

  public init?(parsing text: String) { self.init(parsing: text[...]) }
}
