import Dispatch
import StockCore

#if canImport(Glibc)
import CSystem
import Glibc
#endif

/// The C allocator's settings for a batch run.
///
/// A run builds large arrays and buffers, frees them and builds the next; glibc by default returns freed
/// memory to the kernel (trim, and `mmap` for blocks over a threshold that moves) and the next allocation
/// then faults in fresh zeroed pages. On this project's 2-core VM a new page costs about 8 µs, so a 1M-voucher
/// run spent a fifth of its time in the kernel zeroing pages (BENCHMARKS.md). Keeping freed memory for reuse
/// within the process cuts that by about a tenth of the run; peak RSS is unchanged (it is measured at the
/// peak, when everything is live anyway).
enum Allocator {
  /// Called once at the start of a command that loads or posts the ledger.
  static func tuneForBatch() {
    #if canImport(Glibc)
    _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)  // blocks under 32 MB come from the heap and are reused
    _ = mallopt(M_TRIM_THRESHOLD, Int32.max)  // freed heap memory is kept, not given back
    _ = mallopt(M_TOP_PAD, 64 << 20)  // the heap grows in 64 MB steps
    #endif
  }

  /// Limits the allocator to two arenas (glibc's default is eight per core) for a large run, whose peak is
  /// what it must bound: memory one thread frees is then reused by the next that allocates, where a dozen
  /// arenas each kept what their threads had freed (freed memory is kept, ``tuneForBatch()``) and the 10M
  /// run's peak moved between 1,452,704 and 1,615,196 KiB from run to run (1,398,464–1,437,400 KiB in four
  /// runs with two).
  ///
  /// The thread that parses beside this one (the first of Dispatch's) is given the second arena here, before
  /// any other thread allocates; given this one's, the two halves of a file waited for its lock. Threads
  /// made later share the two in turn (glibc's round robin). A 10M run still reads its files 0.5–1.5 s
  /// slower than with glibc's default (BENCHMARKS.md).
  /// Not for every run: a 1M run's peak is half its target, and threads sharing an arena wait for each
  /// other now and then (2,800 → 7,600 futex calls in a 1M run).
  /// Called before any thread but this one has allocated (glibc fixes the limit once it has made eight
  /// arenas, and a thread keeps the arena it was given); after a recovery that used threads, the arenas
  /// already made stay, and only no more are made.
  static func shareTwoArenas() {
    #if canImport(Glibc)
    _ = mallopt(M_ARENA_MAX, 2)
    // Two iterations that wait for each other (briefly: should Dispatch run both on this thread, the
    // second finds the first's signal) run on two threads, the other one allocating first.
    let (first, second) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
    DispatchQueue.concurrentPerform(iterations: 2) { i in
      free(malloc(64))
      (i == 0 ? first : second).signal()
      _ = (i == 0 ? second : first).wait(timeout: .now() + .milliseconds(20))
    }
    #endif
  }

  /// Gives the kernel back the pages of freed heap memory (kept otherwise, ``tuneForBatch()``): after the
  /// replay's lists are freed, so that the end of a run, which builds its caches in fresh arrays, does not
  /// add them to pages the heap keeps and no longer uses.
  /// - Complexity: O(heap), in the allocator and the kernel.
  static func returnFreedPages() {
    #if canImport(Glibc)
    _ = malloc_trim(0)
    #endif
  }

  /// Faults in, writable, the pages wholly inside elements `from..<to` of the allocation at `base`
  /// (``Pages/populate(address:count:)``).
  /// - Complexity: O(pages), in the kernel.
  static func populate<T>(_ base: UnsafePointer<T>, from: Int, to: Int) {
    guard to > from else { return }
    Pages.populate(address: UInt(bitPattern: base + from), count: (to - from) * MemoryLayout<T>.stride)
  }
}

/// Faults in the pages just ahead of a writer that fills an array in place, a window at a time
/// (``Allocator/populate(_:from:to:)``), from another thread.
struct PopulateAhead<Element> {
  private var base: UnsafePointer<Element>?
  private var populated = 0
  /// Elements in a window: between one and two windows ahead of the writer are faulted in.
  private let window: Int

  /// - Parameter bytes: the window's size.
  init(bytes: Int) { window = max(1, bytes / MemoryLayout<Element>.stride) }

  /// The writer has filled `count` of the `capacity` elements at `base`; a new `base` (the array moved)
  /// starts again from `count`.
  mutating func advance(_ base: UnsafePointer<Element>?, count: Int, capacity: Int) {
    guard let base else { return }
    if self.base != base { (self.base, populated) = (base, 0) }
    guard populated < count + window else { return }
    let to = min(capacity, count + 2 * window)
    Allocator.populate(base, from: max(populated, count), to: to)
    populated = to
  }
}
