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
public struct AccountName: Sendable, Hashable, CustomStringConvertible {
  /// Kept alive by the table below, never freed: not counted here.
  private unowned(unsafe) let box: Box

  /// The interned name of `name`.
  /// - Complexity: O(length of `name`) under a lock: interning hashes the name. Intern names once (the
  ///   masters hold their accounts interned), not per line.
  public init(_ name: String) {
    box = AccountName.table.withLock { table in
      if let known = table[name] { return known }
      let box = Box(name)
      table[name] = box
      return box
    }
  }

  /// The name's text.
  public var name: String { box.name }
  public var description: String { box.name }
  public var isEmpty: Bool { box.name.isEmpty }

  public static func == (a: AccountName, b: AccountName) -> Bool { a.box === b.box }
  public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(box)) }
  /// What a table hashes: the box's address, mixed with the table's seed (no `Hasher` per lookup).
  public func _rawHashValue(seed: Int) -> Int { HashMix.mix(Int(bitPattern: ObjectIdentifier(box)), seed: seed) }

  /// The empty name (an optional account left blank).
  public static let none = AccountName("")

  /// The name's bytes as a CSV field writes them, unless it needs quotes or a formula guard (or is empty).
  public var plainText: PlainText? { box.plainText }

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
