import Testing

@testable import StockCore

/// Objects made immortal stay so whatever is done with their references, are never uniquely referenced (so
/// a value holding one copies before it changes), and a voucher made immortal keeps its value semantics.
@Suite struct ImmortalTests {
  /// An array's storage object (its one stored property: no Objective-C bridging here), made immortal or
  /// asked about, as ``Voucher/makeImmortal()`` does for its rows.
  static func make<Element>(storageOf array: [Element]) { Immortal.make(unsafeBitCast(array, to: AnyObject.self)) }
  static func isImmortal<Element>(storageOf array: [Element]) -> Bool { Immortal.isImmortal(unsafeBitCast(array, to: AnyObject.self)) }

  final class Box { var value = 0 }

  @Test func anObjectHeldOnceStaysImmortalThroughReleases() {
    // Held by one reference when it is made immortal: the runtime's own call alone left its count at zero,
    // and the first release made the object mortal again (with a count that never reaches zero).
    let address = Unmanaged.passRetained(Box()).toOpaque()
    let unmanaged = Unmanaged<Box>.fromOpaque(address)
    #expect(!Immortal.isImmortal(unmanaged.takeUnretainedValue()))
    Immortal.make(at: address)
    unmanaged.release()  // as its one owner lets it go
    #expect(Immortal.isImmortal(unmanaged.takeUnretainedValue()))
    for _ in 0..<4 { unmanaged.release() }
    for _ in 0..<4 { _ = unmanaged.retain() }
    let box = unmanaged.takeUnretainedValue()
    #expect(Immortal.isImmortal(box))
    var reference = box
    #expect(!isKnownUniquelyReferenced(&reference))
    Immortal.make(box)  // made so again: no change
    #expect(Immortal.isImmortal(box))
  }

  @Test func anArrayWhoseStorageIsImmortalCopiesBeforeItChanges() {
    let original = [1, 2, 3]
    Self.make(storageOf: original)
    #expect(Self.isImmortal(storageOf: original))
    var changed = original
    changed.append(4)
    changed[0] = 9
    #expect(original == [1, 2, 3] && changed == [9, 2, 3, 4])
    #expect(!Self.isImmortal(storageOf: changed))
    Self.make(storageOf: [Int]())  // the shared empty storage: immortal already
    #expect(Self.isImmortal(storageOf: [Int]()))
  }

  @Test func aVoucherMadeImmortalKeepsItsValueSemantics() {
    var v = Voucher(type: .purchaseReceipt, no: "PR-1", date: BusinessDate(year: 2026, month: 5, day: 1)!, source: SourceLocation(file: "a.csv", line: 2))
    var row = ItemRow(line: 2, itemCode: "RM")
    row.qty = Fixed(3)
    v.items = [row]
    v.remarks = "kept"
    #expect(!v.isImmortal)
    v.makeImmortal()
    #expect(v.isImmortal && Self.isImmortal(storageOf: v.items))
    let kept = v
    var changed = v
    changed.no = "PR-2"
    changed.items[0].qty = Fixed(5)
    changed.remarks = "changed"
    #expect(kept.no == "PR-1" && kept.items[0].qty == Fixed(3) && kept.remarks == "kept")
    #expect(changed.no == "PR-2" && changed.items[0].qty == Fixed(5) && changed.remarks == "changed")
    #expect(kept.isImmortal && !changed.isImmortal && kept == v)
  }
}
