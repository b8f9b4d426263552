import Synchronization

/// Values kept once each for the life of the process, named by a small number: what a value type holds
/// instead of a box when it must copy as plain data (no reference count) and the boxed part is rare — the
/// party and remarks of a GL line, the batch and serial numbers of a stock entry, amounts too wide to pack.
///
/// Values are the same when their bytes are (``exactBytes``): two spellings `String` calls equal (a
/// composed and a decomposed accent) are two values, each written back as it came. Equal values get the
/// same number, so a type holding numbers keeps the synthesized `==` and `hash`. Number 0 is no value.
/// What is interned is never freed: the table grows with the distinct values a process makes (a run's
/// parties, remarks, batches and serial lists), not with the lines that hold them.
public final class InternTable<Value: Sendable>: Sendable {
  private struct Tables {
    var values: [Value] = []
    var numbers: [[UInt8]: UInt32] = [:]
  }
  private let tables = Mutex(Tables())
  private let exactBytes: @Sendable (Value) -> [UInt8]

  /// - Parameter exactBytes: the bytes that tell values apart (equal bytes, the same value).
  public init(exactBytes: @escaping @Sendable (Value) -> [UInt8]) { self.exactBytes = exactBytes }

  /// The number of `value` (1 and up), kept the first time.
  /// - Complexity: O(bytes of the value), under a lock.
  public func number(_ value: Value) -> UInt32 {
    let key = exactBytes(value)
    return tables.withLock { t in
      if let known = t.numbers[key] { return known }
      t.values.append(value)
      precondition(t.values.count < Int(UInt32.max), "fewer than 2³² distinct values")
      let n = UInt32(t.values.count)
      t.numbers[key] = n
      return n
    }
  }

  /// The value numbered `n` (not 0).
  /// - Complexity: O(1), under a lock.
  public subscript(n: UInt32) -> Value {
    tables.withLock { $0.values[Int(n) - 1] }
  }

  /// How many values are kept (for tests).
  public var count: Int { tables.withLock { $0.values.count } }

  /// The bytes of texts and numbers one after another, each text ended by a byte UTF-8 never holds
  /// (0xFF), each number as its 16 bytes: ``exactBytes`` for a value made of them.
  public static func bytes(texts: [String], numbers: [Fixed?] = []) -> [UInt8] {
    var out: [UInt8] = []
    for t in texts {
      out += t.utf8
      out.append(0xFF)
    }
    for n in numbers {
      guard let n else {
        out.append(0)
        continue
      }
      out.append(1)
      withUnsafeBytes(of: n.raw) { out += $0 }
    }
    return out
  }
}
