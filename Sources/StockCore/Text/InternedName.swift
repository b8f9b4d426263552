import CSystem
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A name many rows repeat (an item code, a warehouse), interned: every distinct spelling has one box for
/// the life of the process, and an `InternedName` is the box's address, copied as a plain word.
///
/// A voucher's row held its item code and three warehouses as strings: each copy of a row retained and
/// released the four, and a run copies its rows several times each (BENCHMARKS.md, "Names kept once").
/// The names are interned by their exact UTF-8 bytes, so a name's text is always the one it was read as.
/// Equality and hashing are the text's, as `String` decides them (two spellings `==` calls equal, in
/// different normalisation forms, are different boxes and still equal names); the same box is equal
/// without reading the text.
///
/// Looking a name up is lock-free: a hash of its bytes, a probe of the tables every thread shares, and a
/// comparison of bytes. A name met for the first time is boxed and put in under a lock, once. Boxes
/// are never freed: a process meets its master data's names and, at worst, the names of the rows it
/// rejects.
public struct InternedName: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
  /// The box's address (kept alive by the table, never freed); 0 for the empty name.
  @usableFromInline let address: UInt

  /// The empty name.
  public static var empty: InternedName { InternedName(address: 0) }

  /// The name whose ``identity`` `address` is: only for an identity a name of this process gave (the run's
  /// shelf, which the process reads back itself), so internal to the module that reads it.
  @usableFromInline init(address: UInt) { self.address = address }

  /// The box's address: the same for the same spelling for the life of the process (never stored), 0 for
  /// the empty name. A cache of what a name stands for can be keyed by it.
  @inlinable public var identity: UInt { address }

  /// The UTF-8 bytes of the name's text, where its box keeps them for the life of the process.
  @inlinable public var utf8: UnsafeBufferPointer<UInt8> {
    address == 0 ? UnsafeBufferPointer(start: nil, count: 0) : InternedName.withBox(address) { $0.textBytes }
  }

  /// The interned name of `text`.
  /// - Complexity: O(length of `text`), lock-free unless the name is new.
  public init(_ text: String) {
    if text.isEmpty {
      address = 0
      return
    }
    if let a = text.utf8.withContiguousStorageIfAvailable({ InternedName.intern($0) }) {
      address = a
      return
    }
    var copy = text
    address = copy.withUTF8 { InternedName.intern($0) }
  }

  /// The interned name of the text these UTF-8 bytes spell (repaired as `String(decoding:as:)` repairs
  /// them), made without a `String` when the name was met before.
  /// - Complexity: O(bytes), lock-free unless the name is new.
  public init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
    address = bytes.isEmpty ? 0 : InternedName.intern(bytes)
  }

  /// The name's text.
  @inlinable public var text: String { address == 0 ? "" : InternedName.withBox(address) { $0.text } }
  public var description: String { text }
  @inlinable public var isEmpty: Bool { address == 0 }

  /// Whether the name was interned by these exact bytes (its text's, unless they were not UTF-8).
  /// - Complexity: O(bytes).
  func hasBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    address == 0 ? bytes.isEmpty : InternedName.withBox(address) { $0.hasBytes(bytes) }
  }

  @inlinable public static func == (a: InternedName, b: InternedName) -> Bool {
    a.address == b.address || (a.address != 0 && b.address != 0 && a.text == b.text)
  }

  /// Compares the texts by their UTF-8 bytes (``Swift/String/compareInByteOrder(_:)``): negative, zero or
  /// positive as `self` sorts before, equal to or after `other`.
  /// - Complexity: O(length of the common prefix).
  @inlinable public func compareInByteOrder(_ other: InternedName) -> Int {
    if address == other.address { return 0 }
    return withUTF8 { a in other.withUTF8 { b in a.compareInByteOrder(b) } }
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(text) }

  /// Reads the box at `address` (not 0) without retaining it.
  @inlinable @inline(__always) static func withBox<T>(_ address: UInt, _ read: (Box) -> T) -> T {
    Unmanaged<Box>.fromOpaque(UnsafeRawPointer(bitPattern: address)!)._withUnsafeGuaranteedRef(read)
  }

  /// ``NameHash/hash(_:)`` of the text, made once when the name was interned (what a ``StockKey`` of the
  /// name is hashed by).
  @inlinable public var nameHash: UInt64 { address == 0 ? NameHash.hash("") : InternedName.withBox(address) { $0.nameHash } }

  /// FNV-1a of the text's UTF-8 bytes, made once when the name was interned (what a ``NameTable`` looks
  /// the name up by, and what ``Masters/prefetchItem(slotOf:)`` is given).
  @inlinable public var tableHash: UInt64 { address == 0 ? FNV1a.hash("".utf8) : InternedName.withBox(address) { $0.tableHash } }

  /// The name's bytes as a CSV field writes them, unless it needs quotes or a formula guard (or is empty):
  /// made once, when it was interned (``ByteWriter/text(_:)`` of an interned name).
  @inlinable public var plainText: PlainText? { address == 0 ? nil : InternedName.withBox(address) { $0.plainText } }

  /// The number of UTF-8 bytes of the name's text.
  @inlinable public var utf8Count: Int { withUTF8 { $0.count } }

  /// Calls `body` with the UTF-8 bytes of the name's text (none for the empty name), where they lie.
  @inlinable public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    address == 0 ? body(UnsafeBufferPointer(start: nil, count: 0)) : InternedName.withBox(address) { body($0.textBytes) }
  }

  /// One name: its text, the exact bytes it was interned by, and its hashes.
  @usableFromInline final class Box: Sendable {
    @usableFromInline let text: String
    /// The bytes it was interned by, and the text's (the same bytes, unless they were not UTF-8 and the
    /// text repaired them); owned by the box, which is never freed.
    private nonisolated(unsafe) let bytes: UnsafeMutableBufferPointer<UInt8>
    @usableFromInline nonisolated(unsafe) let textBytes: UnsafeBufferPointer<UInt8>
    /// The bytes' hash in the table.
    let hash: UInt64
    @usableFromInline let nameHash: UInt64
    @usableFromInline let tableHash: UInt64
    @usableFromInline let plainText: PlainText?

    init(_ source: UnsafeBufferPointer<UInt8>, hash: UInt64) {
      bytes = .allocate(capacity: source.count)
      _ = bytes.initialize(from: source)
      text = String(decoding: source, as: UTF8.self)
      // (Compared where the text's bytes lie: the generic comparison of its UTF-8 view was a fifth of
      // boxing a name, and a run boxes every item code of its master data.)
      let same = text.utf8.withContiguousStorageIfAvailable { $0.count == source.count && (source.isEmpty || memcmp($0.baseAddress!, source.baseAddress!, source.count) == 0) }
      if same ?? text.utf8.elementsEqual(source) {
        textBytes = UnsafeBufferPointer(bytes)
      } else {
        let repaired = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
        _ = repaired.initialize(from: text.utf8)
        textBytes = UnsafeBufferPointer(repaired)
      }
      self.hash = hash
      nameHash = NameHash.hash(text)
      tableHash = FNV1a.hash(textBytes)
      plainText = PlainText(kept: textBytes)
    }

    func hasBytes(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
      other.count == bytes.count && (other.count == 0 || memcmp(other.baseAddress!, bytes.baseAddress!, other.count) == 0)
    }
  }

  // MARK: the tables

  /// Slots of box addresses (0: empty), open-addressed by the bytes' hash, in two tiers tried in turn: a
  /// small one for the names of usual master data, then a large one. Each is a power of two of word-sized
  /// slots in an anonymous mapping, zero until written, whose pages are touched only where names land:
  /// the large one alone (8 MB) was a page fault per name of a run's first names, a thousand items' worth
  /// of faults on the path to the first row read. A tier takes names until half full; past both (half a
  /// million distinct names: far more than master data holds), names go to the overflow.
  ///
  /// Lookups are lock-free. A name is put in only under the lock, after looking for it again there: a
  /// name two threads meet at once is boxed once, also when one of them finds the small tier full (put in
  /// lock-free, the two could each box it, one in each tier). A process boxes each distinct name once, so
  /// the lock is taken as often.
  private final class Tier: Sendable {
    nonisolated(unsafe) let slots: UnsafeMutablePointer<UInt>
    let count: Int
    /// Names put in (under the lock; read without it to skip a tier that has none).
    let filled = Atomic<Int>(0)

    init(count: Int) {
      let bytes = count * MemoryLayout<UInt>.stride
      guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
        fatalError("no memory for the table of names")
      }
      slots = p.bindMemory(to: UInt.self, capacity: count)
      self.count = count
    }

    /// The address of the box of these bytes in the tier, or nil with the empty slot where it would go.
    @inline(__always) func find(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (found: UInt?, empty: Int) {
      let mask = count - 1
      var i = Int(truncatingIfNeeded: h) & mask
      while true {
        let found = stockledger_load_acquire(slots + i)
        if found == 0 { return (nil, i) }
        if InternedName.withBox(found, { $0.hash == h && $0.hasBytes(bytes) }) { return (found, i) }
        i = (i + 1) & mask
      }
    }
  }
  private static let small = Tier(count: 1 << 14)
  private static let large = Tier(count: 1 << 20)
  /// The lock every name is put in under, and the names past the tables' share.
  private static let overflow = Mutex<[[UInt8]: UInt]>([:])

  /// The address of the box of these bytes (not empty), boxed and put in the first time.
  private static func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt {
    let h = NameHash.hash(bytes: bytes, seed: NameHash.seed)
    if let found = small.find(bytes, hash: h).found { return found }
    // The large tier is looked in once it has names: a lookup there touches a page of slots wherever the
    // hash falls, and a name not yet boxed (each of a thousand items' codes, read with the master data at
    // the start of every run) was a page fault each, 820 of them.
    if large.filled.load(ordering: .relaxed) > 0, let found = large.find(bytes, hash: h).found { return found }
    return overflow.withLock { names in
      // Looked for again: another thread may have put it in since.
      let (inSmall, smallSlot) = small.find(bytes, hash: h)
      if let inSmall { return inSmall }
      let (smallFilled, largeFilled) = (small.filled.load(ordering: .relaxed), large.filled.load(ordering: .relaxed))
      var largeSlot = 0
      if largeFilled > 0 || smallFilled >= small.count / 2 {
        let (inLarge, slot) = large.find(bytes, hash: h)
        if let inLarge { return inLarge }
        largeSlot = slot
      }
      // (The overflow's key made only when there is one: a copy of the bytes per new name, for nothing.)
      if !names.isEmpty, let known = names[Array(bytes)] { return known }
      let address = UInt(bitPattern: Unmanaged.passRetained(Box(bytes, hash: h)).toOpaque())  // kept for the life of the process
      // Published with a full barrier (the box's fields before its address), in the first tier not yet
      // half full: a name once in the large tier is never put in the small one (its slot stays empty).
      // (A tier's count is raised after its slot is filled. Read without the lock, it only decides whether
      // a lookup looks in the large tier: a name missed there is looked for again here.)
      if smallFilled < small.count / 2 {
        _ = stockledger_compare_and_swap(small.slots + smallSlot, 0, address)
        small.filled.store(smallFilled + 1, ordering: .releasing)
      } else if largeFilled < large.count / 2 {
        _ = stockledger_compare_and_swap(large.slots + largeSlot, 0, address)
        large.filled.store(largeFilled + 1, ordering: .releasing)
      } else {
        names[Array(bytes)] = address
      }
      return address
    }
  }

  /// The address of the box of these bytes among the names past the tables' share, boxed the first time
  /// (internal for the tests: a process reaches it only past half a million names).
  static func overflowed(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt {
    let key = Array(bytes)
    return overflow.withLock { names in
      if let known = names[key] { return known }
      let address = UInt(bitPattern: Unmanaged.passRetained(Box(bytes, hash: 0)).toOpaque())
      names[key] = address
      return address
    }
  }
}
