import CSystem
import StockCore

/// The running state of every item and warehouse: what the engine looks up for every movement, in a table
/// it can ask to bring a state into cache a few vouchers before it is needed (``StockKeyTable``).
public typealias StockStates = StockKeyTable<ItemWarehouseState>

extension StockKeyTable where Value == ItemWarehouseState {
  /// The quantity of `key`'s state, read in place (a copy of the state retains its queue); zero when absent.
  public func qty(_ key: StockKey) -> Quantity {
    guard let i = position(of: key) else { return .zero }
    return self[at: i].qty
  }

  /// Asks for the first bins of the FIFO queue of the state at `position` to be brought into cache (the
  /// state itself should be in cache by now, ``StockKeyTable/prefetch(position:)``).
  @inline(__always) public func prefetch(queueAt position: Int) {
    guard position >= 0, position < count else { return }
    withValues { s in
      // The queue's storage object: a 32-byte header (its reference count and count, read by every change
      // of the state: on a line of its own half the time, since the object is 16-byte aligned), then the bins.
      let object = UnsafeRawPointer(s.baseAddress! + position).load(fromByteOffset: ItemWarehouseState.queueOffset, as: UnsafeRawPointer.self)
      stockledger_prefetch(object)
      stockledger_prefetch(object + 32)
      stockledger_prefetch(object + 96)
    }
  }
}

extension ItemWarehouseState {
  /// Where the queue's reference is in the state (for ``StockKeyTable/prefetch(queueAt:)``).
  @inline(__always) static var queueOffset: Int {
    MemoryLayout<ItemWarehouseState>.offset(of: \.queue)! + MemoryLayout<StockQueue>.offset(of: \.bins)!
  }
}
