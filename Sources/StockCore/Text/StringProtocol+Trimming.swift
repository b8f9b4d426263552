extension StringProtocol {
  /// Without the spaces, tabs and carriage returns around it (what a field typed or exported by hand may
  /// carry: `" RM0001 "`, a last field before a CRLF).
  /// - Complexity: O(length).
  public var trimmingSpaces: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
    return String(s)
  }
}
