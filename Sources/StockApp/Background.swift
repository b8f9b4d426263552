import Dispatch
import Foundation

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

  /// The result, once the work has finished, handed over: this value keeps none of it (its arrays go when
  /// the caller lets them go). Taken once, and not read after through ``value``.
  func take() -> R {
    done.wait()
    guard let result else { preconditionFailure("background work finished without a result, or it was taken") }
    self.result = nil
    return result
  }

  /// The result, once the work has finished.
  var value: R {
    done.wait()
    done.signal()
    guard let result else { preconditionFailure("background work finished without a result") }
    return result
  }
}

/// A value handed from one owner to the next, taken once: the taker then holds the only reference to its
/// storage, which it changes in place instead of copying.
final class Handover<T>: @unchecked Sendable {
  private var value: T?
  init(_ value: T) { self.value = value }
  /// The value, the first time; nil after.
  func take() -> T? { value.take() }
}
