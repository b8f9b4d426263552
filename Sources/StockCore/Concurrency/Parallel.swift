import Dispatch

/// Both cores for independent work (the machine this runs on has two). Results come back in input order,
/// so the outputs are byte-identical to a single-threaded run.
///
/// The work is cut into ``chunks`` contiguous chunks that the threads take in turn, not two halves: a thread
/// that starts late (another thread of the run had the core, or Dispatch was making its worker) or meets
/// slower elements then does less, and the two finish within a chunk of each other (with halves, a 100k
/// run's validation ended with one core idle for a few milliseconds).
public enum Parallel {
  /// How many chunks the work of ``map(_:minimum:_:)``, ``unzippedMap(_:minimum:_:)`` and
  /// ``updateChunks(_:minimum:_:)`` is cut into (for inputs of at least their `minimum`).
  public static let chunks = 16

  /// The range of chunk `c` of `count` elements cut into ``chunks``.
  @inlinable @inline(__always) static func chunk(_ c: Int, of count: Int) -> Range<Int> {
    (c * count / chunks)..<((c + 1) * count / chunks)
  }

  /// `input.map(transform)`, over two threads when the input is large enough to pay for it.
  /// - Complexity: O(n) transforms, two at a time; the results are built in place (no copy afterwards).
  @inlinable public static func map<T: Sendable, R: Sendable>(_ input: [T], minimum: Int = 2_000, _ transform: @escaping @Sendable (T) -> R) -> [R] {
    guard input.count >= minimum else { return input.map(transform) }
    let count = input.count
    return filled(count: count) { out in
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        for i in chunk(c, of: count) { out.initialize(i, to: transform(input[i])) }
      }
    }
  }

  /// `input.map(transform)` into two arrays, the pairs' halves: ``map(_:minimum:_:)`` for a transform with
  /// two results wanted apart (one array is kept as it is, the other read once).
  /// - Complexity: O(n) transforms, two at a time; both arrays built in place.
  @inlinable public static func unzippedMap<T: Sendable, A: Sendable, B: Sendable>(
    _ input: [T], minimum: Int = 2_000, _ transform: @escaping @Sendable (T) -> (A, B)
  ) -> ([A], [B]) {
    guard input.count >= minimum else {
      var a: [A] = [], b: [B] = []
      a.reserveCapacity(input.count)
      b.reserveCapacity(input.count)
      for x in input {
        let (p, q) = transform(x)
        a.append(p)
        b.append(q)
      }
      return (a, b)
    }
    let count = input.count
    var second: [B] = []
    let first = filled(count: count) { outA in
      second = filled(count: count) { outB in
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
          for i in chunk(c, of: count) {
            let (p, q) = transform(input[i])
            outA.initialize(i, to: p)
            outB.initialize(i, to: q)
          }
        }
      }
    }
    return (first, second)
  }

  /// Updates the elements of `input` in place, a chunk at a time: `body` is given a chunk's range and the
  /// elements' address, changes those elements and writes what it makes of each where the caller keeps it
  /// (arrays it made beforehand, written at the same indices), and returns one value for the chunk. The
  /// chunks' values come back in input order. For work whose per-element results have a home already:
  /// an array of results per element was fresh memory of its own, one page fault per 4 KB.
  /// - Complexity: O(n) in `body`, two chunks at a time.
  @inlinable public static func updateChunks<T, P: Sendable>(
    _ input: inout [T], minimum: Int = 2_000, _ body: @escaping @Sendable (Range<Int>, UnsafeMutablePointer<T>) -> P
  ) -> [P] {
    let count = input.count
    guard count > 0 else { return [] }
    return input.withUnsafeMutableBufferPointer { buffer in
      guard count >= minimum else { return [body(0..<count, buffer.baseAddress!)] }
      let elements = Slots(buffer.baseAddress!)
      return filled(count: chunks) { out in
        DispatchQueue.concurrentPerform(iterations: chunks) { c in out.initialize(c, to: body(chunk(c, of: count), elements.base)) }
      }
    }
  }

  /// `input.map(transform)` for a few large, uneven pieces of work: each element is a task taken by
  /// whichever core is free, the largest (by `weight`) first.
  @inlinable public static func mapEach<T: Sendable, R: Sendable>(_ input: [T], weight: (T) -> Int, _ transform: @escaping @Sendable (T) -> R) -> [R] {
    guard input.count > 1 else { return input.map(transform) }
    let order = input.indices.sorted { weight(input[$0]) > weight(input[$1]) }
    return filled(count: input.count) { out in
      DispatchQueue.concurrentPerform(iterations: order.count) { k in
        let i = order[k]
        out.initialize(i, to: transform(input[i]))
      }
    }
  }

  /// An array of `count` elements that `fill` initializes, every index exactly once, from any thread.
  @inlinable static func filled<R>(count: Int, _ fill: (Slots<R>) -> Void) -> [R] {
    guard count > 0 else { return [] }
    return [R](unsafeUninitializedCapacity: count) { buffer, initialized in
      fill(Slots(buffer.baseAddress!))
      initialized = count
    }
  }
}

/// The uninitialized elements of an array being built, written from several threads at distinct indices.
/// (Inlinable with ``Parallel``: specialised for the elements in the modules that call it, not run
/// generically element by element.)
@usableFromInline struct Slots<R>: @unchecked Sendable {
  @usableFromInline let base: UnsafeMutablePointer<R>
  @inlinable init(_ base: UnsafeMutablePointer<R>) { self.base = base }
  @inlinable func initialize(_ i: Int, to value: R) { (base + i).initialize(to: value) }
}
