import Synchronization

/// An account's name, interned: every distinct name has one shared box for the life of the process, and an
/// `AccountName` is the box's address, held without a reference count.
///
/// A GL line names two accounts; as strings, the posting core retained the same few account names for
/// every line it made while the core rendering the head reports retained them for every line it read, and
/// the two cores fought over those reference counts (BENCHMARKS.md measured 0.28 s of a 1M run). An
/// interned name copies as a plain word, compares and hashes by address, and its text is read only by whoever
/// writes it out.
///
/// Equal names (by `String` equality) are the same box, so equality by address is equality by name. Boxes
/// are never freed: a process meets a few hundred account names (chart, taxes, joined against-accounts).
public struct AccountName: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
  /// The box's address (kept alive by the table below, never freed: not counted here); 0 for the empty
  /// name, so that ``none`` is a constant (a global made on first use was a `swift_once` check for every
  /// GL line made). Compared and hashed as an address: an optional reference loaded to compare was a
  /// retain and a release.
  private let address: UInt

  /// The interned name of `name`.
  /// - Complexity: O(length of `name`) under a lock: interning hashes the name. Intern names once (the
  ///   masters hold their accounts interned), not per line.
  public init(_ name: String) {
    guard !name.isEmpty else {
      address = 0
      return
    }
    let box = AccountName.table.withLock { table in
      if let known = table[name] { return known }
      let box = Box(name)
      table[name] = box
      return box
    }
    address = UInt(bitPattern: Unmanaged.passUnretained(box).toOpaque())
  }

  /// Reads the box, unretained (nil for the empty name).
  @inline(__always) private func withBox<T>(_ read: (Box) -> T) -> T? {
    UnsafeRawPointer(bitPattern: address).map { Unmanaged<Box>.fromOpaque($0)._withUnsafeGuaranteedRef(read) }
  }

  /// The name's text.
  public var name: String { withBox { $0.name } ?? "" }
  public var description: String { name }
  public var isEmpty: Bool { address == 0 }

  public static func == (a: AccountName, b: AccountName) -> Bool { a.address == b.address }
  public func hash(into hasher: inout Hasher) { hasher.combine(address) }
  /// What a table hashes: the box's address, mixed with the table's seed (no `Hasher` per lookup).
  public func _rawHashValue(seed: Int) -> Int { HashMix.mix(Int(bitPattern: address), seed: seed) }

  private init(address: UInt) { self.address = address }
  /// The empty name (an optional account left blank).
  public static var none: AccountName { AccountName(address: 0) }

  /// The name's bytes as a CSV field writes them, unless it needs quotes or a formula guard (or is empty).
  public var plainText: PlainText? { withBox { $0.plainText } ?? nil }

  final class Box: Sendable {
    let name: String
    let plainText: PlainText?
    init(_ name: String) {
      self.name = name
      plainText = PlainText(name)
    }
  }

  /// Every name interned so far, by its text.
  private static let table = Mutex<[String: Box]>([:])
}
