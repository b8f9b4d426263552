/// Where a problem is: a file and a line (CSV) or line:column and element (XML).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  /// The file name as it was in the inbox (not a path).
  public var file: String
  /// 1-based line; 0 when the problem concerns the whole file.
  public var line: Int
  /// 1-based column, when known (XML).
  public var column: Int?
  /// The XML element, when known.
  public var element: String?

  public init(file: String, line: Int, column: Int? = nil, element: String? = nil) {
    self.file = file
    self.line = line
    self.column = column
    self.element = element
  }

  /// `file:line` or `file:line:column`.
  public var description: String {
    var s = file
    if line > 0 { s += ":\(line)" }
    if let column { s += ":\(column)" }
    return s
  }
}

/// One problem with an input, with everything a clerk needs to fix it: where, which voucher and field, a
/// stable code a scheduler can match, and a sentence saying what is wrong and what to do.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
  public var location: SourceLocation
  public var voucherNo: String
  public var field: String
  public var code: ErrorCode
  public var message: String

  public init(_ code: ErrorCode, at location: SourceLocation, voucher: String = "", field: String = "", _ message: String) {
    self.location = location
    self.voucherNo = voucher
    self.field = field
    self.code = code
    self.message = message
  }

  public var description: String {
    var s = "\(location)"
    if !voucherNo.isEmpty { s += " voucher \(voucherNo)" }
    if !field.isEmpty { s += " field \(field)" }
    return s + ": [\(code.rawValue)] \(message)"
  }
}

/// The stable error codes of rejections (`rejections.csv`, `FILE.errors.csv`). New codes may be added;
/// existing ones keep their meaning.
public struct ErrorCode: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
  public var rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  public init(stringLiteral value: String) { self.rawValue = value }

  // Files
  public static let unreadableFile: ErrorCode = "E_FILE_UNREADABLE"
  public static let encoding: ErrorCode = "E_ENCODING"
  public static let csvSyntax: ErrorCode = "E_CSV_SYNTAX"
  public static let emptyFile: ErrorCode = "E_FILE_EMPTY"
  public static let duplicateFile: ErrorCode = "E_DUPLICATE_FILE"
  public static let unknownColumn: ErrorCode = "E_UNKNOWN_COLUMN"
  public static let missingColumn: ErrorCode = "E_MISSING_COLUMN"
  public static let duplicateColumn: ErrorCode = "E_DUPLICATE_COLUMN"
  public static let fieldCount: ErrorCode = "E_FIELD_COUNT"
  public static let xmlSyntax: ErrorCode = "E_XML_SYNTAX"
  public static let xmlSchema: ErrorCode = "E_XML_SCHEMA"
  public static let xmlRefused: ErrorCode = "E_XML_REFUSED"
  public static let xmlStructure: ErrorCode = "E_XML_STRUCTURE"
  public static let fieldTooLong: ErrorCode = "E_FIELD_TOO_LONG"
  public static let outOfRange: ErrorCode = "E_OUT_OF_RANGE"
  // Fields
  public static let required: ErrorCode = "E_REQUIRED"
  public static let badNumber: ErrorCode = "E_NUMBER"
  public static let badDate: ErrorCode = "E_DATE"
  public static let badTime: ErrorCode = "E_TIME"
  public static let badValue: ErrorCode = "E_VALUE"
  public static let notPositive: ErrorCode = "E_QTY_NOT_POSITIVE"
  public static let negativeRate: ErrorCode = "E_NEGATIVE_RATE"
  public static let notAllowedField: ErrorCode = "E_FIELD_NOT_ALLOWED"
  public static let voucherFieldsDisagree: ErrorCode = "E_VOUCHER_FIELDS_DISAGREE"
  public static let precision: ErrorCode = "E_PRECISION"
  // Master data references
  public static let unknownItem: ErrorCode = "E_UNKNOWN_ITEM"
  public static let notStockItem: ErrorCode = "E_NOT_STOCK_ITEM"
  public static let unknownWarehouse: ErrorCode = "E_UNKNOWN_WAREHOUSE"
  public static let groupWarehouse: ErrorCode = "E_GROUP_WAREHOUSE"
  public static let unknownAccount: ErrorCode = "E_UNKNOWN_ACCOUNT"
  public static let groupAccount: ErrorCode = "E_GROUP_ACCOUNT"
  public static let unknownParty: ErrorCode = "E_UNKNOWN_PARTY"
  // Vouchers
  public static let duplicateVoucher: ErrorCode = "E_DUPLICATE_VOUCHER"
  public static let noItemRows: ErrorCode = "E_NO_ITEM_ROWS"
  public static let unsupported: ErrorCode = "E_UNSUPPORTED"
  public static let closedPeriod: ErrorCode = "E_CLOSED_PERIOD"
  // Stock
  public static let insufficientStock: ErrorCode = "E_INSUFFICIENT_STOCK"
  public static let noValuationRate: ErrorCode = "E_NO_VALUATION_RATE"
}

/// The problems that keep one voucher from posting (from validation or from posting).
public struct VoucherProblems: Error, Sendable {
  public var diagnostics: [Diagnostic]
  public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
