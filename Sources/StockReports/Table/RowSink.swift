import StockCore

/// Where a report's rows go, field by field: CSV bytes for the head reports (``ByteWriter``, no text per
/// field) or a ``ReportTable`` for `stockledger report` (terminal tables, JSON, filters). One description
/// of each report's rows serves both.
public protocol RowSink {
  mutating func text(_ s: String)
  /// An interned name's text (an item code, a warehouse): a writer of bytes writes the ones its box keeps.
  mutating func text(_ name: InternedName)
  /// A quantity or rate, trailing zeros removed.
  mutating func plain(_ f: Fixed)
  /// An amount with exactly `places` decimals.
  mutating func amount(_ f: Fixed, places: Int)
  /// A whole number (`-3`, `0`, `42`: `String(n)`).
  mutating func integer(_ n: Int)
  mutating func endRow()
  /// Writes the fields `body` writes, with room for about `bytes` of them made once (a writer of bytes
  /// then checks its buffer once per row, not per field: ``ByteWriter/withRoom(_:_:)``); `bytes` is a hint.
  mutating func withRoom(_ bytes: Int, _ body: (inout Self) -> Void)
}

extension RowSink {
  public mutating func withRoom(_ bytes: Int, _ body: (inout Self) -> Void) { body(&self) }
  public mutating func integer(_ n: Int) { text(String(n)) }
  public mutating func text(_ name: InternedName) { text(name.text) }
}

extension ByteWriter: RowSink {}

/// Rows collected as text.
public struct TableRows: RowSink {
  public private(set) var table: ReportTable
  private var row: [String] = []
  public init(columns: [String]) { table = ReportTable(columns: columns) }
  public mutating func text(_ s: String) { row.append(s) }
  public mutating func plain(_ f: Fixed) { row.append(f.plain) }
  public mutating func amount(_ f: Fixed, places: Int) { row.append(f.formatted(places: places)) }
  public mutating func endRow() {
    table.rows.append(row)
    row = []
  }
}
