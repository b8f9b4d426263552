import StockCore

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
  public init() {}

  public var count: Int { hashes.count }

  static let types = VoucherType.allCases
  static let dayBias = 1 << 23

  static func hash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    var s = s
    s.withUTF8 { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
    return h
  }

  private func name(at offset: Int) -> Substring.UTF8View? {
    var r = BinaryReader(Array(names[offset...].prefix(10)))
    guard let n = try? r.count(limit: names.count) else { return nil }
    let start = offset + r.offset
    guard start + n <= names.count else { return nil }
    return String(decoding: names[start..<start + n], as: UTF8.self)[...].utf8
  }

  /// Type and posting date of the posted voucher `no`, if there is one.
  /// - Complexity: O(log n).
  public func lookup(_ no: String) -> (type: VoucherType, date: BusinessDate)? {
    let h = VoucherIndex.hash(no)
    var lo = 0, hi = hashes.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if hashes[mid] < h { lo = mid + 1 } else { hi = mid }
    }
    while lo < hashes.count && hashes[lo] == h {
      let v = info[lo]
      if let stored = name(at: Int(v >> 32)), stored.elementsEqual(no.utf8) {
        let type = VoucherIndex.types[Int(v & 0xFF)]
        return (type, BusinessDate(dayNumber: Int((v >> 8) & 0xFF_FFFF) - VoucherIndex.dayBias))
      }
      lo += 1
    }
    return nil
  }

  /// The index with `added` vouchers (numbers not yet in it).
  /// - Complexity: O(n + m log m).
  public func adding(_ added: [(no: String, type: VoucherType, date: BusinessDate)]) -> VoucherIndex {
    var out = VoucherIndex()
    out.names = names
    var fresh: [(UInt64, UInt64)] = []
    fresh.reserveCapacity(added.count)
    for a in added {
      let offset = UInt64(out.names.count)
      var w = BinaryWriter()
      w.string(a.no)
      out.names += w.bytes
      let day = UInt64(max(0, min(0xFF_FFFF, a.date.dayNumber + VoucherIndex.dayBias)))
      let type = UInt64(VoucherIndex.types.firstIndex(of: a.type) ?? 0)
      fresh.append((VoucherIndex.hash(a.no), offset << 32 | day << 8 | type))
    }
    fresh.sort { $0.0 < $1.0 }
    out.hashes.reserveCapacity(hashes.count + fresh.count)
    out.info.reserveCapacity(hashes.count + fresh.count)
    var i = 0, j = 0
    while i < hashes.count || j < fresh.count {
      if j == fresh.count || (i < hashes.count && hashes[i] <= fresh[j].0) {
        out.hashes.append(hashes[i])
        out.info.append(info[i])
        i += 1
      } else {
        out.hashes.append(fresh[j].0)
        out.info.append(fresh[j].1)
        j += 1
      }
    }
    return out
  }

  /// The index in its file layout: count, hashes, infos (little-endian), then the names blob.
  public func encode(into w: inout BinaryWriter) {
    w.count(hashes.count)
    for h in hashes { w.uint64(h) }
    for v in info { w.uint64(v) }
    w.count(names.count)
    for b in names { w.byte(b) }
  }

  public init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    let n = try r.count()
    hashes.reserveCapacity(n)
    info.reserveCapacity(n)
    for _ in 0..<n { hashes.append(try r.uint64()) }
    for _ in 0..<n { info.append(try r.uint64()) }
    let m = try r.count()
    names = try r.bytes(m)
    for i in 1..<max(1, n) where hashes[i - 1] > hashes[i] { throw BinaryFormatError(offset: r.offset, "voucher index out of order") }
  }
}
