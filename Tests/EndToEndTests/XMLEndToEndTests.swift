import Foundation
import Testing

/// XML import (SPEC §4.2): the seed example, hostile files, schema errors, truncation, mixing with CSV.
@Suite(.serialized) struct XMLEndToEndTests {
  let e2e = EndToEndTests()

  static let seed = """
    <?xml version="1.0" encoding="UTF-8"?>
    <vouchers xmlns="urn:stockledger:vouchers:1">
      <voucher voucher_type="Purchase Receipt" voucher_no="PR-0001" posting_date="2026-11-02" posting_time="09:00:00" party="Arcu">
        <item item_code="RM0001" warehouse="Stores" qty="10" rate="200"/>
        <tax account="Shipping Charges" amount="100" tax_category="Valuation and Total"/>
        <tax account="Customs Duty" amount="150" tax_category="Valuation"/>
        <tax account="Input VAT" tax_rate="10" tax_category="Total"/>
      </voucher>
    </vouchers>

    """

  @Test func seedExampleAsXMLPostsWhatTheCSVPosts() throws {
    let xmlBooks = try e2e.books(), csvBooks = try e2e.books()
    try e2e.drop(xmlBooks, "seed.xml", Self.seed)
    try e2e.drop(csvBooks, "seed.csv", EndToEndTests.seed)
    let dn = "voucher_type,voucher_no,posting_date,posting_time,item_code,warehouse,qty\nDelivery Note,DN-0001,2026-11-03,10:00,RM0001,Stores,5\n"
    try e2e.drop(xmlBooks, "z.csv", dn)  // XML and CSV mix in one run
    try e2e.drop(csvBooks, "z.csv", dn)
    #expect(try e2e.cli(["run", xmlBooks]).code == 0)
    #expect(try e2e.cli(["run", csvBooks]).code == 0)
    for report in ["stock-ledger.csv", "general-ledger.csv", "trial-balance.csv", "stock-vs-gl.csv"] {
      let x = e2e.read(xmlBooks + "/reports/" + report), c = e2e.read(csvBooks + "/reports/" + report)
      #expect(x == c, "\(report) differs")
      #expect(!x.isEmpty)
    }
    #expect(e2e.read(xmlBooks + "/reports/general-ledger.csv").contains("PR-0001,Stores,2250.00,0.00"))
    #expect(e2e.rows(xmlBooks + "/reports/stock-ledger.csv", voucher: "DN-0001").first?["stock_value_difference"] == "-1125.00")
  }

  /// Two vouchers of one XML file with the same number (elements are not grouped by number, as CSV rows
  /// are): the file is rejected, the repeat named, when it is the only file of the run.
  @Test func aNumberRepeatedWithinOneXMLFileIsRejected() throws {
    let b = try e2e.books()
    let receipt = { (day: Int, qty: Int) in
      "<voucher voucher_type=\"Purchase Receipt\" voucher_no=\"PR-1\" posting_date=\"2026-11-0\(day)\"><item item_code=\"RM0001\" warehouse=\"Stores\" qty=\"\(qty)\" rate=\"10\"/></voucher>"
    }
    try e2e.drop(b, "only.xml", "<vouchers xmlns=\"urn:stockledger:vouchers:1\">\(receipt(2, 4))\(receipt(3, 3))</vouchers>\n")
    #expect(try e2e.cli(["run", b]).code == 1)
    let errors = e2e.read(b + "/rejected/only.xml.errors.csv")
    #expect(errors.contains("E_DUPLICATE_VOUCHER") && errors.contains("voucher PR-1 also appears in only.xml"), "\(errors)")
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "PR-1").isEmpty)
  }

  @Test func hostileAndBrokenFilesAreRejectedWithTheirLineAndAValidOnePosts() throws {
    let b = try e2e.books()
    try e2e.drop(b, "a-xxe.xml", """
      <?xml version="1.0"?>
      <!DOCTYPE vouchers [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
      <vouchers xmlns="urn:stockledger:vouchers:1"><voucher voucher_type="Purchase Receipt" voucher_no="X-1" posting_date="2026-11-02" remarks="&xxe;"/></vouchers>
      """)
    try e2e.drop(b, "b-laughs.xml", """
      <?xml version="1.0"?>
      <!DOCTYPE lolz [
       <!ENTITY lol "lol">
       <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
      ]>
      <vouchers xmlns="urn:stockledger:vouchers:1"/>
      """)
    try e2e.drop(b, "c-badqty.xml", """
      <?xml version="1.0" encoding="UTF-8"?>
      <vouchers xmlns="urn:stockledger:vouchers:1">
        <voucher voucher_type="Purchase Receipt" voucher_no="Q-1" posting_date="2026-11-02">
          <item item_code="RM0001" warehouse="Stores" qty="abc" rate="1"/>
        </voucher>
      </vouchers>
      """)
    try e2e.drop(b, "d-truncated.xml", "<?xml version=\"1.0\"?>\n<vouchers xmlns=\"urn:stockledger:vouchers:1\">\n  <voucher voucher_type=\"Purchase Receipt\" voucher_no=\"T-1\" posting_date=\"2026-11-02\">\n    <item item_code=\"RM0001\" warehouse=\"Stores\" qty=\"1\" rate=\"1\"/>\n")
    try e2e.drop(b, "e-xinclude.xml", "<vouchers xmlns=\"urn:stockledger:vouchers:1\" xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"http://example.invalid/v.xml\"/></vouchers>\n")
    try e2e.drop(b, "f-good.xml", Self.seed)
    let r = try e2e.cli(["run", b])
    #expect(r.code == 1)
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "PR-0001").count == 1)
    for v in ["X-1", "Q-1", "T-1"] { #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: v).isEmpty) }
    let errors = { (f: String) in e2e.read(b + "/rejected/" + f + ".errors.csv") }
    #expect(errors("a-xxe.xml").contains("a-xxe.xml,2,,,E_XML_REFUSED,\"the file contains a DOCTYPE declaration"))
    #expect(errors("b-laughs.xml").contains("b-laughs.xml,2,,,E_XML_REFUSED"))
    #expect(errors("c-badqty.xml").contains("c-badqty.xml,4,Q-1,qty,E_XML_SCHEMA,\"<item> Element 'item', attribute 'qty': 'abc' is not a valid value"))
    #expect(errors("d-truncated.xml").contains("d-truncated.xml,4,,,E_XML_SYNTAX,the document is not well-formed or ends early"))
    #expect(errors("e-xinclude.xml").contains("E_XML_REFUSED,\"the file contains XInclude"))
  }

  @Test func everySchemaErrorIsListedWithItsLine() throws {
    let b = try e2e.books()
    try e2e.drop(b, "many.xml", """
      <?xml version="1.0" encoding="UTF-8"?>
      <vouchers xmlns="urn:stockledger:vouchers:1">
        <voucher voucher_type="Refund" voucher_no="A-1" posting_date="2026-13-45">
          <item item_code="RM0001" warehouse="Stores" qty="1.0000000001"/>
          <bogus/>
        </voucher>
      </vouchers>
      """)
    #expect(try e2e.cli(["run", b]).code == 1)
    let lines = e2e.read(b + "/rejected/many.xml.errors.csv").split(separator: "\n").dropFirst().map { String($0.prefix(12)) }
    #expect(lines.filter { $0.hasPrefix("many.xml,3") }.count >= 2)  // voucher_type and posting_date
    #expect(lines.contains { $0.hasPrefix("many.xml,4") })  // 10 decimals
    #expect(lines.contains { $0.hasPrefix("many.xml,5") })  // unexpected element
  }
}
