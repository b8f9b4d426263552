/// Company settings from `masters/company.toml` (SPEC §3).
public struct Company: Sendable {
  public var name: String
  public var currency: String
  /// Decimals of amounts (stock value, GL). Default 2.
  public var currencyPrecision: Int
  /// Decimals of quantities and the tolerance of availability checks. Default 3.
  public var floatPrecision: Int
  public var rounding: RoundingRule
  public var perpetualInventory: Bool
  public var allowNegativeStock: Bool
  public var defaultValuationMethod: ValuationMethod
  public var enforceReservations: Bool
  public var accounts: DefaultAccounts

  public init(
    name: String, currency: String = "USD", currencyPrecision: Int = 2, floatPrecision: Int = 3,
    rounding: RoundingRule = .halfUp, perpetualInventory: Bool = true, allowNegativeStock: Bool = false,
    defaultValuationMethod: ValuationMethod = .fifo, enforceReservations: Bool = true,
    accounts: DefaultAccounts = DefaultAccounts()
  ) {
    self.name = name
    self.currency = currency
    self.currencyPrecision = currencyPrecision
    self.floatPrecision = floatPrecision
    self.rounding = rounding
    self.perpetualInventory = perpetualInventory
    self.allowNegativeStock = allowNegativeStock
    self.defaultValuationMethod = defaultValuationMethod
    self.enforceReservations = enforceReservations
    self.accounts = accounts
  }

  /// The company's rounding rules alone: what valuation needs, without the names and accounts (copying a
  /// `Company` retains a dozen strings).
  public var arithmetic: Arithmetic { Arithmetic(currencyPrecision: currencyPrecision, floatPrecision: floatPrecision, rounding: rounding) }

  /// Rounds an amount to currency precision with the company's rule.
  @inlinable public func money(_ w: Wide) -> Amount { arithmetic.money(w) }
  @inlinable public func money(_ f: Fixed) -> Amount { arithmetic.money(f) }
  /// Rounds a quantity to float precision with the company's rule.
  @inlinable public func quantity(_ f: Fixed) -> Quantity { arithmetic.quantity(f) }
  /// The tolerance of availability checks: 10^-float_precision (and never below ERPNext's 0.0001 floor).
  public var negativeTolerance: Quantity { arithmetic.negativeTolerance }
}

/// The company's default accounts (`[accounts]` in `company.toml`). Empty means not configured.
public struct DefaultAccounts: Sendable {
  public var defaultInventory = ""
  public var stockReceivedButNotBilled = "Stock Received But Not Billed"
  public var stockAdjustment = "Stock Adjustment"
  public var costOfGoodsSold = "Cost of Goods Sold"
  public var expensesIncludedInValuation = "Expenses Included In Valuation"
  public var roundOff = "Round Off"
  public var temporaryOpening = "Temporary Opening"
  public var receivable = "Debtors"
  public var payable = "Creditors"
  public var income = "Sales"
  public init() {}

  /// The TOML key and value of every default, in file order.
  public var all: [(key: String, value: String)] {
    [
      ("default_inventory", defaultInventory), ("stock_received_but_not_billed", stockReceivedButNotBilled),
      ("stock_adjustment", stockAdjustment), ("cost_of_goods_sold", costOfGoodsSold),
      ("expenses_included_in_valuation", expensesIncludedInValuation), ("round_off", roundOff),
      ("temporary_opening", temporaryOpening), ("receivable", receivable), ("payable", payable), ("income", income),
    ]
  }
}

/// How an item's stock is valued per warehouse.
public enum ValuationMethod: String, Sendable, CaseIterable {
  case fifo = "FIFO"
  case lifo = "LIFO"
  case movingAverage = "Moving Average"
}

extension Company {
  /// The company's precisions and rounding rule: a plain value, copied for nothing.
  public struct Arithmetic: Sendable, Hashable {
    public var currencyPrecision: Int
    public var floatPrecision: Int
    public var rounding: RoundingRule

    /// Rounded to currency precision (the company's rule).
    @inlinable public func money(_ w: Wide) -> Amount { w.rounded(places: currencyPrecision, rule: rounding) }
    /// Rounded to currency precision (the company's rule).
    @inlinable public func money(_ f: Fixed) -> Amount { f.rounded(places: currencyPrecision, rule: rounding) }
    /// Rounded to float precision (the company's rule).
    @inlinable public func quantity(_ f: Fixed) -> Quantity { f.rounded(places: floatPrecision, rule: rounding) }
    /// The tolerance of availability checks: 10^-float_precision (and never below ERPNext's 0.0001 floor).
    public var negativeTolerance: Quantity { Fixed(raw: Fixed.pow10(Fixed.scale - min(floatPrecision, 4))) }
  }
}
