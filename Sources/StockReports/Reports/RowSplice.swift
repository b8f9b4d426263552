import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// A report with one row per item-warehouse, in item then warehouse order, after a run that changed only
/// some item-warehouses: the previous file's other rows stand, the changed ones are dropped and their new
/// rows merged in by key. Byte for byte what rendering every row gives, when the other rows did not change.
public enum RowSplice {
  /// - Parameters:
  ///   - old: the previous file, header included.
  ///   - changed: the item-warehouses whose rows are replaced (or removed, or added).
  ///   - rows: their new rows, in key order, without a header.
  /// - Returns: nil for a file this cannot read by its first two fields (a quoted or formula-guarded item
  ///   or warehouse); the caller then renders every row.
  /// - Complexity: O(file size + changed rows).
  public static func splice(_ old: [UInt8], changed: Set<StockKey>, rows: [UInt8]) -> [UInt8]? {
    guard !RowSplice.hasQuote(old), !RowSplice.hasQuote(rows) else { return nil }
    let sortedChanged = StockKey.sorted(changed)
    // Keys of ASCII names are compared as bytes (their order and equality are the keys'); others as keys
    // (`String` equality, with its Unicode equivalence).
    let ascii = sortedChanged.allSatisfy { $0.item.utf8.allSatisfy { $0 < 0x80 } && $0.warehouse.utf8.allSatisfy { $0 < 0x80 } }
    switch ascii ? bytewise(old, changed: sortedChanged, rows: rows) : .notASCII {
    case .spliced(let out): return out
    case .unreadable: return nil
    case .notASCII: return byKeys(old, changed: changed, rows: rows)
    }
  }

  /// A line of a report: its item and warehouse (the first two fields) and where it is, line end included.
  private struct Line {
    var item: Range<Int>
    var warehouse: Range<Int>
    var range: Range<Int>
  }

  /// Whether `bytes` hold a `"` (a quoted field somewhere), found with `memchr`: the byte-by-byte search
  /// was a tenth of splicing a million-voucher ledger's reports.
  /// - Complexity: O(bytes).
  private static func hasQuote(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { b in b.baseAddress.map { memchr($0, 34, b.count) != nil } ?? false }
  }

  /// The lines of `bytes` from `start` with their first two fields; nil for a line whose key is empty,
  /// guarded against formulas or missing, and, with `asciiKeys`, for a key with a byte past ASCII.
  /// - Complexity: O(bytes): each line's end found with `memchr`, only its first two fields read byte by
  ///   byte (read to its end byte by byte, the lines were half of splicing a report).
  private static func lines(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, asciiKeys: Bool) -> [Line]? {
    guard let base = bytes.baseAddress else { return [] }
    let n = bytes.count
    var out: [Line] = []
    var i = start
    while i < n {
      let end = memchr(base + i, 10, n - i).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? n
      var first = i, nonASCII: UInt8 = 0
      while first < end && base[first] != 44 {
        nonASCII |= base[first]
        first += 1
      }
      var second = first + 1
      while second < end && base[second] != 44 {
        nonASCII |= base[second]
        second += 1
      }
      let next = min(end + 1, n)
      guard first < end, first > i, base[i] != 39, first + 1 < second, base[first + 1] != 39 else { return nil }
      if asciiKeys && nonASCII >= 0x80 { return nil }
      out.append(Line(item: i..<first, warehouse: (first + 1)..<second, range: i..<next))
      i = next
    }
    return out
  }

  private enum Spliced {
    case spliced([UInt8])
    /// A line that cannot be read by its first two fields.
    case unreadable
    /// A key with a byte past ASCII: compared as keys instead.
    case notASCII
  }

  /// The splice comparing keys as bytes (`changed` in key order, their names ASCII).
  /// - Complexity: O(file size + rows + changed keys), no key made.
  private static func bytewise(_ old: [UInt8], changed: [StockKey], rows: [UInt8]) -> Spliced {
    let changedNames = changed.map { (Array($0.item.utf8), Array($0.warehouse.utf8)) }
    return old.withUnsafeBufferPointer { o in
      rows.withUnsafeBufferPointer { r in
        guard let headerEnd = o.firstIndex(of: 10) else { return .unreadable }
        guard let previous = lines(o, from: headerEnd + 1, asciiKeys: true), let fresh = lines(r, from: 0, asciiKeys: true) else {
          return lines(o, from: headerEnd + 1, asciiKeys: false) == nil || lines(r, from: 0, asciiKeys: false) == nil ? .unreadable : .notASCII
        }
        /// `a` in `x` against `b` in `y`, item then warehouse, by bytes: < 0, 0 or > 0.
        func order(_ x: UnsafeBufferPointer<UInt8>, _ a: Line, _ y: UnsafeBufferPointer<UInt8>, _ b: Line) -> Int {
          let c = compare(UnsafeBufferPointer(rebasing: x[a.item]), UnsafeBufferPointer(rebasing: y[b.item]))
          return c != 0 ? c : compare(UnsafeBufferPointer(rebasing: x[a.warehouse]), UnsafeBufferPointer(rebasing: y[b.warehouse]))
        }
        var c = 0
        return .spliced(
          merge(
            header: o[...headerEnd], old: previous.map(\.range), from: o, fresh: fresh.map(\.range), from: r,
            dropped: { i in
              // Past the changed keys before the line's; the line goes when its key is the next changed one.
              while c < changed.count {
                let d = changedNames[c].0.withUnsafeBufferPointer { item in
                  changedNames[c].1.withUnsafeBufferPointer { warehouse in
                    let k = compare(UnsafeBufferPointer(rebasing: o[previous[i].item]), item)
                    return k != 0 ? k : compare(UnsafeBufferPointer(rebasing: o[previous[i].warehouse]), warehouse)
                  }
                }
                if d <= 0 { return d == 0 }
                c += 1
              }
              return false
            },
            precedes: { j, i in order(r, fresh[j], o, previous[i]) < 0 }))
      }
    }
  }

  /// Bytes compared as unsigned, the shorter first when one is the other's prefix: < 0, 0 or > 0.
  private static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let n = min(a.count, b.count)
    if n > 0 {
      let c = memcmp(a.baseAddress!, b.baseAddress!, n)
      if c != 0 { return Int(c) }
    }
    return a.count - b.count
  }

  /// The splice comparing keys as keys (a `StockKey` made of each line's first two fields).
  private static func byKeys(_ old: [UInt8], changed: Set<StockKey>, rows: [UInt8]) -> [UInt8]? {
    func keyed(_ bytes: [UInt8], from start: Int) -> [(key: StockKey, range: Range<Int>)]? {
      bytes.withUnsafeBufferPointer { b in
        lines(b, from: start, asciiKeys: false)?.map { l in
          (StockKey(item: InternedName(utf8: UnsafeBufferPointer(rebasing: b[l.item])), warehouse: InternedName(utf8: UnsafeBufferPointer(rebasing: b[l.warehouse]))), l.range)
        }
      }
    }
    guard let headerEnd = old.firstIndex(of: 10), let previous = keyed(old, from: headerEnd + 1), let fresh = keyed(rows, from: 0) else { return nil }
    return old.withUnsafeBufferPointer { o in
      rows.withUnsafeBufferPointer { r in
        merge(
          header: o[...headerEnd], old: previous.map(\.range), from: o, fresh: fresh.map(\.range), from: r,
          dropped: { changed.contains(previous[$0].key) }, precedes: { fresh[$0].key < previous[$1].key })
      }
    }
  }

  /// The header, then the old lines not `dropped` (asked in order) with the fresh rows merged in: each
  /// fresh row `j` before the first kept line `i` it `precedes`.
  /// - Complexity: O(lines + rows) calls and bytes copied.
  private static func merge(
    header: Slice<UnsafeBufferPointer<UInt8>>, old: [Range<Int>], from o: UnsafeBufferPointer<UInt8>, fresh: [Range<Int>], from r: UnsafeBufferPointer<UInt8>,
    dropped: (Int) -> Bool, precedes: (Int, Int) -> Bool
  ) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(o.count + r.count)
    out.append(contentsOf: UnsafeBufferPointer(rebasing: header))
    // Kept lines lie one after another: copied a run at a time, not line by line (a slice appended per line
    // was a third of splicing a report of 45,000 rows).
    var kept = 0..<0
    func flush() {
      if !kept.isEmpty { out.append(contentsOf: UnsafeBufferPointer(rebasing: o[kept])) }
      kept = 0..<0
    }
    var j = 0
    for i in old.indices where !dropped(i) {
      if j < fresh.count && precedes(j, i) {
        flush()
        while j < fresh.count && precedes(j, i) {
          out.append(contentsOf: UnsafeBufferPointer(rebasing: r[fresh[j]]))
          j += 1
        }
      }
      if kept.isEmpty || kept.upperBound != old[i].lowerBound {
        flush()
        kept = old[i]
      } else {
        kept = kept.lowerBound..<old[i].upperBound
      }
    }
    flush()
    while j < fresh.count {
      out.append(contentsOf: UnsafeBufferPointer(rebasing: r[fresh[j]]))
      j += 1
    }
    return out
  }
}
