import Testing
@testable import StockCore
@testable import StockPost

/// The valuation rules of reference §2 with ERPNext's own test figures.
@Suite struct ValuationTests {
  let company = Company(name: "T")

  func apply(_ moves: [(Int, String)], method: ValuationMethod, fallback: Rate? = nil) throws -> (ItemWarehouseState, [Valuation.Outcome]) {
    var s = ItemWarehouseState()
    var outs: [Valuation.Outcome] = []
    for (q, r) in moves {
      outs.append(try Valuation.apply(Fixed(q), incomingRate: Fixed(parsing: r) ?? .zero, to: &s, method: method, arithmetic: company.arithmetic, fallback: { fallback }))
    }
    return (s, outs)
  }

  @Test func fifoConsumesOldestAndMergesSameRate() throws {
    let (s, o) = try apply([(10, "10"), (5, "10"), (10, "20"), (-12, "0")], method: .fifo)
    #expect(s.queue == [StockBin(qty: Fixed(3), rate: Fixed(10)), StockBin(qty: Fixed(10), rate: Fixed(20))])
    #expect(o[3].stockValueDifference.formatted(places: 2) == "-120.00")
    #expect(s.stockValue.formatted(places: 2) == "230.00")
    #expect(s.valuationRate.plain == "17.692307692")  // 230 / 13
  }

  @Test func lifoConsumesNewest() throws {
    // test_lifo_consumption: add 10@10, 10@20, remove 15 → consumed [[10,20],[5,10]], 5 left
    let (s, o) = try apply([(10, "10"), (10, "20"), (-15, "0")], method: .lifo)
    #expect(o[2].stockValueDifference.formatted(places: 2) == "-250.00")
    #expect(s.queue == [StockBin(qty: Fixed(5), rate: Fixed(10))])
    #expect(s.stockValue.formatted(places: 2) == "50.00")
  }

  @Test func negativeFIFO() throws {
    // test_negative_fifo_valuation: 10@10, −15, −5, +15@15 → [[5,15]], SVD 175
    let (s, o) = try apply([(10, "10"), (-15, "0"), (-5, "0"), (15, "15")], method: .fifo)
    #expect(o.map { $0.stockValue.formatted(places: 2) } == ["100.00", "-50.00", "-100.00", "75.00"])
    #expect(o[3].stockValueDifference.formatted(places: 2) == "175.00")
    #expect(s.queue == [StockBin(qty: Fixed(5), rate: Fixed(15))])
  }

  @Test func movingAverage() throws {
    let (s, o) = try apply([(10, "10"), (10, "20"), (-5, "0"), (5, "30")], method: .movingAverage)
    #expect(o[1].stockValue.formatted(places: 2) == "300.00")  // rate 15
    #expect(o[2].stockValueDifference.formatted(places: 2) == "-75.00")
    // (15 × 15 + 5 × 30) / 20 = 18.75
    #expect(s.valuationRate.plain == "18.75")
    #expect(s.stockValue.formatted(places: 2) == "375.00")
  }

  @Test func movingAverageRestartsAfterZero() throws {
    let (s, _) = try apply([(3, "10"), (-3, "0"), (2, "40")], method: .movingAverage)
    #expect(s.valuationRate.plain == "40")
  }

  @Test func negativeMovingAverage() throws {
    // −10 @100 (fallback), +5 @50 → rate stays 100, value −500, SVD +500; +10 @50 → qty 5, value 250, SVD 750
    let (s, o) = try apply([(-10, "0"), (5, "50"), (10, "50")], method: .movingAverage, fallback: Fixed(100))
    #expect(o.map { $0.stockValue.formatted(places: 2) } == ["-1000.00", "-500.00", "250.00"])
    #expect(o.map { $0.stockValueDifference.formatted(places: 2) } == ["-1000.00", "500.00", "750.00"])
    #expect(s.valuationRate.plain == "50")
  }

  @Test func zeroQuantityForcesZeroValue() throws {
    // 3 @ 0.333333333 then issue all: the last issue absorbs the rounding
    let (s, o) = try apply([(1, "0.333333333"), (1, "0.333333333"), (1, "0.333333334"), (-2, "0"), (-1, "0")], method: .movingAverage)
    #expect(o[2].stockValue.formatted(places: 2) == "1.00")
    #expect(o[3].stockValueDifference.formatted(places: 2) == "-0.67")
    #expect(o[4].stockValueDifference.formatted(places: 2) == "-0.33")
    #expect(s.stockValue.isZero)
  }

  @Test func noFallbackRateIsAnError() {
    #expect(throws: Valuation.NoRate.self) { _ = try apply([(-1, "0")], method: .fifo) }
    #expect(throws: Valuation.NoRate.self) { _ = try apply([(-1, "0")], method: .movingAverage) }
  }
}
