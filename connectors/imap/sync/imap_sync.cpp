#include "imap/sync/imap_sync.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdlib>
#include <deque>
#include <exception>
#include <fstream>
#include <set>
#include <unordered_set>

#include "imap/parser/fetch.hpp"
#include "maildir/maildir_reader.hpp"
#include "mime/header_parser.hpp"

namespace nachfass::imap {

namespace asio = boost::asio;

namespace {

const std::string all_criteria = "ALL";

constexpr std::string_view header_fields =
    "FROM SENDER TO CC SUBJECT DATE MESSAGE-ID IN-REPLY-TO REFERENCES AUTO-SUBMITTED X-AUTOREPLY "
    "X-AUTORESPOND X-AUTO-RESPONSE-SUPPRESS X-MS-EXCHANGE-INBOX-RULES-LOOP PRECEDENCE LIST-ID "
    "LIST-UNSUBSCRIBE MIME-VERSION CONTENT-TYPE THREAD-INDEX THREAD-TOPIC";

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string section_name() {
  return "HEADER.FIELDS (" + std::string(header_fields) + ")";
}

std::string fetch_items() {
  return "(UID FLAGS INTERNALDATE ENVELOPE BODY.PEEK[" + section_name() + "])";
}

// ENVELOPE -> a header block the mime parser reads like the real one (fallback only).
std::string envelope_header(const Envelope& envelope) {
  std::string out;
  auto addresses = [&](std::string_view name, const std::vector<Address>& list) {
    if (list.empty()) return;
    std::string line;
    for (const auto& a : list) {
      if (a.kind != Address::Kind::mailbox) continue;
      if (!line.empty()) line += ", ";
      if (!a.name.empty()) line += "\"" + a.name + "\" ";
      line += "<" + a.mailbox + "@" + a.host + ">";
    }
    if (!line.empty()) out += std::string(name) + ": " + line + "\r\n";
  };
  if (envelope.date) out += "Date: " + *envelope.date + "\r\n";
  if (envelope.subject) out += "Subject: " + *envelope.subject + "\r\n";
  addresses("From", envelope.from);
  addresses("Sender", envelope.sender);
  addresses("To", envelope.to);
  addresses("Cc", envelope.cc);
  if (envelope.in_reply_to) out += "In-Reply-To: " + *envelope.in_reply_to + "\r\n";
  if (envelope.message_id) out += "Message-ID: " + *envelope.message_id + "\r\n";
  out += "\r\n";
  return out;
}

struct Folder {
  std::string name;
  FolderRole role = FolderRole::other;
};

// One UID FETCH: a run of UIDs in ascending order.
struct Chunk {
  SequenceSet uids;
  std::uint32_t last = 0;
};

std::vector<Chunk> make_chunks(const SequenceSet& uids, std::size_t per_chunk) {
  std::vector<Chunk> chunks;
  Chunk current;
  std::size_t in_current = 0;
  for (const auto& range : uids.ranges()) {
    std::uint32_t first = range.first;
    for (;;) {
      const std::uint64_t room = per_chunk - in_current;
      const std::uint64_t left = std::uint64_t(range.last) - first + 1;
      const std::uint64_t take = std::min(room, left);
      const auto last = static_cast<std::uint32_t>(first + take - 1);
      current.uids.insert(first, last);
      current.last = last;
      in_current += take;
      if (in_current == per_chunk) {
        chunks.push_back(std::move(current));
        current = {};
        in_current = 0;
      }
      if (take == left) break;
      first = last + 1;
    }
  }
  if (in_current > 0) chunks.push_back(std::move(current));
  return chunks;
}

std::optional<std::uint32_t> uid_of_source_id(std::string_view id) {
  const auto at = id.rfind(";UID=");
  if (at == std::string_view::npos) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : id.substr(at + 5)) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + std::uint64_t(c - '0');
    if (value > UINT32_MAX) return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

class FolderSync {
 public:
  FolderSync(Client& client, Store& store, const ImapConfig& config,
             const ImapImportOptions& options, const ImapProgressFn& progress,
             const ImapWarningFn& warning, Folder folder)
      : client_(client),
        store_(store),
        config_(config),
        options_(options),
        progress_(progress),
        warning_(warning),
        folder_(std::move(folder)),
        key_(cursor_key(config, folder_.name)) {
    report_.folder = folder_.name;
    report_.role = folder_.role;
  }

  asio::awaitable<Result<ImapFolderReport>> run() {
    auto stored = store_.get_cursor(key_);
    if (!stored) co_return stored.error();
    std::optional<ImapCursor> cursor;
    if (*stored) cursor = ImapCursor::parse(**stored);

    const bool qresync = client_.is_enabled("QRESYNC");
    const bool condstore = qresync || client_.is_enabled("CONDSTORE");
    std::string parameters;
    if (qresync && cursor && cursor->complete && cursor->highestmodseq > 0)
      parameters = "QRESYNC (" + std::to_string(cursor->uidvalidity) + " " +
                   std::to_string(cursor->highestmodseq) + ")";
    else if (condstore)
      parameters = "CONDSTORE";
    auto selected = co_await client_.examine(folder_.name, parameters);
    if (!selected) co_return selected.error();
    const SelectSummary& s = selected->summary;
    uidvalidity_ = *s.uidvalidity;
    const std::uint32_t exists = *s.exists;
    const std::uint32_t uidnext = s.uidnext.value_or(0);
    const std::uint64_t modseq = (condstore && !s.nomodseq) ? s.highestmodseq.value_or(0) : 0;

    if (cursor && cursor->uidvalidity != uidvalidity_) {
      // RFC 3501 2.3.1.1: the old UIDs mean nothing now; start over for this folder.
      if (auto r = discard_folder(); !r) co_return r.error();
      cursor.reset();
      report_.uidvalidity_reset = true;
    }

    if (!cursor || !cursor->complete) {
      report_.mode = cursor ? "resume" : "full";
      auto r = co_await full_sync(cursor ? cursor->synced_through + 1 : 1, uidnext, modseq);
      if (!r) co_return r.error();
      co_return report_;
    }

    // Incremental.
    report_.mode = qresync ? "qresync" : condstore ? "condstore" : "plain";
    ImapCursor next = *cursor;
    std::vector<std::string> gone;
    std::uint64_t vanished_known = 0;
    for (const Response& response : selected->other) {
      if (response.is_data("VANISHED")) {
        auto vanished = parse_vanished(response);
        if (!vanished) continue;
        for (const auto& range : vanished->uids.ranges()) {
          if (range.first >= cursor->uidnext) break;
          const std::uint32_t last = std::min(range.last, cursor->uidnext - 1);
          for (std::uint64_t uid = range.first; uid <= last; ++uid) {
            gone.push_back(imap_source_id(folder_.name, uidvalidity_, std::uint32_t(uid)));
            ++vanished_known;
          }
        }
      } else if (response.is_data("FETCH")) {
        ++report_.flag_changes;
      }
    }
    if (!qresync && condstore && modseq != 0 && cursor->highestmodseq != 0 &&
        modseq != cursor->highestmodseq && cursor->uidnext > 1) {
      auto r = co_await count_flag_changes(cursor->uidnext - 1, cursor->highestmodseq);
      if (!r) co_return r.error();
    }

    std::uint32_t new_below_uidnext = 0;
    if (uidnext == 0 || uidnext > cursor->uidnext) {
      const std::string criteria = "UID " + std::to_string(cursor->uidnext) + ":*";
      auto found = co_await search(criteria);
      if (!found) co_return found.error();
      SequenceSet fresh;
      for (const auto& range : found->ranges())
        if (range.last >= cursor->uidnext)
          fresh.insert(std::max(range.first, cursor->uidnext), range.last);
      for (const auto& range : fresh.ranges())
        if (uidnext == 0 || range.first < uidnext)
          new_below_uidnext += static_cast<std::uint32_t>(
              std::min<std::uint64_t>(range.last, uidnext == 0 ? range.last : uidnext - 1) -
              range.first + 1);
      next.complete = true;
      auto fetched = co_await fetch(fresh, next, /*complete=*/true);
      if (!fetched) co_return fetched.error();
      next.uidnext = std::max({next.uidnext, uidnext, fresh.empty() ? 0u : fresh.max() + 1});
    }

    std::int64_t expected =
        std::int64_t(cursor->exists) - std::int64_t(vanished_known) + new_below_uidnext;
    std::uint32_t present = exists;
    if (uidnext == 0) expected = -1;  // cannot tell: always compare
    if (expected != std::int64_t(exists)) {
      // Expunges we were not told about (no QRESYNC, or VANISHED did not add up): compare the
      // server's UIDs with the store's.
      auto all = co_await search(all_criteria);
      if (!all) co_return all.error();
      auto ids = store_.message_source_ids(folder_.name);
      if (!ids) co_return ids.error();
      gone.clear();
      for (auto& id : *ids) {
        auto uid = uid_of_source_id(id);
        if (!uid || !all->contains(*uid)) gone.push_back(std::move(id));
      }
      present = static_cast<std::uint32_t>(all->count());
    }
    next.exists = present;
    next.highestmodseq = modseq;
    if (uidnext != 0) next.uidnext = std::max(next.uidnext, uidnext);
    report_.present = present;
    if (gone.empty() && next == *cursor) co_return report_;
    auto committed = store_.transaction([&](Store& store) -> Result<void> {
      if (!gone.empty()) {
        auto removed = store.remove_messages(gone);
        if (!removed) return removed.error();
        report_.removed += *removed;
      }
      return store.set_cursor(key_, next.serialise());
    });
    if (!committed) co_return committed.error();
    co_return report_;
  }

 private:
  Result<void> discard_folder() {
    auto ids = store_.message_source_ids(folder_.name);
    if (!ids) return ids.error();
    return store_.transaction([&](Store& store) -> Result<void> {
      auto removed = store.remove_messages(*ids);
      if (!removed) return removed.error();
      report_.removed += *removed;
      return store.clear_cursor(key_);
    });
  }

  // First sync, or the rest of an interrupted one, from UID `from`.
  asio::awaitable<Result<void>> full_sync(std::uint32_t from, std::uint32_t uidnext,
                                          std::uint64_t modseq) {
    auto all = co_await search(all_criteria);
    if (!all) co_return all.error();
    std::vector<std::string> gone;
    if (from > 1) {
      // Resuming: what was stored before may have been expunged since.
      auto ids = store_.message_source_ids(folder_.name);
      if (!ids) co_return ids.error();
      for (auto& id : *ids) {
        auto uid = uid_of_source_id(id);
        if (!uid || !all->contains(*uid)) gone.push_back(std::move(id));
      }
    }
    SequenceSet wanted;
    for (const auto& range : all->ranges())
      if (range.last >= from) wanted.insert(std::max(range.first, from), range.last);
    ImapCursor progress_cursor;
    progress_cursor.uidvalidity = uidvalidity_;
    progress_cursor.synced_through = from - 1;
    if (!gone.empty()) {
      auto removed = store_.remove_messages(gone);
      if (!removed) co_return removed.error();
      report_.removed += *removed;
    }
    auto fetched = co_await fetch(wanted, progress_cursor, /*complete=*/false);
    if (!fetched) co_return fetched.error();

    ImapCursor done;
    done.uidvalidity = uidvalidity_;
    done.complete = true;
    done.uidnext = std::max(uidnext, all->empty() ? 1u : all->max() + 1);
    done.synced_through = done.uidnext - 1;
    done.exists = static_cast<std::uint32_t>(all->count());
    done.highestmodseq = modseq;
    report_.present = done.exists;
    co_return store_.set_cursor(key_, done.serialise());
  }

  // UID SEARCH <criteria>, with ESEARCH's compact answer when offered.
  asio::awaitable<Result<SequenceSet>> search(const std::string& criteria) {
    const bool esearch = client_.capabilities().has("ESEARCH");
    Command command{client_.tags().next(), {}};
    command.parts.push_back(command.tag + " UID SEARCH " + (esearch ? "RETURN (ALL) " : "") +
                            criteria + "\r\n");
    SequenceSet found;
    auto done = co_await client_.execute(command, [&](Response&& response) -> Result<void> {
      if (response.is_data("SEARCH") || response.is_data("ESEARCH")) {
        auto result = parse_search(response);
        if (!result)
          return make_error(ErrorScope::transient, "imap.protocol",
                            client_.server_name() + " sent an unusable SEARCH answer in \"" +
                                folder_.name + "\" (" + result.error().message +
                                ") — try again later");
        if (result->esearch && result->tag && *result->tag != command.tag) return {};
        for (const auto& range : result->all.ranges()) found.insert(range.first, range.last);
      }
      return {};
    });
    if (!done) co_return done.error();
    if (done->status != Status::ok)
      co_return make_error(ErrorScope::collection, "imap.no",
                           client_.server_name() + " refused UID SEARCH in \"" + folder_.name +
                               "\" (" + done->text + ") — the folder is skipped this round");
    co_return found;
  }

  asio::awaitable<Result<void>> count_flag_changes(std::uint32_t last_uid, std::uint64_t since) {
    Command command{client_.tags().next(), {}};
    command.parts.push_back(command.tag + " UID FETCH 1:" + std::to_string(last_uid) +
                            " (UID FLAGS) (CHANGEDSINCE " + std::to_string(since) + ")\r\n");
    auto done = co_await client_.execute(command, [&](Response&& response) -> Result<void> {
      if (response.is_data("FETCH")) ++report_.flag_changes;
      return {};
    });
    if (!done) co_return done.error();
    co_return Result<void>{};
  }

  Result<void> on_fetch(Response&& response, std::vector<Message>& pending) {
    auto item = parse_fetch(std::move(response));
    if (!item)
      return make_error(ErrorScope::transient, "imap.protocol",
                        client_.server_name() + " sent an unusable FETCH answer in \"" +
                            folder_.name + "\" (" + item.error().message + ") — try again later");
    if (!item->uid) return {};  // an unsolicited flag update
    const std::uint32_t uid = *item->uid;
    const std::string* header = item->body_section(section_);
    std::string fallback;
    if (header == nullptr || header->empty()) {
      if (!item->envelope) {
        ++report_.failed;
        if (warning_)
          warning_("[imap.item] " + folder_.name + " UID " + std::to_string(uid) +
                   ": the server returned neither header fields nor ENVELOPE, skipped");
        return {};
      }
      fallback = envelope_header(*item->envelope);
      header = &fallback;
    }
    mime::ParseContext context{imap_source_id(folder_.name, uidvalidity_, uid), folder_.name,
                               folder_.role,
                               item->internaldate ? item->internaldate->utc_seconds : 0};
    std::vector<std::string> warnings;
    auto message = mime::parse_message_headers(*header, context, &warnings);
    if (warning_)
      for (const auto& w : warnings)
        warning_(folder_.name + " UID " + std::to_string(uid) + ": " + w);
    if (!message) {
      ++report_.failed;
      if (warning_)
        warning_(folder_.name + " UID " + std::to_string(uid) + ": " + message.error().message +
                 ", skipped");
      return {};
    }
    pending.push_back(std::move(*message));
    return {};
  }

  // Fetches `uids` in chunks, pipelined; each chunk's messages commit together with `cursor`
  // advanced past it (synced_through when !complete, uidnext when complete).
  asio::awaitable<Result<void>> fetch(const SequenceSet& uids, ImapCursor& cursor, bool complete) {
    const std::vector<Chunk> chunks =
        make_chunks(uids, std::max<std::size_t>(1, options_.batch_messages));
    const std::size_t total = uids.count();
    std::size_t done_messages = 0;
    std::size_t next_to_send = 0;
    std::deque<std::pair<std::string, std::size_t>> in_flight;  // tag, chunk index
    std::vector<Message> pending;
    const std::string items = fetch_items();
    if (progress_ && total > 0) progress_({folder_.name, 0, total});
    auto send_more = [&]() -> asio::awaitable<Result<void>> {
      while (next_to_send < chunks.size() &&
             in_flight.size() < std::max<std::size_t>(1, options_.pipeline_depth)) {
        Command command{client_.tags().next(), {}};
        command.parts.push_back(command.tag + " UID FETCH " +
                                chunks[next_to_send].uids.to_string() + " " + items + "\r\n");
        if (auto sent = co_await client_.send(command); !sent) co_return sent.error();
        in_flight.emplace_back(command.tag, next_to_send++);
      }
      co_return Result<void>{};
    };
    if (auto r = co_await send_more(); !r) co_return r.error();
    while (!in_flight.empty()) {
      auto response = co_await client_.read_response();
      if (!response) co_return response.error();
      if (response->is_data("FETCH")) {
        if (auto r = on_fetch(std::move(*response), pending); !r) {
          client_.close();
          co_return r.error();
        }
        continue;
      }
      if (!response->is_tagged()) continue;
      if (response->tag != in_flight.front().first) continue;
      const Chunk& chunk = chunks[in_flight.front().second];
      in_flight.pop_front();
      if (response->status != Status::ok && warning_)
        warning_("[imap.no] " + client_.server_name() + " refused part of UID FETCH in \"" +
                 folder_.name + "\" (" + response->text + "); those messages are skipped");
      // Send the next command before the commit, so that the server works meanwhile.
      if (auto r = co_await send_more(); !r) co_return r.error();
      if (complete)
        cursor.uidnext = std::max(cursor.uidnext, chunk.last + 1);
      else
        cursor.synced_through = chunk.last;
      const std::size_t count = pending.size();
      auto committed = store_.transaction([&](Store& store) -> Result<void> {
        if (!pending.empty())
          if (auto r = store.upsert_messages(pending); !r) return r.error();
        return store.set_cursor(key_, cursor.serialise());
      });
      if (!committed) {
        client_.close();
        co_return committed.error();
      }
      pending.clear();
      report_.added += count;
      done_messages += chunk.uids.count();
      if (progress_) progress_({folder_.name, std::min(done_messages, total), total});
    }
    co_return Result<void>{};
  }

  Client& client_;
  Store& store_;
  const ImapConfig& config_;
  const ImapImportOptions& options_;
  const ImapProgressFn& progress_;
  const ImapWarningFn& warning_;
  Folder folder_;
  std::string key_;
  std::string section_ = section_name();
  std::uint32_t uidvalidity_ = 0;
  ImapFolderReport report_;
};

// Runs `body` on a fresh io_context until it completes; exceptions become imap.internal.
template <class T, class Body>
Result<T> run_sync(Body body) {
  asio::io_context io;
  std::optional<Result<T>> result;
  asio::co_spawn(io, body(io.get_executor()), [&](std::exception_ptr error, Result<T> value) {
    if (error) {
      std::string what = "unknown exception";
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      result = make_error(ErrorScope::fatal, "imap.internal",
                          "internal error in the IMAP connector (" + what + ") — please report it");
    } else {
      result = std::move(value);
    }
  });
  io.run();
  if (!result)
    return make_error(ErrorScope::fatal, "imap.internal", "the IMAP connector stopped early");
  return std::move(*result);
}

Credentials credentials_for(const ImapConfig& config, const ImapImportOptions& options,
                            std::string secret) {
  return Credentials{config.username, std::move(secret), options.mechanism};
}

asio::awaitable<Result<void>> open_session(Client& client, const ImapConfig& config,
                                           const ImapImportOptions& options,
                                           const std::string& secret, bool enable_sync) {
  if (auto r = co_await client.connect(); !r) co_return r.error();
  // Named, not a temporary: GCC 12 mishandles temporaries inside co_await expressions.
  const Credentials credentials = credentials_for(config, options, secret);
  if (auto r = co_await client.authenticate(credentials); !r) co_return r.error();
  if (enable_sync) {
    std::vector<std::string> wanted;
    if (options.use_qresync) wanted.push_back("QRESYNC");
    if (options.use_condstore) wanted.push_back("CONDSTORE");
    if (auto r = co_await client.enable(wanted); !r) co_return r.error();
  }
  co_return Result<void>{};
}

bool name_matches(const ListEntry& entry, std::initializer_list<std::string_view> names) {
  std::string name = lower(entry.name);
  std::string last = name;
  if (entry.delimiter) {
    const auto at = name.rfind(*entry.delimiter);
    if (at != std::string::npos) last = name.substr(at + 1);
  }
  for (std::string_view candidate : names) {
    const std::string c = lower(candidate);
    if (name == c || last == c) return true;
  }
  return false;
}

}  // namespace

std::string_view fetched_header_fields() {
  return header_fields;
}

std::string imap_source_id(std::string_view folder, std::uint32_t uidvalidity, std::uint32_t uid) {
  std::string id(folder);
  id += ";UIDVALIDITY=";
  id += std::to_string(uidvalidity);
  id += ";UID=";
  id += std::to_string(uid);
  return id;
}

std::string cursor_key(const ImapConfig& config, std::string_view folder) {
  return "imap:" + config.username + "@" + config.host + ":" + std::string(folder);
}

std::string ImapCursor::serialise() const {
  return "v1 uidvalidity=" + std::to_string(uidvalidity) + " uidnext=" + std::to_string(uidnext) +
         " synced=" + std::to_string(synced_through) + " exists=" + std::to_string(exists) +
         " modseq=" + std::to_string(highestmodseq) + " complete=" + (complete ? "1" : "0");
}

std::optional<ImapCursor> ImapCursor::parse(std::string_view text) {
  if (!text.starts_with("v1 ")) return std::nullopt;
  ImapCursor c;
  int seen = 0;
  std::size_t pos = 3;
  while (pos < text.size()) {
    auto end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view field = text.substr(pos, end - pos);
    pos = end + 1;
    const auto eq = field.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view name = field.substr(0, eq);
    std::uint64_t value = 0;
    if (eq + 1 == field.size()) return std::nullopt;
    for (char ch : field.substr(eq + 1)) {
      if (ch < '0' || ch > '9' || value > (UINT64_MAX - 9) / 10) return std::nullopt;
      value = value * 10 + std::uint64_t(ch - '0');
    }
    auto u32 = [&](std::uint32_t& target) {
      if (value > UINT32_MAX) return false;
      target = static_cast<std::uint32_t>(value);
      return true;
    };
    bool ok = true;
    if (name == "uidvalidity")
      ok = u32(c.uidvalidity);
    else if (name == "uidnext")
      ok = u32(c.uidnext);
    else if (name == "synced")
      ok = u32(c.synced_through);
    else if (name == "exists")
      ok = u32(c.exists);
    else if (name == "modseq")
      c.highestmodseq = value;
    else if (name == "complete")
      c.complete = value != 0;
    else
      continue;  // a later version's field
    if (!ok) return std::nullopt;
    ++seen;
  }
  if (seen < 6 || c.uidvalidity == 0) return std::nullopt;
  return c;
}

FolderChoice choose_folders(const std::vector<ListEntry>& entries, const ImapConfig& config) {
  FolderChoice choice;
  choice.sent = config.sent_folder;
  choice.drafts = config.drafts_folder;
  for (const auto& entry : entries) {
    if (!entry.selectable()) continue;
    if (choice.sent.empty() && entry.special_use() == SpecialUse::sent) choice.sent = entry.name;
    if (choice.drafts.empty() && entry.special_use() == SpecialUse::drafts)
      choice.drafts = entry.name;
  }
  for (const auto& entry : entries) {
    if (!entry.selectable()) continue;
    if (choice.sent.empty() &&
        name_matches(entry, {"Sent", "Sent Items", "Sent Messages", "Gesendet",
                             "Gesendete Elemente", "Gesendete Objekte"}))
      choice.sent = entry.name;
    if (choice.drafts.empty() && name_matches(entry, {"Drafts", "Entwürfe"}))
      choice.drafts = entry.name;
  }
  return choice;
}

Result<std::string> resolve_password(const ImapConfig& config) {
  if (!config.password_env.empty()) {
    const char* value = std::getenv(config.password_env.c_str());
    if (value == nullptr || *value == '\0')
      return make_error(ErrorScope::account, "imap.password",
                        "the environment variable " + config.password_env +
                            " (password_env) is not set or empty — export it before running "
                            "nachfass");
    return std::string(value);
  }
  if (!config.password_file.empty()) {
    const std::string file = config.password_file.string();
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0)
      return make_error(ErrorScope::account, "imap.password",
                        "cannot read password_file " + file +
                            " — create it with the password "
                            "on its first line and chmod 600");
    if ((info.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", unsigned(info.st_mode & 07777));
      return make_error(ErrorScope::account, "imap.password",
                        "password_file " + file + " is accessible to group or others (mode " +
                            mode + ") — run: chmod 600 " + file);
    }
    std::ifstream in(config.password_file, std::ios::binary);
    std::string line;
    if (!in || !std::getline(in, line))
      return make_error(
          ErrorScope::account, "imap.password",
          "cannot read password_file " + file + " — put the password on its first line");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty())
      return make_error(ErrorScope::account, "imap.password",
                        "password_file " + file + " is empty — put the password on its first line");
    return line;
  }
  if (config.keyring)
    return make_error(ErrorScope::account, "imap.keyring_unavailable",
                      "this nachfass was built without keyring (libsecret) support — use "
                      "password_env or password_file instead of keyring");
  return make_error(ErrorScope::account, "imap.password",
                    "no password configured for " + config.username + "@" + config.host +
                        " — set password_env, password_file or keyring in [mail]");
}

ClientOptions client_options(const ImapConfig& config, const ImapImportOptions& options,
                             const ImapWarningFn& warning) {
  ClientOptions c;
  c.host = config.host;
  c.port = static_cast<std::uint16_t>(config.port);
  c.security = config.security == ImapSecurity::tls        ? Security::tls
               : config.security == ImapSecurity::starttls ? Security::starttls
                                                           : Security::none;
  c.ca_file = options.ca_file;
  c.insecure_skip_verify_for_host = options.insecure_skip_verify_for_host;
  c.connect_timeout = options.connect_timeout;
  c.command_timeout = options.command_timeout;
  c.warning = warning;
  c.trace = options.trace;
  return c;
}

Result<ImapImportReport> import_imap(const ImapConfig& config, Store& store,
                                     const ImapProgressFn& progress, const ImapWarningFn& warning,
                                     const ImapImportOptions& options) {
  std::string secret;
  if (options.secret) {
    secret = *options.secret;
  } else {
    auto resolved = resolve_password(config);
    if (!resolved) return resolved.error();
    secret = std::move(*resolved);
  }
  return run_sync<ImapImportReport>(
      [&](asio::any_io_executor executor) -> asio::awaitable<Result<ImapImportReport>> {
        Client client(executor, client_options(config, options, warning));
        ImapImportReport report;
        auto finish = [&](Result<ImapImportReport> r) {
          if (r) {
            r->round_trips = client.round_trips();
            r->bytes_received = client.bytes_received();
          }
          return r;
        };
        if (auto r = co_await open_session(client, config, options, secret, true); !r)
          co_return finish(r.error());

        std::vector<Folder> folders{{"INBOX", FolderRole::inbox}};
        std::string sent = config.sent_folder;
        if (sent.empty()) {
          auto entries = co_await client.list_all();
          if (!entries) co_return finish(entries.error());
          sent = choose_folders(*entries, config).sent;
          if (sent.empty() && warning)
            warning("[imap.no_sent_folder] no Sent folder found on " + client.server_name() +
                    " (no \\Sent attribute, no common name) — set sent_folder in [mail]");
        }
        if (!sent.empty()) folders.push_back({sent, FolderRole::sent});
        for (const auto& name : config.folders) {
          const bool dup = std::any_of(folders.begin(), folders.end(),
                                       [&](const Folder& f) { return f.name == name; });
          if (!dup) folders.push_back({name, maildir::role_for_name(name)});
        }

        for (const Folder& folder : folders) {
          FolderSync sync(client, store, config, options, progress, warning, folder);
          auto folder_report = co_await sync.run();
          if (!folder_report) {
            if (folder_report.error().scope == ErrorScope::collection) {
              if (warning) warning(folder_report.error().to_string());
              continue;
            }
            co_return finish(folder_report.error());
          }
          ++report.folders;
          report.messages_present += folder_report->present;
          report.added += folder_report->added;
          report.removed += folder_report->removed;
          report.failed += folder_report->failed;
          report.per_folder.push_back(std::move(*folder_report));
        }
        co_await client.logout();
        co_return finish(report);
      });
}

Result<AppendedDraft> append_draft(const ImapConfig& config, std::string_view rfc5322_message,
                                   const ImapImportOptions& options) {
  std::string secret;
  if (options.secret) {
    secret = *options.secret;
  } else {
    auto resolved = resolve_password(config);
    if (!resolved) return resolved.error();
    secret = std::move(*resolved);
  }
  std::string message;
  message.reserve(rfc5322_message.size() + rfc5322_message.size() / 32);
  for (std::size_t i = 0; i < rfc5322_message.size(); ++i) {
    const char c = rfc5322_message[i];
    if (c == '\n' && (i == 0 || rfc5322_message[i - 1] != '\r')) message += '\r';
    message += c;
  }
  return run_sync<AppendedDraft>(
      [&](asio::any_io_executor executor) -> asio::awaitable<Result<AppendedDraft>> {
        Client client(executor, client_options(config, options, {}));
        if (auto r = co_await open_session(client, config, options, secret, false); !r)
          co_return r.error();
        std::string drafts = config.drafts_folder;
        if (drafts.empty()) {
          auto entries = co_await client.list_all();
          if (!entries) co_return entries.error();
          drafts = choose_folders(*entries, config).drafts;
        }
        if (drafts.empty())
          co_return make_error(ErrorScope::collection, "imap.no_drafts_folder",
                               "no Drafts folder found on " + client.server_name() +
                                   " — set drafts_folder in [mail]");
        auto built = CommandBuilder(client.tags().next(), "APPEND", client.argument_options())
                         .mailbox(drafts)
                         .begin_list()
                         .atom("\\Draft")
                         .end_list()
                         .literal(message)
                         .build();
        if (!built) co_return make_error(ErrorScope::item, built.error().id, built.error().message);
        auto done = co_await client.execute(*built, {});
        if (!done) co_return done.error();
        if (done->status != Status::ok)
          co_return make_error(ErrorScope::collection, "imap.no",
                               client.server_name() + " refused APPEND to \"" + drafts + "\" (" +
                                   done->text + ") — check the folder and the quota");
        AppendedDraft appended;
        appended.folder = drafts;
        if (done->code && done->code->name == "APPENDUID") {
          Response tagged;
          tagged.kind = ResponseKind::tagged;
          tagged.status = Status::ok;
          tagged.code = done->code;
          if (auto uid = parse_appenduid(tagged); uid && !uid->uids.empty()) {
            appended.uidvalidity = uid->uidvalidity;
            appended.uid = uid->uids.min();
          }
        }
        co_await client.logout();
        co_return appended;
      });
}

}  // namespace nachfass::imap
