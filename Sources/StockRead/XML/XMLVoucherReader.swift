import CLibXML2
import CSystem
import StockCore

#if canImport(Glibc)
  import Glibc
#endif

/// Reads the XML voucher layout (SPEC §4.2) with libxml2: a guard pass that refuses DOCTYPE, entity
/// declarations and XInclude before any parsing, then one streaming pass (`xmlTextReader`) that validates
/// against `Schemas/vouchers.xsd` while it reads. Memory stays bounded by one voucher, whatever the file size.
/// Nothing in a file is used unless the whole file is valid.
public enum XMLVoucherReader {
  /// Files above this size are refused (1 GiB).
  public static let maxFileSize = 1 << 30
  /// Elements nest at most this deep (`vouchers/voucher/item/serial_no` is 4).
  public static let maxDepth = 6

  /// A compiled XSD, shared read-only by every read of a run.
  public final class Schema: @unchecked Sendable {
    let pointer: xmlSchemaPtr
    /// Compiles an XSD given as text (by default the one built in, `Schemas/vouchers.xsd`).
    public init(text: String = XMLVoucherReader.embeddedSchema) throws(Diagnostic) {
      xmlInitParser()
      var bytes = Array(text.utf8)
      let schema: xmlSchemaPtr? = bytes.withUnsafeMutableBufferPointer { p in
        guard let base = p.baseAddress else { return nil }
        let chars = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
        guard let ctxt = xmlSchemaNewMemParserCtxt(chars, Int32(p.count)) else { return nil }
        defer { xmlSchemaFreeParserCtxt(ctxt) }
        return xmlSchemaParse(ctxt)
      }
      guard let schema else {
        throw Diagnostic(.unreadableFile, at: SourceLocation(file: "Schemas/vouchers.xsd", line: 0), "the XML schema does not compile")
      }
      pointer = schema
    }
    deinit { xmlSchemaFree(pointer) }
  }

  /// Lines below which a node's line is its own: libxml2 keeps it in 16 bits, and past them gives 65,535.
  static let exactLines = 65_535

  /// Files from this size on are read in two halves on two threads when they are valid
  /// (``read(path:name:schema:splitFrom:)``).
  public static let splitSize = 8 << 20

  /// Reads one file; every problem is a diagnostic of the file (an invalid XML file posts nothing).
  ///
  /// A file of `splitFrom` bytes or more is cut in two before the first voucher that begins past its middle,
  /// and each half read as a document of its own on a thread of its own: the first closed with the root's
  /// end tag, the second after the file's bytes up to the root's start tag and as many line feeds as put
  /// its vouchers on their lines in the file. The vouchers are those of one pass over the file when both
  /// halves are valid; when either has a problem, the file is read again in one pass, whose diagnostics are
  /// the file's (a half's would not be: an error may end the one pass before the other half).
  public static func read(path: String, name: String, schema: Schema, splitFrom: Int = splitSize) -> VoucherFile {
    var result = VoucherFile(name: name)
    var size = stat()
    let halves = stat(path, &size) == 0 && Int(size.st_size) >= splitFrom
    var elementLines = XMLElementLines(splitFrom: halves ? Int(size.st_size) / 2 : .max)
    if let d = guardHostile(path: path, name: name, lines: &elementLines) {
      result.diagnostics = [d]
      return result
    }
    if halves, let (first, second) = readInHalves(path: path, name: name, schema: schema, lines: elementLines, size: Int(size.st_size)) {
      return assemble(first.builders + second.builders, into: result)
    }
    let pass: Pass
    switch run(name: name, schema: schema, lines: elementLines, firstOrdinal: 0, open: { options in xmlReaderForFile(path, nil, options) }) {
    case .success(let p): pass = p
    case .failure(let d):
      result.diagnostics = [d]
      return result
    }
    if let problems = problems(of: pass, name: name) {
      result.diagnostics = problems
      return result
    }
    return assemble(pass.builders, into: result)
  }

  /// The file's diagnostics from one pass over it when it is not a valid document (a syntax error, the
  /// schema's errors — each named by the voucher whose lines it falls in —, or the reader's own); nil when
  /// it is valid.
  private static func problems(of pass: Pass, name: String) -> [Diagnostic]? {
    let box = pass.box
    if pass.status < 0 && box.diagnostics.isEmpty {
      box.diagnostics.append(Diagnostic(.xmlSyntax, at: SourceLocation(file: name, line: pass.parserLine), "the document is not well-formed or ends early (truncated?): send the complete file again"))
    }
    guard !box.diagnostics.isEmpty || !pass.valid else { return nil }
    if box.diagnostics.isEmpty {
      box.diagnostics.append(Diagnostic(.xmlSchema, at: SourceLocation(file: name, line: 0), "the file does not validate against Schemas/vouchers.xsd"))
    }
    let (starts, builders) = (pass.starts, pass.builders)
    return box.diagnostics.map { d in
      var d = d
      // (The schema's errors only: they are on a node's line, as the starts are; a syntax error may be
      // in the first line of a start tag that ends on the next.)
      guard d.voucherNo.isEmpty, d.code == .xmlSchema, d.location.line < pass.startsEndAt else { return d }
      // The last element begun on or before the error's line (a file may have an error per voucher).
      var (low, high) = (0, starts.count)
      while low < high {
        let mid = (low + high) / 2
        if Int(starts[mid].line) <= d.location.line { low = mid + 1 } else { high = mid }
      }
      if low > 0, case let k = Int(starts[low - 1].builder), k >= 0 {
        d.voucherNo = builders[k].voucher?.no ?? builders[k].diagnostics.first?.voucherNo ?? ""
      }
      return d
    }
  }

  /// The vouchers of a valid file's builders, with their own diagnostics and the rows read.
  private static func assemble(_ builders: [VoucherBuilder], into result: VoucherFile) -> VoucherFile {
    var result = result
    for b in builders {
      if !b.diagnostics.isEmpty { result.diagnostics += b.diagnostics }  // (as the CSV reader's `takeVouchers`)
      if let v = b.voucher { result.vouchers.append(v) }
      result.rowCount += (b.voucher?.items.count ?? 0) + (b.voucher?.taxes.count ?? 0) + (b.voucher?.additionalCosts.count ?? 0)
    }
    return result
  }

  /// The two halves of the file at the scan's ``XMLElementLines/split`` read on two threads, when both are
  /// valid documents without a problem libxml2 reports; nil otherwise (no place to cut, a half not valid).
  static func readInHalves(path: String, name: String, schema: Schema, lines: XMLElementLines, size: Int) -> (Pass, Pass)? {
    guard let split = lines.split, !lines.loneCarriageReturn, let rootStart = lines.rootStart, let rootEnd = lines.rootEnd, rootEnd <= split.offset else { return nil }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    // The bytes before the first voucher of the second half (the declaration, the root's start tag), and
    // the root's name, to its first blank, `/` or `>`.
    var prolog = [UInt8](repeating: 0, count: rootEnd)
    guard prolog.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, rootEnd, 0) }) == rootEnd else { return nil }
    let nameBytes = prolog[(rootStart + 1)...].prefix { ![9, 10, 13, 32, 47, 62].contains($0) }
    let feeds = split.line - 1 - prolog.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    // An encoding whose bytes are ASCII's for markup (the file begins with `<`, after UTF-8's byte-order
    // mark if any): the line feeds and the end tag put in are then what they say.
    let first = prolog.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    guard !nameBytes.isEmpty, feeds >= 0, prolog.count > first, prolog[first] == 60 else { return nil }
    let halves: [[DocumentSource.Segment]] = [
      [.file(0..<split.offset), .bytes(Array("</".utf8) + nameBytes + [62])],
      [.bytes(prolog + [UInt8](repeating: 10, count: feeds)), .file(split.offset..<size)],
    ]
    let passes = Parallel.map([0, 1], minimum: 2) { half -> Pass? in
      let source = DocumentSource(path: path, segments: halves[half])
      // (The reader's callbacks hold the source unretained: kept alive until the pass is done.)
      let opened = withExtendedLifetime(source) {
        run(name: name, schema: schema, lines: lines, firstOrdinal: half == 0 ? 0 : split.ordinal) { options in source.reader(options: options) }
      }
      guard case .success(let p) = opened, p.status == 0, p.valid, p.box.diagnostics.isEmpty, p.startsEndAt == .max, source.failed == false else { return nil }
      return p
    }
    guard let first = passes[0], let second = passes[1] else { return nil }
    return (first, second)
  }

  /// What one streaming pass over a document (the file, or a half of it) gives.
  struct Pass: @unchecked Sendable {
    /// libxml2's errors, and the reader's own (elements nested too deep).
    let box: ErrorBox
    var builders: [VoucherBuilder] = []
    /// Where each element under the root begins (its node's line, its start tag's last) and, for a voucher,
    /// its builder: an element's lines run to the next one's, and the schema's errors (libxml2 gives the
    /// line, not the voucher) name the voucher whose lines they fall in. In line order (8 bytes an element:
    /// a 100 MB file has 460k vouchers).
    var starts: [(line: Int32, builder: Int32)] = []
    /// Past the last element with a known line, when one under the root has none (the scan found fewer
    /// elements than the reader: a file not well-formed there): the schema's errors from there on name no
    /// voucher, rather than perhaps the one before it.
    var startsEndAt = Int.max
    /// The reader's last status: 0 at the end of a document, negative after an error that ended it.
    var status: Int32 = 1
    /// Whether the document validated against the schema.
    var valid = false
    /// The parser's line where the pass ended.
    var parserLine = 0
  }

  /// One pass over the document the reader `open` makes (given the parser's options), validated against
  /// `schema`; the elements under the root are numbered from `firstOrdinal` (for their lines in `lines`).
  private static func run(
    name: String, schema: Schema, lines elementLines: XMLElementLines, firstOrdinal: Int, open: (Int32) -> xmlTextReaderPtr?
  ) -> Result<Pass, Diagnostic> {
    let box = ErrorBox(file: name)
    let context = Unmanaged.passUnretained(box).toOpaque()
    let options = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_NOBLANKS.rawValue)
    // The validation context must outlive the reader, which unplugs it when freed: create it first.
    guard let vctxt = xmlSchemaNewValidCtxt(schema.pointer) else {
      return .failure(Diagnostic(.unreadableFile, at: SourceLocation(file: name, line: 0), "cannot start schema validation"))
    }
    defer { xmlSchemaFreeValidCtxt(vctxt) }
    guard let reader = open(options) else {
      return .failure(Diagnostic(.unreadableFile, at: SourceLocation(file: name, line: 0), "the file cannot be opened for reading"))
    }
    defer { xmlFreeTextReader(reader) }
    xmlTextReaderSetStructuredErrorHandler(reader, collectError, context)
    xmlSchemaSetValidStructuredErrors(vctxt, collectError, context)
    if xmlTextReaderSchemaValidateCtxt(reader, vctxt, 0) != 0 {
      return .failure(Diagnostic(.unreadableFile, at: SourceLocation(file: name, line: 0), "cannot start schema validation"))
    }

    var pass = Pass(box: box)
    var names = InternedNameLocalCache()
    var voucherRow: RawVoucherRow?
    var row: RawVoucherRow?
    var serials: [String] = []
    var inSerial = false
    var serialText = ""
    // How many elements at depth 1 and 2 the reader has begun (their lines past ``exactLines`` are in
    // `elementLines`, in this order).
    var ordinal = firstOrdinal
    while true {
      pass.status = xmlTextReaderRead(reader)
      if pass.status != 1 { break }
      let depth = Int(xmlTextReaderDepth(reader))
      let type = xmlTextReaderNodeType(reader)
      // The node's own line where libxml2 keeps it (the parser's position is read ahead of the node the
      // reader is on, by as much as the whole of a small file: every voucher was placed on its last line);
      // past it, a voucher's or row's as the scan found it, else the parser's line, near the node.
      var exact = nodeLine(reader)
      if type == 1 && (depth == 1 || depth == 2) {
        if exact == nil { exact = elementLines.line(ofElement: ordinal) }
        ordinal += 1
      }
      let line = exact ?? Int(xmlTextReaderGetParserLineNumber(reader))
      let column = exact == nil ? Int(xmlTextReaderGetParserColumnNumber(reader)) : nil
      if depth > maxDepth {
        box.diagnostics.append(Diagnostic(.xmlStructure, at: SourceLocation(file: name, line: line, column: column), "elements nest deeper than \(maxDepth) levels: the file is not a voucher file"))
        break
      }
      let local = text(xmlTextReaderConstLocalName(reader))
      switch type {
      case 1:  // element
        let empty = xmlTextReaderIsEmptyElement(reader) == 1
        let loc = SourceLocation(file: name, line: line, column: column, element: local)
        switch (depth, local) {
        case (1, "voucher"):
          var r = RawVoucherRow(location: loc)
          readAttributes(reader, into: &r)
          voucherRow = r
          pass.builders.append(VoucherBuilder(first: r))
          if let exact {
            pass.starts.append((Int32(exact), Int32(clamping: pass.builders.count - 1)))
          } else {
            pass.startsEndAt = min(pass.startsEndAt, Int(pass.starts.last?.line ?? 0) + 1)
          }
        case (2, "item"), (2, "tax"), (2, "additional_cost"):
          var r = voucherRow ?? RawVoucherRow(location: loc)
          r.location = loc
          r[.rowType] = local == "item" ? "item" : local
          readAttributes(reader, into: &r)
          serials = []
          if empty { finish(&r, serials: [], into: &pass.builders, names: &names) } else { row = r }
        case (3, "serial_no"):
          inSerial = !empty
          serialText = ""
        case (1, _):
          if let exact { pass.starts.append((Int32(exact), -1)) } else { pass.startsEndAt = min(pass.startsEndAt, Int(pass.starts.last?.line ?? 0) + 1) }
        default: break
        }
      case 3, 4:  // text, CDATA
        if inSerial { serialText += text(xmlTextReaderConstValue(reader)) }
      case 15:  // end element
        if local == "serial_no" && inSerial {
          serials.append(serialText.trimmingSpaces)
          inSerial = false
        } else if depth == 2, var r = row {
          finish(&r, serials: serials, into: &pass.builders, names: &names)
          row = nil
        }
      default: break
      }
    }
    pass.valid = xmlTextReaderIsValid(reader) == 1
    pass.parserLine = Int(xmlTextReaderGetParserLineNumber(reader))
    return .success(pass)
  }

  static func finish(_ r: inout RawVoucherRow, serials: [String], into builders: inout [VoucherBuilder], names: inout InternedNameLocalCache) {
    if !serials.isEmpty {
      if !r[.serialNos].isEmpty {
        builders[builders.count - 1].diagnostics.append(Diagnostic(.badValue, at: r.location, voucher: r[.voucherNo], field: "serial_nos", "give serial numbers either as serial_nos or as <serial_no> children, not both"))
      }
      r[.serialNos] = serials.joined(separator: ";")
    }
    if !builders.isEmpty { builders[builders.count - 1].add(r, names: &names) }
  }

  static func readAttributes(_ reader: xmlTextReaderPtr, into row: inout RawVoucherRow) {
    guard xmlTextReaderMoveToFirstAttribute(reader) == 1 else { return }
    repeat {
      let name = text(xmlTextReaderConstLocalName(reader))
      if let c = VoucherColumn(rawValue: name) { row[c] = text(xmlTextReaderConstValue(reader)) }
    } while xmlTextReaderMoveToNextAttribute(reader) == 1
    xmlTextReaderMoveToElement(reader)
  }

  static func text(_ p: UnsafePointer<xmlChar>?) -> String {
    guard let p else { return "" }
    return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
  }

  /// Refuses, before any parsing, what a voucher file never needs and an attacker does: a DOCTYPE (and so
  /// entity declarations: XXE, billion laughs), XInclude, and oversized files. Reads in 1 MiB chunks.
  /// Scans the file's elements into `lines` meanwhile (``XMLElementLines``).
  static func guardHostile(path: String, name: String, lines: inout XMLElementLines) -> Diagnostic? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return Diagnostic(.unreadableFile, at: SourceLocation(file: name, line: 0), "the file cannot be opened for reading") }
    defer { close(fd) }
    let patterns: [(bytes: [UInt8], what: String)] = [
      (Array("<!DOCTYPE".utf8), "a DOCTYPE declaration"), (Array("<!ENTITY".utf8), "an entity declaration"),
      (Array("http://www.w3.org/2001/XInclude".utf8), "XInclude"),
    ]
    // Each chunk is searched with the last bytes of the one before it in front (`keep`, longer than any
    // pattern), so that a pattern across the two is found. (Byte by byte, with the window copied into a
    // new array for every chunk, the guard was 2 % of reading a 100 MB file.)
    let keep = 40
    let chunk = 1 << 20
    var buffer = [UInt8](repeating: 0, count: keep + chunk)
    var carried = 0
    /// Lines before the chunk being searched, carried bytes included.
    var line = 1
    var total = 0
    while true {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + keep, chunk) }
      if n < 0 { return Diagnostic(.unreadableFile, at: SourceLocation(file: name, line: 0), "read error") }
      if n == 0 { break }
      total += n
      if total > maxFileSize {
        return Diagnostic(.xmlRefused, at: SourceLocation(file: name, line: 0), "the file is larger than \(maxFileSize >> 20) MiB: split it into smaller files")
      }
      let found: Diagnostic? = buffer.withUnsafeBytes { all in
        lines.scan(UnsafeRawBufferPointer(rebasing: all[keep..<(keep + n)]))
        let window = UnsafeRawBufferPointer(rebasing: all[(keep - carried)..<(keep + n)])
        // The pattern found first in the window.
        var first: (at: Int, what: String)?
        for (bytes, what) in patterns {
          let at = bytes.withUnsafeBytes { p in memmem(window.baseAddress, window.count, p.baseAddress, p.count) }
          if let at, case let i = window.baseAddress!.distance(to: UnsafeRawPointer(at)), i < first?.at ?? .max { first = (i, what) }
        }
        guard let (at, what) = first else { return nil }
        let l = line + ByteScan.count(10, in: UnsafeBufferPointer(rebasing: window.bindMemory(to: UInt8.self)[..<at]))
        return Diagnostic(.xmlRefused, at: SourceLocation(file: name, line: l), "the file contains \(what), which voucher files never need: refused before parsing (XXE, entity expansion and XInclude are not allowed)")
      }
      if let found { return found }
      // The window's last bytes go in front of the next chunk; the lines before them are counted.
      buffer.withUnsafeMutableBytes { all in
        let window = UnsafeMutableRawBufferPointer(rebasing: all[(keep - carried)..<(keep + n)])
        let next = min(keep, window.count)
        line += ByteScan.count(10, in: UnsafeBufferPointer(rebasing: UnsafeRawBufferPointer(window).bindMemory(to: UInt8.self)[..<(window.count - next)]))
        memmove(all.baseAddress! + keep - next, window.baseAddress! + window.count - next, next)
        carried = next
      }
    }
    if total == 0 { return Diagnostic(.emptyFile, at: SourceLocation(file: name, line: 0), "the file is empty") }
    return nil
  }
}

/// The line of the reader's current node (where its start tag ends), as libxml2's errors give it; nil
/// from ``XMLVoucherReader/exactLines`` on, where libxml2 keeps no node's own.
func nodeLine(_ reader: xmlTextReaderPtr) -> Int? {
  guard let node = xmlTextReaderCurrentNode(reader) else { return nil }
  let line = Int(xmlGetLineNo(node))
  return line > 0 && line < XMLVoucherReader.exactLines ? line : nil
}

/// Collects libxml2's structured errors for one read.
final class ErrorBox {
  let file: String
  var diagnostics: [Diagnostic] = []
  init(file: String) { self.file = file }
}

/// libxml2's structured error callback (a plain function so that it converts to `@convention(c)`).
func collectError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
  guard let context, let error else { return }
  let box = Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue()
  let e = error.pointee
  var message = e.message.map { String(cString: $0) } ?? "unknown XML error"
  while message.last == "\n" || message.last == " " { message.removeLast() }
  message = message.replacingOccurrences(of: "{urn:stockledger:vouchers:1}", with: "")
  var element: String?
  var field = ""
  if let r = message.range(of: "Element '") {
    let rest = message[r.upperBound...]
    element = rest.firstIndex(of: "'").map { String(rest[..<$0]) }
  }
  if let r = message.range(of: "attribute '") {
    let rest = message[r.upperBound...]
    field = rest.firstIndex(of: "'").map { String(rest[..<$0]) } ?? ""
  }
  let isSchema = e.domain == Int32(XML_FROM_SCHEMASV.rawValue)
  let column = e.int2 > 0 ? Int(e.int2) : nil
  let loc = SourceLocation(file: box.file, line: Int(e.line), column: column, element: element)
  let advice = isSchema ? " (see Schemas/vouchers.xsd)" : " (the file is not well-formed XML: is it complete?)"
  box.diagnostics.append(Diagnostic(isSchema ? .xmlSchema : .xmlSyntax, at: loc, field: field, message + advice))
}
