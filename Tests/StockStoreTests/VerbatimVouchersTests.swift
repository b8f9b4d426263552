import Foundation
import Testing
@testable import StockCore
@testable import StockStore

/// Where each voucher of an inbox file taken whole is: its run of lines with one `voucher_no`, to the next
/// run's start — across the megabyte reads, with CRLF lines, blank lines and a last line without a line
/// feed; and no places where the lines are not the vouchers.
@Suite struct VerbatimVouchersTests {
  func file(_ text: String) throws -> String {
    let path = temporaryDirectory("sl-verbatim") + "/v.csv"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func ranges(_ places: VoucherPlaces) -> [Range<Int>] { places.map { $0.start..<$0.end } }

  /// 1.4 MB: a voucher of one, two or three lines at a time (vouchers cross the first read's end), a blank
  /// line now and then, CRLF throughout, the last line without a line feed. The expected ranges are counted
  /// here from the text as it is built.
  @Test func vouchersAcrossReadsAreTheirRunsOfLines() throws {
    let header = "\u{FEFF}posting_date,voucher_no,voucher_type,item_code,warehouse,qty,rate\r\n"
    var text = header
    var expected: [Range<Int>] = []
    var n = 0
    while text.utf8.count < 1_400_000 {
      let start = text.utf8.count
      for row in 0...(n % 3) {
        text += "2026-03-0\(1 + n % 9),V-\(n),Purchase Receipt,ITEM\(row),Stores,\(1 + row),12.5\r\n"
      }
      if n % 7 == 0 { text += "\r\n" }  // a blank line: the voucher's own
      expected.append(start..<text.utf8.count)
      n += 1
    }
    text += "2026-03-09,V-\(n),Delivery Note,ITEM0,Stores,1,"  // no line feed at the end
    expected.append(expected.last!.upperBound..<text.utf8.count)
    let path = try file(text)
    let places = try #require(VerbatimVouchers.places(of: path, run: 7, count: expected.count))
    #expect(places.run == 7)
    #expect(ranges(places) == expected)
    // The same found in the bytes read whole (as the run finds them while it reads), then numbered.
    let found = try #require(Array(text.utf8).withUnsafeBufferPointer { VerbatimVouchers.places(in: $0) })
    #expect(found.run == 0 && found.inRun(7).run == 7)
    #expect(ranges(found.inRun(7)) == expected)
  }

  /// A number that comes back after another's, a quote, a count that is not the file's: no places.
  @Test func linesThatAreNotTheVouchersGiveNoPlaces() throws {
    let header = "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\n"
    let apart = try file(header + "Purchase Receipt,A,2026-03-01,X,S,1,1\nPurchase Receipt,B,2026-03-01,X,S,1,1\nPurchase Receipt,A,2026-03-01,Y,S,1,1\n")
    #expect(VerbatimVouchers.places(of: apart, run: 1, count: 2) == nil)
    // Three runs of lines, were there three vouchers: each line its own.
    let h = header.utf8.count  // each line here is 38 bytes
    #expect(try ranges(#require(VerbatimVouchers.places(of: apart, run: 1, count: 3))) == [h..<(h + 38), (h + 38)..<(h + 76), (h + 76)..<(h + 114)])
    let quoted = try file(header + "Purchase Receipt,A,2026-03-01,\"X\",S,1,1\n")
    #expect(VerbatimVouchers.places(of: quoted, run: 1, count: 1) == nil)
    let plain = try file(header + "Purchase Receipt,A,2026-03-01,X,S,1,1\n")
    #expect(VerbatimVouchers.places(of: plain, run: 1, count: 2) == nil)
    #expect(try ranges(#require(VerbatimVouchers.places(of: plain, run: 1, count: 1))) == [header.utf8.count..<(header.utf8.count + 38)])
    let noNumber = try file("voucher_type,posting_date\nPurchase Receipt,2026-03-01\n")
    #expect(VerbatimVouchers.places(of: noNumber, run: 1, count: 1) == nil)
    // In the bytes read whole, any count is found (the commit compares it), but never across a quote, a
    // header without the column or a file without a voucher.
    func inBytes(_ text: String) -> [Range<Int>]? { Array(text.utf8).withUnsafeBufferPointer { VerbatimVouchers.places(in: $0) }.map(ranges) }
    #expect(inBytes(header + "Purchase Receipt,A,2026-03-01,X,S,1,1\nPurchase Receipt,B,2026-03-01,X,S,1,1\nPurchase Receipt,A,2026-03-01,Y,S,1,1\n")
      == [h..<(h + 38), (h + 38)..<(h + 76), (h + 76)..<(h + 114)])
    #expect(inBytes(header + "Purchase Receipt,A,2026-03-01,\"X\",S,1,1\n") == nil)
    #expect(inBytes("voucher_type,posting_date\nPurchase Receipt,2026-03-01\n") == nil)
    #expect(inBytes(header) == nil)
  }
}
