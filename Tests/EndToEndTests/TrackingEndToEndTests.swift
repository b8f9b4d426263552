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
}
