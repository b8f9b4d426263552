import Synchronization

/// Values kept once each for the life of the process, named by a small number: what a value type holds
/// instead of a box when it must copy as plain data (no reference count) and the boxed part is rare — the
/// party and remarks of a GL line, the batch and serial numbers of a stock entry, amounts too wide to pack.
///
/// Equal values get the same number, so a type holding numbers keeps the synthesized `==` and `hash`.
/// Number 0 is no value. What is interned is never freed: the table grows with the distinct values a
/// process makes (a run's parties, remarks, batches and serial lists), not with the lines that hold them.
public final class InternTable<Value: Hashable & Sendable>: Sendable {
  private struct Tables {
    var values: [Value] = []
    var numbers: [Value: UInt32] = [:]
  }
  private let tables = Mutex(Tables())

  public init() {}

  /// The number of `value` (1 and up), kept the first time.
  /// - Complexity: O(1) amortised, a hash of the value, under a lock.
  public func number(_ value: Value) -> UInt32 {
    tables.withLock { t in
      if let known = t.numbers[value] { return known }
      t.values.append(value)
      precondition(t.values.count < Int(UInt32.max), "fewer than 2³² distinct values")
      let n = UInt32(t.values.count)
      t.numbers[value] = n
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
}
