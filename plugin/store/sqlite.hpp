// Internal to nachfass_store: thin RAII wrappers over the SQLite C API and the mapping of SQLite
// result codes to nachfass errors. Nothing outside plugin/store includes this header.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.hpp"
#include "ports/result.hpp"

namespace nachfass::store_detail {

struct ConnectionCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Turns a SQLite result code into a nachfass error. `file` names the database in the message (a
// path or ":memory:"), `doing` says what the store was doing ("save messages").
Error sqlite_error(int code, sqlite3* db, std::string_view file, std::string_view doing);

Error corrupt_error(std::string_view file, std::string_view detail);

// One use of a prepared statement: binds, steps, reads columns, and on destruction resets the
// statement and clears its bindings so the cached statement is ready for the next use. Text and
// blob bindings are SQLITE_STATIC: the bound bytes must outlive the last step().
class StatementUse {
 public:
  StatementUse(sqlite3_stmt* statement, StatementHandle owned) noexcept
      : statement_(statement), owned_(std::move(owned)) {}
  StatementUse(StatementUse&& other) noexcept
      : statement_(std::exchange(other.statement_, nullptr)), owned_(std::move(other.owned_)) {}
  StatementUse& operator=(StatementUse&&) = delete;
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  ~StatementUse() { reset(); }

  // Ready for the next row of a loop: new bindings, step() from the start.
  void reset() noexcept {
    if (statement_ != nullptr) {
      sqlite3_reset(statement_);
      sqlite3_clear_bindings(statement_);
    }
  }

  // Bind calls return the SQLite code; they fail only on programming errors (bad index, NOMEM),
  // which the following step() reports again, so callers check step() only.
  int bind(int index, std::string_view text) {
    // A null pointer would bind SQL NULL; the columns are NOT NULL and "" is a value.
    return sqlite3_bind_text(statement_, index, text.data() != nullptr ? text.data() : "",
                             static_cast<int>(text.size()), SQLITE_STATIC);
  }
  int bind_blob(int index, std::string_view bytes) {
    return sqlite3_bind_blob(statement_, index, bytes.data() != nullptr ? bytes.data() : "",
                             static_cast<int>(bytes.size()), SQLITE_STATIC);
  }
  int bind(int index, std::int64_t value) { return sqlite3_bind_int64(statement_, index, value); }
  int bind_null(int index) { return sqlite3_bind_null(statement_, index); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(statement_); }

  std::string_view text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    const int size = sqlite3_column_bytes(statement_, column);
    return data != nullptr ? std::string_view(data, static_cast<std::size_t>(size))
                           : std::string_view();
  }
  std::string_view blob(int column) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(statement_, column));
    const int size = sqlite3_column_bytes(statement_, column);
    return data != nullptr ? std::string_view(data, static_cast<std::size_t>(size))
                           : std::string_view();
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

 private:
  sqlite3_stmt* statement_;
  StatementHandle owned_;  // set when the cached statement was busy and this use has its own
};

}  // namespace nachfass::store_detail
