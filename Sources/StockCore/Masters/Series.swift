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
  public func number(of name: String) -> Int? {
    guard name.hasPrefix(prefix) else { return nil }
    let rest = name.dropFirst(prefix.count)
    guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(rest)
  }
}
