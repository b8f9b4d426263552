import Foundation
import Testing
@testable import StockCore
@testable import StockRead
import TestSupport

@Suite struct CSVParserTests {
  @Test func tricky() throws {
    let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"he said \"\"hi\"\"\"\r\n2,\"multi\nline\",\r\n3,ü,"
    let recs = try CSVParser.parse(Array(text.utf8), file: "t.csv")
    #expect(recs.count == 4)
    #expect(recs[0].fields == ["a", "b", "c"])
    #expect(recs[1].fields == ["1", "x, y", "he said \"hi\""])
    #expect(recs[2].fields == ["2", "multi\nline", ""])
    #expect(recs[2].line == 3)
    #expect(recs[3].line == 5)
    #expect(recs[3].fields == ["3", "ü", ""])
  }

  /// The non-blank records of a plain buffer as the plain splitter gives them, each as `line:[fields]`.
  func plainRecords(_ bytes: [UInt8]) -> [String] {
    var plain: [String] = []
    bytes.withUnsafeBufferPointer { buf in
      #expect(CSVParser.isPlain(buf))
      CSVParser.forEachPlainRecord(buf, firstLine: 1) { line, bounds in
        let fields = stride(from: 0, to: bounds.count, by: 2).map { String(decoding: UnsafeBufferPointer(rebasing: buf[bounds[$0]..<bounds[$0 + 1]]), as: UTF8.self) }
        plain.append("\(line):\(fields)")
      }
    }
    return plain
  }

  /// The same records as the general parser gives them.
  func generalRecords(_ bytes: [UInt8]) throws -> [String] {
    try CSVParser.parse(bytes, file: "p.csv").filter { !$0.isBlank }.map { "\($0.line):\($0.fields)" }
  }

  /// The plain splitter gives the general parser's records, fields and lines on every way a plain buffer
  /// ends its lines and fields (blank records, which the readers skip, aside).
  @Test(arguments: ["a,b,c\nd,,f\n", "a,b\r\n\r\nc,d", "a\rb,c\r\n,\n,,x,\n", "x,y,", ",\n\n1,2\r"])
  func plainRecordsAreTheGeneralOnes(text: String) throws {
    let bytes = Array(text.utf8)
    #expect(plainRecords(bytes) == (try generalRecords(bytes)))
    #expect(CSVParser.hasBareCR(bytes) == text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
  }

  /// The same on generated buffers whose fields end at every offset from a word's start: fields of 0 to
  /// 20 bytes of characters just below and above `-` (the bytes the scan eight at a time tells apart:
  /// space, `!`, `+`, `-`, `.`, digits, letters), records of up to 90 fields (past the bounds' first
  /// capacity), all three line ends, and a last record with or without one.
  @Test func plainRecordsAreTheGeneralOnesAtEveryOffset() throws {
    var random = SeededGenerator(seed: 27)
    let alphabet = Array(" !+-./09:AZaz_".utf8)
    let ends = ["\n", "\r\n", "\r"].map { Array($0.utf8) }
    for round in 0..<200 {
      var bytes: [UInt8] = []
      for _ in 0..<Int.random(in: 1...6, using: &random) {
        let fields = round % 10 == 0 ? Int.random(in: 60...90, using: &random) : Int.random(in: 1...12, using: &random)
        for f in 0..<fields {
          if f > 0 { bytes.append(UInt8(ascii: ",")) }
          for _ in 0..<Int.random(in: 0...20, using: &random) { bytes.append(alphabet.randomElement(using: &random)!) }
        }
        bytes += ends.randomElement(using: &random)!
      }
      if round % 3 == 0 { bytes.removeLast(bytes.last == 10 && bytes.dropLast().last == 13 ? 2 : 1) }
      #expect(plainRecords(bytes) == (try generalRecords(bytes)), "round \(round)")
    }
  }

  @Test("errors carry their line", arguments: [
    ("a,b\n1,\"open\n", 2, ErrorCode.csvSyntax),
    ("a,b\n1,x\"y\n", 2, ErrorCode.csvSyntax),
    ("a,b\n1,\"x\"y\n", 2, ErrorCode.csvSyntax),
  ])
  func errors(_ text: String, _ line: Int, _ code: ErrorCode) {
    #expect(throws: Diagnostic.self) { try CSVParser.parse(Array(text.utf8), file: "e.csv") }
    do { _ = try CSVParser.parse(Array(text.utf8), file: "e.csv") } catch {
      #expect(error.location.line == line)
      #expect(error.code == code)
    }
  }

  @Test func invalidUTF8AndNUL() {
    var bytes = Array("a\n".utf8)
    bytes += [0xC3, 0x28, 0x0A]
    #expect(throws: Diagnostic.self) { try CSVParser.parse(bytes, file: "x.csv") }
    #expect(throws: Diagnostic.self) { try CSVParser.parse([0x61, 0x00, 0x0A], file: "x.csv") }
  }

  @Test func voucherReaderGroupsAndChecksFields() {
    let text = """
      voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate
      Purchase Receipt,PR-1,2026-03-01,A,Stores,10,5
      Delivery Note,DN-1,2026-03-02,A,Stores,abc,
      Purchase Receipt,PR-1,2026-03-02,B,Stores,1,5
      Purchase Receipt,PR-1,2026-03-01,C,Stores,1,5
      """
    let f = CSVVoucherReader.read(bytes: Array(text.utf8), file: "in.csv")
    #expect(f.vouchers.map(\.no) == ["PR-1", "DN-1"])
    #expect(f.vouchers[0].items.map(\.itemCode) == ["A", "B", "C"])
    let codes = f.diagnostics.map { "\($0.location.line) \($0.voucherNo) \($0.field) \($0.code.rawValue)" }
    #expect(codes == ["4 PR-1 posting_date E_VOUCHER_FIELDS_DISAGREE", "3 DN-1 qty E_NUMBER"])
  }

  @Test func unknownColumnIsAnError() {
    let f = CSVVoucherReader.read(bytes: Array("voucher_type,voucher_no,posting_date,qyt\n".utf8), file: "typo.csv")
    #expect(f.diagnostics.map(\.code) == [.unknownColumn])
    #expect(f.diagnostics.first?.field == "qyt")
  }

  @Test func toml() throws {
    let v = try TOMLReader.parse("name = \"A # B\" # comment\n[accounts]\nround_off = 'Round Off'\nx = 3\nflag = true\n", file: "c.toml")
    #expect(v["name"] == .string("A # B"))
    #expect(v["accounts.round_off"] == .string("Round Off"))
    #expect(v["accounts.x"] == .integer(3))
    #expect(v["accounts.flag"] == .bool(true))
    #expect(throws: Diagnostic.self) { try TOMLReader.parse("name = bare words\n", file: "c.toml") }
  }
}

/// A buffer read over its bytes says whether every line's record was handed over.
@Suite struct PlainReadingTests {
  func reading(_ text: String) -> (CSVParser.PlainReading, [Int]) {
    var lines: [Int] = []
    let r = Array(text.utf8).withUnsafeBufferPointer { CSVParser.forEachRecordOverBytes($0) { line, _ in lines.append(line) } }
    return (r, lines)
  }

  @Test func everyLineIsARecordOrTheReadingSaysSo() {
    let (read, lines) = reading("a,b\n1,2\n3,4")
    #expect(read == .read && lines == [1, 2, 3])
    #expect(reading("a,b\n1,2\n\n3,4\n").0 == .blankRecords)  // an empty line
    #expect(reading("a,b\n,\n3,4\n").0 == .blankRecords)  // a line of commas only
    #expect(reading("a,b\n\"1\",2\n").0 == .notPlain && reading("a,b\n\"1\",2\n").1.isEmpty)  // a quote
    #expect(reading("a,b\r\n1,2\r\n").0 == .notPlain)  // CR line ends
    #expect(reading("").0 == .read)
  }
}
