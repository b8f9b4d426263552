/// Positions by name (a file's voucher numbers, each with the position of its voucher), in an open-addressed
/// table hashed by ``NameHash``: a reader in one pass enters every voucher number of a file, and
/// `Dictionary`'s SipHash of each made a tenth of reading a file of one-row vouchers. (A large file's
/// halves only hash their numbers and look for repeats once read: each entry here is a cache miss.)
///
/// Names are equal as `String`s are (canonically equivalent names are one name: ``NameHash`` hashes them
/// alike). Entries are never removed.
public struct NumberIndex: Sendable {
  /// Per slot: the upper 32 bits of the name's hash, then 1 + the entry's position (0: empty). A power of
  /// two, at least twice the entries.
  private var slots: [UInt64]
  public private(set) var names: [String] = []
  private var values: [Int] = []

  /// - Parameter capacity: the entries expected (room is made for them: the table does not grow until then).
  public init(capacity: Int = 0) {
    var size = 16
    while size < 2 * capacity { size *= 2 }
    slots = Array(repeating: 0, count: size)
    names.reserveCapacity(capacity)
    values.reserveCapacity(capacity)
  }

  public var count: Int { names.count }
  public var isEmpty: Bool { names.isEmpty }

  /// The value of `name`, nil when it has none.
  /// - Complexity: O(length of `name`) on average.
  public func value(_ name: String) -> Int? {
    let hash = NameHash.hash(name)
    guard case .found(let p) = find(name, hash: hash) else { return nil }
    return values[p]
  }

  /// The value of `name`; `value` is entered first when it has none. One hash and one probe sequence for
  /// "find, else insert".
  /// - Complexity: O(length of `name`) on average.
  public mutating func entered(_ name: String, default value: Int) -> Int {
    let hash = NameHash.hash(name)
    switch find(name, hash: hash) {
    case .found(let p): return values[p]
    case .empty(let slot):
      if 2 * (names.count + 1) > slots.count {
        grow()
        return entered(name, default: value)
      }
      slots[slot] = (hash >> 32) << 32 | UInt64(names.count + 1)
      names.append(name)
      values.append(value)
      return value
    }
  }

  private enum Probe {
    case found(Int)
    case empty(Int)
  }

  private func find(_ name: String, hash: UInt64) -> Probe {
    let tag = hash >> 32
    return slots.withUnsafeBufferPointer { s in
      let mask = s.count - 1
      var i = Int(truncatingIfNeeded: hash) & mask
      while true {
        let e = s[i]
        if e == 0 { return .empty(i) }
        if e >> 32 == tag, names[Int(e & 0xFFFF_FFFF) - 1] == name { return .found(Int(e & 0xFFFF_FFFF) - 1) }
        i = (i + 1) & mask
      }
    }
  }

  private mutating func grow() {
    slots = Array(repeating: 0, count: 2 * slots.count)
    let mask = slots.count - 1
    for (p, name) in names.enumerated() {
      let hash = NameHash.hash(name)
      var i = Int(truncatingIfNeeded: hash) & mask
      while slots[i] != 0 { i = (i + 1) & mask }
      slots[i] = (hash >> 32) << 32 | UInt64(p + 1)
    }
  }
}
