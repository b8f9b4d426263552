#if canImport(Glibc)
import CSystem
#endif

/// The calling thread's scheduling priority (Linux: per thread), for a thread that should give way to
/// the others when they want its core (``giveWay()``).
enum ThreadPriority {
  /// How much lower a thread with time to spare runs than the run's others (nice 4 where they have 0):
  /// the renderer (``RenderAhead``). (The thread that builds the next snapshot's caches ran so for one
  /// session, while the history's keys ended a 10M run after it; now it ends last, at 0.) Where three
  /// threads want the two cores, the kernel then gives the one at 0 about 70 % of the shared core, not half
  /// (CFS weights 1024 and 423); the one behind catches up in its waits. Measured for the renderer, nice 2
  /// and 8 within the noise of 4. Where the kernel groups a session's processes (autogroup, on here and on
  /// most distributions), nice weighs a thread against its own session's only; without it the thread also
  /// gives way to other jobs at nice 0.
  static let givingWay: Int32 = 4
  /// How much lower a thread runs whose work is wanted only at the run's end (nice 10, CFS weight 110 to
  /// the others' 1024): it takes what the others leave of the cores.
  static let spareTime: Int32 = 10

  /// Lowers the calling thread's priority by ``givingWay`` (and the threads it starts after, which take
  /// its priority); false when the system refused.
  @discardableResult
  static func giveWay() -> Bool { lower(by: givingWay) }

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
