import Foundation
import Testing
@testable import StockCore
@testable import StockRead
import TestSupport

/// A large XML file is read in two halves on two threads (``XMLVoucherReader/read(path:name:schema:splitFrom:)``):
/// the result must be the one pass's, voucher for voucher (lines and columns included) and diagnostic for
/// diagnostic, whatever the file holds — and the halves are taken only for files that are valid in both.
@Suite struct XMLHalvesTests {
  static let schema = try! XMLVoucherReader.Schema()

  static func voucher(_ no: String, party: String = "Supplier", items: Int = 1, indent: String = "  ", newline: String = "\n") -> String {
    var s = "\(indent)<voucher voucher_type=\"Purchase Receipt\" voucher_no=\"\(no)\" posting_date=\"2026-11-09\" party=\"\(party)\">\(newline)"
    for i in 0..<items { s += "\(indent)  <item item_code=\"RM000\(1 + i % 2)\" warehouse=\"Stores\" qty=\"\(3 + i)\" rate=\"2.5\"/>\(newline)" }
    return s + "\(indent)</voucher>\(newline)"
  }

  static func document(_ body: String, root: String = "vouchers", declaration: String = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", newline: String = "\n") -> String {
    let ns = root.contains(":") ? "xmlns:\(root.split(separator: ":")[0])" : "xmlns"
    return declaration + newline + "<\(root) \(ns)=\"urn:stockledger:vouchers:1\">" + newline + body + "</\(root)>" + newline
  }

  /// Writes `bytes`, reads them both ways, and checks that the results agree; returns whether the halves
  /// were taken (both valid) and the one pass's result.
  func check(_ bytes: [UInt8], _ what: String) throws -> (halves: Bool, file: VoucherFile) {
    let path = NSTemporaryDirectory() + "halves-\(getpid())-\(UUID().uuidString).xml"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let one = XMLVoucherReader.read(path: path, name: "v.xml", schema: Self.schema, splitFrom: .max)
    let two = XMLVoucherReader.read(path: path, name: "v.xml", schema: Self.schema, splitFrom: 1)
    #expect(one.vouchers == two.vouchers, "\(what): the vouchers")
    #expect(one.vouchers.map(\.source) == two.vouchers.map(\.source), "\(what): the vouchers' places")
    #expect(one.diagnostics == two.diagnostics, "\(what): \(one.diagnostics) against \(two.diagnostics)")
    #expect(one.rowCount == two.rowCount, "\(what): the rows")
    // Whether the halves were taken: the scan of the whole file, cut at its middle.
    var lines = XMLElementLines(splitFrom: bytes.count / 2)
    _ = XMLVoucherReader.guardHostile(path: path, name: "v.xml", lines: &lines)
    let halves = XMLVoucherReader.readInHalves(path: path, name: "v.xml", schema: Self.schema, lines: lines, size: bytes.count) != nil
    return (halves, one)
  }

  @Test func validFilesAreReadInHalvesAsInOnePass() throws {
    let many = (1...40).map { Self.voucher("PR-\($0)", items: 1 + $0 % 3) }.joined()
    // Indented, with a comment that holds a voucher's start tag, an instruction and CDATA serials.
    var body = many
    body += "  <!-- <voucher voucher_no=\"NOT-1\"> -->\n  <?note a > b?>\n"
    body += "  <voucher voucher_type=\"Purchase Receipt\" voucher_no=\"PR-S\" posting_date=\"2026-11-09\">\n"
    body += "    <item item_code=\"RM0002\" warehouse=\"Stores\" qty=\"2\" rate=\"5\"><serial_no><![CDATA[S>1]]></serial_no><serial_no>S2</serial_no></item>\n  </voucher>\n"
    body += many.replacingOccurrences(of: "PR-", with: "PX-")
    for (what, text) in [
      ("indented", Self.document(body)),
      ("not indented", Self.document(body.replacingOccurrences(of: "\n  ", with: "\n"))),
      ("tabs and CRLF", Self.document(body.replacingOccurrences(of: "  ", with: "\t").replacingOccurrences(of: "\n", with: "\r\n"), newline: "\r\n")),
      ("a prefixed root", Self.document(body.replacingOccurrences(of: "<voucher", with: "<v:voucher").replacingOccurrences(of: "</voucher", with: "</v:voucher")
        .replacingOccurrences(of: "<item", with: "<v:item").replacingOccurrences(of: "<serial_no", with: "<v:serial_no").replacingOccurrences(of: "</serial_no", with: "</v:serial_no")
        .replacingOccurrences(of: "</item", with: "</v:item"), root: "v:vouchers")),
      ("no declaration", Self.document(body, declaration: "<!-- exported -->")),
      ("a byte-order mark", "\u{FEFF}" + Self.document(body)),
    ] {
      let (halves, file) = try check(Array(what == "a byte-order mark" ? text.utf8 : text.utf8), what)
      #expect(halves, "\(what): read in halves")
      #expect(file.diagnostics.isEmpty && file.vouchers.count == 81, "\(what): \(file.diagnostics)")
    }
    // Latin-1, declared: a party's name past the middle in one byte.
    let latin = Self.document(body + Self.voucher("PR-É", party: "Café"), declaration: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>")
    let (halves, file) = try check(Array(latin.unicodeScalars.map { UInt8($0.value) }), "Latin-1")
    #expect(halves && file.vouchers.last?.party == "Café" && file.vouchers.last?.no == "PR-É")
  }

  /// Past line 65,535 libxml2 keeps no node's line: the second half's elements are numbered on from the
  /// first half's to find theirs in the scan.
  @Test func linesPastSixtyFiveThousandAreThoseOfOnePass() throws {
    let filler = "  <!-- " + String(repeating: "\n", count: 70_000) + " -->\n"
    let body = (1...5).map { Self.voucher("PR-\($0)", items: 2) }.joined() + filler + (6...12).map { Self.voucher("PR-\($0)", items: 2) }.joined()
    let (halves, file) = try check(Array(Self.document(body).utf8), "past 65,535")
    #expect(halves)
    // (The declaration and the root on lines 1 and 2, five vouchers of four lines, the comment from 23 to 70,023.)
    #expect(file.vouchers.map(\.source.line).suffix(2) == [70_044, 70_048])
    // A voucher's own problem (serials given twice over) past the middle: the same diagnostic, on its line.
    let twice = body + "  <voucher voucher_type=\"Purchase Receipt\" voucher_no=\"PR-T\" posting_date=\"2026-11-09\">\n"
      + "    <item item_code=\"RM0002\" warehouse=\"Stores\" qty=\"1\" rate=\"5\" serial_nos=\"A\"><serial_no>B</serial_no></item>\n  </voucher>\n"
    let (_, t) = try check(Array(Self.document(twice).utf8), "serials twice")
    #expect(t.diagnostics.map(\.location.line) == [70_053] && t.diagnostics.first?.voucherNo == "PR-T")
  }

  /// Every problem gives the one pass's diagnostics (the halves are not taken).
  @Test func problemsAnywhereGiveTheOnePasssDiagnostics() throws {
    let first = (1...20).map { Self.voucher("PR-\($0)") }.joined(), second = (21...40).map { Self.voucher("PR-\($0)") }.joined()
    let bad = Self.voucher("PR-BAD").replacingOccurrences(of: "rate=\"2.5\"", with: "rate=\"2O\"")
    for (what, text, expected) in [
      ("a schema error in the first half", Self.document(first + bad + second), 1),
      ("a schema error in the second half", Self.document(first + second + bad), 1),
      ("one in each half", Self.document(bad + first + second + bad.replacingOccurrences(of: "PR-BAD", with: "PR-BAD2")), 2),
      ("an unknown element", Self.document(first + second + "  <bogus/>\n"), 1),
      ("truncated", String(Self.document(first + second).dropLast(30)), 1),
      ("nested too deep", Self.document(first + second.replacingOccurrences(of: "<item item_code=\"RM0001\" warehouse=\"Stores\" qty=\"3\" rate=\"2.5\"/>", with: "<item><a><b><c><d><e/></d></c></b></a></item>")), 1),
      ("a syntax error in the first half, a schema error in the second", Self.document(first + "  <voucher voucher_no=\"X\"\n" + second + bad), 1),
    ] {
      let (halves, file) = try check(Array(text.utf8), what)
      #expect(!halves, "\(what): not read in halves")
      #expect(file.diagnostics.count >= expected && file.vouchers.isEmpty, "\(what): \(file.diagnostics)")
    }
  }

  /// Lines ended by carriage returns alone (the scan counts line feeds): such a file is read in one pass.
  @Test func carriageReturnsAloneAreReadInOnePass() throws {
    let text = Self.document((1...30).map { Self.voucher("PR-\($0)", newline: "\r") }.joined(), newline: "\r")
    let (halves, file) = try check(Array(text.utf8), "CR line ends")
    #expect(!halves && file.diagnostics.isEmpty && file.vouchers.count == 30)
  }
}
