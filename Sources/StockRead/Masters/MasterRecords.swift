import StockCore

/// What the posted vouchers depend on in the master data, record by record: a digest of every account,
/// warehouse, item, party and unit conversion, and of the settings every record depends on.
///
/// The head snapshot keeps the records it was posted under. When the master data changes only by
/// additions (a new item, warehouse, account, party or unit, the reorder levels edited), every posted
/// voucher validates and posts as it did: it names only records that were there, and those are
/// unchanged. The run then continues from the snapshot instead of replaying the ledger
/// (``change(from:)`` says when it may not).
///
/// A record's digest covers its row's non-blank values by column name (a column added or moved, blank,
/// changes nothing), except the columns nothing posted depends on (``descriptive``: an item's name,
/// barcodes and purchase unit, an account's parent and root type, a warehouse's parent and own account
/// beside the stock account it resolves to), and what it takes from other records:
/// - a warehouse, the stock account it resolves to (§3: its own, an ancestor's, the default, or the
///   company's only Stock account, which a second Stock account changes);
/// - the company (`company.toml`'s settings as read, its `name` and `currency` left out: nothing reads
///   them), one record every other depends on;
/// - whether `parties.csv` lists any party: without one, a voucher's party is not checked.
///
/// Reorder levels are not records, and the descriptive columns are not in them: they change only reports
/// (the planning reports, the root types of the trial balance, the warehouses a group filter takes),
/// which a run under changed master data renders whole from the snapshot's folds.
public struct MasterRecords: Sendable, Equatable {
  /// The first 16 bytes of a SHA-256.
  public struct Digest: Sendable, Hashable {
    var a: UInt64, b: UInt64
  }
  /// Record key (``key(file:_:)``) → digest of its values.
  public private(set) var records: [String: Digest]

  public init(records: [String: Digest] = [:]) { self.records = records }

  /// The columns of each file that no posted voucher, engine state or report fold depends on, left out of
  /// its records' digests: changed, they make a run render its reports whole, not replay the ledger.
  /// - `items.csv`: `item_name` (read by nothing), `barcodes` (validation of new vouchers only: the ledger
  ///   keeps vouchers with the item code a barcode stood for), `purchase_uom` (the material requests,
  ///   rendered from the master data).
  /// - `accounts.csv`: `parent` (checked, not used), `root_type` (the trial balance's column, rendered
  ///   from the master data).
  /// - `warehouses.csv`: `parent` and `account`: what they decide for posting is the warehouse's stock
  ///   account, which its digest holds resolved (a group filter of a report reads the tree as it is then).
  public static let descriptive: [String: Set<String>] = [
    "items.csv": ["item_name", "barcodes", "purchase_uom"],
    "accounts.csv": ["parent", "root_type"],
    "warehouses.csv": ["parent", "account"],
  ]

  /// The key of the record named `name` in `file` (`items.csv`, …).
  static func key(file: String, _ name: String) -> String { file + "\u{0}" + name }

  /// The records of the master data read from `files` (whose masters are `masters`, for the warehouses'
  /// resolved stock accounts).
  /// - Complexity: O(bytes of the master files): each file is parsed again and every record hashed
  ///   (about a millisecond for 1,000 items). A run computes them only after a replay or when the master
  ///   data changed; otherwise the snapshot's are kept.
  public init(files: MasterFiles, masters: Masters) {
    var records: [String: Digest] = [:]
    func digest(_ build: (inout SHA256) -> Void) -> Digest {
      var h = SHA256()
      build(&h)
      let d = h.finalize()
      var a: UInt64 = 0, b: UInt64 = 0
      for i in 0..<8 {
        a |= UInt64(d[i]) << (8 * i)
        b |= UInt64(d[8 + i]) << (8 * i)
      }
      return Digest(a: a, b: b)
    }
    /// Every record of `file` keyed by `keyColumns`' values, its digest over its non-blank values by column
    /// name (the ``descriptive`` columns left out) and what `extra` adds.
    func table(_ file: String, keyColumns: [String], extra: (String, inout SHA256) -> Void = { _, _ in }) {
      guard let bytes = files.bytes[file], let t = try? CSVTable(bytes: bytes, file: file, known: nil, required: keyColumns) else { return }
      let skipped = MasterRecords.descriptive[file] ?? []
      let order = t.header.indices.filter { !skipped.contains(t.header[$0]) }.sorted { t.header[$0] < t.header[$1] }
      let keys = keyColumns.map { t.column($0) }
      for r in t.records {
        let name = keys.map { t.value(r, $0) }.joined(separator: "\u{0}")
        records[MasterRecords.key(file: file, name)] = digest { h in
          for i in order where i < r.fields.count && !r.fields[i].isEmpty {
            h.update(t.header[i])
            h.update([0])
            h.update(r.fields[i])
            h.update([0])
          }
          extra(name, &h)
        }
      }
    }
    table("accounts.csv", keyColumns: ["account"])
    table("warehouses.csv", keyColumns: ["warehouse"]) { name, h in
      h.update("\u{0}stock account\u{0}" + (masters.stockAccountOf[name] ?? ""))
    }
    table("items.csv", keyColumns: ["item_code"])
    table("parties.csv", keyColumns: ["party"])
    table("uom_conversions.csv", keyColumns: ["item_code", "uom"])
    // Every setting as read (the reader refuses any it does not know), in the type's own description, but
    // the two nothing reads: a company renamed does not replay its ledger.
    var company = masters.company
    (company.name, company.currency) = ("", "")
    records[MasterRecords.key(file: "company.toml", "")] = digest { $0.update(String(describing: company)) }
    // The same settings but the default accounts (``changesCompany(from:)``).
    records[MasterRecords.companySettings] = digest { h in
      h.update("\(company.currencyPrecision) \(company.floatPrecision) \(company.rounding) \(company.perpetualInventory) ")
      h.update("\(company.allowNegativeStock) \(company.defaultValuationMethod) \(company.enforceReservations)")
    }
    records[MasterRecords.key(file: "parties.csv", "")] = digest { $0.update(masters.parties.isEmpty ? "none listed" : "listed") }
    self.records = records
  }

  /// What of `old` these records change, in words (the first change in key order: "items.csv: RM0001
  /// changed"); nil when they only add records to it, so that every voucher posted under `old` posts
  /// the same under these.
  /// - Complexity: O(records of `old`).
  public func change(from old: MasterRecords) -> String? {
    for (key, digest) in old.records.sorted(by: { $0.key < $1.key }) where records[key] != digest {
      let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
      let file = parts[0], name = parts.dropFirst().joined(separator: " in ")
      let what = name.isEmpty ? file : "\(file): \(name)"
      switch (file, name.isEmpty, records[key] == nil) {
      case ("parties.csv", true, _): return "parties.csv now lists parties where it listed none, or none where it listed some (a voucher's party is checked only when some are)"
      case (_, _, true): return "\(what) was removed"
      default: return "\(what) changed"
      }
    }
    return nil
  }

  /// Whether the company's settings changed from `old` in what nearly every posting's stock depends on (its
  /// precision, rounding, perpetual inventory, negative stock, valuation method, reservations), so that
  /// the ledger's vouchers are not expected to post as they did; not its default accounts alone, under
  /// which they post their stock as they did and only their GL otherwise (records written before the
  /// fiftieth session do not tell those apart: any change of the company's then).
  /// - Complexity: O(1).
  public func changesCompany(from old: MasterRecords) -> Bool {
    guard let settings = old.records[MasterRecords.companySettings] else {
      let company = MasterRecords.key(file: "company.toml", "")
      return records[company] != old.records[company]
    }
    return records[MasterRecords.companySettings] != settings
  }

  /// The record of the company's settings but its default accounts (besides the record of all of them).
  static let companySettings = MasterRecords.key(file: "company.toml", "settings")

  /// Items and warehouses whose records changed: only the vouchers naming them (and those joined to them)
  /// post otherwise under the new records.
  public struct Edits: Sendable, Equatable {
    public var items: Set<String> = []
    public var warehouses: Set<String> = []
    public init(items: Set<String> = [], warehouses: Set<String> = []) {
      self.items = items
      self.warehouses = warehouses
    }
    public var isEmpty: Bool { items.isEmpty && warehouses.isEmpty }
  }

  /// The items and warehouses whose records these change from `old` (an item's `items.csv` row or its
  /// units' conversions, a warehouse's row or the stock account it resolves to), when those are all the
  /// change and no record is removed; nil otherwise, or when nothing changed. A run posts the vouchers
  /// naming them again instead of replaying the ledger.
  /// - Complexity: O(records of `old`).
  public func edits(from old: MasterRecords) -> Edits? {
    var edits = Edits()
    for (key, digest) in old.records where records[key] != digest {
      guard records[key] != nil else { return nil }
      let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
      guard parts.count >= 2 else { return nil }
      switch parts[0] {
      case "items.csv", "uom_conversions.csv": edits.items.insert(String(parts[1]))
      case "warehouses.csv": edits.warehouses.insert(String(parts[1]))
      default: return nil
      }
    }
    return edits.isEmpty ? nil : edits
  }

  /// The number of records these have that `old` does not.
  /// (Not the company's settings' own record, which records written before the fiftieth session lack.)
  public func added(since old: MasterRecords) -> Int {
    records.keys.reduce(0) { $0 + (old.records[$1] == nil && $1 != MasterRecords.companySettings ? 1 : 0) }
  }
}

extension MasterRecords {
  /// The records as ``encode(into:)`` writes them.
  public var encoded: [UInt8] {
    var w = BinaryWriter(capacity: records.count * 48)
    encode(into: &w)
    return w.bytes
  }

  /// Writes the records, in key order (the same records, the same bytes).
  public func encode(into w: inout BinaryWriter) {
    w.count(records.count)
    for (key, d) in records.sorted(by: { $0.key < $1.key }) {
      w.string(key)
      w.uint64(d.a)
      w.uint64(d.b)
    }
  }

  public init(decoding r: inout BinaryReader) throws(BinaryFormatError) {
    var records: [String: Digest] = [:]
    let n = try r.count()
    records.reserveCapacity(n)
    for _ in 0..<n {
      let key = try r.string()
      records[key] = Digest(a: try r.uint64(), b: try r.uint64())
    }
    self.records = records
  }
}
