#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The lines of a voucher file's vouchers and rows (its elements at depth 1 and 2, the root being 0) from
/// line ``XMLVoucherReader/exactLines`` on, where libxml2 keeps no node's own line (it stores 16 bits, and
/// gives 65,535 for every node past them): found by a scan of the file's bytes, in the order the reader
/// meets the elements, each on the line its start tag ends on (where libxml2 places a node it can place).
///
/// Without them a voucher past that line was placed at the parser's position, which runs ahead of the
/// node by up to a buffer (an unknown item reported on line 119,979 for 119,971), and the schema's errors
/// there, which libxml2 places exactly, named no voucher.
///
/// The scan knows as much XML as finding elements needs: comments, CDATA sections, processing
/// instructions, declarations, and quoted attribute values (which may hold `>`). A file that is not
/// well-formed may be scanned wrongly; libxml2 rejects it then, and its errors name no voucher.
struct XMLElementLines {
  private enum State {
    case text
    /// After `<`.
    case open
    /// After `<!`.
    case bang
    /// In a comment, after `<!-`: how many `-` were last.
    case comment(dashes: Int)
    /// In a CDATA section, after `<![`: how many `]` were last.
    case cdata(brackets: Int)
    /// In a processing instruction: whether `?` was last.
    case instruction(question: Bool)
    /// In a declaration (`<!` not a comment or CDATA), to its `>`.
    case declaration
    /// In a start tag: the quote of the attribute value it is in (0: none), whether `/` was the last byte
    /// outside one.
    case startTag(quote: UInt8, slash: Bool)
    case endTag
  }

  private var state = State.text
  /// The line being scanned (from 1).
  private var line = 1
  /// The depth of the next element begun (the root's is 0).
  private var depth = 0
  /// How many elements at depth 1 and 2 were met before the first one recorded in `lines`.
  private(set) var skipped = 0
  /// The line of each element at depth 1 and 2 from the first whose start tag ends on or past `from`.
  private(set) var lines: [Int32] = []
  private let from: Int

  /// Where a file may be cut in two, for its halves to be read on two threads (``XMLVoucherReader``): before
  /// the first element under the root whose start tag begins at or after byte ``splitFrom`` with only
  /// blanks before it on its line: where that line starts, its number, and how many elements at depth 1 and
  /// 2 come before it.
  struct Split: Equatable {
    var offset: Int
    var line: Int
    var ordinal: Int
  }
  private(set) var split: Split?
  private let splitFrom: Int
  /// The root's start tag: the offset of its `<`, and of the byte after its `>`.
  private(set) var rootStart: Int?
  private(set) var rootEnd: Int?
  /// Bytes scanned before the current ``scan(_:)``.
  private var consumed = 0
  /// The last byte scanned before the current ``scan(_:)`` (a line feed before the first).
  private var lastByte: UInt8 = 10
  /// Where the line of the `<` last met starts, when only blanks come before it on its line (kept for a `<`
  /// at or past ``splitFrom`` while no split is found: the only ones the split asks about).
  private var lineStart: Int?
  /// Whether a carriage return not followed by a line feed was met: the scan counts lines by line feeds,
  /// and a file is cut only where its lines end in line feeds (or CRLF).
  private(set) var loneCarriageReturn = false

  /// Records the elements whose start tags end on line `from` or later (those before are counted), and
  /// the first element under the root from byte `splitFrom` on (none looked for by default).
  init(from: Int = XMLVoucherReader.exactLines, splitFrom: Int = .max) {
    self.from = from
    self.splitFrom = splitFrom
  }

  /// The bytes of `w` equal to `byte`, as their high bits: exact up to the lowest one (a byte above it may
  /// be marked too), which is all a search for the next needs.
  @inline(__always) static func bytes(of w: UInt64, equalTo byte: UInt64) -> UInt64 {
    let x = w ^ (byte &* 0x0101_0101_0101_0101)
    return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
  }

  /// The line of the `ordinal`-th element at depth 1 and 2 (from 0, in document order), if recorded.
  /// - Complexity: O(1).
  func line(ofElement ordinal: Int) -> Int? {
    let i = ordinal - skipped
    return i >= 0 && i < lines.count ? Int(lines[i]) : nil
  }

  /// Scans the next bytes of the file.
  /// - Complexity: O(bytes): text between tags skipped with `memchr` and its lines counted sixteen bytes a
  ///   step (``ByteScan/count(_:in:)``); start tags eight bytes a step; other markup byte by byte.
  mutating func scan(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
    var state = self.state
    var line = self.line
    defer { (self.state, self.line) = (state, line) }
    var p = base
    let end = base + bytes.count
    let consumed = self.consumed, previous = self.lastByte
    defer {
      self.consumed += bytes.count
      if let last = bytes.last { self.lastByte = last }
    }
    if splitFrom < .max && !loneCarriageReturn {
      // (Only a file that may be cut: a pass of `memchr` over bytes that hold no carriage return.)
      var q = UnsafeRawPointer(base)
      if previous == 13 && base.pointee != 10 { loneCarriageReturn = true }
      while let cr = memchr(q, 13, end - q.assumingMemoryBound(to: UInt8.self)) {
        let next = cr + 1
        if next < UnsafeRawPointer(end) && next.load(as: UInt8.self) != 10 { loneCarriageReturn = true }
        q = UnsafeRawPointer(next)
      }
    }
    /// Moves `p` past the next `byte` (to the end when there is none), counting the lines skipped.
    /// - Returns: whether it was found.
    func skip(to byte: UInt8) -> Bool {
      let found = memchr(p, Int32(byte), end - p).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
      let stop = found ?? end
      line += ByteScan.count(10, in: UnsafeBufferPointer(start: p, count: stop - p))
      p = found.map { $0 + 1 } ?? end
      return found != nil
    }
    outer: while p < end {
      switch state {
      case .text:
        if skip(to: 60) {  // <
          state = .open
          // Where its line starts, when only blanks (spaces, tabs) come before it on it (looked for in
          // these bytes, or at their start after a line feed): only for a `<` where the cut is still looked
          // for (the split's test below asks no other), not for every element of every file.
          if split == nil && consumed + (p - 1 - base) >= splitFrom {
            var q = p - 2
            while q >= base && (q.pointee == 32 || q.pointee == 9) { q -= 1 }
            if q >= base {
              lineStart = q.pointee == 10 ? consumed + (q + 1 - base) : nil
            } else {
              lineStart = previous == 10 ? consumed : nil
            }
          }
        }
        continue
      case var .startTag(quote, slash):
        // (Most of a voucher file is in its start tags: in a loop of their own, eight bytes at a time to the
        // next that matters — outside quotes `"`, `'`, `>`, `/` and a line feed, inside them the quote and a
        // line feed —, that one byte by byte. Byte by byte throughout, the scan took longer than libxml2's
        // schema validation of a 100 MB file's attributes.)
        while p < end {
          while end - p >= 8 {
            let w = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
            let hits = quote != 0
              ? Self.bytes(of: w, equalTo: UInt64(quote)) | Self.bytes(of: w, equalTo: 10)
              : Self.bytes(of: w, equalTo: 34) | Self.bytes(of: w, equalTo: 39) | Self.bytes(of: w, equalTo: 62)
                | Self.bytes(of: w, equalTo: 47) | Self.bytes(of: w, equalTo: 10)
            let skipped = hits == 0 ? 8 : hits.trailingZeroBitCount >> 3
            if skipped > 0 && quote == 0 { slash = false }  // the bytes passed over are none of `/`
            p += skipped
            if hits != 0 { break }
          }
          guard p < end else { break }
          let b = p.pointee
          p += 1
          if quote != 0 {
            if b == quote { quote = 0 } else if b == 10 { line += 1 }
            continue
          }
          switch b {
          case 34, 39: quote = b  // " '
          case 62:  // >
            if depth == 1 || depth == 2 {
              if line >= from { lines.append(Int32(clamping: line)) } else { skipped += 1 }
            }
            if !slash {
              if depth == 0 && rootEnd == nil { rootEnd = consumed + (p - base) }
              depth += 1
            }
            state = .text
            continue outer
          case 47:  // /
            slash = true
            continue
          case 10: line += 1
          default: break
          }
          slash = false
        }
        state = .startTag(quote: quote, slash: slash)
        continue
      default: break
      }
      let b = p.pointee
      p += 1
      if b == 10 { line += 1 }
      switch state {
      case .text, .startTag: break
      case .open:
        switch b {
        case 33: state = .bang  // !
        case 63: state = .instruction(question: false)  // ?
        case 47: state = .endTag  // /
        default:
          state = .startTag(quote: 0, slash: false)
          // (The `<` is the byte before this one, perhaps at the end of the bytes scanned before.)
          let at = consumed + (p - base) - 2
          if depth == 0 && rootStart == nil { rootStart = at }
          // (Cut at its line's start: the second half's lines then begin as the file's, and so do their columns.)
          if depth == 1 && split == nil && at >= splitFrom, let lineStart {
            split = Split(offset: lineStart, line: line, ordinal: skipped + lines.count)
          }
        }
      case .bang:
        switch b {
        case 45: state = .comment(dashes: 0)  // -
        case 91: state = .cdata(brackets: 0)  // [
        default: state = .declaration
        }
      case let .comment(dashes):
        state = b == 45 ? .comment(dashes: dashes + 1) : (b == 62 && dashes >= 2 ? .text : .comment(dashes: 0))
      case let .cdata(brackets):
        state = b == 93 ? .cdata(brackets: brackets + 1) : (b == 62 && brackets >= 2 ? .text : .cdata(brackets: 0))
      case let .instruction(question):
        state = b == 62 && question ? .text : .instruction(question: b == 63)
      case .declaration:
        if b == 62 { state = .text }
      case .endTag:
        if b == 62 {
          depth -= 1
          state = .text
        }
      }
    }
  }
}
