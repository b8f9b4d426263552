import Foundation

/// The folders of a books directory (SPEC §1), each overridable by its flag.
public struct BooksPaths: Sendable {
  public var books: String
  public var masters: String
  public var inbox: String
  public var ledger: String
  public var out: String
  public var archive: String
  public var rejected: String

  public init(books: String = ".", masters: String? = nil, inbox: String? = nil, ledger: String? = nil, out: String? = nil,
              archive: String? = nil, rejected: String? = nil) {
    let b = BooksPaths.absolute(books)
    self.books = b
    self.masters = masters.map(BooksPaths.absolute) ?? b + "/masters"
    self.inbox = inbox.map(BooksPaths.absolute) ?? b + "/inbox"
    self.ledger = ledger.map(BooksPaths.absolute) ?? b + "/ledger"
    self.out = out.map(BooksPaths.absolute) ?? b + "/reports"
    self.archive = archive.map(BooksPaths.absolute) ?? b + "/archive"
    self.rejected = rejected.map(BooksPaths.absolute) ?? b + "/rejected"
  }

  static func absolute(_ p: String) -> String {
    let path = p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p
    return (path as NSString).standardizingPath
  }
}
