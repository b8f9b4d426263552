import Foundation
import Testing
import TestSupport

@testable import StockCore
@testable import StockRead

/// An inbox file read once and hashed on another thread as it arrives: the bytes are the file's, the hash
/// is the SHA-256 of exactly those bytes, whatever the file's size against the pieces it is read in.
@Suite struct FileBytesHashingTests {
  static func sha256(_ bytes: [UInt8]) -> String {
    var h = SHA256()
    h.update(bytes)
    return h.finalizeHex()
  }

  @Test func bytesAndHashAreTheFilesAtEverySizeAroundAPiece() throws {
    let dir = Scratch.directory("hashing")
    var g = SeededGenerator(seed: 11)
    let piece = 64
    for size in [0, 1, 63, 64, 65, 127, 128, 129, 3 * 64 + 7, 1000] {
      let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: g.next()) }
      let path = dir + "/f\(size).csv"
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let read = try #require(FileBytes.readHashing(path, piece: piece))
      #expect(read.bytes == bytes, "size \(size)")
      #expect(read.sha256 == FileBytesHashingTests.sha256(bytes), "size \(size)")
      // The default piece (a file smaller than one piece), and the hash alone.
      #expect(FileBytes.readHashing(path)?.sha256 == read.sha256)
      let hashed = try #require(FileBytes.sha256(path))
      #expect(hashed.sha256 == read.sha256 && hashed.bytes == size)
    }
    // Known digests (FIPS 180-2's examples): the empty message, and 56 bytes read in pieces of 7 and 5.
    #expect(FileBytes.readHashing(dir + "/f0.csv")?.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    let known = dir + "/known.csv"
    try Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8).write(to: URL(fileURLWithPath: known))
    for piece in [7, 5] {
      #expect(FileBytes.readHashing(known, piece: piece)?.sha256 == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "piece \(piece)")
    }
  }

  /// The bytes come back while the hash is being finished: the bytes may be let go of first (the digest
  /// keeps them for the hasher), and a digest never asked for is waited for when it goes, not left
  /// reading freed memory.
  @Test func theHashIsFinishedAfterTheBytesAreGivenUp() throws {
    let dir = Scratch.directory("hashing")
    var g = SeededGenerator(seed: 12)
    let bytes = (0..<(3 << 20) + 17).map { _ in UInt8(truncatingIfNeeded: g.next()) }
    let path = dir + "/large.csv"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    var digest: FileDigest?
    do {
      let read = try #require(FileBytes.readStartingHash(path, piece: 1 << 16))
      #expect(read.bytes == bytes)
      digest = read.digest
    }  // the bytes returned are gone here
    #expect(digest?.sha256 == FileBytesHashingTests.sha256(bytes))
    #expect(digest?.sha256 == FileBytesHashingTests.sha256(bytes), "asked again: the same digest")
    for _ in 0..<3 { _ = FileBytes.readStartingHash(path, piece: 1 << 12) }  // dropped unasked
    #expect(FileDigest(sha256: "made").sha256 == "made")
  }

  @Test func aMissingFileOrASymbolicLinkIsNotRead() throws {
    let dir = Scratch.directory("hashing")
    let target = dir + "/real.csv"
    try Data("a,b\n".utf8).write(to: URL(fileURLWithPath: target))
    try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: target)
    #expect(FileBytes.readHashing(dir + "/missing.csv") == nil)
    #expect(FileBytes.readHashing(dir + "/link.csv") == nil)
    #expect(FileBytes.sha256(dir + "/link.csv") == nil)
    #expect(FileBytes.readHashing(target)?.bytes == Array("a,b\n".utf8))
  }
}

/// A file read a part at a time in whole CSV records: the parts are the file's bytes in order, each ends
/// where a record does (never inside a quoted field's line break), their first lines count the file's, and
/// the hash is the whole file's.
@Suite struct FileBytesRecordsTests {
  @Test func partsAreWholeRecordsNumberedByTheFilesLines() throws {
    let dir = Scratch.directory("records")
    let text = "a,b\n1,\"two\nlines\"\n3,\"x\"\"y\"\n4,plain\n5,\"q,\"\n6,last"
    let path = dir + "/f.csv"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    for part in [1, 3, 8, 16, 64, 8 << 20] {
      var parts: [(String, Int)] = []
      let hashed = try #require(FileBytes.forEachRecords(ofFileAt: path, part: part) { records, line in parts.append((String(decoding: records, as: UTF8.self), line)) })
      #expect(parts.map(\.0).joined() == text, "part \(part)")
      #expect(hashed.sha256 == FileBytesHashingTests.sha256(Array(text.utf8)) && hashed.bytes == text.utf8.count)
      for (records, line) in parts {
        // Each part parses alone into whole records, and its first line is the file's line there.
        let before = parts.prefix { $0.0 != records || $0.1 != line }.map(\.0).joined()
        #expect(line == before.filter { $0 == "\n" }.count + 1, "part \(part)")
        #expect((try? CSVParser.parse(Array(records.utf8), file: "f")) != nil, "part \(part): \(records)")
        if records != parts.last?.0 { #expect(records.hasSuffix("\n")) }
      }
      if part <= 16 { #expect(parts.contains { $0.0.hasPrefix("1,\"two\nlines\"\n") }, "part \(part): the quoted line break stays in its record") }
    }
    #expect(FileBytes.forEachRecords(ofFileAt: dir + "/missing.csv") { _, _ in } == nil)
  }

  /// `FileBytes.holds(_:in:)` reads a megabyte at a time: a byte found in the first megabyte, past it, in
  /// the last byte, or not at all; an unreadable file says so (nil).
  @Test func aByteIsLookedForAMegabyteAtATime() throws {
    let dir = Scratch.directory("holds")
    let mb = 1 << 20
    for (name, at) in [("first", 10), ("boundary", mb), ("last", 2 * mb + 6), ("none", -1)] {
      var bytes = [UInt8](repeating: 97, count: 2 * mb + 7)
      if at >= 0 { bytes[at] = 34 }
      try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name))
      #expect(FileBytes.holds(34, in: dir + "/" + name) == (at >= 0), "\(name)")
    }
    #expect(FileBytes.holds(34, in: dir + "/missing") == nil)
  }
}
