import StockStore

/// `stockledger init DIR`: a new books directory with example masters and empty folders.
public enum InitCommand {
  public static func run(directory: String) -> CommandOutcome {
    let p = BooksPaths(books: directory)
    if DurableFiles.exists(p.masters + "/company.toml") {
      return CommandOutcome(exitCode: 2, stderr: "stockledger init: \(p.masters) already holds master data; nothing was changed\n")
    }
    do {
      for d in [p.masters, p.inbox, p.archive, p.rejected, p.ledger, p.out] { try DurableFiles.makeDirectory(d) }
      for (name, text) in ExampleMasters.files { try DurableFiles.write(text, to: p.masters + "/" + name) }
    } catch {
      return CommandOutcome(exitCode: 2, stderr: "stockledger init: \(error)\n")
    }
    return CommandOutcome(exitCode: 0, stdout: "stockledger init: created \(p.books) with example masters; drop voucher files into \(p.inbox) and run 'stockledger run \(directory)'\n")
  }
}

/// The example master data of `init` (the chart of the seed's perpetual-inventory example).
enum ExampleMasters {
  static let files: [(String, String)] = [
    ("company.toml", """
      name = "Demo Manufacturing Ltd"
      currency = "USD"
      currency_precision = 2
      float_precision = 3
      rounding = "half_up"
      perpetual_inventory = true
      allow_negative_stock = false
      default_valuation_method = "FIFO"
      enforce_reservations = true

      [accounts]
      default_inventory = "Stock In Hand"
      stock_received_but_not_billed = "Stock Received But Not Billed"
      stock_adjustment = "Stock Adjustment"
      cost_of_goods_sold = "Cost of Goods Sold"
      expenses_included_in_valuation = "Expenses Included In Valuation"
      round_off = "Round Off"
      temporary_opening = "Temporary Opening"
      receivable = "Debtors"
      payable = "Creditors"
      income = "Sales"

      """),
    ("accounts.csv", """
      account,parent,root_type,account_type,is_group
      Assets,,Asset,,1
      Stock Assets,Assets,Asset,,1
      Stock In Hand,Stock Assets,Asset,Stock,0
      Stores,Stock Assets,Asset,Stock,0
      Finished Goods,Stock Assets,Asset,Stock,0
      Debtors,Assets,Asset,Receivable,0
      Input VAT,Assets,Asset,Tax,0
      Liabilities,,Liability,,1
      Creditors,Liabilities,Liability,Payable,0
      Stock Received But Not Billed,Liabilities,Liability,,0
      Output VAT,Liabilities,Liability,Tax,0
      Temporary Opening,Liabilities,Liability,Temporary,0
      Income,,Income,,1
      Sales,Income,Income,Income Account,0
      Expenses,,Expense,,1
      Cost of Goods Sold,Expenses,Expense,Cost of Goods Sold,0
      Expenses Included In Valuation,Expenses,Expense,Expense Account,0
      Stock Adjustment,Expenses,Expense,Expense Account,0
      Shipping Charges,Expenses,Expense,Expense Account,0
      Customs Duty,Expenses,Expense,Expense Account,0
      Round Off,Expenses,Expense,Expense Account,0

      """),
    ("warehouses.csv", """
      warehouse,parent,account,is_group
      All Warehouses,,,1
      Stores,All Warehouses,Stores,0
      Finished Goods,All Warehouses,Finished Goods,0
      Work In Progress,All Warehouses,,0

      """),
    ("items.csv", """
      item_code,item_name,stock_uom,is_stock_item,valuation_method,has_batch_no,has_serial_no,serial_no_series,batch_no_series,shelf_life_days,warranty_days,barcodes
      RM0001,Raw material 1,Nos,1,FIFO,,,,,,,4006381333931
      RM0002,Raw material 2,Nos,1,Moving Average,,,,,,,
      FG0001,Finished good 1,Nos,1,LIFO,,,,,,,
      LAPTOP,Laptop,Nos,1,FIFO,0,1,LT-.####,,,365,
      MED,Medicine,Box,1,FIFO,1,0,,MED-.###,180,,

      """),
  ]
}
