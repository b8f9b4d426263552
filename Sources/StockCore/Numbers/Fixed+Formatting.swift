extension Fixed {
  /// The value with exactly `places` decimals (`1125.00`), for amounts. The value is shown as held:
  /// round it first if it may carry more decimals.
  public func formatted(places: Int) -> String {
    let negative = raw < 0
    let mag = negative ? -raw : raw
    let intPart = mag / Fixed.unit
    var s = negative && mag != 0 ? "-" : ""
    s += String(intPart)
    if places > 0 {
      let frac = (mag % Fixed.unit) / Fixed.pow10(Fixed.scale - min(places, Fixed.scale))
      var fs = String(frac)
      while fs.count < min(places, Fixed.scale) { fs = "0" + fs }
      s += "." + fs
      if places > Fixed.scale { s += String(repeating: "0", count: places - Fixed.scale) }
    }
    return s
  }

  /// Up to 9 decimals with trailing zeros removed (`225`, `0.333333333`), for quantities and rates.
  public var plain: String {
    let negative = raw < 0
    let mag = negative ? -raw : raw
    var s = negative ? "-" : ""
    s += String(mag / Fixed.unit)
    var frac = mag % Fixed.unit
    if frac != 0 {
      var width = Fixed.scale
      while frac % 10 == 0 { frac /= 10; width -= 1 }
      var fs = String(frac)
      while fs.count < width { fs = "0" + fs }
      s += "." + fs
    }
    return s
  }
}

extension Fixed: CustomStringConvertible {
  public var description: String { plain }
}

extension Fixed: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int) { self.init(value) }
}
