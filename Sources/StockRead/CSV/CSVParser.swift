import StockCore

/// One CSV record: its fields and the 1-based line it starts on.
public struct CSVRecord: Sendable {
  public var line: Int
  public var fields: [String]
  public init(line: Int, fields: [String]) {
    self.line = line
    self.fields = fields
  }
  /// True when every field is empty (a blank line).
  public var isBlank: Bool { fields.allSatisfy(\.isEmpty) }
}

/// An RFC 4180 byte parser: quoted fields, doubled quotes, commas and newlines inside quotes, LF or CRLF
/// row ends, an optional UTF-8 BOM, and no final newline. Strict where RFC 4180 is: a quote inside an
/// unquoted field, text after a closing quote, an unterminated quote, invalid UTF-8 and NUL bytes are
/// errors with their line.
///
/// Written here rather than taken from a library: measured 20–60× faster than CSV.swift and SwiftCSV
/// (swift-notes §2).
public enum CSVParser {
  /// Parses a whole buffer.
  /// - Complexity: O(n) in the number of bytes.
  public static func parse(_ bytes: [UInt8], file: String) throws(Diagnostic) -> [CSVRecord] {
    var records: [CSVRecord] = []
    var error: Diagnostic?
    bytes.withUnsafeBufferPointer { buf in
      do throws(Diagnostic) {
        try forEachRecord(buf, file: file) { records.append($0) }
      } catch let err {
        error = err
      }
    }
    if let error { throw error }
    return records
  }

  /// Calls `body` with each record in order.
  /// - Complexity: O(n) in the number of bytes.
  /// - Parameter firstLine: the line number of the buffer's first line (a part of a larger file).
  public static func forEachRecord(
    _ buf: UnsafeBufferPointer<UInt8>, file: String, firstLine: Int = 1, _ body: (CSVRecord) -> Void
  ) throws(Diagnostic) {
    let n = buf.count
    var i = 0
    if n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }
    var line = firstLine
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    var fields: [String] = []
    var scratch: [UInt8] = []
    var recordLine = firstLine

    func text(_ slice: UnsafeBufferPointer<UInt8>, line: Int) throws(Diagnostic) -> String {
      // ASCII, which most fields are, is valid UTF-8 as it stands: the generic validation is only for the
      // rest (it cost a tenth of reading a file).
      var ascii = true
      for b in slice where b >= 0x80 { ascii = false; break }
      if ascii { return String(decoding: slice, as: UTF8.self) }
      guard let s = String(validating: slice, as: UTF8.self) else {
        throw Diagnostic(.encoding, at: SourceLocation(file: file, line: line), "the file is not valid UTF-8 here: save it as UTF-8 and drop it again")
      }
      return s
    }

    while i < n {
      recordLine = line
      fields.removeAll(keepingCapacity: true)
      // one record
      while true {
        if i < n && buf[i] == quote {
          // quoted field
          i += 1
          scratch.removeAll(keepingCapacity: true)
          var closed = false
          while i < n {
            let b = buf[i]
            if b == quote {
              if i + 1 < n && buf[i + 1] == quote {
                scratch.append(quote)
                i += 2
                continue
              }
              i += 1
              closed = true
              break
            }
            if b == 0 {
              throw Diagnostic(.encoding, at: SourceLocation(file: file, line: line), "the file contains a NUL byte: it is not a text CSV file")
            }
            if b == lf { line += 1 }
            scratch.append(b)
            i += 1
          }
          if !closed {
            throw Diagnostic(
              .csvSyntax, at: SourceLocation(file: file, line: recordLine),
              "a quoted field opened on this line is never closed: add the closing quote")
          }
          let s = try scratch.withUnsafeBufferPointer { (p) throws(Diagnostic) in try text(p, line: recordLine) }
          fields.append(s)
          if i < n && buf[i] != comma && buf[i] != lf && buf[i] != cr {
            throw Diagnostic(
              .csvSyntax, at: SourceLocation(file: file, line: line),
              "text follows a closing quote: quote the whole field and double any quote inside it")
          }
        } else {
          let start = i
          while i < n {
            let b = buf[i]
            if b == comma || b == lf || b == cr { break }
            if b == quote {
              throw Diagnostic(
                .csvSyntax, at: SourceLocation(file: file, line: line),
                "a quote inside an unquoted field: quote the whole field and double the quote")
            }
            if b == 0 {
              throw Diagnostic(.encoding, at: SourceLocation(file: file, line: line), "the file contains a NUL byte: it is not a text CSV file")
            }
            i += 1
          }
          fields.append(try text(UnsafeBufferPointer(rebasing: buf[start..<i]), line: line))
        }
        // delimiter or end of record
        if i >= n { break }
        if buf[i] == comma {
          i += 1
          continue
        }
        if buf[i] == cr {
          i += 1
          if i < n && buf[i] == lf { i += 1 }
          line += 1
          break
        }
        if buf[i] == lf {
          i += 1
          line += 1
          break
        }
      }
      body(CSVRecord(line: recordLine, fields: fields))
    }
  }

  // MARK: plain buffers

  /// Whether a buffer holds only what ``forEachPlainRecord(_:firstLine:_:)`` reads: ASCII, no quote, no
  /// NUL.
  /// - Complexity: O(n), one pass over the bytes (branch-free, so the compiler takes a vector at a time).
  public static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var seen: UInt8 = 0, quoteOrNul: UInt8 = 0
    for b in bytes {
      seen |= b
      quoteOrNul |= (b == 34 ? 1 : 0) | (b == 0 ? 1 : 0)
    }
    return seen < 0x80 && quoteOrNul == 0
  }

  /// Whether a CR ends a line without an LF after it (code that counts lines by LF would miss it).
  /// - Complexity: O(n), `memchr` from one CR to the next (``ByteScan/hasBareCR(_:)``).
  public static func hasBareCR(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { ByteScan.hasBareCR($0) }
  }

  /// How ``forEachRecordOverBytes(_:_:)`` read a buffer.
  public enum PlainReading: Sendable {
    /// Not plain (or it holds a CR): nothing was read; read it the general way.
    case notPlain
    /// Every record was handed over.
    case read
    /// It holds a blank record (a line of nothing, or of commas only), which the plain reading skips and
    /// the general one hands over: what was handed over is not every record; read it the general way.
    case blankRecords
  }

  /// ``forEachPlainRecord(_:firstLine:_:)`` over a buffer that is plain (``isPlain(_:)``) and has no CR,
  /// saying afterwards whether the records handed over were every line's (the committed files of the
  /// ledger and the head reports, which a damaged copy alone gives a blank line).
  /// - Complexity: O(n) in the number of bytes: the plainness, the reading, a count of the line breaks.
  public static func forEachRecordOverBytes(_ buf: UnsafeBufferPointer<UInt8>, _ body: (_ line: Int, _ bounds: UnsafeBufferPointer<Int>) -> Void) -> PlainReading {
    guard isPlain(buf), !ByteScan.contains(13, in: buf) else { return .notPlain }
    var records = 0
    forEachPlainRecord(buf) { line, bounds in
      records += 1
      body(line, bounds)
    }
    let lines = ByteScan.count(10, in: buf) + (buf.last.map { $0 == 10 ? 0 : 1 } ?? 0)
    return records == lines ? .read : .blankRecords
  }

  /// Calls `body` with each non-blank record of a plain buffer (``isPlain(_:)``) and the line it starts on,
  /// its fields as byte ranges: field k is `bounds[2k]..<bounds[2k + 1]`. The records, fields and lines are
  /// those of ``forEachRecord(_:file:firstLine:_:)`` on the same bytes — this is its unquoted branch, with
  /// no string per field and nothing that can fail (a plain buffer has no quote, NUL or invalid UTF-8).
  /// - Complexity: O(n) in the number of bytes.
  public static func forEachPlainRecord(
    _ buf: UnsafeBufferPointer<UInt8>, firstLine: Int = 1, _ body: (_ line: Int, _ bounds: UnsafeBufferPointer<Int>) -> Void
  ) {
    let comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    guard let base = buf.baseAddress else { return }
    let n = buf.count
    // The bounds of a record's fields in memory of their own, grown when a record has more fields than it
    // holds: through an array, each field's two bounds were two appends, each checking the array's
    // uniqueness and capacity (a third of this loop's instructions).
    var capacity = 64
    var bounds = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    defer { bounds.deallocate() }
    var i = 0, line = firstLine
    while i < n {
      let recordLine = line
      var count = 0
      var blank = true
      // A comma ends a field and is always followed by one (empty at the end of the buffer); CR, LF or
      // CRLF end the record.
      while true {
        let start = i
        // Comma, LF and CR are all below `-` (0x2D), as is no digit, letter, `-`, `.` or `:`. Eight bytes
        // at a time, the first byte below it found at once (ASCII: a byte's high bit is set in
        // `(w - 0x2D…) & ~w` exactly where the first such byte is; those after it may be false alarms),
        // then compared exactly (a space, mostly, is read past); the last few one at a time.
        scan: do {
          while i &+ 8 <= n {
            let w = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let below = (w &- 0x2D2D_2D2D_2D2D_2D2D) & ~w & 0x8080_8080_8080_8080
            if below == 0 {
              i &+= 8
              continue
            }
            i &+= below.trailingZeroBitCount >> 3
            let b = base[i]
            if b == comma || b == lf || b == cr { break scan }
            i &+= 1
          }
          while i < n {
            let b = base[i]
            if b < 0x2D && (b == comma || b == lf || b == cr) { break }
            i &+= 1
          }
        }
        if count &+ 2 > capacity {
          let grown = UnsafeMutablePointer<Int>.allocate(capacity: 2 * capacity)
          grown.moveInitialize(from: bounds, count: count)
          bounds.deallocate()
          bounds = grown
          capacity *= 2
        }
        bounds[count] = start
        bounds[count &+ 1] = i
        count &+= 2
        if i > start { blank = false }
        if i >= n { break }
        if base[i] == comma {
          i &+= 1
          continue
        }
        if base[i] == cr {
          i &+= 1
          if i < n && base[i] == lf { i &+= 1 }
        } else {
          i &+= 1
        }
        line &+= 1
        break
      }
      if !blank { body(recordLine, UnsafeBufferPointer(start: bounds, count: count)) }
    }
  }
}
