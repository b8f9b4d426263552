import StockCore

/// A TOML value of the subset `company.toml` uses.
public enum TOMLValue: Sendable, Equatable {
  case string(String)
  case integer(Int)
  case bool(Bool)
}

/// Reads the subset of TOML that `company.toml` needs: `[table]` headers, `key = value` with basic strings,
/// literal strings, integers and booleans, and `#` comments. Anything else is an error with its line.
public enum TOMLReader {
  /// Returns `table.key` → value (top-level keys have no prefix).
  public static func parse(_ text: String, file: String) throws(Diagnostic) -> [String: TOMLValue] {
    var result: [String: TOMLValue] = [:]
    var table = ""
    var lineNo = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNo += 1
      let line = stripComment(raw).trimmingSpaces
      if line.isEmpty { continue }
      let loc = SourceLocation(file: file, line: lineNo)
      if line.hasPrefix("[") {
        guard line.hasSuffix("]"), !line.hasPrefix("[[") else {
          throw Diagnostic(.badValue, at: loc, "a table header must look like [name]")
        }
        table = String(line.dropFirst().dropLast()).trimmingSpaces
        continue
      }
      guard let eq = line.firstIndex(of: "=") else {
        throw Diagnostic(.badValue, at: loc, "expected key = value")
      }
      var key = String(line[..<eq]).trimmingSpaces
      if key.hasPrefix("\"") && key.hasSuffix("\"") && key.count >= 2 { key = String(key.dropFirst().dropLast()) }
      let valueText = String(line[line.index(after: eq)...]).trimmingSpaces
      guard !key.isEmpty else { throw Diagnostic(.badValue, at: loc, "a key is missing before =") }
      let full = table.isEmpty ? key : "\(table).\(key)"
      if result[full] != nil { throw Diagnostic(.badValue, at: loc, field: full, "\(full) is set twice") }
      result[full] = try value(valueText, loc: loc, key: full)
    }
    return result
  }

  static func value(_ t: String, loc: SourceLocation, key: String) throws(Diagnostic) -> TOMLValue {
    if t == "true" { return .bool(true) }
    if t == "false" { return .bool(false) }
    if t.hasPrefix("\"") {
      guard t.count >= 2, t.hasSuffix("\"") else { throw Diagnostic(.badValue, at: loc, field: key, "unterminated string") }
      var out = ""
      var escape = false
      for c in t.dropFirst().dropLast() {
        if escape {
          switch c {
          case "n": out.append("\n")
          case "t": out.append("\t")
          case "\"": out.append("\"")
          case "\\": out.append("\\")
          default: throw Diagnostic(.badValue, at: loc, field: key, "unsupported escape \\\(c)")
          }
          escape = false
        } else if c == "\\" {
          escape = true
        } else {
          out.append(c)
        }
      }
      return .string(out)
    }
    if t.hasPrefix("'") {
      guard t.count >= 2, t.hasSuffix("'") else { throw Diagnostic(.badValue, at: loc, field: key, "unterminated string") }
      return .string(String(t.dropFirst().dropLast()))
    }
    if let i = Int(t.replacingUnderscores) { return .integer(i) }
    throw Diagnostic(.badValue, at: loc, field: key, "cannot read the value \(t): use \"text\", a whole number, true or false")
  }

  static func stripComment(_ s: Substring) -> Substring {
    var inString: Character? = nil
    for idx in s.indices {
      let c = s[idx]
      if let q = inString {
        if c == q { inString = nil }
      } else if c == "\"" || c == "'" {
        inString = c
      } else if c == "#" {
        return s[..<idx]
      }
    }
    return s
  }
}

extension StringProtocol {
  var replacingUnderscores: String { String(self.filter { $0 != "_" }) }
}
