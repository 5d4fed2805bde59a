#include "store/sqlite.hpp"

namespace nachfass::store_detail {

Error corrupt_error(std::string_view file, std::string_view detail) {
  return make_error(ErrorScope::fatal, "store.corrupt",
                    "the state file " + std::string(file) +
                        " is damaged or not a Nachfass state database (" + std::string(detail) +
                        "); your mail is untouched — move the file aside and run nachfass again "
                        "to rebuild the state with a full rescan");
}

Error sqlite_error(int code, sqlite3* db, std::string_view file, std::string_view doing) {
  // sqlite3_errmsg() describes the last call on the connection; use it only when that call is
  // the one that produced `code`.
  const std::string detail = db != nullptr && sqlite3_extended_errcode(db) == code
                                 ? sqlite3_errmsg(db)
                                 : sqlite3_errstr(code);
  const std::string what =
      "cannot " + std::string(doing) + " in " + std::string(file) + " (" + detail + ")";
  switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return corrupt_error(file, detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return make_error(ErrorScope::transient, "store.busy",
                        what +
                            " — another process is using the state file (is another nachfass "
                            "running for this account?); try again later");
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
    case SQLITE_NOMEM:
      return make_error(ErrorScope::account, "store.io",
                        what +
                            " — check free disk space and the permissions of the file and "
                            "its directory");
    default:
      return make_error(ErrorScope::fatal, "store.internal",
                        what + " — this is a bug in nachfass; please report it");
  }
}

}  // namespace nachfass::store_detail
