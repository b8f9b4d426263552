/// Orders 64-bit hashes without comparing them one against another: for tables of hashes made by a hash
/// function that spreads them (FNV-1a of voucher numbers, `String`'s SipHash), sorted in a few passes.
public enum HashOrder {
  /// The positions of `hashes` in ascending order of hash, equal hashes in their order in `hashes` (what a
  /// stable sort gives). The positions are counted into buckets by the hashes' top bits and each bucket (a
  /// dozen on average) sorted by insertion.
  /// - Complexity: O(n) for evenly spread hashes; O(n log n) at worst.
  public static func positions(sortedBy hashes: [UInt64]) -> [UInt32] {
    let n = hashes.count
    precondition(n < Int(UInt32.max), "fewer than 2³² hashes")
    guard n > 1 else { return n == 1 ? [0] : [] }
    var bits = 1
    while bits < 20 && (1 << (bits + 4)) < n { bits += 1 }  // about 16 per bucket
    let shift = UInt64(64 - bits)
    var start = [Int](repeating: 0, count: (1 << bits) + 1)
    for h in hashes { start[Int(h >> shift) + 1] += 1 }
    for b in 0..<(1 << bits) { start[b + 1] += start[b] }
    var order = [UInt32](repeating: 0, count: n)
    var fill = start
    for (k, h) in hashes.enumerated() {
      let b = Int(h >> shift)
      order[fill[b]] = UInt32(k)
      fill[b] += 1
    }
    hashes.withUnsafeBufferPointer { h in
      order.withUnsafeMutableBufferPointer { o in
        for b in 0..<(1 << bits) where start[b + 1] - start[b] > 1 {
          if start[b + 1] - start[b] > 64 {
            // Hashes bunched in one bucket (not FNV-1a's way): a comparison sort keeps the worst case
            // O(n log n); positions break ties, so equal hashes keep their order.
            o[start[b]..<start[b + 1]].sort { (h[Int($0)], $0) < (h[Int($1)], $1) }
            continue
          }
          var i = start[b] + 1
          while i < start[b + 1] {
            let moving = o[i], key = h[Int(moving)]
            var j = i
            while j > start[b] && h[Int(o[j - 1])] > key {
              o[j] = o[j - 1]
              j -= 1
            }
            o[j] = moving
            i += 1
          }
        }
      }
    }
    return order
  }
}
