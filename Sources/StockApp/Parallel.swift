import Dispatch
import Foundation

/// Both cores for independent work (the machine this runs on has two). Results come back in input order,
/// so the outputs are byte-identical to a single-threaded run.
enum Parallel {
  /// `input.map(transform)`, split over two threads when the input is large enough to pay for it.
  static func map<T: Sendable, R: Sendable>(_ input: [T], minimum: Int = 2_000, _ transform: @escaping @Sendable (T) -> R) -> [R] {
    guard input.count >= minimum else { return input.map(transform) }
    let results = Slots<R>(count: input.count)
    let half = input.count / 2
    DispatchQueue.concurrentPerform(iterations: 2) { part in
      for i in part == 0 ? 0..<half : half..<input.count { results.set(i, transform(input[i])) }
    }
    return results.collect()
  }
}

/// Write-once slots filled from several threads at distinct indices.
final class Slots<R>: @unchecked Sendable {
  private let buffer: UnsafeMutableBufferPointer<R?>
  init(count: Int) {
    buffer = .allocate(capacity: count)
    buffer.initialize(repeating: nil)
  }
  deinit {
    buffer.deinitialize()
    buffer.deallocate()
  }
  func set(_ i: Int, _ value: R) { buffer[i] = value }
  /// The values; every slot must have been set.
  func collect() -> [R] { buffer.compactMap { $0 } }
}

/// Work started on another thread now and collected later (`value` waits for it).
final class Background<R: Sendable>: @unchecked Sendable {
  private var result: R?
  private let done = DispatchSemaphore(value: 0)

  init(_ work: @escaping @Sendable () -> R) {
    let thread = Thread { [self] in
      self.result = work()
      self.done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
  }

  /// The result, once the work has finished.
  var value: R {
    done.wait()
    done.signal()
    guard let result else { preconditionFailure("background work finished without a result") }
    return result
  }
}
