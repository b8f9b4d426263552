import Foundation
import StockCore
import StockStore

/// `stockledger generate DIR --vouchers N`: a realistic synthetic books directory for demos and benchmarks —
/// items (some batch-tracked, some serialized) in several warehouses, receipts at drifting rates, deliveries,
/// transfers and issues, one file per month, never negative. The same arguments give the same bytes.
public enum GenerateCommand {
  public static func run(directory: String, vouchers: Int, items: Int, warehouses: Int, seed: UInt64) -> CommandOutcome {
    let p = BooksPaths(books: directory)
    var rng = SplitMix64(seed: seed)
    let whs = (1...max(warehouses, 2)).map { "WH\(String(format: "%02d", $0))" }
    let itemCodes = (1...max(items, 1)).map { "ITEM\(String(format: "%05d", $0))" }
    func kind(_ i: Int) -> Int { i % 50 == 49 ? 2 : (i % 25 == 24 ? 1 : 0) }  // 0 plain, 1 batch, 2 serial
    var accounts = "account,parent,root_type,account_type,is_group\nAssets,,Asset,,1\nStock In Hand,Assets,Asset,Stock,0\n"
    for w in whs { accounts += "Stock \(w),Assets,Asset,Stock,0\n" }
    accounts += "Liabilities,,Liability,,1\nStock Received But Not Billed,Liabilities,Liability,,0\nTemporary Opening,Liabilities,Liability,Temporary,0\nCreditors,Liabilities,Liability,Payable,0\nAssets Debtors,Assets,Asset,Receivable,0\nIncome,,Income,,1\nSales,Income,Income,Income Account,0\nExpenses,,Expense,,1\nCost of Goods Sold,Expenses,Expense,Cost of Goods Sold,0\nStock Adjustment,Expenses,Expense,Expense Account,0\nExpenses Included In Valuation,Expenses,Expense,Expense Account,0\nRound Off,Expenses,Expense,Expense Account,0\n"
    var warehousesCSV = "warehouse,parent,account,is_group\nAll Warehouses,,,1\n"
    for w in whs { warehousesCSV += "\(w),All Warehouses,Stock \(w),0\n" }
    var itemsCSV = "item_code,item_name,stock_uom,is_stock_item,valuation_method,has_batch_no,has_serial_no,serial_no_series,batch_no_series\n"
    let methods = ["FIFO", "FIFO", "Moving Average", "LIFO"]
    for (i, code) in itemCodes.enumerated() {
      switch kind(i) {
      case 1: itemsCSV += "\(code),Item \(i),Nos,1,FIFO,1,0,,B\(code)-.#####\n"
      case 2: itemsCSV += "\(code),Item \(i),Nos,1,FIFO,0,1,S\(code)-.#####,\n"
      default: itemsCSV += "\(code),Item \(i),Nos,1,\(methods[i % methods.count]),0,0,,\n"
      }
    }
    let company = ExampleMasters.files[0].1.replacingOccurrences(of: "Demo Manufacturing Ltd", with: "Generated Co")
      .replacingOccurrences(of: "receivable = \"Debtors\"", with: "receivable = \"Assets Debtors\"")
    var stock: [Int: Int] = [:]  // item * W + wh → qty
    var rate = (0..<itemCodes.count).map { _ in 10 + Int(rng.next() % 490) }  // in cents × 100
    let header = "voucher_type,voucher_no,posting_date,posting_time,purpose,party,item_code,warehouse,source_warehouse,target_warehouse,qty,rate\n"
    var files: [String: String] = [:]
    var day = BusinessDate(year: 2024, month: 1, day: 1) ?? BusinessDate(dayNumber: 0)
    let perDay = max(vouchers / 365, 1)
    for n in 0..<vouchers {
      if n > 0 && n % perDay == 0 { day = day.adding(days: 1) }
      let seconds = 8 * 3600 + (n % perDay) * (36000 / perDay)
      let time = String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
      let i = Int(rng.next() % UInt64(itemCodes.count)), w = Int(rng.next() % UInt64(whs.count))
      let key = i * whs.count + w
      let have = stock[key] ?? 0
      let roll = rng.next() % 100
      let month = String(day.description.prefix(7))
      var line: String
      if have < 5 || roll < 40 {
        rate[i] = max(100, rate[i] + Int(rng.next() % 21) - 10)
        let qty = kind(i) == 2 ? 1 + Int(rng.next() % 3) : 5 + Int(rng.next() % 50)
        stock[key] = have + qty
        line = "Purchase Receipt,V\(n),\(day),\(time),,Supplier \(i % 20),\(itemCodes[i]),\(whs[w]),,,\(qty),\(rate[i] / 100).\(String(format: "%02d", rate[i] % 100))\n"
      } else if roll < 75 {
        let qty = 1 + Int(rng.next() % UInt64(min(have, 20)))
        stock[key] = have - qty
        line = "Delivery Note,V\(n),\(day),\(time),,Customer \(i % 50),\(itemCodes[i]),\(whs[w]),,,\(qty),\n"
      } else if roll < 90 {
        let qty = 1 + Int(rng.next() % UInt64(min(have, 10)))
        let t = (w + 1 + Int(rng.next() % UInt64(whs.count - 1))) % whs.count
        stock[key] = have - qty
        stock[i * whs.count + t, default: 0] += qty
        line = "Stock Entry,V\(n),\(day),\(time),Material Transfer,,\(itemCodes[i]),,\(whs[w]),\(whs[t]),\(qty),\n"
      } else {
        let qty = 1 + Int(rng.next() % UInt64(min(have, 5)))
        stock[key] = have - qty
        line = "Stock Entry,V\(n),\(day),\(time),Material Issue,,\(itemCodes[i]),,\(whs[w]),,\(qty),\n"
      }
      files["vouchers-\(month).csv", default: header] += line
    }
    do {
      for d in [p.masters, p.inbox] { try DurableFiles.makeDirectory(d) }
      try DurableFiles.write(company, to: p.masters + "/company.toml")
      try DurableFiles.write(accounts, to: p.masters + "/accounts.csv")
      try DurableFiles.write(warehousesCSV, to: p.masters + "/warehouses.csv")
      try DurableFiles.write(itemsCSV, to: p.masters + "/items.csv")
      for (name, text) in files { try DurableFiles.write(text, to: p.inbox + "/" + name) }
    } catch {
      return CommandOutcome(exitCode: 2, stderr: "stockledger generate: \(error)\n")
    }
    return CommandOutcome(exitCode: 0, stdout: "stockledger generate: \(vouchers) vouchers over \(itemCodes.count) items and \(whs.count) warehouses in \(files.count) files under \(p.inbox)\n")
  }
}

/// A small deterministic generator (SplitMix64): the same seed, the same sequence, on every platform.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
