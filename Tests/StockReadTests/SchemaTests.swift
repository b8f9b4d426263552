import Foundation
import Testing
@testable import StockCore
@testable import StockRead

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
}
