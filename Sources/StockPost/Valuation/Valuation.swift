import StockCore

/// One movement of stock applied to an ``ItemWarehouseState`` by the rules of the item's valuation method
/// (ERPNext `stock/valuation.py` and `update_entries_after`, reference §2.1–2.3).
public enum Valuation {
  /// What a movement did to the state.
  public struct Outcome: Sendable, Equatable {
    public var stockValue: Amount
    public var stockValueDifference: Amount
  }

  /// The valuation could not complete: an outward movement needed a fallback rate and none exists.
  public struct NoRate: Error {}

  /// Applies `actualQty` (signed, stock UOM) to `state`.
  ///
  /// - Parameters:
  ///   - incomingRate: the rate of an inward movement (ignored for outward ones).
  ///   - outgoingRate: an explicit rate for an outward movement (returns); nil for a plain issue.
  ///   - fallback: the rate to use where the method needs one and the state has none (§2.6).
  ///   - journal: told how to undo each change to the FIFO/LIFO queue.
  /// - Rounding: the stock value is rounded to currency precision once per movement; the valuation rate to
  ///   9 decimals; the FIFO bins keep exact quantities and rates.
  /// - Complexity: O(bins taken) for FIFO/LIFO (O(bins) to find a return's bin by its rate), O(1) for
  ///   moving average.
  public static func apply(
    _ actualQty: Quantity, incomingRate: Rate, outgoingRate: Rate? = nil, to state: inout ItemWarehouseState,
    method: ValuationMethod, arithmetic company: Company.Arithmetic, journal: inout some QueueJournal, fallback: () -> Rate?
  ) throws(NoRate) -> Outcome {
    let prevValue = state.stockValue
    let qtyAfter = state.qty + actualQty
    var unrounded: Wide
    switch method {
    case .fifo, .lifo:
      let before = state.queue.value.snappedNearZero
      if actualQty.isPositive {
        addStock(&state.queue, qty: actualQty, rate: incomingRate, journal: &journal)
      } else {
        try removeStock(&state.queue, qty: -actualQty, outgoingRate: outgoingRate ?? .zero, lifo: method == .lifo, journal: &journal, fallback: fallback)
      }
      let after = state.queue.value.snappedNearZero
      unrounded = (Wide(prevValue) + (after - before)).snappedNearZero
      if state.queue.isEmpty {
        let r = actualQty.isPositive ? incomingRate : (outgoingRate ?? state.valuationRate)
        state.queue.append(StockBin(qty: .zero, rate: r), journal: &journal)
      }
      if !qtyAfter.isZero { state.valuationRate = unrounded.divided(by: qtyAfter, rule: company.rounding) }
    case .movingAverage:
      var rate = state.valuationRate
      if !qtyAfter.isNegative {
        if actualQty.isPositive {
          if !state.qty.isPositive {
            rate = incomingRate
          } else {
            let numerator = Wide(product: state.qty, state.valuationRate) + Wide(product: actualQty, incomingRate)
            rate = numerator.divided(by: qtyAfter, rule: company.rounding)
          }
        } else if let out = outgoingRate, out.isPositive {
          if qtyAfter.isZero {
            rate = out
          } else {
            let numerator = Wide(product: state.qty, state.valuationRate) + Wide(product: actualQty, out)
            rate = numerator.divided(by: qtyAfter, rule: company.rounding)
          }
        }
      } else {
        if !state.qty.isNegative, let out = outgoingRate, out.isPositive { rate = out }
        if rate.isZero && actualQty.isPositive { rate = incomingRate }
        if rate.isZero {
          guard let f = fallback() else { throw NoRate() }
          rate = f
        }
      }
      state.valuationRate = rate
      unrounded = Wide(product: qtyAfter, rate)
    }
    state.qty = qtyAfter
    var value = company.money(unrounded)
    if qtyAfter.isZero { value = .zero }
    state.stockValue = value
    state.hasEntries = true
    return Outcome(stockValue: value, stockValueDifference: value - prevValue)
  }

  /// ``apply(_:incomingRate:outgoingRate:to:method:arithmetic:journal:fallback:)`` on a state nothing will
  /// undo.
  public static func apply(
    _ actualQty: Quantity, incomingRate: Rate, outgoingRate: Rate? = nil, to state: inout ItemWarehouseState,
    method: ValuationMethod, arithmetic company: Company.Arithmetic, fallback: () -> Rate?
  ) throws(NoRate) -> Outcome {
    var none = NoQueueJournal()
    return try apply(actualQty, incomingRate: incomingRate, outgoingRate: outgoingRate, to: &state, method: method, arithmetic: company, journal: &none, fallback: fallback)
  }

  /// FIFO and LIFO receipt (`FIFOValuation.add_stock`): merge into the last bin at the same rate, append
  /// after a positive bin, or absorb a negative last bin (the new rate wins once stock turns positive).
  /// - Complexity: O(1) amortised.
  public static func addStock(_ queue: inout StockQueue, qty: Quantity, rate: Rate, journal: inout some QueueJournal) {
    if queue.isEmpty { queue.append(StockBin(qty: .zero, rate: .zero), journal: &journal) }
    let last = queue.count - 1
    let bin = queue[last]
    if bin.rate == rate {
      queue.set(StockBin(qty: bin.qty + qty, rate: rate), at: last, journal: &journal)
    } else if bin.qty.isPositive {
      queue.append(StockBin(qty: qty, rate: rate), journal: &journal)
    } else {
      let newQty = bin.qty + qty
      queue.set(StockBin(qty: newQty, rate: newQty.isPositive ? rate : bin.rate), at: last, journal: &journal)
    }
  }

  /// FIFO (oldest first, or the first bin at `outgoingRate` when one is given) and LIFO (newest first)
  /// issue. What cannot be covered stays as one negative bin at the outgoing or last rate.
  /// - Complexity: O(bins taken), plus O(bins) to find the bin at `outgoingRate` and to close the gaps.
  public static func removeStock(
    _ queue: inout StockQueue, qty: Quantity, outgoingRate: Rate, lifo: Bool, journal: inout some QueueJournal, fallback: () -> Rate?
  ) throws(NoRate) {
    var remaining = qty
    while !remaining.isZero {
      if queue.isEmpty {
        guard let f = fallback() else { throw NoRate() }
        queue.append(StockBin(qty: .zero, rate: f), journal: &journal)
      }
      var index = lifo ? queue.count - 1 : 0
      if !lifo && outgoingRate.isPositive, let match = queue.bins.firstIndex(where: { $0.rate == outgoingRate }) {
        index = match
      }
      let bin = queue[index]
      if remaining >= bin.qty {
        remaining = remaining - bin.qty
        queue.remove(at: index, journal: &journal)
        if queue.isEmpty && !remaining.isZero {
          queue.append(StockBin(qty: -remaining, rate: outgoingRate.isPositive ? outgoingRate : bin.rate), journal: &journal)
          return
        }
      } else {
        queue.set(StockBin(qty: bin.qty - remaining, rate: bin.rate), at: index, journal: &journal)
        remaining = .zero
      }
    }
  }
}
