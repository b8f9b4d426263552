import Foundation
import Testing

/// Issue "Reservations, projected quantity, reorder suggestions and stock ageing", through the binary.
@Suite(.serialized) struct PlanningEndToEndTests {
  let e2e = EndToEndTests()

  func row(_ b: String, _ report: String, item: String) -> [String: String]? {
    let lines = e2e.read(b + "/reports/" + report).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    guard let header = lines.first else { return nil }
    return lines.dropFirst().first { $0.first == item }.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
  }

  @Test func reservedStockCannotBeSoldToSomeoneElse() throws {
    let b = try e2e.books()
    try e2e.drop(b, "1.csv", """
      voucher_type,voucher_no,posting_date,party,item_code,warehouse,qty,rate,against_voucher
      Purchase Receipt,PR-1,2026-06-01,Supplier,RM0001,Stores,10,5,
      Sales Order,SO-1,2026-06-02,Alpha,RM0001,Stores,8,9,

      """)
    #expect(try e2e.cli(["run", b]).code == 0)
    try e2e.drop(b, "2.csv", "voucher_type,voucher_no,posting_date,party,item_code,warehouse,qty,rate\nDelivery Note,DN-B,2026-06-03,Beta,RM0001,Stores,5,9\n")
    try e2e.drop(b, "3.csv", "voucher_type,voucher_no,posting_date,party,item_code,warehouse,qty,rate,against_voucher\nDelivery Note,DN-A,2026-06-03,Alpha,RM0001,Stores,5,9,SO-1\n")
    #expect(try e2e.cli(["run", b]).code == 1)
    #expect(e2e.read(b + "/rejected/2.csv.errors.csv").contains("RM0001 in Stores on 2026-06-03: 10 in stock but 8 reserved for other orders — SO-1 (8 for Alpha) — so only 2 can be taken, not 5"))
    let p = row(b, "projected-qty.csv", item: "RM0001")
    #expect(p?["actual_qty"] == "5")
    #expect(p?["reserved_qty"] == "3")
    #expect(p?["projected_qty"] == "2")
    // Closing the order releases the rest.
    try e2e.drop(b, "4.csv", "voucher_type,voucher_no,posting_date,action\nSales Order,SO-1,2026-06-04,close\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    #expect(row(b, "projected-qty.csv", item: "RM0001")?["reserved_qty"] == "0")
    #expect(try e2e.cli(["verify", b]).code == 0)
  }

  @Test func ordersPlansAndReorderRequests() throws {
    let b = try e2e.books()
    try "item_code,warehouse,reorder_level,reorder_qty,request_type\nRM0001,Stores,20,50,Purchase\nRM0002,Stores,5,1,Purchase\n"
      .write(toFile: b + "/masters/reorder_levels.csv", atomically: true, encoding: .utf8)
    try e2e.drop(b, "1.csv", """
      voucher_type,voucher_no,posting_date,purpose,item_code,warehouse,target_warehouse,source_warehouse,qty,rate,against_voucher,is_finished_item
      Purchase Receipt,PR-1,2026-06-01,,RM0001,Stores,,,10,5,,
      Purchase Order,PO-1,2026-06-01,,RM0002,Stores,,,6,3,,
      Purchase Receipt,PR-2,2026-06-02,,RM0002,Stores,,,2,3,PO-1,
      Work Order,WO-1,2026-06-02,,FG0001,Finished Goods,,,4,,,
      Stock Entry,MF-1,2026-06-03,Manufacture,RM0002,,,Stores,1,,WO-1,
      Stock Entry,MF-1,2026-06-03,Manufacture,FG0001,,Finished Goods,,1,,WO-1,1

      """)
    let r = try e2e.cli(["run", b])
    #expect(r.code == 0, "\(r.err)")
    #expect(row(b, "projected-qty.csv", item: "RM0002")?["ordered_qty"] == "4")
    #expect(row(b, "projected-qty.csv", item: "RM0002")?["projected_qty"] == "5")
    #expect(row(b, "projected-qty.csv", item: "FG0001")?["planned_qty"] == "3")
    #expect(row(b, "projected-qty.csv", item: "FG0001")?["projected_qty"] == "4")
    #expect(e2e.read(b + "/reports/material-requests.csv") == "item_code,warehouse,request_type,qty,uom,reason\nRM0001,Stores,Purchase,50,Nos,projected qty 10 is below the reorder level 20\n")
  }

  @Test func stockAgeing() throws {
    let b = try e2e.books()
    try e2e.drop(b, "1.csv", """
      voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate
      Purchase Receipt,PR-1,2026-12-01,RM0001,Stores,30,1
      Purchase Receipt,PR-2,2026-12-02,RM0001,Stores,20,2
      Delivery Note,DN-1,2026-12-03,RM0001,Stores,10,

      """)
    #expect(try e2e.cli(["run", b]).code == 0)
    let r = try e2e.cli(["report", "stock-ageing", b, "--to", "2026-12-10"])
    #expect(r.out == """
      item_code,warehouse,balance_qty,average_age,age_0_30,age_31_60,age_61_90,age_91_above,value_0_30,value_31_60,value_61_90,value_91_above,earliest_age,latest_age
      RM0001,Stores,40,8.5,40,0,0,0,60.00,0.00,0.00,0.00,9,8

      """)
    let wide = try e2e.cli(["report", "stock-ageing", b, "--to", "2027-01-31", "--ranges", "45,60"])
    #expect(wide.out.contains("RM0001,Stores,40,60.5,0,20,20,0.00,40.00,20.00,61,60"))
  }
}
