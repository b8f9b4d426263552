/// Builds CSV output as UTF-8 bytes, with number and date formatting that allocates nothing per field.
/// The fast path of the ledger files and the large reports (``CSVWriter`` builds a `String` and is kept
/// for small outputs).
///
/// The bytes live in a buffer of the writer's own (copied before a write when shared): each field checks
/// for room once and is then written by pointer. Through `[UInt8]`, each of a run's tens of millions of
/// fields went through `Array.append(contentsOf:)`'s generic path, a sixth of a run's instructions
/// (BENCHMARKS.md).
public struct ByteWriter: Sendable {
  private var buffer: Buffer
  /// Prefix text starting with `=`, `+`, `-`, `@`, tab or CR with `'` (SPEC §2), for files people open.
  public var guardsFormulas: Bool
  private var fieldStarted = false
  /// Whether a text field written so far would be guarded against formulas, guarding on or off: when
  /// false, the same rows written with guarding give the same bytes (``removeAll()`` keeps it).
  public private(set) var sawFormula = false
  /// While a row is written inside ``withRoom(_:_:)``: where the room it made (the buffer held alone, and
  /// large enough) ends. A field that fits below it skips the checks of ``room(_:)``; 0 outside.
  private var roomEnd = 0
  /// The last date written and its ten bytes: ledgers write runs of entries of the same day.
  private var lastDay = Int.min
  private var lastDate: (UInt64, UInt16) = (0, 0)

  /// The bytes and how many are used. Only written through a writer that holds it alone (``room(_:)``).
  final class Buffer: @unchecked Sendable {
    @exclusivity(unchecked) var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) var count = 0
    @exclusivity(unchecked) var capacity: Int

    init(capacity: Int) {
      self.capacity = max(capacity, 64)
      base = Buffer.allocate(self.capacity)
    }

    init(copying other: Buffer, capacity: Int) {
      self.capacity = max(capacity, other.count, 64)
      base = Buffer.allocate(self.capacity)
      base.update(from: other.base, count: other.count)
      count = other.count
    }

    /// A large buffer starts on a page (``ByteWriter/pageAlignment``), so that its bytes can be written
    /// to a file opened for direct I/O where they lie (``handOff(prefix:reusing:)``).
    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
      let alignment = capacity >= ByteWriter.pageAlignment ? ByteWriter.pageAlignment : MemoryLayout<Int>.alignment
      return UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: alignment).bindMemory(to: UInt8.self, capacity: capacity)
    }

    deinit { base.deallocate() }
  }

  /// The alignment of a buffer of at least this many bytes: a page, as direct I/O needs of the memory it
  /// writes from.
  public static let pageAlignment = 4096

  /// A writer's buffer given away with the bytes it held (``handOff(prefix:reusing:)``), for a file to
  /// write in place: kept until that write is done, then given back as the writer's next buffer.
  public struct Storage: @unchecked Sendable {
    fileprivate var buffer: Buffer
    /// The first byte (aligned to ``ByteWriter/pageAlignment``).
    public var base: UnsafeRawPointer { UnsafeRawPointer(buffer.base) }
  }

  /// Whether ``handOff(prefix:reusing:)`` can give the buffer away: this writer holds it alone and it
  /// starts on a page.
  public mutating func canHandOff() -> Bool {
    isKnownUniquelyReferenced(&buffer) && Int(bitPattern: buffer.base) % ByteWriter.pageAlignment == 0
  }

  /// Gives the buffer away with its first `n` bytes, and goes on in `spare` (when it is no longer
  /// shared and as large) or in a new buffer, holding the bytes after the first `n`: a full block of a
  /// large file handed to its writer without copying it (only the few bytes past the block are).
  /// Call only when ``canHandOff()``.
  /// - Complexity: O(count - n).
  public mutating func handOff(prefix n: Int, reusing spare: inout Storage?) -> Storage {
    precondition(n <= buffer.count && roomEnd == 0)
    let next: Buffer
    if spare != nil, isKnownUniquelyReferenced(&spare!.buffer), spare!.buffer.capacity >= buffer.capacity {
      next = spare!.buffer
    } else {
      next = Buffer(capacity: buffer.capacity)
    }
    spare = nil
    let rest = buffer.count - n
    next.base.update(from: buffer.base + n, count: rest)
    next.count = rest
    let given = Storage(buffer: buffer)
    buffer = next
    return given
  }

  public init(guardsFormulas: Bool, capacity: Int = 1 << 16) {
    self.guardsFormulas = guardsFormulas
    buffer = Buffer(capacity: capacity)
  }

  /// The bytes written (a copy; ``withUnsafeBytes(_:)`` reads them in place).
  public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

  /// Number of bytes written.
  public var count: Int { buffer.count }

  /// Reads the bytes written in place.
  public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    try body(UnsafeRawBufferPointer(start: buffer.base, count: buffer.count))
  }

  /// Empties the buffer, keeping its capacity (a large file written in chunks reuses one buffer).
  public mutating func removeAll() {
    if isKnownUniquelyReferenced(&buffer) { buffer.count = 0 } else { buffer = Buffer(capacity: buffer.capacity) }
    fieldStarted = false
  }

  /// Where the next `n` bytes go: the buffer made unique and large enough. Advance `buffer.count` by what
  /// was written.
  /// - Complexity: O(1) amortised.
  @inline(__always) private mutating func room(_ n: Int) -> UnsafeMutablePointer<UInt8> {
    let count = buffer.count
    if count &+ n <= roomEnd { return buffer.base + count }  // inside a row's room (``withRoom(_:_:)``)
    if _slowPath(!isKnownUniquelyReferenced(&buffer) || buffer.capacity &- count < n) { grow(n) }
    return buffer.base + buffer.count
  }

  /// The room a ledger row of the usual kind fits in (the stock ledger's are about 120 bytes), for
  /// ``withRoom(_:_:)``.
  /// (A computed constant: a stored `static let` was a call to `swift_once` for every row written.)
  @inlinable public static var usualRow: Int { 256 }

  /// Writes with `body` — a row, or a few fields — after one check for `bytes` of room: the fields that
  /// fit in it skip their own checks (the buffer's uniqueness and capacity, a runtime call per field, a
  /// tenth of a ledger row's instructions); a field past it checks as usual, so `bytes` is a hint, not a
  /// bound. `body` writes through the writer it is given and must not copy it (a copy would share the
  /// buffer the fields then write unchecked).
  /// - Complexity: O(1) besides `body`; the room is made at most once.
  @inline(__always) public mutating func withRoom(_ bytes: Int, _ body: (inout ByteWriter) -> Void) {
    _ = room(bytes)
    roomEnd = buffer.count &+ bytes
    body(&self)
    roomEnd = 0
  }

  private mutating func grow(_ n: Int) {
    let needed = buffer.count + n
    let capacity = buffer.capacity >= needed ? buffer.capacity : max(needed, 2 * buffer.capacity)
    buffer = Buffer(copying: buffer, capacity: capacity)
  }

  @inline(__always) private mutating func byte(_ b: UInt8) {
    room(1).pointee = b
    buffer.count &+= 1
  }

  @inline(__always) mutating func separator() {
    if fieldStarted { byte(44) } else { fieldStarted = true }
  }

  /// Ends the row.
  public mutating func endRow() {
    byte(10)
    fieldStarted = false
  }

  /// A text field, quoted when it holds a comma, quote, CR or LF; guarded against formulas when asked.
  public mutating func text(_ s: String) {
    if s.isEmpty { return separator() }  // most optional columns
    // Read in place: copying the string (to call the mutating `withUTF8`) would retain and release its
    // storage, which the posting thread may be retaining at the same moment for another line.
    if s.utf8.withContiguousStorageIfAvailable({ field($0) }) != nil { return }
    var s = s
    s.withUTF8 { field($0) }
  }

  /// An interned name's text (``text(_:)`` of it), written from the bytes its box keeps.
  public mutating func text(_ name: InternedName) {
    if let plain = name.plainText { text(plain: plain) } else { name.withUTF8 { field($0) } }
  }

  /// A voucher number (``text(_:)`` of its string), written from the bytes the value holds.
  @inline(__always) public mutating func text(_ number: VoucherNumber) {
    number.withUTF8 { field($0) }
  }

  /// A text field given as its UTF-8 bytes: what ``text(_:)`` writes for the string of them.
  public mutating func text(utf8 u: UnsafeBufferPointer<UInt8>) { field(u) }

  /// A text field of bytes known to need neither quotes nor a formula guard (``PlainText``): copied as
  /// they are, without the scan ``text(_:)`` makes. The same bytes as ``text(_:)`` of their string.
  /// - Complexity: O(bytes), one check for room.
  @inline(__always) public mutating func text(plain t: PlainText) {
    let comma = fieldStarted ? 1 : 0
    fieldStarted = true
    let p = room(comma &+ t.count)
    if comma == 1 { p.pointee = 44 }
    (p + comma).update(from: t.base, count: t.count)
    buffer.count &+= comma &+ t.count
  }

  /// An account's name (``text(_:)`` of its text), its bytes made once when it was interned.
  @inline(__always) public mutating func text(_ account: AccountName) {
    if let plain = account.plainText { text(plain: plain) } else { text(account.name) }
  }

  /// `1` when `flag` is set, else `0` (the ledgers' `is_adjustment`).
  public mutating func flag(_ flag: Bool) {
    separator()
    byte(flag ? 49 : 48)
  }

  /// The bytes of a text field after its separator (see ``text(_:)``): one check for room for both.
  private mutating func field(_ u: UnsafeBufferPointer<UInt8>) {
    guard let source = u.baseAddress, !u.isEmpty else { return separator() }
    let comma = fieldStarted ? 1 : 0
    fieldStarted = true
    if u.count <= 16 && !ByteWriter.mayBeFormula(first: source.pointee) {
      // The usual field (a name, a voucher number): copied and checked for quotes in a few words, without
      // `memmove` and the byte-by-byte scan of its last bytes. When it needs quotes after all, the bytes
      // copied past the end are left there, and written over below.
      let p = room(comma &+ 16)
      p[0] = 44  // (overwritten by the field when there is no separator)
      if !ByteWriter.copyUnlessQuoted(source, u.count, to: p + comma) {
        buffer.count &+= comma &+ u.count
        return
      }
    }
    let needsQuotes = ByteWriter.needsQuotes(u)
    let formula = ByteWriter.mayBeFormula(u)
    if formula { sawFormula = true }
    let guarded = guardsFormulas && formula
    if !needsQuotes {
      let p = room(comma &+ u.count &+ 1)
      var n = 0
      if comma == 1 { p.pointee = 44; n = 1 }
      if guarded { p[n] = 39; n &+= 1 }
      (p + n).update(from: source, count: u.count)
      buffer.count &+= n &+ u.count
      return
    }
    let p = room(comma &+ 2 &* u.count &+ 3)
    var n = 0
    if comma == 1 { p[n] = 44; n &+= 1 }
    p[n] = 34; n &+= 1
    if guarded { p[n] = 39; n &+= 1 }
    for b in u {
      if b == 34 { p[n] = 34; n &+= 1 }
      p[n] = b; n &+= 1
    }
    p[n] = 34; n &+= 1
    buffer.count &+= n
  }

  /// Whether any of the eight bytes of `word` is a comma, a quote or a line break: a byte is one of them
  /// when it xor the character is zero, and a word has a zero byte when subtracting one from each byte
  /// borrows into a high bit the byte did not have (exact for whether there is one, not for where).
  /// - Complexity: O(1).
  @inline(__always) static func quoted(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    // All four are below `-` (0x2D), and most fields' bytes are not (letters, digits, `-`, `.`, `/`): a word
    // with no byte below it has none of them, found in three instructions instead of sixteen. (The lowest
    // byte below 0x2D borrows no carry from the bytes before it, so subtracting 0x2D sets its high bit,
    // which it did not have: no such byte is missed.)
    guard (word &- ones &* 0x2D) & ~word & highs != 0 else { return false }
    @inline(__always) func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
    return hasZeroByte(word ^ (ones &* 44)) || hasZeroByte(word ^ (ones &* 34)) || hasZeroByte(word ^ (ones &* 10))
      || hasZeroByte(word ^ (ones &* 13))
  }

  /// Whether `text`, written as a field with formulas guarded, would be written with the guard (`'` in
  /// front): the reports' names are matched as written only when it would not.
  public static func isGuarded(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { mayBeFormula($0) }
  }

  /// Whether a field begins as a spreadsheet formula would (`=`, `+`, `-`, `@`, tab or CR; a negative
  /// number is data, not a formula, as in ``CSVWriter``).
  /// - Complexity: O(1), or O(n) for a field beginning with `-`.
  @inline(__always) static func mayBeFormula(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = u.first else { return false }
    return mayBeFormula(first: first) && !(first == 45 && Fixed(parsing: String(decoding: u, as: UTF8.self)) != nil)
  }

  /// Whether a field beginning with `first` may be a formula (``mayBeFormula(_:)``, before its check that
  /// a field beginning with `-` is not a number).
  @inline(__always) static func mayBeFormula(first: UInt8) -> Bool {
    first == 61 || first == 43 || first == 45 || first == 64 || first == 9 || first == 13
  }

  /// Copies the `n` bytes (1...16) at `source` to `p` and says whether they hold a comma, a quote or a line
  /// break (``needsQuotes(_:)``): read in two words, or two halves of one, that overlap where `n` is not a
  /// power of two (each byte read is the field's), and written as read. `p` must have room for 16 bytes.
  /// - Complexity: O(1).
  @inline(__always) static func copyUnlessQuoted(_ source: UnsafePointer<UInt8>, _ n: Int, to p: UnsafeMutablePointer<UInt8>) -> Bool {
    let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(p)
    // (The bytes a short field's word leaves zero are none of the four.)
    if n >= 8 {
      let (a, b) = (from.loadUnaligned(as: UInt64.self), from.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self))
      to.storeBytes(of: a, as: UInt64.self)
      to.storeBytes(of: b, toByteOffset: n &- 8, as: UInt64.self)
      return quoted(a) || quoted(b)
    }
    if n >= 4 {
      let (a, b) = (from.loadUnaligned(as: UInt32.self), from.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
      to.storeBytes(of: a, as: UInt32.self)
      to.storeBytes(of: b, toByteOffset: n &- 4, as: UInt32.self)
      return quoted(UInt64(a) | UInt64(b) &<< 32)
    }
    if n >= 2 {
      let (a, b) = (from.loadUnaligned(as: UInt16.self), from.loadUnaligned(fromByteOffset: n &- 2, as: UInt16.self))
      to.storeBytes(of: a, as: UInt16.self)
      to.storeBytes(of: b, toByteOffset: n &- 2, as: UInt16.self)
      return quoted(UInt64(a) | UInt64(b) &<< 16)
    }
    let a = from.load(as: UInt8.self)
    to.storeBytes(of: a, as: UInt8.self)
    return quoted(UInt64(a))
  }

  /// Whether a field holds a comma, a quote or a line break (and must be quoted): eight bytes at a time
  /// (a word has one of them when a byte of it xor the character is zero), the last few one by one.
  /// Names and numbers seldom need quotes; the scan ran over every byte of every text field of the
  /// ledgers and reports, four comparisons a byte.
  /// - Complexity: O(n).
  @inline(__always) static func needsQuotes(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = u.count
    var i = 0
    if let base = u.baseAddress {
      while i &+ 8 <= n {
        if quoted(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { return true }
        i &+= 8
      }
    }
    while i < n {
      let b = u[i]
      if b == 44 || b == 34 || b == 10 || b == 13 { return true }
      i &+= 1
    }
    return false
  }

  /// `n` empty fields, with one check for room (a voucher row leaves most of its thirty columns blank).
  public mutating func emptyFields(_ n: Int) {
    guard n > 0 else { return }
    let commas = fieldStarted ? n : n - 1
    fieldStarted = true
    guard commas > 0 else { return }
    if commas <= 16 {
      // (Sixteen commas stored as two words, of which `commas` are kept: `update(repeating:)` was a call
      // to `memset` for a few bytes, half of this function's instructions.)
      let p = UnsafeMutableRawPointer(room(16))
      p.storeBytes(of: 0x2C2C_2C2C_2C2C_2C2C as UInt64, as: UInt64.self)
      p.storeBytes(of: 0x2C2C_2C2C_2C2C_2C2C as UInt64, toByteOffset: 8, as: UInt64.self)
    } else {
      room(commas).update(repeating: 44, count: commas)
    }
    buffer.count &+= commas
  }

  /// Appends the fields `other` wrote from byte `start` on (whole fields of a row not yet ended), as they
  /// are: a row whose leading fields another writer already formatted.
  /// - Complexity: O(bytes copied).
  public mutating func appendFields(of other: ByteWriter, from start: Int) {
    let n = other.count - start
    guard n > 0 else { return }
    let comma = fieldStarted ? 1 : 0
    let p = room(comma &+ n)
    if comma == 1 { p.pointee = 44 }
    (p + comma).update(from: other.buffer.base + start, count: n)
    buffer.count &+= comma &+ n
    fieldStarted = true
  }

  /// Appends the whole rows `other` wrote (this writer between rows, as `other` ends one).
  /// - Complexity: O(bytes copied).
  public mutating func append(rowsOf other: ByteWriter) {
    precondition(!fieldStarted, "rows are appended between rows")
    let n = other.count
    guard n > 0 else { return }
    room(n).update(from: other.buffer.base, count: n)
    buffer.count &+= n
  }

  /// Several text fields.
  public mutating func texts(_ fields: [String]) { for f in fields { text(f) } }

  /// A whole number.
  public mutating func integer(_ n: Int) {
    separator()
    if n < 0 { byte(45) }
    digits(UInt64(n.magnitude), minimumWidth: 1)
  }

  /// An amount with exactly `places` decimals (`1125.00`); the value is shown as held.
  public mutating func amount(_ f: Fixed, places: Int) {
    appendFixed(f, places: places, trim: false)
  }

  /// A quantity or rate with up to 9 decimals, trailing zeros removed (`225`, `0.333333333`).
  public mutating func plain(_ f: Fixed) {
    appendFixed(f, places: Fixed.scale, trim: true)
  }

  /// `YYYY-MM-DD`.
  public mutating func date(_ d: BusinessDate) {
    separator()
    if d.dayNumber != lastDay {
      let (y, m, day) = d.components
      guard (0...9999).contains(y) else {
        digits(UInt64(y.magnitude), minimumWidth: 4)  // outside the calendar files use: written, not cached
        byte(45); digits(UInt64(m), minimumWidth: 2)
        byte(45); digits(UInt64(day), minimumWidth: 2)
        return
      }
      Swift.withUnsafeMutableBytes(of: &lastDate) { b in
        b[0] = UInt8(48 + y / 1000); b[1] = UInt8(48 + y / 100 % 10); b[2] = UInt8(48 + y / 10 % 10); b[3] = UInt8(48 + y % 10)
        b[4] = 45; b[5] = UInt8(48 + m / 10); b[6] = UInt8(48 + m % 10)
        b[7] = 45; b[8] = UInt8(48 + day / 10); b[9] = UInt8(48 + day % 10)
      }
      lastDay = d.dayNumber
    }
    let p = room(10)
    Swift.withUnsafeBytes(of: lastDate) { UnsafeMutableRawPointer(p).copyMemory(from: $0.baseAddress!, byteCount: 10) }
    buffer.count &+= 10
  }

  /// `HH:MM:SS`.
  public mutating func time(_ t: BusinessTime) {
    separator()
    let h = t.seconds / 3600, m = t.seconds / 60 % 60, s = t.seconds % 60
    guard (0...99).contains(h) else {
      digits(UInt64(h.magnitude), minimumWidth: 2); byte(58); digits(UInt64(m), minimumWidth: 2); byte(58); digits(UInt64(s), minimumWidth: 2)
      return
    }
    // The three pairs of digits from the table, with the colons, in one word (byte by byte, each digit
    // a checked division and conversion, it was a hundred instructions a time).
    let pairs = ByteWriter.digitPairs
    @inline(__always) func pair(_ n: Int) -> UInt64 { UInt64(UInt16(littleEndian: pairs.loadUnaligned(fromByteOffset: 2 &* n, as: UInt16.self))) }
    let word = pair(h) | 58 &<< 16 | pair(m) &<< 24 | 58 &<< 40 | pair(s) &<< 48
    UnsafeMutableRawPointer(room(8)).storeBytes(of: word.littleEndian, as: UInt64.self)
    buffer.count &+= 8
  }

  /// The field of `f` in decimal, after its separator (see ``amount(_:places:)``, ``plain(_:)``).
  /// Inlined into the rows that write numbers (seven a stock ledger row): a call each was 19 instructions
  /// of saving and restoring registers, and `trim` and `places` fold into the callers' constants (13.6 M
  /// instructions fewer at 100k).
  /// - Complexity: O(digits); one check for room for the whole field.
  @inline(__always) mutating func appendFixed(_ f: Fixed, places: Int, trim: Bool) {
    let comma = fieldStarted ? 1 : 0
    fieldStarted = true
    if f.raw == 0 {
      // Zero (a GL line's other side, a receipt's outgoing rate: a quarter of the numbers written) without
      // a division: `0`, or `0.` and its `places` zeros.
      let shown = trim ? 0 : min(places, Fixed.scale)
      let total = comma &+ 1 &+ (shown > 0 ? 1 &+ shown : 0)
      let p = room(comma &+ 18)
      p[0] = 44  // (overwritten by the zero when there is no separator)
      p[comma] = 48
      p[comma &+ 1] = 46
      UnsafeMutableRawPointer(p + (comma &+ 2)).storeBytes(of: 0x3030_3030_3030_3030 as UInt64, as: UInt64.self)
      UnsafeMutableRawPointer(p + (comma &+ 10)).storeBytes(of: 0x3030_3030_3030_3030 as UInt64, as: UInt64.self)
      buffer.count &+= total
      return
    }
    let negative = f.raw < 0
    let mag = f.raw.magnitude
    if mag <= UInt128(UInt64.max) {
      // The usual case, in 64-bit arithmetic (Int128 division is a library call). Widths and positions
      // are a few dozen at most: wrapping arithmetic, without a check for overflow at every step (a
      // quarter of this path's instructions were those checks).
      let m = UInt64(truncatingIfNeeded: mag)
      let whole = m / 1_000_000_000
      let (fraction, shown) = ByteWriter.fraction(m &- whole &* 1_000_000_000, places: places, trim: trim)
      let sign = negative && (whole != 0 || fraction != 0) ? 1 : 0
      let wholeWidth = ByteWriter.decimalWidth(whole)
      let total = comma &+ sign &+ wholeWidth &+ (shown > 0 ? 1 &+ shown : 0)
      let p = room(total &+ 8)  // (room for the fraction's eight zeros below, of which `total` are kept)
      p[0] = 44  // (overwritten by what follows when there is no separator)
      var i = comma
      if sign == 1 {
        p[i] = 45
        i &+= 1
      }
      ByteWriter.writeDigits(whole, width: wholeWidth, to: p + i)
      i &+= wholeWidth
      if shown > 0 {
        p[i] = 46
        // The fraction's leading zeros (at most eight: its last digit is always written) at once, its
        // digits over them (padded one by one, the few zeros were a call to `memset`).
        UnsafeMutableRawPointer(p + (i &+ 1)).storeBytes(of: 0x3030_3030_3030_3030 as UInt64, as: UInt64.self)
        ByteWriter.writeDigits(fraction, width: shown, to: p + (i &+ 1), padded: true)
      }
      buffer.count &+= total
      return
    }
    // Beyond 1.8 × 10¹⁰ units: the whole part through String, as rare as it is large (and never 0).
    if comma == 1 { byte(44) }
    let (fraction, shown) = ByteWriter.fraction(UInt64(mag % UInt128(Fixed.unit)), places: places, trim: trim)
    if negative { byte(45) }
    for b in String(mag / UInt128(Fixed.unit)).utf8 { byte(b) }
    if shown > 0 {
      byte(46)
      digits(fraction, minimumWidth: shown)
    }
  }

  /// The fractional digits shown of `frac` (units of 10⁻⁹, below 10⁹) and how many there are: `places`
  /// of them, or with `trim` (where `places` is ``Fixed/scale``: all nine) as many as it takes without
  /// trailing zeros.
  @inline(__always) static func fraction(_ frac: UInt64, places: Int, trim: Bool) -> (digits: UInt64, shown: Int) {
    assert(!trim || places == Fixed.scale, "a trimmed fraction starts from all nine decimals")
    var f = frac
    var shown = min(places, Fixed.scale)
    if !trim {
      // Amounts (2 places, the usual currency precision) by a constant divisor: a multiplication.
      if shown == 2 { return (f / 10_000_000, 2) }
      return (f / ByteWriter.powerOfTen(Fixed.scale &- shown), shown)
    }
    if f == 0 { return (0, 0) }
    // Rates and quantities of two decimals or fewer (most) in one step.
    if f % 10_000_000 == 0 {
      f /= 10_000_000
      shown = 2
    } else {
      while f % 1000 == 0 {
        f /= 1000
        shown &-= 3
      }
    }
    while f % 10 == 0 {
      f /= 10
      shown &-= 1
    }
    return (f, shown)
  }

  /// 10ⁿ for n in 0...9 (without the lazily made table of `Fixed`).
  @inline(__always) static func powerOfTen(_ n: Int) -> UInt64 {
    var p: UInt64 = 1
    for _ in 0..<n { p &*= 10 }
    return p
  }

  /// "00" to "99": the two digits of every number below 100, written two at a time (a literal: its bytes
  /// are constant, with no lazy initialisation to check at every use).
  @inline(__always) private static var digitPairs: UnsafeRawPointer {
    let pairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
    return UnsafeRawPointer(pairs.utf8Start)
  }

  /// The number of decimal digits of `value` (1 for 0).
  /// - Complexity: O(digits ÷ 4).
  @inline(__always) static func decimalWidth(_ value: UInt64) -> Int {
    var n = 1
    var x = value
    while x >= 10_000 {
      x /= 10_000
      n &+= 4
    }
    return n &+ (x >= 10 ? 1 : 0) &+ (x >= 100 ? 1 : 0) &+ (x >= 1000 ? 1 : 0)
  }

  /// Writes `value` in decimal into `width` bytes at `p`, zero-padded: two digits per division, stored
  /// as one 16-bit word. `width` is at least ``decimalWidth(_:)``.
  /// With `padded`, the bytes before the digits are already zeros and are left as they are.
  @inline(__always) static func writeDigits(_ value: UInt64, width: Int, to p: UnsafeMutablePointer<UInt8>, padded: Bool = false) {
    let pairs = digitPairs
    let out = UnsafeMutableRawPointer(p)
    var v = value
    var i = width
    while v >= 100 {
      let r = Int(truncatingIfNeeded: v % 100)
      v /= 100
      i &-= 2
      out.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 &* r, as: UInt16.self), toByteOffset: i, as: UInt16.self)
    }
    if v >= 10 {
      i &-= 2
      out.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 &* Int(truncatingIfNeeded: v), as: UInt16.self), toByteOffset: i, as: UInt16.self)
    } else {
      i &-= 1
      p[i] = UInt8(truncatingIfNeeded: 48 &+ v)
    }
    if padded { return }
    while i > 0 {
      i &-= 1
      p[i] = 48
    }
  }

  /// `value` in decimal, zero-padded to `minimumWidth`.
  @inline(__always) mutating func digits(_ value: UInt64, minimumWidth: Int) {
    let n = max(ByteWriter.decimalWidth(value), minimumWidth)
    ByteWriter.writeDigits(value, width: n, to: room(n))
    buffer.count &+= n
  }
}
