import StockCore
import StockRead
import CSystem

#if canImport(Glibc)
  import Glibc
#endif

extension LedgerStore {
  /// What the ledger holds of a few posted vouchers, found in the committed files without loading them.
  public struct StoredLines: Sendable {
    /// Their stock entries as the ledger holds them now (each entry's latest version; entries a run
    /// cancelled left out), by ``LedgerContents/entryKey(_:_:)``.
    public var entries: [String: StockLedgerEntry] = [:]
    /// Their GL lines in ledger order: each voucher's lines as first posted, then every adjustment line a
    /// later run added.
    public var gl: [GLEntry] = []
    public init() {}
  }

  /// The stock entries and GL lines of the posted vouchers `numbers`, read from every run's `stock.csv` and
  /// `gl.csv` as ``load(tolerant:light:)`` would read them (the latest version of an entry wins, a
  /// cancelled one is left out), for a run that changes only those vouchers' part of the ledger (a
  /// cancellation). The files are read a part at a time and searched for each number as its field is
  /// written (`memmem`); only the lines that hold it are parsed; their hashes are not checked (the
  /// snapshot's fingerprint vouches for the files, as for the rest of such a run).
  /// - Returns: nil when a number would be written quoted or guarded (a comma, quote, line break, or a
  ///   leading `=`, `+`, `-`, `@`: not searched for as it is), or a committed file cannot be read.
  /// - Complexity: O(min(numbers, 4) × bytes of the committed stock and GL files) searched; memory
  ///   O(their lines) and a part of 8 MB.
  /// - Parameters:
  ///   - part: bytes read at a time (tests make it small, so that lines straddle the parts).
  ///   - entries: false: their GL lines only (the stock files are not searched).
  public func storedLines(of numbers: Set<String>, part: Int = LedgerStore.searchedPart, entries: Bool = true) -> StoredLines? {
    guard LedgerStore.searchable(numbers) else { return nil }
    var found = StoredLines()
    // (Made once: made for every part of every file, a part of a million numbers was 50 million inserts.)
    let wanted = Wanted(numbers)
    let complete = forEachCommittedFile { _, dir, name in
      guard (entries && name == "stock.csv") || name == "gl.csv" else { return true }
      return LedgerStore.search(dir + "/" + name, for: wanted, part: part, into: &found, stock: name == "stock.csv")
    }
    return complete ? found : nil
  }

  /// The posted vouchers `numbers` (their submitted versions) as the ledger's `vouchers.csv` files hold
  /// them, found without loading the ledger: each file read a part at a time, and only the parts that hold
  /// one of the numbers (`memmem`) parsed. For a cancellation of a voucher that moves no stock (an invoice),
  /// whose items the run needs to find its part of the history.
  /// - Returns: the vouchers by number (a number not found is missing); nil when a number would be written
  ///   quoted or guarded, or a file cannot be read.
  /// - Complexity: O(bytes of the committed voucher files) searched; memory O(a part).
  public func storedVouchers(of numbers: Set<String>, part: Int = LedgerStore.searchedPart) -> [String: Voucher]? {
    guard LedgerStore.searchable(numbers) else { return nil }
    let needles = numbers.map { Array($0.utf8) }
    var found: [String: Voucher] = [:]
    let complete = forEachCommittedFile { _, dir, name in
      guard name == "vouchers.csv" else { return true }
      let path = dir + "/" + name
      return LedgerStore.forEachRecordAfterHeader(ofFileAt: path, part: part) { header, records, line in
        guard LedgerStore.holds(records, needles) else { return }
        // (A voucher whose rows straddle two parts is read from each, its rows merged by their lines.)
        for v in CSVVoucherReader.read(records: records, after: header, firstLine: line, file: path).vouchers where v.action == .submit && numbers.contains(v.no) {
          guard var known = found[v.no] else {
            found[v.no] = v
            continue
          }
          for r in v.items where !known.items.contains(where: { $0.line == r.line }) { known.items.append(r) }
          found[v.no] = known
        }
      } != nil
    }
    return complete ? found : nil
  }

  /// Whether every number is written as it is (no quote, comma or line break, no leading `=`, `+`, `-` or
  /// `@` that the writer guards), so that it can be searched for as it is.
  static func searchable(_ numbers: Set<String>) -> Bool {
    numbers.allSatisfy { no in
      guard let first = no.utf8.first, !no.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return false }
      return ![UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@")].contains(first)
    }
  }

  /// The numbers searched for: as text, and, past a few, as the set each line's number is looked up in.
  struct Wanted {
    let numbers: Set<String>
    let set: Set<VoucherNumber>
    init(_ numbers: Set<String>) {
      self.numbers = numbers
      set = numbers.count <= LedgerStore.searchedOneByOne ? [] : Set(numbers.map(VoucherNumber.init))
    }
  }

  /// Searches one committed file a part at a time (``lines(in:skippingHeader:holding:file:into:stock:)``);
  /// false when it cannot be read.
  static func search(_ path: String, for numbers: Wanted, part: Int, into found: inout StoredLines, stock: Bool) -> Bool {
    // (Read a part at a time, whole lines searched: mapped, every page of the history's files was counted
    // in the run's memory, a million vouchers' 150 MB.)
    FileBytes.forEachLines(ofFileAt: path, part: part) { lines, atStart in
      LedgerStore.lines(in: lines, skippingHeader: atStart, holding: numbers, file: path, into: &found, stock: stock)
    }
  }

  /// Up to this many numbers are searched for one by one (`memmem`, faster than reading each line's number
  /// while there are few); more, in one pass over the lines.
  static let searchedOneByOne = 4

  /// Bytes of a committed file searched at a time by ``storedLines(of:)``.
  public static let searchedPart = 8 << 20

  /// Adds the lines of `buf` (whole lines of a run's `stock.csv` or `gl.csv`; with `skippingHeader`, its
  /// start) whose voucher number is one of `numbers`, in file order; false when such a line cannot be read.
  static func lines(in buf: UnsafeBufferPointer<UInt8>, skippingHeader: Bool, holding wanted: Wanted, file: String, into found: inout StoredLines, stock: Bool) -> Bool {
    let numbers = wanted.numbers
    guard let base = buf.baseAddress, buf.count > 0 else { return true }
    let n = buf.count
    // The starts of the lines that may hold one of the numbers: for a few numbers, where one stands as a
    // whole field (`memmem`, a pass each); for more, every line whose voucher number field (the fourth of
    // a stock line, the third of a GL line: those before it are dates, times and types, never quoted) is
    // one of them (one pass). Parsed below in file order, and kept only if the number is the voucher's.
    var starts: Set<Int> = []
    if numbers.count <= LedgerStore.searchedOneByOne {
      for no in numbers {
        let needle = Array(no.utf8)
        var from = 0
        while from < n, let hit = memmem(base + from, n - from, needle, needle.count) {
          let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
          from = at + 1
          guard at > 0, base[at - 1] == 44, at + needle.count < n, base[at + needle.count] == 44 else { continue }
          var s = at
          while s > 0 && base[s - 1] != 10 { s -= 1 }
          starts.insert(s)
        }
      }
    } else {
      let wanted = wanted.set
      let before = stock ? 3 : 2
      var s = 0
      while s < n {
        var e = s
        while e < n && base[e] != 10 { e += 1 }
        var i = s, commas = 0
        while i < e && commas < before {
          if base[i] == 44 { commas += 1 }
          i += 1
        }
        var j = i
        while j < e && base[j] != 44 { j += 1 }
        if commas == before, wanted.contains(VoucherNumber(utf8: UnsafeBufferPointer(rebasing: buf[i..<j]))) { starts.insert(s) }
        s = e + 1
      }
    }
    for s in starts.sorted() where s > 0 || !skippingHeader {  // (the header is not a line of the ledger)
      var e = s
      while e < n && base[e] != 10 { e += 1 }
      var record: CSVRecord?
      do throws(Diagnostic) {
        try CSVParser.forEachRecord(UnsafeBufferPointer(rebasing: buf[s..<e]), file: file) { if record == nil { record = $0 } }
      } catch { return false }
      guard let fields = record?.fields else { return false }
      if stock {
        guard fields.count == LedgerFormat.stockFileColumns.count, let entry = LedgerFormat.parseStock(Array(fields.dropLast())) else { return false }
        guard numbers.contains(entry.voucherNo) else { continue }
        let key = LedgerContents.entryKey(entry.voucherNo, entry.index)
        if fields.last == "1" { found.entries.removeValue(forKey: key) } else { found.entries[key] = entry }
      } else {
        guard let line = LedgerFormat.parseGL(fields) else { return false }
        if numbers.contains(line.voucherNo) { found.gl.append(line) }
      }
    }
    return true
  }
}
