/// The master-data name a mistyped one most likely meant, for an error message's "did you mean" (a clerk
/// who typed `Storez` is told `Stores`, not only that `Storez` is unknown). Looked for on the failure path
/// only.
public enum NameSuggestion {
  /// Candidates past which none is looked for: each failure compares the name with every candidate, and a
  /// file may repeat one unknown name on every row.
  static let maximumCandidates = 500

  /// The one name of `candidates` closest to `name`: the same but for letter case and surrounding spaces,
  /// else at most two edits away (one for names of up to five characters); nil when none is that close, when
  /// two are equally close, or when there are more than ``maximumCandidates``.
  /// - Complexity: O(candidates × length²).
  public static func closest(to name: String, among candidates: [String]) -> String? {
    guard candidates.count <= maximumCandidates else { return nil }
    let wanted = Array(folded(name))
    guard !wanted.isEmpty else { return nil }
    let limit = wanted.count <= 5 ? 1 : 2
    var best: (name: String, distance: Int)?
    var tied = false
    for c in candidates where c != name {
      let d = distance(wanted, Array(folded(c)), limit: limit)
      guard d <= limit else { continue }
      if let b = best, b.distance <= d {
        if b.distance == d && b.name != c { tied = true }
        continue
      }
      best = (c, d)
      tied = false
    }
    return tied ? nil : best?.name
  }

  /// Lower case, without surrounding spaces: what the comparison ignores.
  private static func folded(_ s: String) -> [Unicode.Scalar] { Array(s.lowercased().trimmingSpaces.unicodeScalars) }

  /// The Levenshtein distance of `a` and `b` (insertions, deletions, substitutions), or `limit + 1` as soon
  /// as it must exceed `limit`.
  /// - Complexity: O(|a| × |b|).
  static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
    if abs(a.count - b.count) > limit { return limit + 1 }
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      var rowBest = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        rowBest = min(rowBest, current[j])
      }
      if rowBest > limit { return limit + 1 }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// What a message about an unknown `name` of `file` ends with: the name it most likely meant among the
  /// `records` that `candidate` names (nil: not one to offer, a group, say), else what to do. The records are
  /// not looked at when there are more than ``maximumCandidates`` (a hundred thousand items, a failure per row).
  public static func hint<Records: Collection>(
    for name: String, among records: Records, _ candidate: (Records.Element) -> String?, file: String, field: String
  ) -> String {
    if records.count <= maximumCandidates, let s = closest(to: name, among: records.compactMap(candidate)) {
      return ": did you mean '\(s)'?"
    }
    return ": add it to \(file) or correct \(field)"
  }
}
