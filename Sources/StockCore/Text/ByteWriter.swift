/// Builds CSV output as UTF-8 bytes, with number and date formatting that allocates nothing per field.
/// The fast path of the ledger files and the large reports (``CSVWriter`` builds a `String` and is kept
/// for small outputs).
public struct ByteWriter: Sendable {
  public private(set) var bytes: [UInt8] = []
  /// Prefix text starting with `=`, `+`, `-`, `@`, tab or CR with `'` (SPEC §2), for files people open.
  public var guardsFormulas: Bool
  private var fieldStarted = false
  /// Whether a text field written so far would be guarded against formulas, guarding on or off: when
  /// false, the same rows written with guarding give the same bytes (``removeAll()`` keeps it).
  public private(set) var sawFormula = false

  public init(guardsFormulas: Bool, capacity: Int = 1 << 16) {
    self.guardsFormulas = guardsFormulas
    bytes.reserveCapacity(capacity)
  }

  /// Empties the buffer, keeping its capacity (a large file written in chunks reuses one buffer).
  public mutating func removeAll() {
    bytes.removeAll(keepingCapacity: true)
    fieldStarted = false
  }

  @inline(__always) mutating func separator() {
    if fieldStarted { bytes.append(44) } else { fieldStarted = true }
  }

  /// Ends the row.
  public mutating func endRow() {
    bytes.append(10)
    fieldStarted = false
  }

  /// A text field, quoted when it holds a comma, quote, CR or LF; guarded against formulas when asked.
  public mutating func text(_ s: String) {
    separator()
    var s = s
    s.withUTF8 { u in
      var needsQuotes = false
      for b in u where b == 44 || b == 34 || b == 10 || b == 13 { needsQuotes = true; break }
      // A negative number is data, not a formula (as in ``CSVWriter``).
      let formula = !u.isEmpty && (u[0] == 61 || u[0] == 43 || u[0] == 45 || u[0] == 64 || u[0] == 9 || u[0] == 13)
        && !(u[0] == 45 && Fixed(parsing: String(decoding: u, as: UTF8.self)) != nil)
      if formula { sawFormula = true }
      let guarded = guardsFormulas && formula
      if !needsQuotes {
        if guarded { bytes.append(39) }
        bytes.append(contentsOf: u)
        return
      }
      bytes.append(34)
      if guarded { bytes.append(39) }
      for b in u {
        if b == 34 { bytes.append(34) }
        bytes.append(b)
      }
      bytes.append(34)
    }
  }

  /// Several text fields.
  public mutating func texts(_ fields: [String]) { for f in fields { text(f) } }

  /// A whole number.
  public mutating func integer(_ n: Int) {
    separator()
    if n < 0 { bytes.append(45) }
    digits(UInt64(n.magnitude), minimumWidth: 1)
  }

  /// An amount with exactly `places` decimals (`1125.00`); the value is shown as held.
  public mutating func amount(_ f: Fixed, places: Int) {
    separator()
    appendFixed(f, places: places, trim: false)
  }

  /// A quantity or rate with up to 9 decimals, trailing zeros removed (`225`, `0.333333333`).
  public mutating func plain(_ f: Fixed) {
    separator()
    appendFixed(f, places: Fixed.scale, trim: true)
  }

  /// `YYYY-MM-DD`.
  public mutating func date(_ d: BusinessDate) {
    separator()
    let (y, m, day) = d.components
    digits(UInt64(y), minimumWidth: 4)
    bytes.append(45)
    digits(UInt64(m), minimumWidth: 2)
    bytes.append(45)
    digits(UInt64(day), minimumWidth: 2)
  }

  /// `HH:MM:SS`.
  public mutating func time(_ t: BusinessTime) {
    separator()
    digits(UInt64(t.seconds / 3600), minimumWidth: 2)
    bytes.append(58)
    digits(UInt64(t.seconds / 60 % 60), minimumWidth: 2)
    bytes.append(58)
    digits(UInt64(t.seconds % 60), minimumWidth: 2)
  }

  mutating func appendFixed(_ f: Fixed, places: Int, trim: Bool) {
    var mag = f.raw
    let negative = mag < 0
    if negative { mag = -mag }
    let intPart = mag / Fixed.unit
    var frac = UInt64(mag % Fixed.unit)
    var shown = min(places, Fixed.scale)
    if !trim { frac /= UInt64(Fixed.pow10(Fixed.scale - shown)) }
    if trim {
      if frac == 0 {
        shown = 0
      } else {
        while frac % 10 == 0 { frac /= 10; shown -= 1 }
      }
    }
    if negative && (intPart != 0 || frac != 0) { bytes.append(45) }
    if intPart <= Int128(UInt64.max) {
      digits(UInt64(intPart), minimumWidth: 1)
    } else {
      bytes.append(contentsOf: String(intPart).utf8)
    }
    if shown > 0 {
      bytes.append(46)
      digits(frac, minimumWidth: shown)
    }
  }

  @inline(__always) mutating func digits(_ value: UInt64, minimumWidth: Int) {
    var v = value
    var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
    let count = withUnsafeMutableBytes(of: &tmp) { buf -> Int in
      var i = 24
      repeat {
        i -= 1
        buf[i] = UInt8(48 + v % 10)
        v /= 10
      } while v > 0
      while 24 - i < minimumWidth { i -= 1; buf[i] = 48 }
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[i..<24]))
      return 24 - i
    }
    _ = count
  }
}
