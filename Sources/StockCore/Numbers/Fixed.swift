import CSystem

/// An exact decimal number: a signed integer count of 10⁻⁹ units, stored in `Int128`.
///
/// Quantities, rates and amounts are all `Fixed`; the names `Quantity`, `Rate` and `Amount` document which
/// one a value is. Range ±1.7 × 10²⁹; arithmetic traps on overflow. Addition and subtraction are exact.
/// Multiplication and division round once, at the number of places and with the rule the caller names
/// (``multiplied(by:places:rule:)``, ``divided(by:places:rule:)``): rounding never happens implicitly.
public struct Fixed: Sendable, Hashable, Comparable {
  /// The value in units of 10⁻⁹.
  public var raw: Int128

  /// Decimal places held exactly.
  @inlinable public static var scale: Int { 9 }
  /// 10⁹, the number of raw units in 1.
  @inlinable public static var unit: Int128 { 1_000_000_000 }

  @inlinable public init(raw: Int128) { self.raw = raw }
  /// An integer value.
  @inlinable public init(_ value: Int) { self.raw = Int128(value) * Fixed.unit }

  // Computed, inlined where used: as stored globals each use called an accessor in this module.
  @inlinable public static var zero: Fixed { Fixed(raw: 0) }
  @inlinable public static var one: Fixed { Fixed(raw: 1_000_000_000) }

  @inlinable public var isZero: Bool { raw == 0 }
  @inlinable public var isNegative: Bool { raw < 0 }
  @inlinable public var isPositive: Bool { raw > 0 }
  @inlinable public var magnitude: Fixed { Fixed(raw: raw < 0 ? -raw : raw) }
  @inlinable public var sign: Int { raw < 0 ? -1 : (raw > 0 ? 1 : 0) }

  @inlinable public static func < (a: Fixed, b: Fixed) -> Bool { a.raw < b.raw }
  @inlinable public static func + (a: Fixed, b: Fixed) -> Fixed { Fixed(raw: a.raw + b.raw) }
  @inlinable public static func - (a: Fixed, b: Fixed) -> Fixed { Fixed(raw: a.raw - b.raw) }
  @inlinable public static prefix func - (a: Fixed) -> Fixed { Fixed(raw: -a.raw) }
  @inlinable public static func += (a: inout Fixed, b: Fixed) { a.raw += b.raw }
  @inlinable public static func -= (a: inout Fixed, b: Fixed) { a.raw -= b.raw }

  /// `self × other`, rounded once to `places` decimals (at most 9).
  /// - Complexity: O(1).
  @inlinable
  public func multiplied(by other: Fixed, places: Int = Fixed.scale, rule: RoundingRule) -> Fixed {
    let product = Wide(raw: raw * other.raw)  // exact, scale 10¹⁸
    return product.rounded(places: places, rule: rule)
  }

  /// `self ÷ other`, rounded once to `places` decimals (at most 9). Traps when `other` is zero.
  /// - Complexity: O(1).
  @inlinable
  public func divided(by other: Fixed, places: Int = Fixed.scale, rule: RoundingRule) -> Fixed {
    precondition(other.raw != 0, "division by zero")
    let drop = Fixed.pow10(Fixed.scale - places)
    // quotient in units of 10^-places: raw·10^places / other.raw
    let numerator = raw * Fixed.pow10(places)
    let q = Fixed.divideRounded(numerator, other.raw, rule: rule)
    return Fixed(raw: q * drop)
  }

  /// Rounded to `places` decimals (at most 9).
  @inlinable
  public func rounded(places: Int, rule: RoundingRule) -> Fixed {
    if places >= Fixed.scale { return self }
    let step = Fixed.pow10(Fixed.scale - places)
    return Fixed(raw: Fixed.divideRounded(raw, step, rule: rule) * step)
  }

  /// One unit in the last of `places` decimals (0.01 for 2).
  public static func step(places: Int) -> Fixed { Fixed(raw: pow10(scale - min(max(places, 0), scale))) }

  /// True when the value has no more than `places` decimals.
  @inlinable public func hasAtMost(places: Int) -> Bool {
    places >= Fixed.scale || raw % Fixed.pow10(Fixed.scale - places) == 0
  }

  /// The value with its integer part only, when it is integral.
  public var integerValue: Int? { raw % Fixed.unit == 0 ? Int(raw / Fixed.unit) : nil }

  // MARK: helpers

  /// 10ⁿ for n in 0...38: a switch of constants, which the compiler makes a table in read-only data (an
  /// array here was a global made on first use: a `swift_once` check at every rounding, 0.9 M of them on
  /// the posting core of a 100k run, and a bounds check).
  @inlinable static func pow10(_ n: Int) -> Int128 {
    switch n {
    case 0: 1
    case 1: 10
    case 2: 100
    case 3: 1_000
    case 4: 10_000
    case 5: 100_000
    case 6: 1_000_000
    case 7: 10_000_000
    case 8: 100_000_000
    case 9: 1_000_000_000
    case 10: 10_000_000_000
    case 11: 100_000_000_000
    case 12: 1_000_000_000_000
    case 13: 10_000_000_000_000
    case 14: 100_000_000_000_000
    case 15: 1_000_000_000_000_000
    case 16: 10_000_000_000_000_000
    case 17: 100_000_000_000_000_000
    case 18: 1_000_000_000_000_000_000
    case 19: 10_000_000_000_000_000_000
    case 20: 100_000_000_000_000_000_000
    case 21: 1_000_000_000_000_000_000_000
    case 22: 10_000_000_000_000_000_000_000
    case 23: 100_000_000_000_000_000_000_000
    case 24: 1_000_000_000_000_000_000_000_000
    case 25: 10_000_000_000_000_000_000_000_000
    case 26: 100_000_000_000_000_000_000_000_000
    case 27: 1_000_000_000_000_000_000_000_000_000
    case 28: 10_000_000_000_000_000_000_000_000_000
    case 29: 100_000_000_000_000_000_000_000_000_000
    case 30: 1_000_000_000_000_000_000_000_000_000_000
    case 31: 10_000_000_000_000_000_000_000_000_000_000
    case 32: 100_000_000_000_000_000_000_000_000_000_000
    case 33: 1_000_000_000_000_000_000_000_000_000_000_000
    case 34: 10_000_000_000_000_000_000_000_000_000_000_000
    case 35: 100_000_000_000_000_000_000_000_000_000_000_000
    case 36: 1_000_000_000_000_000_000_000_000_000_000_000_000
    case 37: 10_000_000_000_000_000_000_000_000_000_000_000_000
    case 38: 100_000_000_000_000_000_000_000_000_000_000_000_000
    default: preconditionFailure("10^\(n) does not fit in 128 bits")
    }
  }

  /// `n ÷ d` rounded to an integer by `rule`.
  @inlinable
  static func divideRounded(_ n: Int128, _ d: Int128, rule: RoundingRule) -> Int128 {
    var (q, r) = quotientAndRemainder(n, d)
    if r == 0 { return q }
    let negative = (n < 0) != (d < 0)
    let twiceR = (r < 0 ? -r : r) * 2
    let absD = d < 0 ? -d : d
    let roundAway: Bool
    if twiceR > absD {
      roundAway = true
    } else if twiceR < absD {
      roundAway = false
    } else {
      switch rule {
      case .halfUp: roundAway = true
      case .halfEven: roundAway = (q % 2 != 0)
      }
    }
    if roundAway { q += negative ? -1 : 1 }
    return q
  }

  /// `n / d` and `n % d` (truncating, as Swift's operators): by one 128-by-64-bit division when `d` fits in
  /// 64 bits and the quotient does (every amount, rate and quantity divided here so far), else by the
  /// operators.
  /// - Complexity: O(1).
  @inlinable
  static func quotientAndRemainder(_ n: Int128, _ d: Int128) -> (quotient: Int128, remainder: Int128) {
    let (nm, dm) = (n.magnitude, d.magnitude)
    guard dm >> 64 == 0, nm >> 64 < dm else { return (n / d, n % d) }
    var r: UInt64 = 0
    let q = stockledger_divide_wide(UInt64(truncatingIfNeeded: nm >> 64), UInt64(truncatingIfNeeded: nm), UInt64(truncatingIfNeeded: dm), &r)
    let (qi, ri) = (Int128(q), Int128(r))
    return ((n < 0) != (d < 0) ? -qi : qi, n < 0 ? -ri : ri)
  }
}

/// A quantity in a unit of measure (stock UOM unless said otherwise).
public typealias Quantity = Fixed
/// A price or valuation rate per unit of stock UOM; kept to 9 decimals, never rounded to currency precision.
public typealias Rate = Fixed
/// A money amount in company currency, rounded to currency precision at the named points.
public typealias Amount = Fixed

/// How a half is rounded.
public enum RoundingRule: String, Sendable, CaseIterable {
  /// Half away from zero (2.345 → 2.35, −2.345 → −2.35): ERPNext's "Commercial Rounding".
  case halfUp = "half_up"
  /// Half to even (2.345 → 2.34, 2.355 → 2.36): banker's rounding.
  case halfEven = "half_even"
}
