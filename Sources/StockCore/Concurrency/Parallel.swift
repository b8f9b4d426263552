import Dispatch

/// Both cores for independent work (the machine this runs on has two). Results come back in input order,
/// so the outputs are byte-identical to a single-threaded run.
public enum Parallel {
  /// `input.map(transform)`, split over two threads when the input is large enough to pay for it.
  /// - Complexity: O(n) transforms, two at a time.
  public static func map<T: Sendable, R: Sendable>(_ input: [T], minimum: Int = 2_000, _ transform: @escaping @Sendable (T) -> R) -> [R] {
    guard input.count >= minimum else { return input.map(transform) }
    let results = Slots<R>(count: input.count)
    let half = input.count / 2
    DispatchQueue.concurrentPerform(iterations: 2) { part in
      for i in part == 0 ? 0..<half : half..<input.count { results.set(i, transform(input[i])) }
    }
    return results.collect()
  }

  /// `input.map(transform)` for a few large, uneven pieces of work: each element is a task taken by
  /// whichever core is free, the largest (by `weight`) first.
  public static func mapEach<T: Sendable, R: Sendable>(_ input: [T], weight: (T) -> Int, _ transform: @escaping @Sendable (T) -> R) -> [R] {
    guard input.count > 1 else { return input.map(transform) }
    let order = input.indices.sorted { weight(input[$0]) > weight(input[$1]) }
    let results = Slots<R>(count: input.count)
    DispatchQueue.concurrentPerform(iterations: order.count) { k in
      let i = order[k]
      results.set(i, transform(input[i]))
    }
    return results.collect()
  }
}

/// Write-once slots filled from several threads at distinct indices.
public final class Slots<R>: @unchecked Sendable {
  private let buffer: UnsafeMutableBufferPointer<R?>
  public init(count: Int) {
    buffer = .allocate(capacity: count)
    buffer.initialize(repeating: nil)
  }
  deinit {
    buffer.deinitialize()
    buffer.deallocate()
  }
  public func set(_ i: Int, _ value: R) { buffer[i] = value }
  /// The values; every slot must have been set.
  public func collect() -> [R] { buffer.compactMap { $0 } }
}
