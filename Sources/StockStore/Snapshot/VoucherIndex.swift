import StockCore
import StockRead

#if canImport(Glibc)
  import Glibc
#endif

/// The numbers of every posted voucher with their type and posting date, for the validation of a run that
/// does not read the ledger's vouchers (duplicate numbers, cancellations, closes of orders).
///
/// Sorted by a 64-bit FNV-1a hash of the number; the numbers themselves are kept in one byte blob, so a
/// lookup compares the real number and a hash collision is never a false match. Loading is two bulk reads.
public struct VoucherIndex: Sendable {
  /// Sorted hashes.
  private var hashes: [UInt64] = []
  /// Parallel to `hashes`: blob offset (high 32 bits), posting day + 2²³ (24 bits), voucher type (8 bits).
  private var info: [UInt64] = []
  /// Each number as a LEB128 length and its UTF-8 bytes.
  private var names: [UInt8] = []
  /// Parallel to `hashes`: 1 + the offset of the voucher's document in the document file, 0 for none.
  private var documents: [UInt64] = []
  public init() {}

  public var count: Int { hashes.count }

  static let types = VoucherType.allCases
  static let dayBias = 1 << 23

  /// The hash the index is sorted and searched by.
  public static func hash(_ s: String) -> UInt64 { FNV1a.hash(s) }

  /// Whether the name stored at `offset` is `target`.
  private func name(at offset: Int, equals target: UnsafeBufferPointer<UInt8>) -> Bool {
    names.withUnsafeBufferPointer { blob in
      guard let r = VoucherIndex.name(at: offset, in: blob), r.count == target.count else { return false }
      return r.isEmpty || memcmp(blob.baseAddress! + r.lowerBound, target.baseAddress!, r.count) == 0
    }
  }

  /// Where the bytes of the name stored at `offset` of the names blob are (after its LEB128 length); nil
  /// when the blob does not hold one there.
  static func name(at offset: Int, in names: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
    var n = 0, shift = 0, i = offset
    while i < names.count {
      let b = names[i]
      i += 1
      n |= Int(b & 0x7F) << shift
      if b < 0x80 { break }
      shift += 7
      if shift > 56 { return nil }
    }
    return i + n <= names.count ? i..<i + n : nil
  }

  /// Where `no` is in the sorted arrays.
  private func position(_ no: String) -> Int? {
    let h = VoucherIndex.hash(no)
    var lo = 0, hi = hashes.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if hashes[mid] < h { lo = mid + 1 } else { hi = mid }
    }
    var no = no
    return no.withUTF8 { target in
      while lo < hashes.count && hashes[lo] == h {
        if name(at: Int(info[lo] >> 32), equals: target) { return lo }
        lo += 1
      }
      return nil
    }
  }

  /// Every voucher of the index (in its order), with the hash it is sorted by (as stored), its type and
  /// posting date.
  /// - Complexity: O(n).
  public func forEach(_ body: (_ hash: UInt64, _ no: String, VoucherType, BusinessDate) -> Void) {
    names.withUnsafeBufferPointer { blob in
      for i in 0..<count { VoucherIndex.entry(hashes[i], info[i], names: blob, body) }
    }
  }

  /// Reads the entry whose info word is `info` from the names blob: its number (a LEB128 length and its
  /// bytes at the word's offset), type and day.
  static func entry(_ hash: UInt64, _ info: UInt64, names: UnsafeBufferPointer<UInt8>, _ body: (UInt64, String, VoucherType, BusinessDate) -> Void) {
    guard let r = name(at: Int(info >> 32), in: names) else { return }
    let no = String(decoding: UnsafeBufferPointer(rebasing: names[r]), as: UTF8.self)
    body(hash, no, types[Int(info & 0xFF)], BusinessDate(dayNumber: Int((info >> 8) & 0xFF_FFFF) - dayBias))
  }

  /// Type and posting date of the posted voucher `no`, if there is one.
  /// - Complexity: O(log n).
  public func lookup(_ no: String) -> (type: VoucherType, date: BusinessDate)? {
    guard let i = position(no) else { return nil }
    let v = info[i]
    return (VoucherIndex.types[Int(v & 0xFF)], BusinessDate(dayNumber: Int((v >> 8) & 0xFF_FFFF) - VoucherIndex.dayBias))
  }

  /// Where the document of the posted voucher `no` is in the document file, if it has one.
  /// - Complexity: O(log n).
  public func documentOffset(_ no: String) -> Int? {
    guard let i = position(no), documents[i] > 0 else { return nil }
    return Int(documents[i] - 1)
  }

  /// Records where the documents of posted vouchers are (vouchers not in the index are ignored).
  /// - Complexity: O(m log n).
  public mutating func setDocuments(_ offsets: [(no: String, offset: Int)]) {
    for o in offsets { if let i = position(o.no) { documents[i] = UInt64(o.offset) + 1 } }
  }

  /// The index with `added` vouchers (numbers not yet in it).
  /// - Complexity: O(n + m) for m hashes spread evenly (a bucket sort; O(n + m log m) at worst).
  public func adding(_ added: [(no: String, type: VoucherType, date: BusinessDate)]) -> VoucherIndex {
    adding(added.map { ($0.no, $0.type, $0.date, nil) })
  }

  /// The same, with where each added voucher's document is (nil: none).
  public func adding(_ added: [(no: String, type: VoucherType, date: BusinessDate, document: Int?)]) -> VoucherIndex {
    var b = Builder(names: names, capacity: added.count)
    for a in added { b.add(a.no, type: a.type, date: a.date, document: a.document) }
    return b.merged(into: self)
  }

  /// Vouchers added one at a time and sorted once: a replay's index built from its vouchers as it goes,
  /// without an array of them (at a million vouchers that array, the sort's scratch and a merged copy
  /// were a quarter of a gigabyte of fresh pages).
  public struct Builder: Sendable {
    var names: [UInt8]
    /// The names in a log that spills to a file (``init(capacity:spillingNamesTo:)``), in place of `names`:
    /// its records are framed as the names are (a LEB128 length, the bytes), so a record's offset is the
    /// name's. Ten million numbers were 90 MB at the peak of a run's end, beside the arrays sorted here.
    var spilledNames: ByteLog?
    /// Parallel, in the order added: hash, info (names offset, day, type), 1 + document offset or 0 —
    /// `documents` only up to the last voucher added with a document (the rest are 0): a replay's index
    /// gets its documents' places later (``buildAwaitingDocuments()``), and ten million zeros were 80 MB
    /// at the run's peak.
    var hashes: [UInt64] = [], info: [UInt64] = [], documents: [UInt64] = []

    /// - Parameter capacity: the number of vouchers expected.
    public init(capacity: Int) { self.init(names: [], capacity: capacity) }

    /// A builder whose names go to a log that spills to a file without a name in `directory` past `bytes`
    /// (two such parts at most in memory): ``Pending/write(documents:to:)`` copies them into the index's
    /// file from there (a large replay's index); ``build()`` reads them back into memory. Not merged.
    public init(capacity: Int, spillingNamesTo directory: String, every bytes: Int = 16 << 20) {
      self.init(names: [], capacity: 0)
      spilledNames = ByteLog(spillingTo: directory, every: bytes)
      hashes.reserveCapacity(capacity)
      info.reserveCapacity(capacity)
    }

    init(names: [UInt8], capacity: Int) {
      self.names = names
      self.names.reserveCapacity(names.count + 12 * capacity)
      hashes.reserveCapacity(capacity)
      info.reserveCapacity(capacity)
    }

    /// Every voucher's document place, 0 for those added without one.
    var allDocuments: [UInt64] {
      documents.count == hashes.count ? documents : documents + repeatElement(0, count: hashes.count - documents.count)
    }

    /// Adds a voucher number not yet in the index.
    /// - Complexity: O(length of `no`).
    public mutating func add(_ no: String, type: VoucherType, date: BusinessDate, document: Int?) {
      var no = no
      no.withUTF8 { add(bytes: $0, type: type, date: date, document: document) }
    }

    /// Adds a voucher number not yet in the index, given as its UTF-8 bytes (read where they lie:
    /// ``StockCore/EncodedHead``); the same as ``add(_:type:date:document:)`` with the string of them.
    /// - Complexity: O(`no.count`).
    public mutating func add(bytes no: UnsafeBufferPointer<UInt8>, type: VoucherType, date: BusinessDate, document: Int?) {
      var offset = UInt64(names.count)
      let hash = FNV1a.hash(no)
      if let log = spilledNames {
        offset = UInt64(log.append { $0.raw(UnsafeRawBufferPointer(no)) })
      } else {
        var n = UInt64(no.count)
        while n >= 0x80 {
          names.append(UInt8(n & 0x7F) | 0x80)
          n >>= 7
        }
        names.append(UInt8(n))
        names.append(contentsOf: no)
      }
      let day = UInt64(max(0, min(0xFF_FFFF, date.dayNumber + VoucherIndex.dayBias)))
      let type = UInt64(VoucherIndex.types.firstIndex(of: type) ?? 0)
      hashes.append(hash)
      info.append(offset << 32 | day << 8 | type)
      if let document {
        if documents.count < hashes.count - 1 { documents += repeatElement(0, count: hashes.count - 1 - documents.count) }
        documents.append(UInt64(document) + 1)
      }
    }

    /// The index of the vouchers added: their arrays put in order one at a time, each freed once gathered
    /// (a third of the memory of gathering all three at once).
    /// - Complexity: O(n) for evenly spread hashes.
    public consuming func build() -> VoucherIndex {
      let documents = allDocuments
      self.documents = []
      return buildAwaitingDocuments().finish(documents: documents)
    }

    /// The index of the vouchers added but for where their documents are, which come later
    /// (``Pending/finish(documents:)``): built on one core while the other writes the documents.
    /// - Complexity: O(n) for evenly spread hashes.
    public consuming func buildAwaitingDocuments() -> Pending {
      let order = HashOrder.positions(sortedBy: hashes)
      return Pending(names: names, spilledNames: spilledNames, hashes: hashes, info: info, order: order)
    }

    /// `base` (whose names this builder's begin with) with the vouchers added: both sorted by hash, the
    /// base's first among equal hashes, and the added in the order added.
    func merged(into base: VoucherIndex) -> VoucherIndex {
      precondition(spilledNames == nil, "a builder merged keeps its names in memory")
      let order = HashOrder.positions(sortedBy: hashes)
      let documents = allDocuments
      var out = VoucherIndex()
      out.names = names
      let n = base.hashes.count + hashes.count
      out.hashes.reserveCapacity(n)
      out.info.reserveCapacity(n)
      out.documents.reserveCapacity(n)
      var i = 0, j = 0
      while i < base.hashes.count || j < order.count {
        if j == order.count || (i < base.hashes.count && base.hashes[i] <= hashes[Int(order[j])]) {
          out.hashes.append(base.hashes[i])
          out.info.append(base.info[i])
          out.documents.append(base.documents[i])
          i += 1
        } else {
          let k = Int(order[j])
          out.hashes.append(hashes[k])
          out.info.append(info[k])
          out.documents.append(documents[k])
          j += 1
        }
      }
      return out
    }
  }

  /// The index in its file layout: count, hashes, infos, document offsets (little-endian), then the names
  /// blob.
  public func encode(into w: inout BinaryWriter) {
    w.count(hashes.count)
    w.uint64s(hashes)
    w.uint64s(info)
    w.uint64s(documents)
    w.count(names.count)
    w.raw(names)
  }

  /// Appends the index to `file` in the layout of ``encode(into:)``, the arrays copied from where they are
  /// (a million vouchers are not encoded into a buffer of 40 megabytes first).
  /// - Complexity: O(bytes).
  public func write(to file: StreamedFile) {
    guard UInt64(1).littleEndian == 1 else {
      var w = BinaryWriter(capacity: 40 * count + 64)
      encode(into: &w)
      file.append(w.bytes)
      return
    }
    var head = BinaryWriter(capacity: 10)
    head.count(hashes.count)
    file.append(head.bytes)
    for a in [hashes, info, documents] { a.withUnsafeBytes { file.append($0) } }
    head.reset()
    head.count(names.count)
    file.append(head.bytes)
    names.withUnsafeBytes { file.append($0) }
  }

  public init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    let n = try r.count(limit: Int(Int32.max))
    hashes = try r.uint64s(n)
    info = try r.uint64s(n)
    documents = try r.uint64s(n)
    let m = try r.count()
    names = try r.bytes(m)
    for i in 1..<max(1, n) where hashes[i - 1] > hashes[i] { throw BinaryFormatError(offset: r.offset, "voucher index out of order") }
  }
}

/// A ``VoucherIndex`` file answered in place: mapped, searched without being read into arrays, so a run
/// that looks up a few numbers does not pay for a million.
public final class MappedVoucherIndex: @unchecked Sendable {
  private let file: MappedFile
  public let count: Int
  private let hashesAt: Int, infoAt: Int, documentsAt: Int, namesAt: Int, namesCount: Int

  /// nil when the file is missing or not laid out as ``VoucherIndex/encode(into:)`` writes it.
  public init?(path: String) {
    guard let file = MappedFile(path: path) else { return nil }
    self.file = file
    let b = file.bytes
    var r = BinaryReader(Array(b.prefix(10)))
    guard let n = try? r.count(limit: b.count / 24) else { return nil }
    count = n
    hashesAt = r.offset
    infoAt = hashesAt + 8 * n
    documentsAt = infoAt + 8 * n
    let afterDocuments = documentsAt + 8 * n
    guard afterDocuments <= b.count else { return nil }
    var m = BinaryReader(Array(b[afterDocuments..<min(b.count, afterDocuments + 10)]))
    guard let names = try? m.count(limit: b.count - afterDocuments) else { return nil }
    namesAt = afterDocuments + m.offset
    namesCount = names
    guard namesAt + namesCount == b.count else { return nil }
  }

  @inline(__always) private func word(_ at: Int, _ i: Int) -> UInt64 {
    UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: at + 8 * i, as: UInt64.self))
  }

  private func position(_ no: String) -> Int? {
    let h = VoucherIndex.hash(no)
    var lo = 0, hi = count
    while lo < hi {
      let mid = (lo + hi) / 2
      if word(hashesAt, mid) < h { lo = mid + 1 } else { hi = mid }
    }
    let target = Array(no.utf8)
    while lo < count && word(hashesAt, lo) == h {
      let offset = Int(word(infoAt, lo) >> 32)
      var r = BinaryReader(Array(file.bytes[(namesAt + offset)..<min(namesAt + namesCount, namesAt + offset + 10)]))
      if let n = try? r.count(limit: namesCount), offset + r.offset + n <= namesCount {
        let start = namesAt + offset + r.offset
        if n == target.count && file.bytes[start..<start + n].elementsEqual(target) { return lo }
      }
      lo += 1
    }
    return nil
  }

  /// Every voucher of the index (in its order), with the hash it is sorted by (as stored), its type and
  /// posting date.
  /// - Complexity: O(n), the file's pages read in order.
  /// The pages read are let go as the arrays are read through, the names' at the end (``Pages/release(address:count:)``):
  /// at ten million vouchers the whole file is 330 MB of the reader's memory otherwise.
  public func forEach(_ body: (_ hash: UInt64, _ no: String, VoucherType, BusinessDate) -> Void) {
    guard let base = file.bytes.baseAddress else { return }
    let names = UnsafeBufferPointer(start: (base + namesAt).assumingMemoryBound(to: UInt8.self), count: namesCount)
    let step = 1 << 16  // entries between releases (512 KB of each array)
    for i in 0..<count {
      VoucherIndex.entry(word(hashesAt, i), word(infoAt, i), names: names, body)
      if (i + 1) % step == 0 || i + 1 == count {
        let from = (i + 1 - 1) / step * step
        for at in [hashesAt, infoAt] { Pages.release(address: UInt(bitPattern: base + at + 8 * from), count: 8 * (i + 1 - from)) }
      }
    }
    Pages.release(address: UInt(bitPattern: base + namesAt), count: namesCount)
  }

  public func lookup(_ no: String) -> (type: VoucherType, date: BusinessDate)? {
    guard let i = position(no) else { return nil }
    let v = word(infoAt, i)
    return (VoucherIndex.types[Int(v & 0xFF)], BusinessDate(dayNumber: Int((v >> 8) & 0xFF_FFFF) - VoucherIndex.dayBias))
  }

  public func documentOffset(_ no: String) -> Int? {
    guard let i = position(no) else { return nil }
    let d = word(documentsAt, i)
    return d > 0 ? Int(d - 1) : nil
  }

  /// The whole index in arrays (for a merge).
  public func load() throws(BinaryFormatError) -> VoucherIndex {
    var r = BinaryReader(Array(file.bytes))
    return try VoucherIndex(decoding: &r)
  }
}

extension VoucherIndex {
  /// An index built but for where its vouchers' documents are (``Builder/buildAwaitingDocuments()``): the
  /// vouchers' hashes and infos in the order added, and the order that sorts them.
  public struct Pending: Sendable {
    var names: [UInt8]
    /// The names, when the builder spilled them (``Builder/init(capacity:spillingNamesTo:)``).
    var spilledNames: ByteLog?
    var hashes: [UInt64], info: [UInt64]
    /// The position among the vouchers added of each of the index's, in the index's order.
    let order: [UInt32]

    /// The index, with where each voucher's document is: `documents[i]` for the `i`-th voucher added, 1 +
    /// its offset in the documents file, or 0 for none.
    /// - Complexity: O(n).
    public consuming func finish(documents: [UInt64]) -> VoucherIndex {
      precondition(documents.count == order.count, "a document place for every voucher added")
      var index = VoucherIndex()
      index.names = names
      spilledNames?.forEachPart(from: 0, to: spilledNames!.count) { index.names.append(contentsOf: $0) }
      index.hashes = Pending.gathered(hashes, by: order)
      hashes = []
      index.info = Pending.gathered(info, by: order)
      info = []
      index.documents = Pending.gathered(documents, by: order)
      return index
    }

    static func gathered(_ a: [UInt64], by order: [UInt32]) -> [UInt64] {
      a.withUnsafeBufferPointer { a in order.map { a[Int($0)] } }
    }

    /// Writes the index, with `documents(i)` the document place of the `i`-th voucher added (as
    /// ``finish(documents:)`` takes them), to `file` in the layout of ``VoucherIndex/encode(into:)``: each
    /// array put in order a part at a time and let go once written (ten million vouchers' sorted arrays
    /// were 240 MB beside those they were sorted from).
    /// - Complexity: O(n).
    public consuming func write(documents: (Int) -> UInt64, to file: StreamedFile) {
      guard UInt64(1).littleEndian == 1 else { return finish(documents: order.indices.map(documents)).write(to: file) }
      var head = BinaryWriter(capacity: 10)
      head.count(order.count)
      file.append(head.bytes)
      var part = [UInt64](repeating: 0, count: 1 << 15)
      let order = self.order
      func put(_ value: (Int) -> UInt64) {
        order.withUnsafeBufferPointer { order in
          var at = 0
          while at < order.count {
            let n = min(part.count, order.count - at)
            part.withUnsafeMutableBufferPointer { p in for k in 0..<n { p[k] = value(Int(order[at + k])) } }
            part.withUnsafeBytes { file.append(UnsafeRawBufferPointer(rebasing: $0[..<(8 * n)])) }
            at += n
          }
        }
      }
      hashes.withUnsafeBufferPointer { h in put { h[$0] } }
      hashes = []
      info.withUnsafeBufferPointer { i in put { i[$0] } }
      info = []
      put(documents)
      head.reset()
      head.count(names.count + (spilledNames?.count ?? 0))
      file.append(head.bytes)
      names.withUnsafeBytes { file.append($0) }
      spilledNames?.forEachPart(from: 0, to: spilledNames!.count) { file.append($0) }
    }
  }
}
