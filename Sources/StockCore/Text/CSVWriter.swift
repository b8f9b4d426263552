/// Writes RFC 4180 CSV: fields with a comma, quote, CR or LF are quoted, quotes doubled, LF row ends.
public struct CSVWriter: Sendable {
  /// Prefix text that starts with `=`, `+`, `-`, `@`, tab or CR with `'` (spreadsheet formula injection,
  /// SPEC §2). On for reports a person opens; off for the ledger, which is read back exactly.
  public var guardsFormulas: Bool
  public private(set) var text: String = ""

  public init(guardsFormulas: Bool) { self.guardsFormulas = guardsFormulas }

  /// Appends one row.
  /// - Complexity: O(total length of the fields).
  public mutating func row(_ fields: [String]) {
    var first = true
    for f in fields {
      if !first { text.append(",") }
      first = false
      text.append(escape(f))
    }
    text.append("\n")
  }

  /// A field as it is written.
  public func escape(_ f: String) -> String {
    var s = f
    if guardsFormulas, let c = s.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(c) {
      // A negative number is data, not a formula.
      if !(c == "-" && Fixed(parsing: s) != nil) { s = "'" + s }
    }
    if s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
      return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
  }
}

extension String {
  /// Every occurrence of `target` replaced (no Foundation needed).
  public func replacingOccurrences(of target: String, with replacement: String) -> String {
    guard !target.isEmpty else { return self }
    var out = ""
    var rest = self[...]
    while let r = rest.range(of: target) {
      out += rest[..<r.lowerBound]
      out += replacement
      rest = rest[r.upperBound...]
    }
    out += rest
    return out
  }
}

extension Substring {
  /// The first range of `target`.
  public func range(of target: String) -> Range<Substring.Index>? {
    guard let first = target.first else { return nil }
    var i = startIndex
    while i < endIndex {
      if self[i] == first && self[i...].hasPrefix(target) {
        return i..<(index(i, offsetBy: target.count))
      }
      i = index(after: i)
    }
    return nil
  }
}
