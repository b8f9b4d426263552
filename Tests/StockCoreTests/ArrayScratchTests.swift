import Testing
@testable import StockCore

/// `removeAllScratch()` empties an array as `removeAll(keepingCapacity: true)` does: nothing left, the
/// capacity kept, a copy that shared the storage left whole, references released.
@Suite struct ArrayScratchTests {
  final class Token {}

  @Test func emptiesKeepsCapacityAndLeavesCopies() {
    var a = [(1, "one"), (2, "two"), (3, "three")]
    a.reserveCapacity(16)
    let capacity = a.capacity
    a.removeAllScratch()
    #expect(a.isEmpty && a.capacity == capacity)
    a.removeAllScratch()  // already empty
    #expect(a.isEmpty)
    var b: [String?] = ["x", nil, "y"]
    let shared = b
    b.removeAllScratch()
    #expect(b.isEmpty && shared == ["x", nil, "y"])
    weak var released: Token?
    do {
      var tokens: [Token?] = [Token(), nil]
      released = tokens[0]
      #expect(released != nil)
      tokens.removeAllScratch()
      #expect(tokens.isEmpty)
    }
    #expect(released == nil)
  }
}
