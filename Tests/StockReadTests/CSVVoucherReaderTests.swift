import Foundation
import Testing
@testable import StockCore
@_spi(Testing) @testable import StockRead
import TestSupport

/// A large file read in parts gives exactly what one pass gives: the same vouchers, the same problems in
/// the same order with the same lines.
@Suite struct CSVVoucherReaderTests {
  /// About 500 KB (split whatever the size): receipts with a tax row and a few broken rows spread through
  /// the file.
  func file(interleaved: Bool = false, repeatedInAHalf: Bool = false) -> [UInt8] {
    var text = "voucher_type,voucher_no,posting_date,row_type,item_code,warehouse,qty,rate,account,amount,tax_category,remarks\n"
    for i in 0..<6_000 {
      let filler = String(repeating: "x", count: 20)
      switch i % 1_000 {
      case 17: text += "Purchase Receipt,V\(i),2026-01-01,item,RM0001,Stores,-3,10,,,,\(filler)\n"  // qty must be positive
      case 18: text += "Delivery Note,V\(i),2026-01-01,item,RM0001,Stores\n"  // too few fields
      case 19: text += "Delivery Note,,2026-01-01,item,RM0001,Stores,1,,,,,\(filler)\n"  // no voucher number
      case 40 where repeatedInAHalf && i < 1_000:
        text += "Purchase Receipt,V5,2026-01-06,item,RM0002,Stores,1,10,,,,a later row of V5 in its half\n"
      default:
        text += "Purchase Receipt,V\(i),2026-01-\(String(format: "%02d", 1 + i % 28)),item,RM0001,Stores,\(1 + i % 9),\(10 + i % 7),,,,\(filler)\n"
        text += "Purchase Receipt,V\(i),2026-01-\(String(format: "%02d", 1 + i % 28)),tax,,,,,Shipping Charges,\(i % 5 + 1),Valuation,\(filler)\n"
      }
    }
    if interleaved { text += "Purchase Receipt,V5,2026-01-06,item,RM0002,Stores,1,10,,,,late row of an early voucher\n" }
    return Array(text.utf8)
  }

  @Test(arguments: [2, 3, 5, 8]) func partsReadLikeOnePass(parts: Int) {
    let bytes = file()
    guard let read = readInParts(bytes, file: "big.csv", minimum: 0, parts: parts) else {
      Issue.record("the file should split between vouchers")
      return
    }
    let once = CSVVoucherReader.read(bytes: bytes, file: "big.csv", inParts: false)
    #expect(read.vouchers == once.vouchers)
    #expect(read.diagnostics == once.diagnostics)
    // 6 broken rows of each kind (one per thousand), the other 5,982 vouchers two rows each.
    #expect(read.rowCount == once.rowCount && read.rowCount == 18 + 5_982 * 2)
    #expect(read.voucherCount == once.voucherCount)
    #expect(read.header == once.header)
    // Field count and blank numbers are the reader's; the negative quantity is the validator's.
    #expect(once.diagnostics.count == 12)
    #expect(read.vouchers.map(\.source.line) == once.vouchers.map(\.source.line))
    #expect(read.diagnostics.map(\.location.line) == once.diagnostics.map(\.location.line))
  }

  /// The parts only hash their voucher numbers as they come and look for repeats once read: a voucher
  /// whose rows are apart within one part sends the file to the one pass, which joins them.
  @Test func aVoucherWithRowsApartInOneHalfIsReadInOnePass() {
    let bytes = file(repeatedInAHalf: true)
    for parts in [2, 5] { #expect(readInParts(bytes, file: "big.csv", minimum: 0, parts: parts) == nil) }
    let read = CSVVoucherReader.read(bytes: bytes, file: "big.csv")
    let general = CSVVoucherReader.read(bytes: bytes, file: "big.csv", inParts: false, plain: false)
    #expect(read.vouchers.first { $0.no == "V5" }?.items.count == 2)
    #expect(read.vouchers == general.vouchers && read.diagnostics == general.diagnostics)
  }

  /// A voucher whose rows are in two parts, the first and the last (of two, five or eight).
  @Test func aVoucherWithRowsInTwoPartsIsReadInOnePass() {
    let bytes = file(interleaved: true)
    for parts in [2, 5, 8] { #expect(readInParts(bytes, file: "big.csv", minimum: 0, parts: parts) == nil) }
    let read = CSVVoucherReader.read(bytes: bytes, file: "big.csv")
    #expect(read.vouchers.first { $0.no == "V5" }?.items.count == 2)
  }

  /// Later rows of a voucher must give its voucher-level fields the same values as its first row: the same
  /// value spelt differently agrees, a different value is an error naming the column, both values and the
  /// first row's line; a first row that makes no voucher is compared as text.
  @Test func voucherLevelFieldsMustAgree() {
    let text = """
      voucher_type,voucher_no,posting_date,posting_time,party,is_return,item_code,warehouse,qty,rate
      Purchase Receipt,PR-1,2026-01-05,08:00,Acme,0,RM0001,Stores,1,10
      Purchase Receipt,PR-1,2026-01-05,08:00:00,Acme,no,RM0002,Stores,1,10
      Purchase Receipt,PR-2,2026-01-05,09:00,Acme,0,RM0001,Stores,1,10
      Purchase Receipt,PR-2,2026-01-06,09:00,Other,0,RM0002,Stores,1,10
      Purchase Reciept,PR-3,2026-01-05,09:00,Acme,0,RM0001,Stores,1,10
      Purchase Reciept,PR-3,2026-01-05,09:00,Acme,1,RM0002,Stores,1,10

      """
    let read = CSVVoucherReader.read(bytes: Array(text.utf8), file: "v.csv")
    #expect(read.vouchers.first { $0.no == "PR-1" }?.items.count == 2)
    let disagree = read.diagnostics.filter { $0.code == .voucherFieldsDisagree }
    #expect(disagree.map(\.voucherNo) == ["PR-2", "PR-2", "PR-3"])
    #expect(disagree.map(\.field) == ["posting_date", "party", "is_return"])
    #expect(disagree.map(\.location.line) == [5, 5, 7])
    #expect(disagree[0].message == "posting_date is '2026-01-06' here but '2026-01-05' on line 4: voucher-level fields must agree on every row of a voucher")
    #expect(disagree[1].message.hasPrefix("party is 'Other' here but 'Acme' on line 4"))
    #expect(disagree[2].message.hasPrefix("is_return is '1' here but '0' on line 6"))
  }

  /// Rows of every shape the plain reader must either read exactly as the general path does or hand to it:
  /// continuation and repeated vouchers, every kind of bad field, tax rows, serials, accounts, remarks,
  /// cancellations, odd flags, blank lines, CR, CRLF and a missing final newline.
  static func mixedFile(lineEnd: String, finalNewline: Bool) -> [UInt8] {
    let header = "voucher_type,voucher_no,posting_date,posting_time,action,purpose,party,is_return,return_against,update_stock,against_voucher,row_type,item_code,barcode,warehouse,source_warehouse,target_warehouse,is_finished_item,qty,uom,rate,batch_no,serial_nos,expense_account,account,amount,tax_category,remarks"
    // Templates: {i} is the row number, {p} and {q} the two before it, {m} it modulo 3.
    let shapes: [String] = [
      "Purchase Receipt,PR-{i},2026-01-05,08:00,,,Acme,0,,0,,,RM0001,,Stores,,,,5,,10.5,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,08:00:30,,,Acme,,,,,item,RM0001,,Stores,,,0,5,,10.5,LOT-{m},,,,,,",
      "Delivery Note,DN-{i},2026-01-06,,,,Cust,1,PR-{p},,,,RM0002,,Stores,,,,2,,,,,,,,,",
      "Stock Entry,SE-{i},2026-01-07,17:00,,Material Transfer,,,,,,,RM0001,,,Stores,Finished Goods,,1.125,,,,,,,,,",
      "Stock Entry,SE-{i},2026-01-07,17:00,,Material Transfr,,,,,,,RM0001,,,Stores,Finished Goods,,1,,,,,,,,,",
      "Sales Invoice,SI-{i},2026-01-08,,,,Cust,0,,1,DN-{q},,RM0002,,Stores,,,,3,,20,,,,,,,",
      "Purchase Reciept,PR-{i},2026-01-05,,,,,,,,,,RM0001,,Stores,,,,1,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-02-30,,,,,,,,,,RM0001,,Stores,,,,1,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,25:00,,,,,,,,,RM0001,,Stores,,,,1,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,cancel,,,,,,,,,,,,,,,,,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,yes,,no,,,RM0001,,Stores,,,,1,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,2,,,,,RM0001,,Stores,,,,1,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,,RM0001,,Stores,,,,1e3,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,,RM0001,,Stores,,,,10000000000000000,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,,RM0001,,Stores,,,,-2,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,,,4006381333931,Stores,,,,1,Box,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,,LAPTOP,,Stores,,,,2,,700,,SN-{i}a; SN-{i}b,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,,RM0001,,Stores,,,,1,,1,,,Freight,,,,a remark",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,tax,,,,,,,,,,,,,VAT,5,Total,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,bogus,RM0001,,Stores,,,,1,,1,,,,,,,",
      "Purchase Receipt,,2026-01-05,,,,,,,,,,RM0001,,Stores,,,,1,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,,RM0001,,Stores,,,,1,,1,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,,RM0001,,Stores,,,,1,,1,,,,,,,,",
      ",,,,,,,,,,,,,,,,,,,,,,,,,,,",
      "",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,,RM{long},,Stores,,,,1,,1,,,,,,,",
      "Material Receipt,MR-{i},2026-01-05,,,,,,,,,,RM0001,,Stores,,,,1,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,item,,,Stores,,,,1,,1,,,,,,,",
      "Purchase Receipt,PR-{i},2026-01-05,,,,,,,,,,RM0001,,Stores,,,maybe,1,,1,,,,,,,",
    ]
    func shape(_ k: Int, _ i: Int) -> String {
      shapes[k].replacingOccurrences(of: "{i}", with: "\(i)").replacingOccurrences(of: "{p}", with: "\(i - 1)")
        .replacingOccurrences(of: "{q}", with: "\(i - 2)").replacingOccurrences(of: "{m}", with: "\(i % 3)")
        .replacingOccurrences(of: "{long}", with: String(repeating: "9", count: 10_001))
    }
    var lines = [header]
    for i in 0..<1_200 {
      lines.append(shape(i % shapes.count, i))
      // A second row of the voucher just read, and now and then a late row of an earlier voucher.
      if i % 4 == 0 { lines.append(shape(i % shapes.count, i).replacingOccurrences(of: "RM0001", with: "RM0003")) }
      if i % 97 == 0 && i > 40 { lines.append(shape(0, i - 40).replacingOccurrences(of: "Acme", with: "Other")) }
    }
    var text = lines.joined(separator: lineEnd)
    if finalNewline { text += lineEnd }
    return Array(text.utf8)
  }

  /// The plain reader and the general one give the same vouchers and problems, whole and in parts.
  @Test(arguments: [("\n", true), ("\r\n", false), ("\r", true)])
  func plainFilesReadAsTheGeneralPathReadsThem(lineEnd: String, finalNewline: Bool) {
    let bytes = Self.mixedFile(lineEnd: lineEnd, finalNewline: finalNewline)
    #expect(bytes.withUnsafeBufferPointer { CSVParser.isPlain($0) })
    let general = CSVVoucherReader.read(bytes: bytes, file: "mixed.csv", inParts: false, plain: false)
    let whole = CSVVoucherReader.read(bytes: bytes, file: "mixed.csv", inParts: false, plain: true)
    #expect(general.vouchers.count > 700 && general.diagnostics.count > 700, "\(general.vouchers.count) vouchers, \(general.diagnostics.count) problems")
    for parts in [2, 3, 6] {
      let plainParts = readInParts(bytes, file: "mixed.csv", minimum: 0, parts: parts, plain: true)
      let generalParts = readInParts(bytes, file: "mixed.csv", minimum: 0, parts: parts, plain: false)
      for read in [whole] + [plainParts, generalParts].compactMap({ $0 }) {
        #expect(read.vouchers == general.vouchers)
        #expect(read.diagnostics == general.diagnostics)
        #expect(read.rowCount == general.rowCount && read.voucherCount == general.voucherCount && read.header == general.header)
      }
      // Late rows of earlier vouchers keep the parts from splitting cleanly only when they cross a split.
      #expect((plainParts == nil) == (generalParts == nil))
    }
  }

  /// The plain path shares the text of a party it read before (a few kept): more parties than it keeps, of
  /// the same length and different bytes, coming back in turn and at random, are each the row's own.
  @Test func partiesAreEachRowsOwn() {
    let names = ["Acme", "Acmf", "Bolt", "Supplier", "Customer", "Acme Ltd", "Zeta", "Q"]
    var g = SeededGenerator(seed: 7)
    var text = "voucher_type,voucher_no,posting_date,party,item_code,warehouse,qty,rate\n"
    var expected: [String] = []
    for i in 0..<400 {
      let party = i < 200 ? names[i % names.count] : names[Int(g.next() % UInt64(names.count))]
      expected.append(party)
      text += "Purchase Receipt,PR-\(i),2026-01-05,\(party),RM0001,Stores,1,1\n"
    }
    let bytes = Array(text.utf8)
    let plain = CSVVoucherReader.read(bytes: bytes, file: "p.csv", inParts: false, plain: true)
    let general = CSVVoucherReader.read(bytes: bytes, file: "p.csv", inParts: false, plain: false)
    #expect(plain.diagnostics.isEmpty)
    #expect(plain.vouchers.map(\.party) == expected)
    let sameAsGeneral = plain.vouchers == general.vouchers
    #expect(sameAsGeneral)
  }

  @Test func aFileWithAQuoteOrBeyondASCIIIsNotPlain() {
    for text in ["a,\"b\"\n", "a,caf\u{E9}\n", "a,\u{0}\n"] {
      #expect(!Array(text.utf8).withUnsafeBufferPointer { CSVParser.isPlain($0) })
    }
    #expect(Array("a,b\r\nc,d\n".utf8).withUnsafeBufferPointer { CSVParser.isPlain($0) })
  }

  /// A bare CR ends a record and a line as LF does: files mixing them (a header ended by CR, found by the
  /// fuzzer) are read as the general parser reads them, not split at LFs alone.
  @Test func mixedLineEndsReadAsTheGeneralPathReadsThem() {
    let lines = String(decoding: Self.mixedFile(lineEnd: "\n", finalNewline: false), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    let ends = ["\r", "\n", "\r\n"]
    let text = lines.enumerated().map { $0.element + ends[$0.offset % 3] }.joined()
    let bytes = Array(text.utf8)
    let general = CSVVoucherReader.read(bytes: bytes, file: "mixed.csv", inParts: false, plain: false)
    #expect(general.vouchers.count > 700)
    for read in [CSVVoucherReader.read(bytes: bytes, file: "mixed.csv", inParts: false, plain: true)]
      + [2, 4].compactMap({ readInParts(bytes, file: "mixed.csv", minimum: 0, parts: $0) }) {
      #expect(read.vouchers == general.vouchers && read.diagnostics == general.diagnostics && read.rowCount == general.rowCount)
    }
    let found = Array("voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\rPurchase Receipt,PR-1,2026-01-05,RM0001,Stores,1,1\r\n".utf8)
    let read = CSVVoucherReader.read(bytes: found, file: "cr.csv", inParts: false, plain: true)
    #expect(read.vouchers.map { $0.no } == ["PR-1"] && read.rowCount == 1)
  }

  /// Sorted lists of hashes are disjoint unless a hash is in two of them: wherever it lies (the first or
  /// the last of its range of value, the lowest or highest hash), and whichever two lists hold it.
  @Test func listsOfHashesShareNoneUnlessOneIsInTwo() {
    var g = SeededGenerator(seed: 31)
    let edges: [UInt64] = [0, 1, (1 << 60) - 1, 1 << 60, 5 << 60, UInt64.max - 1, UInt64.max]
    var all = Set(edges)
    while all.count < 20_000 { all.insert(g.next()) }
    let values = Array(all).shuffled(using: &g)
    // Six lists, each sorted without repeats.
    let lists = (0..<6).map { k in values.enumerated().filter { $0.offset % 6 == k }.map(\.element).sorted() }
    #expect(CSVVoucherReader.disjoint(lists))
    #expect(CSVVoucherReader.disjoint([lists[0], lists[1]]) && CSVVoucherReader.disjoint([lists[0]]) && CSVVoucherReader.disjoint([]))
    for shared in edges + [values[123]] {
      guard let from = lists.firstIndex(where: { $0.contains(shared) }) else { continue }
      for to in lists.indices where to != from {
        var withRepeat = lists
        withRepeat[to] = (withRepeat[to] + [shared]).sorted()
        #expect(!CSVVoucherReader.disjoint(withRepeat), "\(shared) in lists \(from) and \(to)")
      }
    }
  }
}

/// ``CSVVoucherReader/readInParts(bytes:file:minimum:parts:plain:)`` over an array's bytes.
private func readInParts(_ bytes: [UInt8], file: String, minimum: Int, parts: Int, plain: Bool = true) -> VoucherFile? {
  bytes.withUnsafeBufferPointer { CSVVoucherReader.readInParts(bytes: $0, file: file, minimum: minimum, parts: parts, plain: plain) }
}

/// A file's records read a part at a time after its header (`verify` reads a run's vouchers.csv so) give
/// the vouchers the whole file gives, their lines numbered as in the file.
@Suite struct CSVVoucherReaderContinuedTests {
  @Test func partsAfterTheHeaderGiveTheWholeFilesVouchers() throws {
    let header = "voucher_type,voucher_no,posting_date,party,item_code,warehouse,qty,rate,remarks\n"
    let body = "Purchase Receipt,PR-1,2026-03-01,Acme,RM0001,Stores,5,10,\nPurchase Receipt,PR-1,2026-03-01,Acme,RM0002,Stores,2,3,\n"
      + "Delivery Note,DN-1,2026-03-02,\"Beta, Inc.\",RM0001,Stores,1,,\"two\nlines\"\nPurchase Receipt,PR-2,2026-03-03,Acme,RM0002,Stores,4,1.5,\n"
    let whole = CSVVoucherReader.read(bytes: Array((header + body).utf8), file: "v.csv")
    #expect(whole.diagnostics.isEmpty && whole.vouchers.count == 3)
    // Split after PR-1's rows (line 4) and after DN-1's (line 6: its remark spans two).
    let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0 + "\n" }
    let parts = [(lines[0..<2].joined(), 2), (lines[2..<4].joined(), 4), (lines[4..<5].joined(), 6)]
    var read: [Voucher] = []
    for (text, first) in parts {
      let f = Array(text.utf8).withUnsafeBufferPointer { CSVVoucherReader.read(records: $0, after: Array(header.utf8), firstLine: first, file: "v.csv") }
      #expect(f.diagnostics.isEmpty, "\(f.diagnostics)")
      read += f.vouchers
    }
    #expect(read.map(\.no) == whole.vouchers.map(\.no))
    #expect(read.map(\.source.line) == whole.vouchers.map(\.source.line))
    #expect(read.map { $0.items.map(\.line) } == whole.vouchers.map { $0.items.map(\.line) })
    #expect(read.map(\.party) == ["Acme", "Beta, Inc.", "Acme"])
    // A problem is placed at the file's line.
    let bad = Array("Purchase Receipt,PR-9,2026-13-01,Acme,RM0001,Stores,5,10,\n".utf8).withUnsafeBufferPointer {
      CSVVoucherReader.read(records: $0, after: Array(header.utf8), firstLine: 40, file: "v.csv")
    }
    #expect(bad.diagnostics.first?.location.line == 40, "\(bad.diagnostics)")
  }
}
