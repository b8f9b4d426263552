#if canImport(Glibc)
import CSystem
#endif

/// The calling thread's scheduling priority (Linux: per thread), for a thread that should give way to
/// the others when they want its core (``RenderAhead/niceness``).
enum ThreadPriority {
  /// The calling thread's nice value (`getpriority`); 0 where there is no Glibc.
  static var nice: Int32 {
    #if canImport(Glibc)
    Int32(stockledger_thread_nice())
    #else
    0
    #endif
  }

  /// Lowers the calling thread's priority by `by` from where it is (no privilege needed); false when the
  /// system refused (the thread then runs as before).
  @discardableResult
  static func lower(by: Int32) -> Bool {
    #if canImport(Glibc)
    stockledger_lower_this_thread(by) == 0
    #else
    false
    #endif
  }
}
