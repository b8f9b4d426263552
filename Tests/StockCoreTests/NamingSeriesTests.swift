import Testing
@testable import StockCore

@Suite struct NamingSeriesTests {
  @Test func namesAndNumbers() {
    let s = NamingSeries("SN-.#####")
    #expect(s.name(7) == "SN-00007")
    #expect(s.number(of: "SN-00042") == 42)
    #expect(s.number(of: "XX-00042") == nil)
    #expect(s.number(of: "SN-") == nil)
    #expect(NamingSeries("B-.###").name(1234) == "B-1234")
  }

  /// Names read by their bytes (an ASCII prefix, then digits) and by their characters agree: the same
  /// number or none, for names of the series and names that only look like them.
  @Test(arguments: [
    ("SN-.#####", "SN-00042", 42), ("SN-.#####", "SN-0", 0), ("SN-.#####", "SN-123456789012345678", 123_456_789_012_345_678),
    ("SN-.#####", "SN-1234567890123456789", 1_234_567_890_123_456_789), ("SN-.#####", "SN-12a", nil), ("SN-.#####", "SN-+12", nil),
    ("SN-.#####", "SN-١٢", nil), ("SN-.#####", "sn-12", nil), (".#####", "00017", 17), ("É-.###", "E\u{301}-7", 7),
    ("\u{600}", "\u{600}12", nil), ("A.###", "A\u{301}12", nil),
  ] as [(String, String, Int?)])
  func numbersByBytesAreNumbersByCharacters(pattern: String, name: String, number: Int?) {
    #expect(NamingSeries(pattern).number(of: name) == number)
  }

  @Test func byteWriterFormatsLikeTheStringFormatters() throws {
    var w = ByteWriter(guardsFormulas: true)
    for text in ["-0.000000001", "1125", "0.333333333", "-12.5", "100000000000000"] {
      let f = try #require(Fixed(parsing: text))
      w.plain(f)
      w.amount(f.rounded(places: 2, rule: .halfUp), places: 2)
      w.endRow()
    }
    w.text("=SUM(A1)")
    w.text("a,\"b\"")
    w.date(BusinessDate(year: 2026, month: 7, day: 5) ?? BusinessDate(dayNumber: 0))
    w.time(BusinessTime(seconds: 3723))
    w.endRow()
    #expect(String(decoding: w.bytes, as: UTF8.self) == "-0.000000001,0.00\n1125,1125.00\n0.333333333,0.33\n-12.5,-12.50\n100000000000000,100000000000000.00\n'=SUM(A1),\"a,\"\"b\"\"\",2026-07-05,01:02:03\n")
  }
}
