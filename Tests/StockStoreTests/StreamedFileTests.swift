import Foundation
import Testing
@testable import StockCore
@testable import StockStore

/// Files written in pieces: the bytes, the hash and the temporary file's fate.
@Suite struct StreamedFileTests {
  func directory() -> String { temporaryDirectory("sl-stream") }

  /// Rows written through a small buffer flushed at every row, and through the gathering append, give the
  /// file and the SHA-256 of the whole.
  @Test func piecesGiveTheWholeFileAndItsHash() throws {
    let d = directory()
    var whole: [UInt8] = []
    let file = try StreamedFile(path: d + "/a.csv")
    var w = ByteWriter(guardsFormulas: false, capacity: 16)
    for i in 0..<5_000 {
      w.text("row \(i)")
      w.endRow()
      whole += Array("row \(i)\n".utf8)
      try file.write(from: &w, flushingAt: i % 7 == 0 ? 0 : 100)
    }
    try file.write(from: &w, flushingAt: 0)  // what the writer still holds goes before the next append
    file.append(Array("tail\n".utf8))
    whole += Array("tail\n".utf8)
    #expect(file.count == whole.count)
    let (count, hash) = try file.finish()
    #expect(count == whole.count)
    #expect(try DurableFiles.read(d + "/a.csv") == whole)
    var h = SHA256()
    h.update(whole)
    #expect(hash == h.finalizeHex())
    #expect(!FileManager.default.fileExists(atPath: file.temporaryPath))
  }

  /// Closed under its temporary name the file waits there; abandoned it is removed; a range copied by the
  /// kernel leaves it without a hash.
  @Test func temporaryAbandonedAndCopied() throws {
    let d = directory()
    let kept = try StreamedFile(path: d + "/kept.csv")
    kept.append(Array("kept\n".utf8))
    let temporary = try kept.closeTemporary()
    #expect(try DurableFiles.read(temporary) == Array("kept\n".utf8))
    #expect(!FileManager.default.fileExists(atPath: d + "/kept.csv"))

    var path = ""
    do {
      let abandoned = try StreamedFile(path: d + "/gone.csv")
      abandoned.append(Array("half".utf8))
      path = abandoned.temporaryPath
    }
    #expect(!FileManager.default.fileExists(atPath: path))

    let source = open(temporary, O_RDONLY)
    defer { close(source) }
    let copy = try StreamedFile(path: d + "/copy.csv")
    copy.append(Array("x".utf8))
    copy.append(from: source, range: 1..<4)
    let (count, hash) = try copy.finish()
    #expect(count == 4 && hash == nil)
    #expect(try DurableFiles.read(d + "/copy.csv") == Array("xept".utf8))
  }

  /// Files larger than the direct-I/O block: whole blocks go past the page cache, the rest through it; the
  /// bytes, the count at every step and the hash are those of the whole, whatever the sizes of the pieces,
  /// also with a range copied by the kernel after blocks were written.
  @Test(arguments: [0, 1, 4095, 4096, 4097]) func filesPastOneBlockAreWhole(extra: Int) throws {
    let d = directory()
    let size = 2 * StreamedFile.block + extra
    var whole = [UInt8](repeating: 0, count: size)
    for i in whole.indices { whole[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 12) }
    let file = try StreamedFile(path: d + "/big.bin")
    // Pieces of every size: small ones gathered, large ones written through.
    var at = 0
    var k = 0
    while at < size {
      let n = min(size - at, [3, 70_000, 1 << 20, 5, 3 << 20][k % 5])
      if k % 3 == 2 {
        file.append(Array(whole[at..<at + n]))
      } else {
        whole[at..<at + n].withUnsafeBytes { file.append($0) }
      }
      at += n
      k += 1
      #expect(file.count == at)
    }
    let (count, hash) = try file.finish()
    #expect(count == size)
    #expect(try DurableFiles.read(d + "/big.bin") == whole)
    var h = SHA256()
    h.update(whole)
    #expect(hash == h.finalizeHex())

    let source = open(d + "/big.bin", O_RDONLY)
    defer { close(source) }
    let copy = try StreamedFile(path: d + "/copy.bin")
    whole[0..<StreamedFile.block + 10].withUnsafeBytes { copy.append($0) }
    copy.append(from: source, range: 7..<1000)
    #expect(try copy.finish().count == StreamedFile.block + 10 + 993)
    #expect(try DurableFiles.read(d + "/copy.bin") == Array(whole[0..<StreamedFile.block + 10] + whole[7..<1000]))

    // Exactly whole blocks before the copy: nothing staged, a block still being written in the background
    // (the copy waits for it, and for direct I/O to be off: the kernel's copy is not aligned).
    let blocks = try StreamedFile(path: d + "/blocks.bin")
    whole[0..<2 * StreamedFile.block].withUnsafeBytes { blocks.append($0) }
    #expect(blocks.count == 2 * StreamedFile.block)
    blocks.append(from: source, range: 3..<10)
    blocks.append(Array(whole[0..<5]))
    #expect(try blocks.finish().count == 2 * StreamedFile.block + 12)
    #expect(try DurableFiles.read(d + "/blocks.bin") == Array(whole[0..<2 * StreamedFile.block] + whole[3..<10] + whole[0..<5]))
  }

  /// Without direct I/O (a file system that refuses it at the open, or at the first write after some
  /// blocks went out directly) the file is the same, through the page cache, in order.
  @Test(arguments: [0, 1, 2]) func withoutDirectIOTheFileIsTheSame(refusedAfterBlocks: Int) throws {
    let d = directory()
    let whole = (0..<(3 * StreamedFile.block + 4099)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13) }
    let file = try StreamedFile(path: d + "/big.bin", hashing: true, directIO: refusedAfterBlocks > 0)
    let first = refusedAfterBlocks * StreamedFile.block + 1000
    file.append(Array(whole[..<first]))
    file.refusesDirectWrites = true
    whole[first...].withUnsafeBytes { file.append($0) }
    let (count, hash) = try file.finish()
    #expect(count == whole.count)
    #expect(try DurableFiles.read(d + "/big.bin") == whole)
    var h = SHA256()
    h.update(whole)
    #expect(hash == h.finalizeHex())
  }

  /// Rows gathered in a large writer are written a block at a time from the writer's own buffer, to two
  /// files at once (the general ledger and the run's `gl.csv`): both are the rows, the hashed one has their
  /// hash, the writer keeps only the bytes past each block, and a file that refuses direct I/O halfway (or
  /// a second file at another length) falls back to copying, with the same bytes.
  @Test(arguments: [false, true]) func blocksHandedOverFromTheWriter(refusing: Bool) throws {
    let d = directory()
    let file = try StreamedFile(path: d + "/general.csv", hashing: false)
    let run = try StreamedFile(path: d + "/gl.csv")
    var w = ByteWriter(guardsFormulas: false, capacity: StreamedFile.chunk + (1 << 16))
    let alone = w.canHandOff()
    #expect(alone)
    var whole: [UInt8] = []
    var handedOver = 0
    for i in 0..<40_000 {
      if refusing && i == 20_000 { file.refusesDirectWrites = true }
      let row = "row \(i) \(String(repeating: "x", count: i % 97))"
      w.text(row)
      w.endRow()
      whole += Array(row.utf8) + [10]
      let before = w.count
      try file.write(from: &w, flushingAt: StreamedFile.chunk, alsoTo: run)
      if before >= StreamedFile.chunk {
        // Handed over: the writer keeps what lies past the block; copied: it is empty.
        if w.count > 0 { handedOver += 1 }
        #expect(w.count == 0 || w.count == before - StreamedFile.block)
      }
      #expect(file.count + w.count == whole.count && run.count == file.count)
    }
    // Every block was handed over, none copied (a refused direct write goes through the cache, still from
    // the writer's buffer): the files hold whole blocks, the writer the rest.
    #expect(handedOver == whole.count / StreamedFile.block && handedOver >= 8)
    #expect(file.count == handedOver * StreamedFile.block && w.count == whole.count % StreamedFile.block)
    try file.write(from: &w, flushingAt: 0, alsoTo: run)
    #expect(w.count == 0)
    _ = try file.finish()
    let (count, hash) = try run.finish()
    #expect(count == whole.count)
    #expect(try DurableFiles.read(d + "/general.csv") == whole)
    #expect(try DurableFiles.read(d + "/gl.csv") == whole)
    var h = SHA256()
    h.update(whole)
    #expect(hash == h.finalizeHex())

    // A second file at another length takes the bytes as they are, and neither takes the writer's buffer.
    let other = try StreamedFile(path: d + "/other.csv", hashing: false)
    let longer = try StreamedFile(path: d + "/longer.csv", hashing: false)
    longer.append(Array("head\n".utf8))
    var v = ByteWriter(guardsFormulas: false, capacity: StreamedFile.chunk + (1 << 16))
    var rows: [UInt8] = []
    var i = 0
    while rows.count <= StreamedFile.block {
      v.text("row \(i)")
      v.endRow()
      rows += Array("row \(i)\n".utf8)
      i += 1
    }
    try other.write(from: &v, flushingAt: StreamedFile.chunk, alsoTo: longer)
    #expect(v.count == 0)
    _ = try other.finish()
    _ = try longer.finish()
    #expect(try DurableFiles.read(d + "/other.csv") == rows)
    #expect(try DurableFiles.read(d + "/longer.csv") == Array("head\n".utf8) + rows)
  }
}

/// A file nobody fsyncs leaves direct I/O when the device is slow, with the same bytes.
@Suite struct StreamedFileBehindTests {
  /// A clock the test moves (nanoseconds).
  final class TestClock: @unchecked Sendable {
    var now: UInt64 = 0
  }

  /// A device on `clock`, and a write on it of `bytes` that takes `nanos` alone.
  static func device(on clock: TestClock) -> DeviceSpeed { DeviceSpeed(clock: { clock.now }) }
  static func write(_ device: DeviceSpeed, _ clock: TestClock, bytes: Int, nanos: UInt64) {
    device.started()
    clock.now += nanos
    device.finished(bytes: bytes)
  }

  /// A device made slow: 8 MiB written at 10 ms per MiB.
  static func slowDevice() -> DeviceSpeed {
    let clock = TestClock()
    let device = StreamedFileBehindTests.device(on: clock)
    for _ in 0..<32 { write(device, clock, bytes: 1 << 18, nanos: 2_500_000) }
    return device
  }

  /// The device is slow once at least 8 MiB were written directly and it was busy 3 ms or more per MiB:
  /// writes under way together count once, a single stall counts with all the writes, and so does a
  /// stall still under way.
  @Test func aDeviceIsSlowByItsBusyTime() {
    let clock = TestClock()
    let device = StreamedFileBehindTests.device(on: clock)
    #expect(!device.isSlow)
    for _ in 0..<28 { StreamedFileBehindTests.write(device, clock, bytes: 1 << 18, nanos: 2_500_000) }  // 7 MiB, 70 ms
    #expect(!device.isSlow)  // under 8 MiB
    for _ in 0..<4 { StreamedFileBehindTests.write(device, clock, bytes: 1 << 18, nanos: 2_500_000) }  // 8 MiB, 80 ms
    #expect(device.isSlow)
    #expect(device.recorded == (8 << 20, 80_000_000))

    // Four files' writes of 1 MiB at once, 3.2 ms each, four times: busy 12.8 ms for 16 MiB, 0.8 ms per
    // MiB (their times added up would be 3.2 ms per MiB).
    let c2 = TestClock()
    let shared = StreamedFileBehindTests.device(on: c2)
    for _ in 0..<4 {
      for _ in 0..<4 { shared.started() }
      c2.now += 3_200_000
      for _ in 0..<4 { shared.finished(bytes: 1 << 20) }
    }
    #expect(shared.recorded == (16 << 20, 12_800_000))
    #expect(!shared.isSlow)
    // Then one write held 40 ms: while it is under way, 52.8 ms for 16 MiB is slow already; done, 52.8 ms
    // for 16.25 MiB, 3.25 ms per MiB, still slow.
    shared.started()
    c2.now += 40_000_000
    #expect(shared.isSlow)
    shared.finished(bytes: 1 << 18)
    #expect(shared.recorded == ((16 << 20) + (1 << 18), 52_800_000))
    #expect(shared.isSlow)

    // Exactly 3 ms per MiB is slow; a nanosecond less is not.
    let c3 = TestClock()
    let edge = StreamedFileBehindTests.device(on: c3)
    StreamedFileBehindTests.write(edge, c3, bytes: 8 << 20, nanos: 24_000_000 - 1)
    #expect(!edge.isSlow)
    StreamedFileBehindTests.write(edge, c3, bytes: 0, nanos: 1)
    #expect(edge.isSlow)
  }

  /// A direct file's writes are timed into its device: every block its writer wrote past the cache.
  @Test func aFilesDirectWritesAreTimed() throws {
    let d = temporaryDirectory("sl-behind")
    let file = try StreamedFile(path: d + "/timed.csv", hashing: false)
    let device = DeviceSpeed()
    file.device = device
    let direct = file.isOpenForDirectIO
    for b in 0..<3 { file.append([UInt8](repeating: UInt8(b), count: StreamedFile.block)) }
    _ = try file.finish(durable: false)
    #expect(device.recorded.bytes == (direct ? UInt64(3 * StreamedFile.block) : 0))
    #expect((device.recorded.busy > 0) == direct)
  }

  /// A head report's file goes through the page cache from the first block after the device is found
  /// slow; on a device that is not, or for a ledger file (not cached when behind), it stays past the
  /// cache. Every byte is in the file, staged or handed over from a writer.
  @Test(arguments: [false, true], [false, true]) func aFileBehindTheDeviceGoesThroughTheCache(slow: Bool, cachingWhenBehind: Bool) throws {
    let d = temporaryDirectory("sl-behind")
    let file = try StreamedFile(path: d + "/report.csv", hashing: false, cachingWhenBehind: cachingWhenBehind)
    file.device = slow ? StreamedFileBehindTests.slowDevice() : DeviceSpeed()
    let leaves = slow && cachingWhenBehind
    // Where the file system takes direct I/O (not tmpfs), the file is open for it until the device falls behind.
    let direct = file.isOpenForDirectIO
    var whole = (0..<(3 * StreamedFile.block)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 11) }
    file.append(Array(whole[..<StreamedFile.block]))
    #expect(file.isOpenForDirectIO == direct)  // one block out, none waited for
    file.append(Array(whole[StreamedFile.block..<(2 * StreamedFile.block + 5)]))
    #expect(file.isOpenForDirectIO == (direct && !leaves))
    file.append(Array(whole[(2 * StreamedFile.block + 5)...]))
    // Then two blocks and more of rows from a large writer, its whole blocks handed over.
    var w = ByteWriter(guardsFormulas: false, capacity: StreamedFile.chunk + (1 << 16))
    var i = 0
    while whole.count < 5 * StreamedFile.block + 123 {
      w.text("row \(i)")
      w.endRow()
      whole += Array("row \(i)\n".utf8)
      try file.write(from: &w)
      i += 1
    }
    try file.write(from: &w, flushingAt: 0)
    #expect(file.isOpenForDirectIO == (direct && !leaves))
    let (count, _) = try file.finish(durable: false)
    #expect(count == whole.count)
    #expect(try DurableFiles.read(d + "/report.csv") == whole)
  }
}

/// A file made durable at its end syncs its data every few megabytes beside the writing.
@Suite struct StreamedFileSyncTests {
  /// Synced as it goes: at least one sync beside the writing for every sync asked for while none ran, at
  /// most one per 4 MiB written, none for a file not asked to; the bytes and the hash are the file's either way.
  @Test(arguments: [false, true]) func aLedgerFileIsSyncedAsItGoes(syncing: Bool) throws {
    let d = temporaryDirectory("sl-syncs")
    let file = try StreamedFile(path: d + "/gl.csv", syncingAsItGoes: syncing)
    var w = ByteWriter(guardsFormulas: false, capacity: StreamedFile.chunk + (1 << 16))
    var h = SHA256()
    var count = 0
    var i = 0
    while count < 2 * StreamedFile.syncEvery + 1000 {
      let row = "row \(i) \(String(repeating: "x", count: i % 61))"
      w.text(row)
      w.endRow()
      h.update(Array(row.utf8) + [10])
      count += row.utf8.count + 1
      try file.write(from: &w)
      i += 1
    }
    try file.write(from: &w, flushingAt: 0)
    let (written, hash) = try file.finish()
    #expect(written == count && hash == h.finalizeHex())
    #expect(try DurableFiles.read(d + "/gl.csv").count == count)
    if syncing {
      #expect((1...2).contains(file.syncsAsItWent))
    } else {
      #expect(file.syncsAsItWent == 0)
    }
  }

  /// The block writer asks for a sync once a job takes the bytes written past the threshold, and its
  /// thread makes it before it ends: one job past it, one sync.
  @Test func theWriterSyncsPastTheThreshold() throws {
    let d = temporaryDirectory("sl-syncs")
    let fd = open(d + "/data.bin", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    defer { close(fd) }
    let writer = BlockWriter(fd: fd, syncEvery: 4096)
    let bytes = [UInt8](repeating: 1, count: 3000)
    try bytes.withUnsafeBytes { p in
      let base = try #require(p.baseAddress)
      writer.submit(.init(block: base, count: p.count, offset: 0))
      _ = writer.wait()
      writer.submit(.init(block: base, count: p.count, offset: 3000))
      _ = writer.wait()
    }
    writer.stop()
    #expect(writer.syncs == 1)
    #expect(try DurableFiles.read(d + "/data.bin").count == 6000)
  }

  /// A sync beside the writing that fails is kept for the owner (who reports it: the file's own fsync
  /// would not see it again): `fdatasync` of `/dev/null` fails with `EINVAL` after the write succeeded.
  @Test func aFailedSyncIsKeptForTheOwner() throws {
    let fd = open("/dev/null", O_WRONLY)
    try #require(fd >= 0)
    defer { close(fd) }
    let writer = BlockWriter(fd: fd, syncEvery: 1)
    let bytes = [UInt8](repeating: 2, count: 100)
    try bytes.withUnsafeBytes { p in
      writer.submit(.init(block: try #require(p.baseAddress), count: p.count, offset: 0))
      let job = try #require(writer.wait())
      #expect(job.written == 100 && job.error == 0)
    }
    writer.stop()
    #expect(writer.syncs == 1 && writer.syncError == EINVAL)
  }
}
