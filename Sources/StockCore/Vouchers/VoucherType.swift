/// The voucher vocabulary of SPEC §4.1. Raw values are the wire names.
public enum VoucherType: String, Sendable, CaseIterable, Hashable, BitwiseCopyable {
  case purchaseReceipt = "Purchase Receipt"
  case purchaseInvoice = "Purchase Invoice"
  case deliveryNote = "Delivery Note"
  case salesInvoice = "Sales Invoice"
  case stockEntry = "Stock Entry"
  case stockReconciliation = "Stock Reconciliation"
  case salesOrder = "Sales Order"
  case purchaseOrder = "Purchase Order"
  case workOrder = "Work Order"

  /// Orders move no stock; they reserve, order or plan it.
  public var isOrder: Bool { self == .salesOrder || self == .purchaseOrder || self == .workOrder }

  /// The type as one byte in the ledger's binary files (`vouchers.idx`, `documents.bin`): its position
  /// among `allCases`, so a new type is added last.
  /// - Complexity: O(1).
  @inlinable public var code: UInt8 {
    switch self {
    case .purchaseReceipt: 0
    case .purchaseInvoice: 1
    case .deliveryNote: 2
    case .salesInvoice: 3
    case .stockEntry: 4
    case .stockReconciliation: 5
    case .salesOrder: 6
    case .purchaseOrder: 7
    case .workOrder: 8
    }
  }

  /// The type whose ``code`` is `code`, or nil.
  public init?(code: UInt8) {
    guard Int(code) < VoucherType.allCases.count else { return nil }
    self = VoucherType.allCases[Int(code)]
  }

  /// The name (`rawValue`) as a CSV field writes it (``ByteWriter/text(plain:)``): every line of the
  /// ledgers names its voucher type.
  /// - Complexity: O(1).
  /// The bytes are the program's constants, not a table made on first use (which was a call to
  /// `swift_once` and a bounds check on every line): each literal is the case's raw value, with no comma,
  /// quote or formula, as `ByteWriterTests` checks.
  public var plainName: PlainText {
    switch self {
    case .purchaseReceipt: PlainText(constant: "Purchase Receipt")
    case .purchaseInvoice: PlainText(constant: "Purchase Invoice")
    case .deliveryNote: PlainText(constant: "Delivery Note")
    case .salesInvoice: PlainText(constant: "Sales Invoice")
    case .stockEntry: PlainText(constant: "Stock Entry")
    case .stockReconciliation: PlainText(constant: "Stock Reconciliation")
    case .salesOrder: PlainText(constant: "Sales Order")
    case .purchaseOrder: PlainText(constant: "Purchase Order")
    case .workOrder: PlainText(constant: "Work Order")
    }
  }
}

/// `purpose` of a Stock Entry (or `Opening Stock` of a Stock Reconciliation).
public enum Purpose: String, Sendable, CaseIterable, Hashable {
  case materialReceipt = "Material Receipt"
  case materialIssue = "Material Issue"
  case materialTransfer = "Material Transfer"
  case manufacture = "Manufacture"
  case repack = "Repack"
  case openingStock = "Opening Stock"
}

/// What a voucher asks of the ledger.
public enum VoucherAction: String, Sendable, Hashable {
  case submit = ""
  case cancel = "cancel"
  case close = "close"
}

/// How a tax or charge row counts (SPEC §4.1).
public enum TaxCategory: String, Sendable, CaseIterable, Hashable {
  /// Part of the document total only.
  case total = "Total"
  /// Part of the stock value only.
  case valuation = "Valuation"
  /// Both.
  case valuationAndTotal = "Valuation and Total"

  public var addsToValuation: Bool { self != .total }
  public var addsToTotal: Bool { self != .valuation }
}

/// The kind of a voucher row.
public enum RowType: String, Sendable, Hashable {
  case item = "item"
  case tax = "tax"
  case additionalCost = "additional_cost"
}
