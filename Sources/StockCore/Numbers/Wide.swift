/// An exact intermediate value at scale 10⁻¹⁸: the product of two ``Fixed`` values, or a sum of such products.
///
/// Used where ERPNext keeps unrounded floats between rounding points (the value of consumed FIFO bins, a
/// moving-average numerator), so that a value is rounded exactly once. Range ±1.7 × 10²⁰.
public struct Wide: Sendable, Hashable, Comparable {
  public var raw: Int128
  @inlinable public init(raw: Int128) { self.raw = raw }
  /// The exact value of a ``Fixed``.
  @inlinable public init(_ f: Fixed) { self.raw = f.raw * Fixed.unit }
  /// The exact product `a × b`.
  @inlinable public init(product a: Fixed, _ b: Fixed) { self.raw = a.raw * b.raw }

  @inlinable public static var zero: Wide { Wide(raw: 0) }
  @inlinable public var isZero: Bool { raw == 0 }
  @inlinable public static func < (a: Wide, b: Wide) -> Bool { a.raw < b.raw }
  @inlinable public static func + (a: Wide, b: Wide) -> Wide { Wide(raw: a.raw + b.raw) }
  @inlinable public static func - (a: Wide, b: Wide) -> Wide { Wide(raw: a.raw - b.raw) }
  @inlinable public static prefix func - (a: Wide) -> Wide { Wide(raw: -a.raw) }
  @inlinable public static func += (a: inout Wide, b: Wide) { a.raw += b.raw }
  @inlinable public static func -= (a: inout Wide, b: Wide) { a.raw -= b.raw }

  /// Rounded once to `places` decimals (at most 9).
  @inlinable public func rounded(places: Int, rule: RoundingRule) -> Fixed {
    let step = Fixed.pow10(18 - places)
    let q = Fixed.divideRounded(raw, step, rule: rule)
    return Fixed(raw: q * Fixed.pow10(Fixed.scale - places))
  }

  /// `self ÷ q`, rounded once to `places` decimals; `q` must not be zero.
  @inlinable public func divided(by q: Fixed, places: Int = Fixed.scale, rule: RoundingRule) -> Fixed {
    precondition(q.raw != 0, "division by zero")
    // raw (1e-18) / q.raw (1e-9) = value in 1e-9; then to `places`
    let shift = Fixed.scale - places
    let n = raw
    let d = q.raw * Fixed.pow10(shift)
    return Fixed(raw: Fixed.divideRounded(n, d, rule: rule) * Fixed.pow10(shift))
  }

  /// |x| below 10⁻⁷ snaps to zero, as ERPNext's `round_off_if_near_zero`.
  @inlinable public var snappedNearZero: Wide {
    let limit = Fixed.pow10(11)  // 1e-7 at scale 1e-18
    return (raw > -limit && raw < limit) ? .zero : self
  }
}
