import Foundation
import Testing

/// Issue "Backdated entries, cancellations and period close", through the binary, one run after another.
@Suite(.serialized) struct BackdatingEndToEndTests {
  let e2e = EndToEndTests()
  let header = "voucher_type,voucher_no,posting_date,action,purpose,item_code,warehouse,source_warehouse,target_warehouse,qty,rate\n"

  func journal(_ b: String, run: String) -> [String] {
    e2e.read(b + "/reports/runs/\(run)/gl-journal.csv").split(separator: "\n").dropFirst().map(String.init)
  }

  @Test func aBackdatedReceiptRevaluesTransfersAndIssues() throws {
    let b = try e2e.books()
    try e2e.drop(b, "1.csv", header + """
      Stock Entry,MR-1,2026-05-10,,Material Receipt,RM0001,,,Stores,5,10
      Stock Entry,MT-1,2026-05-11,,Material Transfer,RM0001,,Stores,Finished Goods,5,
      Stock Entry,MI-1,2026-05-12,,Material Issue,RM0001,,Finished Goods,,5,

      """)
    #expect(try e2e.cli(["run", b]).code == 0)
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "MI-1").first?["stock_value_difference"] == "-50.00")
    try e2e.drop(b, "2.csv", header + "Stock Entry,MR-0,2026-05-09,,Material Receipt,RM0001,,,Stores,5,20\n")
    let r = try e2e.cli(["run", b])
    #expect(r.code == 0, "\(r.err)")
    #expect(r.out.contains("item-warehouses reposted: 2"))
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "MT-1").map { $0["stock_value_difference"] ?? "" } == ["-100.00", "100.00"])
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "MI-1").first?["stock_value_difference"] == "-100.00")
    let j = journal(b, run: "000002")
    #expect(j.contains("2026-05-09,Stock Entry,MR-0,Stores,100.00,0.00,,Stock Adjustment,0,"))
    #expect(j.contains("2026-05-11,Stock Entry,MT-1,Finished Goods,50.00,0.00,,,1,revaluation after a backdated entry"))
    #expect(j.contains("2026-05-11,Stock Entry,MT-1,Stores,0.00,50.00,,,1,revaluation after a backdated entry"))
    #expect(j.contains("2026-05-12,Stock Entry,MI-1,Stock Adjustment,50.00,0.00,,,1,revaluation after a backdated entry"))
    #expect(j.contains("2026-05-12,Stock Entry,MI-1,Finished Goods,0.00,50.00,,,1,revaluation after a backdated entry"))
    #expect(j.count == 6)
    #expect(try e2e.cli(["verify", b]).code == 0)
    // The general ledger holds the originals and the adjustments: each voucher nets to its new value.
    #expect(e2e.read(b + "/reports/stock-vs-gl.csv").contains("Finished Goods,0.00,0.00,0.00"))
  }

  @Test func aBackdatedReconciliationThatBreaksALaterDeliveryIsRejected() throws {
    let b = try e2e.books()
    try e2e.drop(b, "1.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-1,2026-05-10,RM0001,Stores,10,100\nDelivery Note,DN-1,2026-05-12,RM0001,Stores,2,\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    let before = e2e.read(b + "/reports/stock-ledger.csv")
    try e2e.drop(b, "2.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nStock Reconciliation,SR-1,2026-05-11,RM0001,Stores,1,100\n")
    #expect(try e2e.cli(["run", b]).code == 1)
    #expect(e2e.read(b + "/rejected/2.csv.errors.csv").contains("posting SR-1 on 2026-05-11 would break the later voucher DN-1 already in the ledger: 1 units of RM0001 needed in Stores"))
    #expect(e2e.read(b + "/reports/stock-ledger.csv") == before)
  }

  /// A cancelled receipt whose stock went on to another warehouse: the transfer fails first, and the issue
  /// from the other warehouse fails only because the transfer did. The cancellation is refused for the
  /// transfer it breaks (exit 1, the file in rejected/), not taken for master data changed under the ledger
  /// (exit 2, the file left in the inbox to fail every run after).
  @Test func aCancellationThatBreaksAVoucherThroughATransferIsRejected() throws {
    let b = try e2e.books()
    try e2e.drop(b, "1.csv", """
      voucher_type,voucher_no,posting_date,purpose,item_code,source_warehouse,target_warehouse,qty,rate
      Stock Entry,MR-1,2026-05-10,Material Receipt,RM0001,,Stores,4,10
      Stock Entry,MT-1,2026-05-11,Material Transfer,RM0001,Stores,Finished Goods,4,
      Stock Entry,MI-1,2026-05-12,Material Issue,RM0001,Finished Goods,,3,

      """)
    #expect(try e2e.cli(["run", b]).code == 0)
    let before = e2e.read(b + "/reports/stock-ledger.csv")
    try e2e.drop(b, "2.csv", "voucher_type,voucher_no,posting_date,action\nStock Entry,MR-1,2026-05-10,cancel\n")
    let r = try e2e.cli(["run", b])
    #expect(r.code == 1, "\(r.out)\(r.err)")
    #expect(e2e.read(b + "/rejected/2.csv.errors.csv").contains("cancelling MR-1 would break the later voucher MT-1 already in the ledger: 4 units of RM0001 needed in Stores"))
    #expect(e2e.read(b + "/reports/stock-ledger.csv") == before)
    // The next run is not held up by it.
    try e2e.drop(b, "3.csv", "voucher_type,voucher_no,posting_date,purpose,item_code,source_warehouse,target_warehouse,qty,rate\nStock Entry,MI-2,2026-05-13,Material Issue,RM0001,Finished Goods,,1,\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "MI-2").first?["qty_after_transaction"] == "0")
  }

  /// Two ways a run touching an order could stop every run after it with exit 2: cancelling an order that
  /// a delivery fulfils (closed before the delivery, the order's number named its close, which moves no
  /// stock, so nothing was blamed), and closing an order again before the date of its posted close. Both
  /// are refused for what they break (exit 1), from the snapshot as by a replay.
  @Test func anOrderCancelledUnderItsFulfilmentOrClosedTwiceIsRejected() throws {
    for replay in [false, true] {
      let b = try e2e.books()
      let header = "voucher_type,voucher_no,posting_date,action,party,item_code,warehouse,qty,rate,against_voucher\n"
      func run(_ name: String, _ text: String) throws -> EndToEndTests.Result {
        try e2e.drop(b, name, header + text)
        if replay { try? FileManager.default.removeItem(atPath: b + "/ledger/snapshot.bin") }
        return try e2e.cli(["run", b], environment: replay ? ["STOCKLEDGER_TEST_REPLAY": "1"] : [:])
      }
      #expect(try run("1.csv", "Purchase Receipt,PR-1,2026-05-01,,Acme,RM0001,Stores,10,100,\nSales Order,SO-1,2026-05-02,,Zed,RM0001,Stores,4,150,\n").code == 0)
      #expect(try run("2.csv", "Sales Order,SO-1,2026-05-05,close,,,,,,\nDelivery Note,DN-1,2026-05-06,,Zed,RM0001,Stores,1,150,SO-1\n").code == 0)
      let cancel = try run("3.csv", "Sales Order,SO-1,2026-05-02,cancel,,,,,,\n")
      #expect(cancel.code == 1, "\(cancel.out)\(cancel.err)")
      #expect(e2e.read(b + "/rejected/3.csv.errors.csv").contains("cancelling SO-1 would break the later voucher DN-1 already in the ledger: SO-1 is not a Sales Order posted on or before 2026-05-06"))
      let again = try run("4.csv", "Sales Order,SO-1,2026-05-03,close,,,,,,\n")
      #expect(again.code == 1, "\(again.out)\(again.err)")
      #expect(e2e.read(b + "/rejected/4.csv.errors.csv") == "file,line,voucher_no,field,code,message\n4.csv,2,SO-1,action,E_VALUE,\"SO-1 is already closed in the ledger on 2026-05-05: an order is closed once; this close, dated 2026-05-03, is not posted\"\n")
      #expect(try run("5.csv", "Delivery Note,DN-2,2026-05-07,,Zed,RM0001,Stores,1,150,\n").code == 0)
      #expect(try e2e.cli(["verify", b]).code == 0)
    }
  }

  @Test func cancellingAReceiptRevaluesTheDeliveryAfterIt() throws {
    let b = try e2e.books()
    try e2e.drop(b, "1.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-1,2026-05-10,RM0001,Stores,10,10\nPurchase Receipt,PR-2,2026-05-11,RM0001,Stores,10,20\nDelivery Note,DN-1,2026-05-12,RM0001,Stores,5,\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "DN-1").first?["stock_value_difference"] == "-50.00")
    try e2e.drop(b, "2.csv", "voucher_type,voucher_no,posting_date,action\nPurchase Receipt,PR-1,2026-05-10,cancel\n")
    let r = try e2e.cli(["run", b])
    #expect(r.code == 0, "\(r.err)")
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "PR-1").isEmpty)
    let dn = e2e.rows(b + "/reports/stock-ledger.csv", voucher: "DN-1").first
    #expect(dn?["stock_value_difference"] == "-100.00")
    #expect(dn?["qty_after_transaction"] == "5")
    #expect(dn?["stock_value"] == "100.00")
    let j = journal(b, run: "000002")
    #expect(j.contains("2026-05-10,Purchase Receipt,PR-1,Stores,0.00,100.00,,Stock Received But Not Billed,1,cancellation of PR-1"))
    #expect(j.contains("2026-05-12,Delivery Note,DN-1,Cost of Goods Sold,50.00,0.00,,,1,revaluation after a backdated entry"))
    #expect(try e2e.cli(["verify", b]).code == 0)
    // The ledger keeps the cancelled entries, marked.
    #expect(e2e.read(b + "/ledger/runs/000002/stock.csv").contains("Purchase Receipt,PR-1,RM0001,Stores,,,10,10,10,10,100.00,100.00,0,0,1"))
    // A cancellation that would leave a later delivery short is refused.
    try e2e.drop(b, "3.csv", "voucher_type,voucher_no,posting_date,action\nPurchase Receipt,PR-2,2026-05-11,cancel\n")
    #expect(try e2e.cli(["run", b]).code == 1)
    #expect(e2e.read(b + "/rejected/3.csv.errors.csv").contains("cancelling PR-2 would break the later voucher DN-1"))
  }

  @Test func closedPeriodsRefuseEarlierDates() throws {
    let b = try e2e.books()
    try e2e.drop(b, "1.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-1,2026-03-10,RM0001,Stores,10,10\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    let c = try e2e.cli(["close", b, "--through", "2026-03-31"])
    #expect(c.code == 0, "\(c.err)")
    #expect(e2e.read(b + "/reports/close-2026-03-31/trial-balance.csv").contains("Stores,Asset,0.00,0.00,100.00,0.00,100.00,0.00"))
    #expect(e2e.read(b + "/reports/close-2026-03-31/close-summary.json").contains("\"stock_vs_gl_difference\": \"0.00\""))
    #expect(e2e.read(b + "/reports/close-2026-03-31/chain-head.txt").count == 65)
    try e2e.drop(b, "2.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-2,2026-03-15,RM0001,Stores,1,10\n")
    try e2e.drop(b, "3.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-3,2026-04-02,RM0001,Stores,1,10\n")
    try e2e.drop(b, "4.csv", "voucher_type,voucher_no,posting_date,action\nPurchase Receipt,PR-1,2026-03-10,cancel\n")
    #expect(try e2e.cli(["run", b]).code == 1)
    #expect(e2e.read(b + "/rejected/2.csv.errors.csv").contains("E_CLOSED_PERIOD,the books are closed through 2026-03-31"))
    #expect(e2e.read(b + "/rejected/4.csv.errors.csv").contains("E_CLOSED_PERIOD"))
    #expect(e2e.rows(b + "/reports/stock-ledger.csv", voucher: "PR-3").count == 1)
    #expect(try e2e.cli(["close", b, "--through", "2026-03-01"]).code == 2)
    #expect(try e2e.cli(["verify", b]).code == 0)
  }

  /// A close checks the whole ledger first, also when it takes its figures from the head reports: a
  /// ledger file changed since its run is named, and nothing is closed.
  @Test func aCloseRefusesALedgerThatFailsItsCheck() throws {
    let b = try e2e.books()
    try e2e.drop(b, "1.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-1,2026-03-10,RM0001,Stores,10,10\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    let stock = b + "/ledger/runs/000001/stock.csv"
    try (e2e.read(stock).replacingOccurrences(of: ",10,10,", with: ",11,10,")).write(toFile: stock, atomically: false, encoding: .utf8)
    let head = e2e.read(b + "/ledger/HEAD")
    let c = try e2e.cli(["close", b, "--through", "2026-03-31"])
    #expect(c.code == 3, "\(c.out)\(c.err)")
    #expect(c.err.contains("runs/000001/stock.csv: the file differs from what run 1 committed"), "\(c.err)")
    #expect(e2e.read(b + "/ledger/HEAD") == head)
  }

  /// A close through a date still to come (a mistyped year) is refused, and changes nothing: it would refuse
  /// every voucher up to it, and a close is not undone.
  @Test func aCloseThroughADateToComeIsRefused() throws {
    let b = try e2e.books()
    try e2e.drop(b, "1.csv", "voucher_type,voucher_no,posting_date,item_code,warehouse,qty,rate\nPurchase Receipt,PR-1,2026-03-10,RM0001,Stores,10,10\n")
    #expect(try e2e.cli(["run", b]).code == 0)
    let head = e2e.read(b + "/ledger/HEAD")
    let c = try e2e.cli(["close", b, "--through", "2999-12-31"])
    #expect(c.code == 2)
    #expect(c.err.hasPrefix("stockledger close: 2999-12-31 is after today ("))
    #expect(c.err.hasSuffix("): a period is closed once it has ended, and a close is not undone; check the date; nothing was changed\n"))
    #expect(e2e.read(b + "/ledger/HEAD") == head)
    #expect(!FileManager.default.fileExists(atPath: b + "/reports/close-2999-12-31"))
  }
}
