import StockCore

/// A CSV file read as a header and records, with columns looked up by name once (``column(_:)``) and read
/// from every record by place. Used for master files, where the whole file is small.
public struct CSVTable: Sendable {
  public var file: String
  public var header: [String]
  public var records: [CSVRecord]
  private var index: [String: Int]

  /// Reads a table; `known` lists the allowed columns (nil: any), `required` the columns that must be there.
  public init(bytes: [UInt8], file: String, known: [String]?, required: [String]) throws(Diagnostic) {
    let all = try CSVParser.parse(bytes, file: file)
    guard let first = all.first else {
      throw Diagnostic(.emptyFile, at: SourceLocation(file: file, line: 0), "the file is empty: it needs at least a header line")
    }
    self.file = file
    self.header = first.fields
    self.records = all.dropFirst().filter { !$0.isBlank }
    var index: [String: Int] = [:]
    for (i, name) in first.fields.enumerated() {
      if index[name] != nil {
        throw Diagnostic(.duplicateColumn, at: SourceLocation(file: file, line: 1), field: name, "column \(name) appears twice in the header")
      }
      if let known, !known.contains(name) {
        throw Diagnostic(
          .unknownColumn, at: SourceLocation(file: file, line: 1), field: name,
          "unknown column \(name); the columns are: \(known.joined(separator: ", "))")
      }
      index[name] = i
    }
    for r in required where index[r] == nil {
      throw Diagnostic(.missingColumn, at: SourceLocation(file: file, line: 1), field: r, "the header lacks the required column \(r)")
    }
    for rec in records where rec.fields.count != first.fields.count {
      throw Diagnostic(
        .fieldCount, at: SourceLocation(file: file, line: rec.line),
        "the line has \(rec.fields.count) fields but the header has \(first.fields.count)")
    }
    self.index = index
  }

  /// A column looked up by name once, for reading it from every record.
  public struct Column: Sendable {
    /// The column's name, for messages.
    public let name: String
    /// Its place in the header; nil when the header lacks it.
    let index: Int?
  }

  /// The column named `name` (absent when the header lacks it).
  public func column(_ name: String) -> Column { Column(name: name, index: index[name]) }

  /// The value of `column` in `record`, "" when the column is absent.
  /// - Complexity: O(1).
  public func value(_ record: CSVRecord, _ column: Column) -> String {
    guard let i = column.index, i < record.fields.count else { return "" }
    return record.fields[i]
  }
}
