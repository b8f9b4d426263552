import StockCore

/// A report as columns and rows of text, rendered as CSV, a terminal table or JSON.
public struct ReportTable: Sendable, Equatable {
  public var columns: [String]
  public var rows: [[String]]
  public init(columns: [String], rows: [[String]] = []) {
    self.columns = columns
    self.rows = rows
  }

  /// RFC 4180 CSV with a header; text that could run as a spreadsheet formula is prefixed with `'`.
  public var csv: String {
    var w = CSVWriter(guardsFormulas: true)
    w.row(columns)
    for r in rows { w.row(r) }
    return w.text
  }

  /// The same CSV as ``csv``, built as bytes (the head reports).
  /// - Complexity: O(total length of the fields).
  public var csvBytes: [UInt8] {
    var w = ByteWriter(guardsFormulas: true, capacity: 64 * (rows.count + 1) * max(columns.count, 1))
    w.texts(columns)
    w.endRow()
    for r in rows {
      w.texts(r)
      w.endRow()
    }
    return w.bytes
  }

  /// A fixed-width table for a terminal: numbers right-aligned.
  public var table: String {
    var widths = columns.map(\.count)
    for r in rows { for (i, f) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], f.count) } }
    func pad(_ s: String, _ w: Int, right: Bool) -> String {
      let fill = String(repeating: " ", count: max(0, w - s.count))
      return right ? fill + s : s + fill
    }
    let numeric = columns.indices.map { i in !rows.isEmpty && rows.allSatisfy { i >= $0.count || $0[i].isEmpty || Fixed(parsing: $0[i]) != nil } }
    var out = columns.enumerated().map { pad($1, widths[$0], right: numeric[$0]) }.joined(separator: "  ") + "\n"
    out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    for r in rows {
      out += r.enumerated().map { pad($1, $0 < widths.count ? widths[$0] : 0, right: $0 < numeric.count && numeric[$0]) }.joined(separator: "  ") + "\n"
    }
    return out
  }

  /// A JSON array of objects, one per row, keys in column order, values as strings (numbers keep their
  /// exact decimal text).
  public var json: String {
    var out = "[\n"
    for (n, r) in rows.enumerated() {
      out += "  {"
      out += columns.enumerated().map { i, c in "\(JSON.string(c)): \(JSON.string(i < r.count ? r[i] : ""))" }.joined(separator: ", ")
      out += n == rows.count - 1 ? "}\n" : "},\n"
    }
    return out + "]\n"
  }
}

/// Minimal JSON text helpers (deterministic output; no Foundation encoder key reordering).
public enum JSON {
  public static func string(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          let hex = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
