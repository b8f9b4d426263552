import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// `stock-ledger.csv` after a run that revalued posted vouchers: the previous file with the lines of each
/// revalued voucher replaced where they stood (a posted voucher keeps its place in the timeline) and the
/// run's vouchers inserted at theirs (after every posted line of the same date and time). Lines before the
/// earliest change are copied as bytes; later ones are read only for date, time and voucher number.
public enum StockLedgerRewrite {
  /// A voucher's lines to put in.
  public struct Block: Sendable {
    public var date: BusinessDate
    public var time: BusinessTime
    public var bytes: [UInt8]
    public init(date: BusinessDate, time: BusinessTime, bytes: [UInt8]) {
      self.date = date
      self.time = time
      self.bytes = bytes
    }
  }

  /// The voucher number as `stock-ledger.csv` writes it (quoted or guarded as needed).
  public static func field(_ voucherNo: String) -> [UInt8] {
    var w = ByteWriter(guardsFormulas: true, capacity: voucherNo.utf8.count + 4)
    w.text(voucherNo)
    return w.bytes
  }

  /// Reading every line from `from` on: the previous file as mapped bytes, the new one handed to `emit` in
  /// pieces (copied ranges of the previous file, new lines). The fallback of the binary-search form, for
  /// files whose lines hold quoted line breaks.
  /// - Parameters:
  ///   - replacing: the new lines of each revalued voucher, by its number field as written (``field(_:)``).
  ///   - inserting: the run's vouchers' lines, in timeline order.
  ///   - from: no line before this date changes.
  /// - Returns: false when the file does not hold a line of every revalued voucher.
  /// - Complexity: O(file size), with a field scan only from `from` on.
  public static func rewrite(
    _ old: UnsafeRawBufferPointer, replacing: [[UInt8]: [UInt8]], inserting: [Block], from: BusinessDate, emit: (UnsafeRawBufferPointer) -> Void
  ) -> Bool {
    // Timeline keys as the file writes them: "YYYY-MM-DD,HH:MM:SS" sorts as (date, time).
    let pendingKeys = inserting.map { Array(($0.date.description + "," + $0.time.description).utf8) }
    var next = 0
    var done: Set<[UInt8]> = []
    let wanted = Set(replacing.keys.map { FNV1a.hash($0) })
    let fromText = Array(from.description.utf8)
    let ok: Bool = old.withMemoryRebound(to: UInt8.self) { b in
      guard let base = b.baseAddress else { return true }
      let n = b.count
      func lineEnd(_ i: Int) -> Int {
        guard let nl = memchr(base + i, 10, n - i) else { return n }
        let j = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
        guard memchr(base + i, 34, j - i) != nil else { return j + 1 }
        // A quoted field may hold a line break: scan the line quote-aware.
        var k = i
        var quoted = false
        while k < n {
          let c = b[k]
          if c == 34 { quoted.toggle() } else if c == 10 && !quoted { return k + 1 }
          k += 1
        }
        return n
      }
      var i = lineEnd(0)  // the header
      // Lines dated before `from` are copied as they are.
      while i + fromText.count <= n && memcmp(base + i, fromText, fromText.count) < 0 { i = lineEnd(i) }
      emit(UnsafeRawBufferPointer(rebasing: old[0..<i]))
      var copyFrom = i
      func flush(_ upTo: Int) {
        if upTo > copyFrom { emit(UnsafeRawBufferPointer(rebasing: old[copyFrom..<upTo])) }
        copyFrom = upTo
      }
      while i < n {
        let end = lineEnd(i)
        guard i + 20 < end else { return false }
        while next < pendingKeys.count, memcmp(base + i, pendingKeys[next], 19) > 0 {
          flush(i)
          inserting[next].bytes.withUnsafeBytes(emit)
          next += 1
        }
        if !wanted.isEmpty {
          // date, time, voucher type (no commas), then the voucher number.
          var j = i + 20
          while j < end && b[j] != 44 { j += 1 }
          let start = j + 1
          var k = start
          var quoted = false
          while k < end {
            let c = b[k]
            if c == 34 { quoted.toggle() } else if (c == 44 || c == 10) && !quoted { break }
            k += 1
          }
          let field = UnsafeBufferPointer(rebasing: b[start..<k])
          if wanted.contains(FNV1a.hash(field)), let lines = replacing[Array(field)] {
            flush(i)
            if done.insert(Array(field)).inserted { lines.withUnsafeBytes(emit) }
            copyFrom = end
          }
        }
        i = end
      }
      flush(n)
      return true
    }
    guard ok, done.count == replacing.count else { return false }
    for p in inserting[next...] { p.bytes.withUnsafeBytes(emit) }
    return true
  }

  /// A revalued voucher's new lines, with its number as written and its date and time.
  public struct Replacement: Sendable {
    public var field: [UInt8]
    public var date: BusinessDate
    public var time: BusinessTime
    public var bytes: [UInt8]
    public init(voucherNo: String, date: BusinessDate, time: BusinessTime, bytes: [UInt8]) {
      field = StockLedgerRewrite.field(voucherNo)
      self.date = date
      self.time = time
      self.bytes = bytes
    }
  }

  /// The quote of a quoted field (`"`): it may hold a line break, which a search by lines cannot tell from
  /// a line's end, so a file that holds one is rewritten with the line-by-line form, not by a
  /// ``plan(_:replacing:inserting:)``.
  public static let quote = UInt8(ascii: "\"")

  /// Where each change goes in the previous file, found by binary search on date and time (the file is in
  /// timeline order): a revalued voucher's lines among those of its date and time, a new voucher's place
  /// after them. Only the lines searched are read, so the plan can be made before the file is copied, on
  /// the caller's thread, and applied on another (``Plan/apply(emit:copy:)``). It holds only for a file
  /// without a ``quote`` (which the caller looks for before applying it). nil when a change cannot be placed.
  /// - Complexity: O(changes × (log lines + lines of the same date and time)).
  public static func plan(_ old: UnsafeRawBufferPointer, replacing: [Replacement], inserting: [Block]) -> Plan? {
    guard let base = old.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
    let n = old.count
    func lineStart(_ i: Int) -> Int {
      var j = i
      while j > 0 && base[j - 1] != 10 { j -= 1 }
      return j
    }
    func lineEnd(_ i: Int) -> Int {
      guard let nl = memchr(base + i, 10, n - i) else { return n }
      return base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
    }
    let headerEnd = lineEnd(0)
    func key(_ d: BusinessDate, _ t: BusinessTime) -> [UInt8] { Array((d.description + "," + t.description).utf8) }
    /// The first line whose date and time sort after (`after`) or at or after `key`.
    func first(_ key: [UInt8], after: Bool) -> Int {
      var lo = headerEnd, hi = n  // line starts in lo...hi
      while lo < hi {
        let probe = max(lo, lineStart(lo + (hi - lo) / 2))
        guard probe + 19 <= n else { return lo }
        let c = memcmp(base + probe, key, 19)
        if after ? c > 0 : c >= 0 { hi = probe } else { lo = lineEnd(probe) }
      }
      return lo
    }
    var edits: [(at: Int, order: Int, edit: Plan.Edit)] = []  // order: inserts first, in timeline order
    for r in replacing {
      let k = key(r.date, r.time)
      var at = first(k, after: false)
      var range: Range<Int>?
      while at + 19 <= n && memcmp(base + at, k, 19) == 0 {
        let end = lineEnd(at)
        // date, time, voucher type (no commas), then the voucher number.
        var j = at + 20
        while j < end && base[j] != 44 { j += 1 }
        let start = j + 1
        var e = start
        while e < end && base[e] != 44 { e += 1 }
        if e - start == r.field.count && memcmp(base + start, r.field, r.field.count) == 0 {
          guard range == nil || range!.upperBound == at else { return nil }  // its lines are contiguous
          range = (range?.lowerBound ?? at)..<end
        }
        at = end
      }
      guard let range else { return nil }
      edits.append((range.lowerBound, Int.max, .replace(range, r.bytes)))
    }
    for (i, b) in inserting.enumerated() { edits.append((first(key(b.date, b.time), after: true), i, .insert(b.bytes))) }
    // Inserts before a replaced block at the same offset, in timeline order. Edits never overlap.
    edits.sort { ($0.at, $0.order) < ($1.at, $1.order) }
    var reach = 0
    for e in edits {
      guard e.at >= reach else { return nil }
      if case .replace(let r, _) = e.edit { reach = r.upperBound }
    }
    return Plan(edits: edits.map { ($0.at, $0.edit) }, size: n)
  }

  /// The changes to a previous file, in the order they are applied (``plan(_:replacing:inserting:)``).
  public struct Plan: Sendable {
    enum Edit: Sendable { case replace(Range<Int>, [UInt8]), insert([UInt8]) }
    var edits: [(at: Int, edit: Edit)]
    /// The previous file's size.
    let size: Int

    /// The new file, handed to `emit` (new lines) and `copy` (ranges of the previous file) in order.
    /// - Complexity: O(changes) calls; O(file size) copied by `copy`.
    public func apply(emit: (UnsafeRawBufferPointer) -> Void, copy: (Range<Int>) -> Void) {
      var copied = 0
      for e in edits {
        if e.at > copied { copy(copied..<e.at) }
        switch e.edit {
        case .insert(let bytes):
          copied = max(copied, e.at)
          bytes.withUnsafeBytes(emit)
        case .replace(let r, let bytes):
          bytes.withUnsafeBytes(emit)
          copied = r.upperBound
        }
      }
      if copied < size { copy(copied..<size) }
    }
  }
}
