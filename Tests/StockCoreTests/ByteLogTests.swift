import Foundation
import TestSupport
import Testing
@testable import StockCore

/// `ByteLog` keeps records framed as the document file frames them, in memory and past a threshold in a
/// file without a name: every record must read back as written wherever it is (memory, file, across the
/// boundary, in a window or not), lengths of one and two bytes alike, and its bytes in parts must be the
/// records one after another.
@Suite struct ByteLogTests {
  /// Payloads of the lengths that matter: empty, one-byte lengths up to 127, two-byte lengths from 128,
  /// and one longer than a read window (64 KB).
  static let payloads: [[UInt8]] = {
    var out: [[UInt8]] = []
    var x: UInt64 = 0x2545_F491_4F6C_DD1D
    for length in [0, 1, 5, 127, 128, 129, 300, 16_383, 16_384, 70_000, 3, 60, 200] + Array(repeating: 40, count: 200) {
      out.append((0..<length).map { _ in
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        return UInt8(truncatingIfNeeded: x)
      })
    }
    return out
  }()

  static func append(_ payload: [UInt8], to log: ByteLog) -> Int {
    log.append { w in
      for b in payload { w.byte(b) }
    }
  }

  static func read(_ log: ByteLog, at offset: Int, window: inout ByteLog.Window) -> [UInt8] {
    log.read(at: offset, window: &window) { r, length in (try? r.bytes(length)) ?? [] }
  }

  /// The framing `DocumentFile.record(_:into:)` writes: a LEB128 length, then the bytes.
  static func framed(_ payloads: [[UInt8]]) -> [UInt8] {
    var w = BinaryWriter()
    for p in payloads {
      w.count(p.count)
      w.raw(p)
    }
    return w.bytes
  }

  @Test(arguments: [(nil, 1), (1, 1), (100, 1), (4096, 1), (1 << 20, 1), (1, 4), (100, 3), (4096, 8)] as [(Int?, Int)])
  func recordsReadBackWhereverTheyAre(spillEvery: Int?, inFlight: Int) throws {
    let dir = Scratch.directory("bytelog")
    let log = spillEvery.map { ByteLog(spillingTo: dir, every: $0, inFlight: inFlight) } ?? ByteLog()
    var offsets: [Int] = []
    var window = ByteLog.Window()
    for (i, p) in Self.payloads.enumerated() {
      offsets.append(Self.append(p, to: log))
      // Read while the log grows: the latest record, and one from far back.
      // (Compared as a Bool: a failure printed the payloads, up to 70 KB each.)
      let latest = Self.read(log, at: offsets[i], window: &window) == p
      let back = Self.read(log, at: offsets[i / 2], window: &window) == Self.payloads[i / 2]
      #expect(latest && back, "record \(i), and \(i / 2), read while the log grows")
    }
    #expect(log.count == Self.framed(Self.payloads).count)
    #expect(log.hasSpilled == (spillEvery.map { $0 <= log.count } ?? false))
    // Every record, backwards (a window per record) and forwards (records shared by a window).
    for i in Self.payloads.indices.reversed() {
      var fresh = ByteLog.Window()
      let same = Self.read(log, at: offsets[i], window: &fresh) == Self.payloads[i]
      #expect(same, "record \(i), in a window of its own")
    }
    for i in Self.payloads.indices {
      let same = Self.read(log, at: offsets[i], window: &window) == Self.payloads[i]
      #expect(same, "record \(i), in a shared window")
    }
    // In parts, from any record on: the records one after another, as framed.
    for from in [0, 3, 7, Self.payloads.count - 1] {
      var bytes: [UInt8] = []
      log.forEachPart(from: offsets[from], to: log.count) { bytes.append(contentsOf: $0) }
      let same = bytes == Self.framed(Array(Self.payloads[from...]))
      #expect(same, "the parts from record \(from) on (\(bytes.count) bytes)")
    }
    // Settled (the parts in flight landed, their memory let go): every record still reads back, and the
    // log still grows.
    log.settle()
    let more = Self.append(Self.payloads[5], to: log)
    let all: [(Int, Int)] = offsets.enumerated().map { ($0.offset, $0.element) } + [(5, more)]
    for (i, o) in all {
      var fresh = ByteLog.Window()
      let same = Self.read(log, at: o, window: &fresh) == Self.payloads[i]
      #expect(same, "record \(i), once settled")
    }
    // The file has no name: nothing is left in the directory.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  /// A log kept in memory, emptied and filled again (a shelf's second half, file after file): its records
  /// are the new ones, from offset 0.
  @Test func anEmptiedLogHoldsWhatComesNext() {
    let log = ByteLog()
    for p in Self.payloads { _ = Self.append(p, to: log) }
    log.removeAll()
    #expect(log.count == 0)
    let again = Array(Self.payloads.suffix(30))
    let offsets = again.map { Self.append($0, to: log) }
    #expect(offsets.first == 0 && log.count == Self.framed(again).count)
    var window = ByteLog.Window()
    for (i, o) in offsets.enumerated() {
      let same = Self.read(log, at: o, window: &window) == again[i]
      #expect(same, "record \(i)")
    }
    var bytes: [UInt8] = []
    log.forEachPart(from: 0, to: log.count) { bytes.append(contentsOf: $0) }
    #expect(bytes == Self.framed(again))
  }

  /// A directory the log cannot write to: it stays in memory, and loses nothing.
  @Test func aLogThatCannotSpillStaysInMemory() {
    let log = ByteLog(spillingTo: Scratch.path("missing") + "/nowhere", every: 10)
    var window = ByteLog.Window()
    let offsets = Self.payloads.prefix(20).map { Self.append($0, to: log) }
    #expect(!log.hasSpilled)
    for (i, o) in offsets.enumerated() {
      let same = Self.read(log, at: o, window: &window) == Self.payloads[i]
      #expect(same, "record \(i)")
    }
  }

  /// A part that could not be written (a full disk) comes back into memory, before the records that came
  /// after it, and the log spills no more: every record reads back, in parts and one by one.
  @Test(arguments: [(1, 1), (100, 1), (4096, 1), (1, 5), (100, 3)] as [(Int, Int)]) func aPartNotWrittenComesBackIntoMemory(spillEvery: Int, inFlight: Int) {
    let log = ByteLog(spillingTo: Scratch.directory("bytelog-full"), every: spillEvery, inFlight: inFlight)
    log.writesFailForTesting = true
    var window = ByteLog.Window()
    let offsets = Self.payloads.map { Self.append($0, to: log) }
    for (i, o) in offsets.enumerated() {
      let same = Self.read(log, at: o, window: &window) == Self.payloads[i]
      #expect(same, "record \(i)")
    }
    var bytes: [UInt8] = []
    log.forEachPart(from: 0, to: log.count) { bytes.append(contentsOf: $0) }
    #expect(bytes == Self.framed(Self.payloads))
    #expect(!log.hasSpilled)
  }

  /// A `RawByteWriter` writes what a `BinaryWriter` writes, and a field that does not fit is not written,
  /// nor any after it (the log then writes the record again with more room: the 70 KB payloads above).
  @Test func rawWriterWritesTheBinaryWritersLayout() {
    let values: [Fixed] = [.zero, Fixed(raw: 1), Fixed(raw: -1), Fixed(34), Fixed(parsing: "4.49")!, Fixed(raw: Int128(Int64.max) * 7), Fixed(raw: -Int128(Int64.max) * 3)]
    let strings = ["", "WH01", "ITEM04733", "Supplier 12", "Entrepôt de Lyon — quai 7", String(repeating: "x", count: 300)]
    func write<W: BinarySink>(_ w: inout W) {
      for (i, s) in strings.enumerated() {
        w.string(s)
        w.bool(i % 2 == 0)
        w.count(i * 1000)
        w.key(StockKey(item: s, warehouse: "Stores"))
      }
      for v in values { w.compactFixed(v) }
    }
    var model = BinaryWriter()
    write(&model)
    let room = model.bytes.count + 10  // the last count asks for the widest length's room
    let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: room + 64)
    defer { memory.deallocate() }
    memory.initialize(repeating: 0xEE, count: room + 64)
    var raw = RawByteWriter(memory, limit: room)
    write(&raw)
    #expect(!raw.overflowed && Array(UnsafeBufferPointer(start: memory, count: raw.position)) == model.bytes)
    // Short of room: it stops at the first field that does not fit and touches nothing past its limit.
    let short = model.bytes.count / 2
    memory.update(repeating: 0xEE, count: room + 64)
    var cut = RawByteWriter(memory, limit: short)
    write(&cut)
    #expect(cut.overflowed && cut.position <= short)
    #expect(Array(UnsafeBufferPointer(start: memory, count: cut.position)) == Array(model.bytes.prefix(cut.position)))
    #expect(UnsafeBufferPointer(start: memory + cut.position, count: room + 64 - cut.position).allSatisfy { $0 == 0xEE })
  }

  /// Records framed in another log, appended as bytes (``ByteLog/append(records:)``, how a shelf takes the
  /// halves its two cores encoded): each reads back at its offset there plus where they went, and none is
  /// split between the file and memory (the spill falls between records, whatever the threshold).
  @Test(arguments: [nil, 1, 100, 1000, 4096] as [Int?]) func recordsAppendedFromAnotherLogReadBack(spillEvery: Int?) throws {
    let dir = Scratch.directory("bytelog-records")
    let log = spillEvery.map { ByteLog(spillingTo: dir, every: $0) } ?? ByteLog()
    let first = Array(Self.payloads.prefix(7))
    let firstOffsets = first.map { Self.append($0, to: log) }
    let part = ByteLog()
    let partOffsets = Self.payloads.map { Self.append($0, to: part) }
    var base = -1
    part.forEachPart(from: 0, to: part.count) { bytes in
      let at = log.append(records: bytes)
      if base < 0 { base = at }
    }
    #expect(base == Self.framed(first).count)
    #expect(log.count == Self.framed(first + Self.payloads).count)
    var window = ByteLog.Window()
    for (i, o) in firstOffsets.enumerated() {
      let same = Self.read(log, at: o, window: &window) == first[i]
      #expect(same, "record \(i) before")
    }
    for (i, o) in partOffsets.enumerated() {
      var fresh = ByteLog.Window()
      let inOwn = Self.read(log, at: base + o, window: &fresh) == Self.payloads[i]
      let shared = Self.read(log, at: base + o, window: &window) == Self.payloads[i]
      #expect(inOwn && shared, "appended record \(i)")
    }
    #expect(log.hasSpilled == (spillEvery != nil))
  }
}

/// Offsets into a log kept in 32 bits: read back as appended, past 4 GB too (one step over several
/// multiples of 2³², equal offsets, a step to exactly 2³²).
@Suite struct GrowingOffsetsTests {
  @Test func offsetsReadBackAsAppendedPastFourGigabytes() {
    let steps = [0, 5, 0, (1 << 32) - 6, 1, 1 << 33, 0, 12345, (1 << 32) + 7, 3, 1 << 40]
    var offsets = GrowingOffsets()
    var expected: [Int] = []
    var at = 0
    for step in steps {
      at += step
      offsets.append(at)
      expected.append(at)
    }
    #expect(Array(offsets) == expected)
    #expect(offsets.indices.reversed().map { offsets[$0] } == expected.reversed())
    #expect(offsets.lastOffset == at && offsets.count == steps.count)
  }
}
