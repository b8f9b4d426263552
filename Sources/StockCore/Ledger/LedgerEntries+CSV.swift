extension StockLedgerEntry {
  /// The columns of `stock-ledger.csv` (SPEC §7), with `outgoing_rate` after them.
  public static let columns = [
    "posting_date", "posting_time", "voucher_type", "voucher_no", "item_code", "warehouse", "batch_no", "serial_nos",
    "actual_qty", "qty_after_transaction", "incoming_rate", "valuation_rate", "stock_value", "stock_value_difference",
    "outgoing_rate",
  ]

  /// Writes the entry's ``columns``: amounts with `places` decimals, quantities and rates exact.
  /// - Complexity: O(bytes written), one check for room for a row of usual size (``ByteWriter/withRoom(_:_:)``).
  public func write(places: Int, into w: inout ByteWriter) {
    w.withRoom(ByteWriter.usualRow) { w in
      w.date(date)
      w.time(time)
      w.text(plain: voucherType.plainName)
      w.text(number)
      w.text(key.itemName)  // (from the bytes the names' boxes keep)
      w.text(key.warehouseName)
      if tracking != nil {
        w.text(batchNo)
        let serials = serialNos
        w.text(serials.count <= 1 ? serials.first ?? "" : serials.joined(separator: ";"))
      } else {
        // (Most entries: neither batch nor serials, two separators.)
        w.separator()
        w.separator()
      }
      w.plain(actualQty)
      w.plain(qtyAfterTransaction)
      w.plain(incomingRate)
      w.plain(valuationRate)
      w.amount(stockValue, places: places)
      w.amount(stockValueDifference, places: places)
      w.plain(outgoingRate)
    }
  }

  /// The entry's ``columns`` as text.
  public func fields(places: Int) -> [String] {
    [
      date.description, time.description, voucherType.rawValue, voucherNo, itemCode, warehouse, batchNo,
      serialNos.joined(separator: ";"), actualQty.plain, qtyAfterTransaction.plain, incomingRate.plain,
      valuationRate.plain, stockValue.formatted(places: places), stockValueDifference.formatted(places: places),
      outgoingRate.plain,
    ]
  }
}

extension GLEntry {
  /// The columns of `general-ledger.csv` and `gl-journal.csv` (SPEC §7), also the ledger's `gl.csv`.
  public static let columns = [
    "posting_date", "voucher_type", "voucher_no", "account", "debit", "credit", "party", "against_account",
    "is_adjustment", "remarks",
  ]

  /// Writes the line's ``columns``.
  /// - Complexity: O(bytes written), one check for room for a row of usual size (``ByteWriter/withRoom(_:_:)``).
  public func write(places: Int, into w: inout ByteWriter) {
    w.withRoom(ByteWriter.usualRow) { w in
      w.date(date)
      w.text(plain: voucherType.plainName)
      w.text(number)
      w.text(accountName)
      w.amount(debit, places: places)
      w.amount(credit, places: places)
      // (Most lines have neither party nor remarks: no table read for them.)
      if notesNumber == 0 {
        w.separator()
        w.text(againstAccountName)
        w.flag(isAdjustment)
        w.separator()
      } else {
        let notes = self.notes
        w.text(notes?.party ?? "")
        w.text(againstAccountName)
        w.flag(isAdjustment)
        w.text(notes?.remarks ?? "")
      }
    }
  }

  /// The line's ``columns`` as text.
  public func fields(places: Int) -> [String] {
    [
      date.description, voucherType.rawValue, voucherNo, account, debit.formatted(places: places),
      credit.formatted(places: places), party, againstAccount, isAdjustment ? "1" : "0", remarks,
    ]
  }
}
