import Testing
@testable import StockCore

@Suite struct FixedTests {
  @Test("strict input syntax", arguments: ["1.2abc", "1,5", " 5", "5 ", "1.", "", "-", "1e3", "NaN", "Inf", "1.0000000001", "1..2"])
  func rejectsMalformed(_ text: String) {
    #expect(Fixed(parsing: text) == nil)
  }

  @Test func powersOfTenAreExactToTheWidest() {
    var p: Int128 = 1
    for n in 0...38 {
      #expect(Fixed.pow10(n) == p, "10^\(n)")
      if n < 38 { p *= 10 }
    }
  }

  @Test func parsesAndPrints() throws {
    let x = try #require(Fixed(parsing: "-0.333333333"))
    #expect(x.raw == -333_333_333)
    #expect(x.plain == "-0.333333333")
    #expect(Fixed(parsing: "+5")?.plain == "5")
    #expect(Fixed(parsing: "1125")?.formatted(places: 2) == "1125.00")
    #expect(Fixed(parsing: "225.500")?.plain == "225.5")
    #expect(Fixed(parsing: "-0.004")?.rounded(places: 2, rule: .halfUp).formatted(places: 2) == "0.00")
    #expect(Fixed(parsing: "-0.005")?.rounded(places: 2, rule: .halfUp).formatted(places: 2) == "-0.01")
  }

  @Test func roundingRules() throws {
    let a = try #require(Fixed(parsing: "2.345")), b = try #require(Fixed(parsing: "2.355"))
    #expect(a.rounded(places: 2, rule: .halfEven).plain == "2.34")
    #expect(b.rounded(places: 2, rule: .halfEven).plain == "2.36")
    #expect(a.rounded(places: 2, rule: .halfUp).plain == "2.35")
    #expect((-a).rounded(places: 2, rule: .halfUp).plain == "-2.35")
    #expect(Fixed(parsing: "1.015")?.rounded(places: 2, rule: .halfEven).plain == "1.02")
  }

  @Test func divisionRoundsOnceAtNinePlaces() {
    #expect(Fixed(1).divided(by: Fixed(3), rule: .halfUp).plain == "0.333333333")
    #expect(Fixed(2).divided(by: Fixed(3), rule: .halfUp).plain == "0.666666667")
    #expect(Fixed(1160).divided(by: Fixed(22), rule: .halfUp).plain == "52.727272727")
  }

  /// The one-instruction division gives what `/` and `%` give, signs and all, on both sides of where it
  /// applies (a divisor past 64 bits, a quotient past 64 bits), and rounding through it is unchanged.
  @Test func quotientAndRemainderAreTheOperators() {
    let limit = Int128(UInt64.max)
    var pairs: [(Int128, Int128)] = [
      (0, 7), (7, 7), (6, 7), (-6, 7), (6, -7), (-6, -7), (limit, 1), (limit * (limit >> 2), limit), (limit << 1, 2),
      (Int128.max, limit), (Int128.min, limit), (Int128.max, limit + 1), (Int128.min, -(limit + 1)), (Int128.max, 3),
      (Int128.min + 1, -1), (1 << 64, 1 << 32), (-(1 << 100), 1 << 37),
    ]
    // The quotient's high word just below the divisor (one instruction), and at it (the operators).
    for d: Int128 in [3, 1 << 40, (1 << 63) - 1] {  // (|n| < 2¹²⁷: the high word is below 2⁶³)
      pairs.append(((d - 1) << 64 | limit, d))
      pairs.append((-((d - 1) << 64 | limit), d))
      if d < (1 << 62) { pairs.append((d << 64, d)) }
    }
    var x: UInt64 = 0x2545_F491_4F6C_DD1D
    func next() -> UInt64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
    for _ in 0..<2000 {
      let n = Int128(Int64(bitPattern: next())) << Int(next() % 64) | Int128(next())
      let d = Int128(Int64(bitPattern: next())) >> Int(next() % 63)
      if d != 0 { pairs.append((n, d)) }
    }
    for (n, d) in pairs {
      let (q, r) = Fixed.quotientAndRemainder(n, d)
      #expect(q == n / d && r == n % d, "\(n) / \(d)")
    }
    // Halves: rounded by the rule, on both paths.
    for (n, d) in [(Int128(5), Int128(2)), (-5, 2), (7, 2), (-7, -2), (limit * 5, limit * 2)] {
      #expect(Fixed.divideRounded(n, d, rule: .halfUp) == (n / d) + ((n < 0) != (d < 0) ? -1 : 1))
      let even = (n / d) % 2 == 0
      #expect(Fixed.divideRounded(n, d, rule: .halfEven) == (even ? n / d : (n / d) + ((n < 0) != (d < 0) ? -1 : 1)))
    }
  }

  @Test func wideProductsAreExact() throws {
    let q = try #require(Fixed(parsing: "0.001")), r = try #require(Fixed(parsing: "0.000000001"))
    #expect(Wide(product: q, r).raw == 1_000_000)  // 1e-12 is exact at scale 1e-18
    #expect(Wide(product: Fixed(3), try #require(Fixed(parsing: "0.333333333"))).rounded(places: 2, rule: .halfUp).plain == "1")
    // sums of many cents stay exact
    var total = Wide.zero
    let cent = try #require(Fixed(parsing: "0.01"))
    for _ in 0..<1_000 { total += Wide(cent) }
    #expect(total.rounded(places: 2, rule: .halfUp).formatted(places: 2) == "10.00")
  }

  @Test func dates() {
    #expect(BusinessDate(parsing: "2026-02-30") == nil)
    #expect(BusinessDate(parsing: "2028-02-29") != nil)
    #expect(BusinessDate(parsing: "2026-7-5") == nil)
    let d = BusinessDate(parsing: "2026-07-05")
    #expect(d?.adding(days: 365).description == "2027-07-05")
    #expect(BusinessTime(parsing: "02:00:00.1234") == BusinessTime(parsing: "02:00:00"))
    #expect(BusinessTime(parsing: "9:00") == nil)
    #expect(BusinessTime(parsing: "24:00") == nil)
    #expect(BusinessTime(parsing: "09:30")?.description == "09:30:00")
  }

  /// The parsers read a field where it lies in a longer line (a substring, not the start of its string):
  /// the bytes they see must be the field's, and the largest whole part must not overflow.
  @Test func parsesFieldsInPlaceInALine() throws {
    let line = "PR-1,2026-07-05,08:02:21,-17.250,+0.000000001,100000000000000000.5,1000000000000000000,x"
    let f = line.split(separator: ",", omittingEmptySubsequences: false)
    #expect(BusinessDate(parsing: f[1])?.description == "2026-07-05")
    #expect(BusinessTime(parsing: f[2])?.description == "08:02:21")
    #expect(Fixed(parsing: f[3])?.plain == "-17.25")
    #expect(Fixed(parsing: f[4]) == Fixed(raw: 1))
    #expect(Fixed(parsing: f[5])?.plain == "100000000000000000.5")
    #expect(Fixed(parsing: f[6])?.plain == "1000000000000000000")
    #expect(Fixed(parsing: "10000000000000000000") == nil)  // past 10¹⁸ + 9 in the whole part
    #expect(Fixed(parsing: ".5")?.plain == "0.5" && Fixed(parsing: f[7]) == nil && BusinessDate(parsing: f[0]) == nil)
    #expect(BusinessDate(parsing: line.dropFirst(5).prefix(10))?.description == "2026-07-05")
  }

  @Test func sha256KnownVectors() {
    #expect(SHA256.hex(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex(of: String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    // Fed in pieces (a partial block, a whole one, the rest, through both update paths): the same digest.
    var h = SHA256()
    h.update(Array(repeating: UInt8(ascii: "a"), count: 1))
    [UInt8](repeating: UInt8(ascii: "a"), count: 64).withUnsafeBytes { h.update($0) }
    // A copy is an independent hasher: what is added to one does not reach the other.
    var copy = h
    copy.update("b")
    h.update(String(repeating: "a", count: 935))
    #expect(h.finalizeHex() == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    #expect(copy.finalizeHex() == SHA256.hex(of: String(repeating: "a", count: 65) + "b"))
  }
}
