import Testing
@testable import StockApp
@testable import StockCore

/// A period close carries the head snapshot to the new head only when it described the old one.
@Suite struct HeadSnapshotCarryTests {
  /// Snapshot-like bytes: the tag, a chain, a fingerprint, then a body the carry must keep as it is.
  func bytes(tag: String = HeadSnapshot.tag, chain: String, fingerprint: String, body: [UInt8]) -> [UInt8] {
    var w = BinaryWriter()
    w.string(tag)
    w.string(chain)
    w.string(fingerprint)
    w.raw(body)
    return w.bytes
  }

  @Test func theChainAndFingerprintAreReplacedAndTheRestKept() throws {
    let body: [UInt8] = [1, 2, 3, 250, 0, 7]
    let old = bytes(chain: "aaaa", fingerprint: "f1", body: body)
    let carried = HeadSnapshot.carriedForward(old, chain: "aaaa", to: "bbbbbb", fingerprint: "f2")
    #expect(carried == bytes(chain: "bbbbbb", fingerprint: "f2", body: body))
  }

  @Test func aSnapshotOfAnotherHeadOrVersionIsNotCarried() {
    let old = bytes(chain: "aaaa", fingerprint: "f1", body: [9])
    #expect(HeadSnapshot.carriedForward(old, chain: "cccc", to: "b", fingerprint: "f2") == nil)
    let older = bytes(tag: "stockledger-snapshot 5", chain: "aaaa", fingerprint: "f1", body: [9])
    #expect(HeadSnapshot.carriedForward(older, chain: "aaaa", to: "b", fingerprint: "f2") == nil)
    #expect(HeadSnapshot.carriedForward([1, 2], chain: "aaaa", to: "b", fingerprint: "f2") == nil)
  }
}
