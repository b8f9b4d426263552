/// A naming series such as `SN-.#####`: the text before `.#` is the prefix, the number of `#` the width of
/// the zero-padded counter (`SN-00001`, `SN-00002`, …). A series without `.#` gets a 5-digit counter.
public struct NamingSeries: Sendable, Hashable {
  public let prefix: String
  public let width: Int

  public init(_ pattern: String) {
    if let r = pattern[...].range(of: ".#") {
      prefix = String(pattern[..<r.lowerBound])
      width = pattern[r.lowerBound...].filter { $0 == "#" }.count
    } else {
      prefix = pattern
      width = 5
    }
  }

  /// The `n`th name of the series.
  public func name(_ n: Int) -> String {
    let digits = String(n)
    return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// The counter of a name of this series, or nil when the name is not of it.
  /// - Complexity: O(length of `name`); by bytes when the name is the prefix's bytes and ASCII digits
  ///   (every name a series gives), else by characters.
  public func number(of name: String) -> Int? {
    if let n = Self.digits(of: name, after: prefix) { return n }
    guard name.hasPrefix(prefix) else { return nil }
    let rest = name.dropFirst(prefix.count)
    guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(rest)
  }

  /// The number the digits after an ASCII `prefix` spell, when `name` is its bytes then one to eighteen
  /// ASCII digits; nil otherwise (then the characters decide, as ``number(of:)`` reads them). Such a name
  /// is ASCII, a character a byte, so the two agree wherever this answers (a prefix ending in a character
  /// a digit would join — U+0600, which prepends — is left to the characters).
  private static func digits(of name: String, after prefix: String) -> Int? {
    var name = name, prefix = prefix
    return name.withUTF8 { n in
      prefix.withUTF8 { p -> Int? in
        guard n.count > p.count, n.count - p.count <= 18, p.indices.allSatisfy({ p[$0] < 0x80 && n[$0] == p[$0] }) else { return nil }
        var value = 0
        for i in p.count..<n.count {
          let d = n[i] &- 48
          guard d < 10 else { return nil }
          value = value * 10 + Int(d)
        }
        return value
      }
    }
  }
}
