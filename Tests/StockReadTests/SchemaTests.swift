import Foundation
import Testing
@testable import StockCore
@testable import StockRead
import CLibXML2
import TestSupport

@Suite struct SchemaTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  @Test func embeddedSchemaIsTheFile() throws {
    let file = try String(contentsOf: Self.root.appendingPathComponent("Schemas/vouchers.xsd"), encoding: .utf8)
    #expect(file == XMLVoucherReader.embeddedSchema, "run python3 Schemas/embed.py")
    _ = try XMLVoucherReader.Schema()
  }

  @Test func csvLayoutDescribesExactlyTheReadersColumns() throws {
    let data = try Data(contentsOf: Self.root.appendingPathComponent("Schemas/voucher-csv-layout.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let columns = try #require(json["columns"] as? [[String: Any]]).compactMap { $0["name"] as? String }
    #expect(columns == VoucherColumn.allCases.map(\.rawValue))
  }

  @Test func xsdAttributesAreTheCSVColumns() throws {
    // Every CSV column but row_type (an element name in XML) is an attribute in the XSD.
    for c in VoucherColumn.allCases where c != .rowType {
      #expect(XMLVoucherReader.embeddedSchema.contains("name=\"\(c.rawValue)\""), "\(c.rawValue) missing from vouchers.xsd")
    }
  }

  /// `body` (the elements under the root, from line 3) read as a voucher file.
  func read(vouchers body: String) throws -> VoucherFile {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<vouchers xmlns=\"urn:stockledger:vouchers:1\">\n" + body + "</vouchers>\n"
    let path = NSTemporaryDirectory() + "vouchers-\(getpid())-\(UUID().uuidString).xml"
    try xml.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return XMLVoucherReader.read(path: path, name: "v.xml", schema: try XMLVoucherReader.Schema())
  }

  /// The schema's errors name the voucher whose lines they fall in (libxml2 gives only the line): an
  /// attribute of a start tag that spans lines, a child element, and nothing for an element between vouchers.
  @Test func schemaErrorsNameTheirVoucher() throws {
    let f = try read(vouchers: """
        <voucher voucher_type="Purchase Receipt" voucher_no="PR-1" posting_date="2026-11-09">
          <item item_code="RM0001" warehouse="Stores" qty="10" rate="2O0"/>
        </voucher>
        <voucher voucher_type="Purchase Receipt" voucher_no="PR-2"
                 posting_date="2026-11-9x">
          <itm item_code="RM0001" warehouse="Stores" qty="10" rate="200"/>
        </voucher>
        <bogus/>

      """)
    let found = f.diagnostics.map { "\($0.location.line) \($0.voucherNo) \($0.field) \($0.code.rawValue)" }
    #expect(found == ["4 PR-1 rate E_XML_SCHEMA", "7 PR-2 posting_date E_XML_SCHEMA", "8 PR-2  E_XML_SCHEMA", "10   E_XML_SCHEMA"])
  }

  /// Past line 65,535, where libxml2 keeps no node's line, vouchers and rows are still on their own lines
  /// (the scan of the file's elements, ``XMLElementLines``), and the schema's errors there name their
  /// voucher. What the scan must not take for an element: a comment of 70,000 lines holding a start tag, a
  /// processing instruction and an attribute value with `>`, and a CDATA section.
  @Test func linesPastSixtyFiveThousandAreExact() throws {
    let filler = "<!-- <voucher voucher_no=\"NOT-1\"> " + String(repeating: "\n", count: 70_000) + " -->\n"
    /// PR-2 (its start tag over two lines, its second row's quantity `qty`) and PR-3.
    func twoVouchers(qty: String) -> String {
      """
        <voucher voucher_type="Purchase Receipt" voucher_no="PR-2" party="A > B"
                 posting_date="2026-11-09">
          <item item_code="RM0001" warehouse="Stores" qty="10" rate="20"/>
          <item item_code="RM0002" warehouse="Stores" qty="\(qty)" rate="5"><serial_no><![CDATA[S>1]]></serial_no></item>
        </voucher>
        <voucher voucher_type="Purchase Receipt" voucher_no="PR-3" posting_date="2026-11-09">
          <item item_code="RM0001" warehouse="Stores" qty="3" rate="4"/>
        </voucher>

      """
    }
    let f = try read(vouchers: """
        <voucher voucher_type="Purchase Receipt" voucher_no="PR-1" posting_date="2026-11-09">
          <item item_code="RM0001" warehouse="Stores" qty="10" rate="2O0"/>
        </voucher>
      \(filler)  <?note a > b?>

      """ + twoVouchers(qty: "1O"))
    // Lines: PR-1 on 3, the comment from 6 to 70,006, the instruction on 70,007, PR-2's tag ends on 70,009.
    let found = f.diagnostics.map { "\($0.location.line) \($0.voucherNo) \($0.field)" }
    #expect(found == ["4 PR-1 rate", "70011 PR-2 qty"])

    // The comment from 3 to 70,003: PR-2's tag ends on 70,005, PR-3's on 70,009.
    let valid = try read(vouchers: filler + twoVouchers(qty: "1"))
    #expect(valid.diagnostics.isEmpty)
    #expect(valid.vouchers.map(\.source.line) == [70_005, 70_009])
    #expect(valid.vouchers.flatMap { $0.items.map(\.line) } == [70_006, 70_007, 70_010])
  }

  /// The scan finds each element at depth 1 and 2 on the line libxml2 gives it, for documents full of what
  /// it must not take for a tag's end (`>` and `/` and the other quote inside values, values over several
  /// lines, comments, instructions, CDATA, empty and nested elements), read in chunks of every size (its
  /// state carried from one to the next, as the guard's megabytes are).
  @Test func elementLinesAreLibxml2sLines() throws {
    var g = SeededGenerator(seed: 11)
    func pick(_ n: Int) -> Int { Int(g.next() % UInt64(n)) }
    let values = ["a", "x > y", "a/b", "O'Brien", "\"q\"", "two\nlines", "", "<", "slash/>", "1'2'3", "a\">b", "\""]
    for document in 0..<40 {
      var text = "<?xml version=\"1.0\"?>\n<root>\n"
      func attributes() -> String {
        (0..<pick(4)).map { k in
          let v = values[pick(values.count)]
          let quoted = v.contains("\"") ? "'\(v)'" : "\"\(v.replacingOccurrences(of: "<", with: "&lt;"))\""
          return " a\(k)\(pick(3) == 0 ? "\n   " : "")=\(quoted)"
        }.joined()
      }
      for _ in 0..<(5 + pick(30)) {
        switch pick(6) {
        case 0: text += "<!-- a > b <v x=\"1\"> -->\n"
        case 1: text += "<?pi a > b?>"
        case 2: text += "<e\(attributes())/>\n"
        default:
          text += "<v\(attributes())\(pick(2) == 0 ? "\n" : "")>"
          for _ in 0..<pick(3) { text += pick(2) == 0 ? "\n  <r\(attributes())/>" : "<r\(attributes())><s>t<![CDATA[ <x> ]]></s></r>" }
          text += "\n</v>\n"
        }
      }
      text += "</root>\n"
      let bytes = Array(text.utf8)
      // libxml2's own lines for the elements at depth 1 and 2.
      var expected: [Int] = []
      try bytes.withUnsafeBufferPointer { b in
        let reader = try #require(b.baseAddress.flatMap { base in
          base.withMemoryRebound(to: CChar.self, capacity: b.count) { xmlReaderForMemory($0, Int32(b.count), nil, nil, 0) }
        })
        defer { xmlFreeTextReader(reader) }
        while xmlTextReaderRead(reader) == 1 {
          let depth = xmlTextReaderDepth(reader)
          if xmlTextReaderNodeType(reader) == 1 && (depth == 1 || depth == 2) { expected.append(try #require(nodeLine(reader))) }
        }
      }
      #expect(!expected.isEmpty)
      for chunk in [1, 3, 7, 8, 9, 64, bytes.count] {
        var scan = XMLElementLines(from: 0)
        var at = 0
        while at < bytes.count {
          let n = min(chunk, bytes.count - at)
          bytes.withUnsafeBytes { scan.scan(UnsafeRawBufferPointer(rebasing: $0[at..<(at + n)])) }
          at += n
        }
        #expect(scan.skipped == 0 && scan.lines.map(Int.init) == expected, "document \(document), chunks of \(chunk)")
      }
    }
  }

  /// The guard reads a file a megabyte at a time: a declaration across two of them, or in a later one, is
  /// refused on its own line.
  @Test func hostileDeclarationsAreFoundAcrossChunks() throws {
    let chunk = 1 << 20
    for start in [chunk - 4, chunk, chunk + 5, 3 * chunk + 1] {
      let text = String(repeating: "a\n", count: start / 2) + (start % 2 == 1 ? "a" : "") + "<!DOCTYPE v>\n<vouchers/>\n"
      let path = NSTemporaryDirectory() + "hostile-\(getpid())-\(UUID().uuidString).xml"
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      defer { try? FileManager.default.removeItem(atPath: path) }
      var lines = XMLElementLines()
      let d = try #require(XMLVoucherReader.guardHostile(path: path, name: "h.xml", lines: &lines))
      #expect(d.code == .xmlRefused)
      #expect(d.location.line == start / 2 + 1, "a DOCTYPE at byte \(start)")
      #expect(d.message.hasPrefix("the file contains a DOCTYPE declaration"))
    }
  }

  /// A voucher and its rows are placed on their own lines, not where the parser had read to (which in a
  /// small file is its end: every voucher was placed on the last line).
  @Test func vouchersAndRowsAreOnTheirOwnLines() throws {
    let f = try read(vouchers: """
        <voucher voucher_type="Purchase Receipt" voucher_no="PR-1" posting_date="2026-11-09">
          <item item_code="RM0001" warehouse="Stores" qty="10" rate="20"/>
        </voucher>
        <voucher voucher_type="Purchase Receipt" voucher_no="PR-2"
                 posting_date="2026-11-09">
          <item item_code="RM0001" warehouse="Stores" qty="10" rate="200"/>
          <item item_code="RM0002" warehouse="Stores" qty="1" rate="5"/>
        </voucher>

      """)
    #expect(f.diagnostics.isEmpty)
    // (A start tag over two lines is on its last, as libxml2's own errors place it.)
    #expect(f.vouchers.map(\.source.line) == [3, 7])
    #expect(f.vouchers.flatMap { $0.items.map(\.line) } == [4, 8, 9])
  }
}
