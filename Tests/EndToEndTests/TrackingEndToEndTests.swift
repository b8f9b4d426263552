import Foundation
import Testing

/// Serial status, warranty, batch balance and trace, through the binary.
@Suite(.serialized) struct TrackingEndToEndTests {
  let e2e = EndToEndTests()

  @Test func serialStatusAndWarranty() throws {
    let b = try e2e.books()
    try e2e.drop(b, "a.csv", """
      voucher_type,voucher_no,posting_date,party,item_code,warehouse,qty,rate,serial_nos
      Purchase Receipt,PR-1,2026-07-01,Supplier,LAPTOP,Stores,3,700,LT-A;LT-B;LT-C
      Delivery Note,DN-1,2026-07-05,Cust One,LAPTOP,Stores,1,900,LT-B

      """)
    let r = try e2e.cli(["run", b])
    #expect(r.code == 0, "\(r.err)")
    let status = e2e.read(b + "/reports/serial-status.csv")
    #expect(status == """
      serial_no,item_code,batch_no,status,warehouse,received_voucher,received_date,delivered_voucher,delivered_date,party,warranty_expiry_date
      LT-A,LAPTOP,,Active,Stores,PR-1,2026-07-01,,,,
      LT-B,LAPTOP,,Delivered,,PR-1,2026-07-01,DN-1,2026-07-05,Cust One,2027-07-05
      LT-C,LAPTOP,,Active,Stores,PR-1,2026-07-01,,,,

      """)
    let trace = try e2e.cli(["trace", b, "--serial", "LT-B", "--format", "csv"])
    #expect(trace.code == 0)
    #expect(trace.out.contains("2026-07-05,00:00:00,Delivery Note,DN-1,,,LAPTOP,Stores,,-1,-700.00,Cust One"))
  }

  @Test func serialProblemsAreRejectedNamingTheSerial() throws {
    let b = try e2e.books()
    try e2e.drop(b, "1.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate,serial_nos\nPurchase Receipt,PR-1,2026-07-01,LAPTOP,Stores,2,700,S-1;S-2\n")
    try e2e.drop(b, "2.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate,serial_nos\nPurchase Receipt,PR-2,2026-07-02,LAPTOP,Stores,2,700,S-3\n")
    try e2e.drop(b, "3.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate,serial_nos\nPurchase Receipt,PR-3,2026-07-02,LAPTOP,Stores,1,700,S-1\n")
    try e2e.drop(b, "4.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,serial_nos\nDelivery Note,DN-4,2026-07-03,LAPTOP,Finished Goods,1,S-2\n")
    try e2e.drop(b, "5.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate,serial_nos\nPurchase Receipt,PR-5,2026-07-02,LAPTOP,Stores,2,700,S-7;S-7\n")
    try e2e.drop(b, "6.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate,serial_nos\nPurchase Receipt,PR-6,2026-07-02,RM0001,Stores,1,700,X-1\n")
    #expect(try e2e.cli(["run", b]).code == 1)
    let errors = { (n: Int) in e2e.read(b + "/rejected/\(n).csv.errors.csv") }
    #expect(errors(2).contains("2 serial numbers required for item LAPTOP; 1 given"))
    #expect(errors(3).contains("serial number S-1 has already been received: it is in Stores"))
    #expect(errors(4).contains("serial number S-2 is in Stores, not in Finished Goods"))
    #expect(errors(5).contains("serial number S-7 appears twice in the row"))
    #expect(errors(6).contains("item RM0001 is not serial-tracked (has_serial_no = 0): clear serial_nos"))
  }

  @Test func batchRecallList() throws {
    let b = try e2e.books()
    try e2e.drop(b, "a.csv", """
      voucher_type,voucher_no,posting_date,party,item_code,warehouse,qty,rate,batch_no,batch_expiry_date
      Purchase Receipt,PR-1,2026-03-01,Pharma,MED,Stores,10,4,L-42,2026-12-31
      Delivery Note,DN-1,2026-03-02,Alpha Clinic,MED,Stores,3,,L-42,
      Delivery Note,DN-2,2026-03-03,Beta Pharmacy,MED,Stores,2,,L-42,
      Delivery Note,DN-3,2026-03-04,Alpha Clinic,MED,Stores,1,,L-42,

      """)
    #expect(try e2e.cli(["run", b]).code == 0)
    #expect(e2e.read(b + "/reports/batch-balance.csv") == "item_code,warehouse,batch_no,expiry_date,balance_qty,balance_value\nMED,Stores,L-42,2026-12-31,4,16.00\n")
    let trace = try e2e.cli(["trace", b, "--batch", "L-42"])
    #expect(trace.code == 0)
    #expect(trace.out.contains("Customers who received it:"))
    let alpha = trace.out.split(separator: "\n").first { $0.hasPrefix("Alpha Clinic") }
    #expect(alpha?.split(separator: " ", omittingEmptySubsequences: true) == ["Alpha", "Clinic", "4", "DN-1;DN-3"])
    let csv = try e2e.cli(["trace", b, "--batch", "L-42", "--format", "csv"])
    #expect(csv.out.hasSuffix("party,qty_received,vouchers\nAlpha Clinic,4,DN-1;DN-3\nBeta Pharmacy,2,DN-2\n"))
    // A batch nobody received yet says so, rather than printing an empty table.
    try e2e.drop(b, "b.csv", "voucher_type,voucher_no,posting_date,party,item_code,warehouse,qty,rate,batch_no,batch_expiry_date\nPurchase Receipt,PR-2,2026-03-05,Pharma,MED,Stores,5,4,L-43,2027-01-31\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    let unsold = try e2e.cli(["trace", b, "--batch", "L-43"])
    #expect(unsold.out.hasSuffix("\nCustomers who received it: none (no delivery or sale of this batch is posted)\n"))
  }

  /// `trace` reads only the entries that move the serial or batch, and their vouchers, a part of a file at
  /// a time; over runs that revalue, cancel and return, in parts of a few dozen bytes, it says what the
  /// whole ledger loaded says (`STOCKLEDGER_TEST_TRACE_WHOLE=1`), word for word.
  @Test func traceReadsOnlyWhatMovesTheSerialOrBatchAndSaysWhatTheWholeLedgerSays() throws {
    let b = try e2e.books()
    let h = "voucher_type,voucher_no,posting_date,party,item_code,warehouse,qty,rate,batch_no,batch_expiry_date,serial_nos,is_return,return_against\n"
    try e2e.drop(b, "1.csv", h + """
      Purchase Receipt,PR-1,2026-03-01,Pharma,MED,Stores,10,4,L-42,2026-12-31,,,
      Purchase Receipt,PR-2,2026-03-01,Pharma,MED,Stores,5,5,L-420,2027-01-31,,,
      Purchase Receipt,PR-3,2026-03-01,Supplier,LAPTOP,Stores,3,700,,,LT-1;LT-10;LT-2,,
      Delivery Note,DN-1,2026-03-02,Alpha Clinic,MED,Stores,3,,L-42,,,,
      Delivery Note,DN-2,2026-03-03,Beta Pharmacy,MED,Stores,2,,L-42,,,,
      Delivery Note,DN-3,2026-03-03,Cust One,LAPTOP,Stores,1,900,,,LT-1,,

      """)
    #expect(try e2e.cli(["run", b]).code == 0)
    try e2e.drop(b, "2.csv", h + """
      Delivery Note,DN-4,2026-03-04,Alpha Clinic,MED,Stores,1,,L-42,,,,
      Delivery Note,DN-5,2026-03-04,Gamma,MED,Stores,1,,L-420,,,,
      Delivery Note,DN-6,2026-03-05,Alpha Clinic,MED,Stores,1,,L-42,,,1,DN-4
      Delivery Note,DN-7,2026-03-05,Cust Two,LAPTOP,Stores,1,900,,,LT-10,,

      """)
    #expect(try e2e.cli(["run", b]).code == 0)
    // DN-2 cancelled; a receipt of the batch dated before all of it revalues its deliveries.
    try e2e.drop(b, "3.csv", "voucher_type,voucher_no,posting_date,action\nDelivery Note,DN-2,2026-03-03,cancel\n")
    try e2e.drop(b, "4.csv", h + "Purchase Receipt,PR-0,2026-02-28,Pharma,MED,Stores,4,9,L-42,2026-12-31,,,\n")
    let third = try e2e.cli(["run", b])
    #expect(third.code == 0, "\(third.out)\(third.err)")
    for args in [["--batch", "L-42"], ["--batch", "L-420"], ["--serial", "LT-1"], ["--serial", "LT-10"], ["--serial", "LT-2"], ["--batch", "NONE"]] {
      for format in ["table", "csv", "json"] {
        let whole = try e2e.cli(["trace", b] + args + ["--format", format], environment: ["STOCKLEDGER_TEST_TRACE_WHOLE": "1"])
        for part in ["37", "4096"] {
          let read = try e2e.cli(["trace", b] + args + ["--format", format], environment: ["STOCKLEDGER_TEST_READ_PART": part, "STOCKLEDGER_TIMINGS": "1"])
          #expect(read.err.contains("timings (trace, what moves it read a part at a time)"), "\(read.err)")
          let said = read.err.split(separator: "\n").filter { !$0.hasPrefix("stockledger timings") }.joined(separator: "\n")
          #expect(read.code == whole.code && read.out == whole.out && said == whole.err.trimmingCharacters(in: .newlines), "\(args) \(format) \(part): \(read.out)\(read.err) against \(whole.out)\(whole.err)")
        }
      }
    }
    let recall = try e2e.cli(["trace", b, "--batch", "L-42", "--format", "csv"])
    #expect(recall.out.hasSuffix("party,qty_received,vouchers\nAlpha Clinic,3,DN-1;DN-4;DN-6\n"), "\(recall.out)")
    #expect(!recall.out.contains("DN-2") && !recall.out.contains("DN-5") && recall.out.contains("PR-0"))
    // A changed file is refused, as the whole load refuses it.
    let path = b + "/ledger/runs/000001/stock.csv"
    try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
    try e2e.read(path).replacingOccurrences(of: "L-420", with: "L-421").write(toFile: path, atomically: true, encoding: .utf8)
    let refused = try e2e.cli(["trace", b, "--batch", "L-42"])
    #expect(refused.code == 3 && refused.err.contains("the ledger fails its integrity check at \(path)"), "\(refused.err)")
  }
}
