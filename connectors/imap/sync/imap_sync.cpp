#include "imap/sync/imap_sync.hpp"

#include "imap/sync/keyring.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

#include "imap/parser/fetch.hpp"
#include "maildir/maildir_reader.hpp"
#include "mime/body_text.hpp"
#include "mime/header_parser.hpp"

namespace nachfass::imap {

namespace asio = boost::asio;

namespace {

const std::string all_criteria = "ALL";

constexpr std::string_view header_fields =
    "FROM SENDER TO CC SUBJECT DATE MESSAGE-ID IN-REPLY-TO REFERENCES AUTO-SUBMITTED X-AUTOREPLY "
    "X-AUTORESPOND X-AUTO-RESPONSE-SUPPRESS X-MS-EXCHANGE-INBOX-RULES-LOOP PRECEDENCE LIST-ID "
    "LIST-UNSUBSCRIBE MIME-VERSION CONTENT-TYPE CONTENT-TRANSFER-ENCODING THREAD-INDEX "
    "THREAD-TOPIC";

// The body's first 16 KiB (a partial fetch, RFC 3501 6.4.5): enough for the new text of nearly
// every message (mime/body_text.hpp), and attachments are never transferred.
constexpr std::string_view body_text_item = "BODY.PEEK[TEXT]<0.16384>";
// How the server echoes it (RFC 3501 7.4.2: the origin, without the length), as FetchItem keys it.
constexpr std::string_view body_text_key = "TEXT<0>";

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
  return "(UID FLAGS INTERNALDATE ENVELOPE BODY.PEEK[" + section_name() + "] " +
         std::string(body_text_item) + ")";
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

// True when a STATUS (MESSAGES UIDNEXT UIDVALIDITY [HIGHESTMODSEQ]) shows the folder exactly as a
// complete cursor left it: same UIDVALIDITY, no UID handed out since (UIDNEXT), as many messages
// (so nothing expunged, as an expunge without a new message lowers MESSAGES and a new message
// raises UIDNEXT) and, with CONDSTORE, no flag change either (HIGHESTMODSEQ).
bool status_matches(const ImapCursor& cursor, const MailboxStatus& status, bool condstore) {
  if (!status.uidvalidity || !status.uidnext || !status.messages) return false;
  if (*status.uidvalidity != cursor.uidvalidity || *status.uidnext != cursor.uidnext ||
      *status.messages != cursor.exists)
    return false;
  if (condstore) return status.highestmodseq && *status.highestmodseq == cursor.highestmodseq;
  return cursor.highestmodseq == 0;
}

// Header parsing and body text extraction (GMime, about half of the client's CPU in a full sync)
// run on one worker thread so that they overlap with reading and decoding the next responses. The
// worker only parses: it touches neither the store nor any callback; the sync's thread commits the
// parsed batches, in order, with their cursors. Bounded: the sync waits for the oldest batch when
// `max_batches` are queued.
struct RawHeader {
  std::uint32_t uid = 0;
  std::string header;
  std::string body;  // the start of the body (BODY[TEXT]<0>), "" when the server sent none
  UnixSeconds delivery_time = 0;
};

struct ParsedBatch {
  std::vector<Message> messages;
  std::vector<std::string> warnings;  // complete lines, for the warning callback
  std::size_t failed = 0;
};

class HeaderWorker {
 public:
  HeaderWorker(std::string folder, FolderRole role, std::uint32_t uidvalidity, std::size_t threads)
      : folder_(std::move(folder)), role_(role), uidvalidity_(uidvalidity) {
    for (std::size_t i = 0; i < std::max<std::size_t>(1, threads); ++i)
      threads_.emplace_back([this] { run(); });
  }
  ~HeaderWorker() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_worker_.notify_all();
    for (auto& thread : threads_) thread.join();
  }
  HeaderWorker(const HeaderWorker&) = delete;
  HeaderWorker& operator=(const HeaderWorker&) = delete;

  void submit(std::vector<RawHeader> batch) {
    {
      std::lock_guard lock(mutex_);
      queued_batches_.emplace_back(next_submitted_++, std::move(batch));
    }
    wake_worker_.notify_one();
  }
  std::size_t outstanding() const { return next_submitted_ - next_taken_; }
  // The oldest submitted batch, parsed; waits for it unless `wait` is false (then nullopt when
  // it is not ready yet).
  std::optional<ParsedBatch> take(bool wait) {
    std::unique_lock lock(mutex_);
    if (wait) wake_taker_.wait(lock, [&] { return done_.contains(next_taken_); });
    auto found = done_.find(next_taken_);
    if (found == done_.end()) return std::nullopt;
    ParsedBatch batch = std::move(found->second);
    done_.erase(found);
    ++next_taken_;
    return batch;
  }

 private:
  void run() {
    for (;;) {
      std::pair<std::size_t, std::vector<RawHeader>> job;
      {
        std::unique_lock lock(mutex_);
        wake_worker_.wait(lock, [&] { return stop_ || !queued_batches_.empty(); });
        if (stop_) return;
        job = std::move(queued_batches_.front());
        queued_batches_.pop_front();
      }
      ParsedBatch parsed = parse(job.second);
      {
        std::lock_guard lock(mutex_);
        done_.emplace(job.first, std::move(parsed));
      }
      wake_taker_.notify_all();
    }
  }

  ParsedBatch parse(std::vector<RawHeader>& batch) const {
    ParsedBatch out;
    out.messages.reserve(batch.size());
    std::vector<std::string> warnings;
    for (RawHeader& raw : batch) {
      const std::string where = folder_ + " UID " + std::to_string(raw.uid) + ": ";
      mime::ParseContext context{imap_source_id(folder_, uidvalidity_, raw.uid), folder_, role_,
                                 raw.delivery_time};
      warnings.clear();
      Result<Message> message = make_error(ErrorScope::item, "imap.internal", "not parsed");
      try {
        message = mime::parse_message_headers(raw.header, context, &warnings);
      } catch (const std::exception& e) {
        message = make_error(ErrorScope::item, "imap.internal", e.what());
      }
      for (auto& w : warnings) out.warnings.push_back(where + w);
      if (!message) {
        ++out.failed;
        out.warnings.push_back(where + message.error().message + ", skipped");
        continue;
      }
      message->body = mime::extract_body_text(raw.header, raw.body);
      out.messages.push_back(std::move(*message));
      std::string().swap(raw.header);
      std::string().swap(raw.body);
    }
    return out;
  }

  const std::string folder_;
  const FolderRole role_;
  const std::uint32_t uidvalidity_;
  std::mutex mutex_;
  std::condition_variable wake_worker_, wake_taker_;
  std::deque<std::pair<std::size_t, std::vector<RawHeader>>>
      queued_batches_;  // by submission number
  std::map<std::size_t, ParsedBatch> done_;
  std::size_t next_submitted_ = 0, next_taken_ = 0;  // sync thread only
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

class FolderSync {
 public:
  FolderSync(Client& client, Store& store, const ImapConfig& config,
             const ImapImportOptions& options, const ImapProgressFn& progress,
             const ImapWarningFn& warning, Folder folder,
             std::optional<MailboxStatus> status = std::nullopt)
      : client_(client),
        store_(store),
        config_(config),
        options_(options),
        progress_(progress),
        warning_(warning),
        folder_(std::move(folder)),
        status_(std::move(status)),
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
    if (cursor && cursor->complete && status_ && status_matches(*cursor, *status_, condstore)) {
      // STATUS says nothing changed since the cursor: no EXAMINE (the costly part on a big
      // folder), no round trip.
      report_.mode = qresync ? "qresync" : condstore ? "condstore" : "plain";
      report_.unchanged = true;
      report_.present = cursor->exists;
      co_return report_;
    }
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
    {
      // Resuming: what was stored before may have been expunged since. Starting over with
      // messages stored (the cursor was cleared, as store migration 4 does so that bodies are
      // fetched): the same, and what an older UIDVALIDITY left is gone too.
      auto ids = store_.message_source_ids(folder_.name);
      if (!ids) co_return ids.error();
      for (auto& id : *ids) {
        auto uid = uid_of_source_id(id);
        if (!uid || !all->contains(*uid) || id != imap_source_id(folder_.name, uidvalidity_, *uid))
          gone.push_back(std::move(id));
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

  // Decodes one FETCH answer on the sync's thread; the header block goes to the worker.
  Result<void> on_fetch(Response&& response, std::vector<RawHeader>& pending) {
    auto item = parse_fetch(std::move(response));
    if (!item)
      return make_error(ErrorScope::transient, "imap.protocol",
                        client_.server_name() + " sent an unusable FETCH answer in \"" +
                            folder_.name + "\" (" + item.error().message + ") — try again later");
    if (!item->uid) return {};  // an unsolicited flag update
    RawHeader raw;
    raw.uid = *item->uid;
    raw.delivery_time = item->internaldate ? item->internaldate->utc_seconds : 0;
    auto header = item->body_sections.find(section_key_);
    if (header != item->body_sections.end() && !header->second.empty()) {
      raw.header = std::move(header->second);
    } else if (const std::string* other = item->body_section(section_);
               other != nullptr && !other->empty()) {
      raw.header = *other;
    } else if (item->envelope) {
      raw.header = envelope_header(*item->envelope);
    } else {
      ++report_.failed;
      if (warning_)
        warning_("[imap.item] " + folder_.name + " UID " + std::to_string(raw.uid) +
                 ": the server returned neither header fields nor ENVELOPE, skipped");
      return {};
    }
    if (auto body = item->body_sections.find(std::string(body_text_key));
        body != item->body_sections.end()) {
      raw.body = std::move(body->second);
    } else if (auto whole = item->body_sections.find("TEXT"); whole != item->body_sections.end()) {
      raw.body = std::move(whole->second);  // a server that leaves the origin out
    }
    pending.push_back(std::move(raw));
    return {};
  }

  // A parsed batch and the cursor that covers it, in one store transaction.
  Result<void> commit(ParsedBatch batch, const std::string& cursor, std::size_t uids,
                      std::size_t& done_messages, std::size_t total) {
    auto committed = store_.transaction([&](Store& store) -> Result<void> {
      if (!batch.messages.empty())
        if (auto r = store.upsert_messages(batch.messages); !r) return r.error();
      return store.set_cursor(key_, cursor);
    });
    if (!committed) return committed.error();
    if (warning_)
      for (const auto& w : batch.warnings) warning_(w);
    report_.failed += batch.failed;
    report_.added += batch.messages.size();
    done_messages += uids;
    if (progress_) progress_({folder_.name, std::min(done_messages, total), total});
    return {};
  }

  // Fetches `uids` in chunks, pipelined; each chunk's messages commit together with `cursor`
  // advanced past it (synced_through when !complete, uidnext when complete). Headers are
  // parsed on a HeaderWorker meanwhile; commits stay on this thread and in chunk order.
  asio::awaitable<Result<void>> fetch(const SequenceSet& uids, ImapCursor& cursor, bool complete) {
    const std::vector<Chunk> chunks =
        make_chunks(uids, std::max<std::size_t>(1, options_.batch_messages));
    const std::size_t total = uids.count();
    std::size_t done_messages = 0;
    std::size_t next_to_send = 0;
    std::deque<std::pair<std::string, std::size_t>> in_flight;  // tag, chunk index
    std::deque<std::pair<std::string, std::size_t>> parsing;    // cursor, UIDs in the chunk
    std::vector<RawHeader> pending;
    const std::string items = fetch_items();
    if (progress_ && total > 0) progress_({folder_.name, 0, total});
    if (chunks.empty()) co_return Result<void>{};
    HeaderWorker worker(folder_.name, folder_.role, uidvalidity_, options_.parse_threads);
    const std::size_t max_batches = std::max<std::size_t>(2, options_.parse_threads + 1);
    // Commits parsed batches: all of them (`all`), else those ready, waiting while more than
    // max_batches are queued.
    auto commit_ready = [&](bool all) -> Result<void> {
      while (!parsing.empty()) {
        const bool wait = all || worker.outstanding() > max_batches;
        auto batch = worker.take(wait);
        if (!batch) break;
        auto [serialised, count] = std::move(parsing.front());
        parsing.pop_front();
        if (auto r = commit(std::move(*batch), serialised, count, done_messages, total); !r)
          return r.error();
      }
      return {};
    };
    // On a connection error what was fetched completely still commits: less to fetch next time.
    auto fail = [&](Error error) -> Error {
      if (error.id.rfind("store.", 0) != 0) (void)commit_ready(true);
      return error;
    };
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
      if (!response) co_return fail(response.error());
      if (response->is_data("FETCH")) {
        if (auto r = on_fetch(std::move(*response), pending); !r) {
          client_.close();
          co_return fail(r.error());
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
      if (auto r = co_await send_more(); !r) co_return fail(r.error());
      if (complete)
        cursor.uidnext = std::max(cursor.uidnext, chunk.last + 1);
      else
        cursor.synced_through = chunk.last;
      worker.submit(std::move(pending));
      pending = {};
      parsing.emplace_back(cursor.serialise(), chunk.uids.count());
      if (auto r = commit_ready(false); !r) {
        client_.close();
        co_return r.error();
      }
    }
    if (auto r = commit_ready(true); !r) {
      client_.close();
      co_return r.error();
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
  std::optional<MailboxStatus> status_;
  std::string key_;
  std::string section_ = section_name();
  std::string section_key_ = normalise_section(section_);
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

// What the first pipelined round after login learns: the folder list (when needed) and the
// STATUS of every folder it can name, so that unchanged folders are never opened.
struct Prelude {
  std::vector<ListEntry> entries;
  std::map<std::string, MailboxStatus, std::less<>> status;  // by decoded name
};

// One round trip (two when the Sent folder is found by LIST on a server without LIST-STATUS):
// ENABLE, LIST (RETURN (SPECIAL-USE STATUS (...)) with LIST-STATUS) and STATUS of the folders
// known by name, all pipelined. A STATUS refused with NO is left out (the folder's EXAMINE
// reports it as before).
asio::awaitable<Result<Prelude>> prelude(Client& client, const ImapConfig& config,
                                         const ImapImportOptions& options) {
  const Capabilities& caps = client.capabilities();
  std::vector<std::string> enable;
  if (caps.has("ENABLE")) {
    if (options.use_qresync && caps.has("QRESYNC")) enable.emplace_back("QRESYNC");
    if (options.use_condstore && caps.has("CONDSTORE")) enable.emplace_back("CONDSTORE");
  }
  const std::string items =
      std::string("MESSAGES UIDNEXT UIDVALIDITY") + (enable.empty() ? "" : " HIGHESTMODSEQ");
  const bool need_list = config.sent_folder.empty();
  const bool list_status =
      need_list && options.use_status && caps.has("LIST-EXTENDED") && caps.has("LIST-STATUS");
  Prelude out;
  std::set<std::string> status_sent;
  std::string list_tag;
  std::size_t outstanding = 0;
  auto send = [&](Command command) -> asio::awaitable<Result<void>> {
    if (auto r = co_await client.send(command); !r) co_return r.error();
    ++outstanding;
    co_return Result<void>{};
  };
  auto send_status = [&](const std::string& folder) -> asio::awaitable<Result<void>> {
    if (!options.use_status || !status_sent.insert(folder).second) co_return Result<void>{};
    auto built = CommandBuilder(client.tags().next(), "STATUS", client.argument_options())
                     .mailbox(folder)
                     .build();
    if (!built || built->parts.size() != 1) co_return Result<void>{};  // a literal: EXAMINE it
    std::string& line = built->parts.back();
    line.resize(line.size() - 2);  // CRLF
    line += " (" + items + ")\r\n";
    co_return co_await send(std::move(*built));
  };
  if (!enable.empty()) {
    Command command{client.tags().next(), {}};
    std::string line = command.tag + " ENABLE";
    for (const auto& e : enable) line += " " + e;
    command.parts.push_back(line + "\r\n");
    if (auto r = co_await send(std::move(command)); !r) co_return r.error();
  }
  if (need_list) {
    Command command{client.tags().next(), {}};
    list_tag = command.tag;
    std::string line = command.tag + " LIST \"\" \"*\"";
    const bool special_use = caps.has("LIST-EXTENDED") && caps.has("SPECIAL-USE");
    if (special_use || list_status) {
      line += " RETURN (";
      if (special_use) line += "SPECIAL-USE";
      if (list_status) line += std::string(special_use ? " " : "") + "STATUS (" + items + ")";
      line += ")";
    }
    command.parts.push_back(line + "\r\n");
    if (auto r = co_await send(std::move(command)); !r) co_return r.error();
  }
  if (!list_status) {
    if (auto r = co_await send_status("INBOX"); !r) co_return r.error();
    if (!config.sent_folder.empty())
      if (auto r = co_await send_status(config.sent_folder); !r) co_return r.error();
    for (const auto& name : config.folders)
      if (auto r = co_await send_status(name); !r) co_return r.error();
  }
  bool sent_status_pending = need_list && !list_status && options.use_status;
  while (outstanding > 0) {
    auto response = co_await client.read_response();
    if (!response) co_return response.error();
    if (response->is_data("LIST")) {
      if (auto entry = parse_list(*response)) out.entries.push_back(std::move(*entry));
    } else if (response->is_data("STATUS")) {
      if (auto status = parse_status(*response)) {
        std::string name = status->name;
        out.status.insert_or_assign(std::move(name), std::move(*status));
      }
    } else if (response->is_tagged()) {
      --outstanding;
      if (response->tag == list_tag && response->status != Status::ok)
        co_return make_error(
            ErrorScope::transient, "imap.protocol",
            client.server_name() + " refused LIST (" + response->text + ") — try again later");
      if (response->tag == list_tag && sent_status_pending) {
        sent_status_pending = false;
        const std::string sent = choose_folders(out.entries, config).sent;
        if (!sent.empty())
          if (auto r = co_await send_status(sent); !r) co_return r.error();
      }
    }
  }
  co_return out;
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
  if (config.keyring) return keyring_lookup(*config.keyring, config);
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

Result<std::string> secret_for(const ImapConfig& config, const ImapImportOptions& options) {
  if (options.secret) return *options.secret;
  return resolve_password(config);
}

Result<ImapImportReport> import_imap(const ImapConfig& config, Store& store,
                                     const ImapProgressFn& progress, const ImapWarningFn& warning,
                                     const ImapImportOptions& options) {
  auto resolved_secret = secret_for(config, options);
  if (!resolved_secret) return resolved_secret.error();
  std::string secret = std::move(*resolved_secret);
  return run_sync<ImapImportReport>([&](asio::any_io_executor executor)
                                        -> asio::awaitable<Result<ImapImportReport>> {
    Client client(executor, client_options(config, options, warning));
    ImapImportReport report;
    std::uint64_t extra_round_trips = 0, extra_bytes = 0;
    auto finish = [&](Result<ImapImportReport> r) {
      if (r) {
        r->round_trips = client.round_trips() + extra_round_trips;
        r->bytes_received = client.bytes_received() + extra_bytes;
      }
      return r;
    };
    if (auto r = co_await open_session(client, config, options, secret, false); !r)
      co_return finish(r.error());
    auto known = co_await prelude(client, config, options);
    if (!known) co_return finish(known.error());

    std::vector<Folder> folders{{"INBOX", FolderRole::inbox}};
    std::string sent = config.sent_folder;
    if (sent.empty()) {
      sent = choose_folders(known->entries, config).sent;
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

    // Folders that need a full or resumed sync are worth more connections; the rest (STATUS
    // unchanged, a few new messages) are not worth a connect and a login.
    std::size_t heavy = 0;
    for (const Folder& folder : folders) {
      auto stored = store.get_cursor(cursor_key(config, folder.name));
      if (!stored) co_return finish(stored.error());
      auto cursor = *stored ? ImapCursor::parse(**stored) : std::nullopt;
      if (!cursor || !cursor->complete) ++heavy;
    }
    const std::size_t lanes =
        heavy >= 2 ? std::min(std::max<std::size_t>(1, options.connections), heavy) : 1;

    std::vector<std::optional<Result<ImapFolderReport>>> results(folders.size());
    std::size_t next_folder = 0;
    bool stop = false;
    std::optional<Error> first_error;
    std::vector<Client*> lane_clients{&client};
    // Takes folders until none is left; every lane's commits run on this io_context's thread
    // (the store is single-threaded), each batch with its folder's cursor.
    auto run_folders = [&](Client& lane_client) -> asio::awaitable<void> {
      while (!stop && next_folder < folders.size()) {
        const std::size_t index = next_folder++;
        const Folder& folder = folders[index];
        std::optional<MailboxStatus> status;
        if (auto it = known->status.find(folder.name); it != known->status.end())
          status = it->second;
        FolderSync sync(lane_client, store, config, options, progress, warning, folder,
                        std::move(status));
        auto folder_report = co_await sync.run();
        if (!folder_report && folder_report.error().scope != ErrorScope::collection && !stop) {
          // The import stops as with one connection: the other lanes are cut (what they
          // fetched completely still commits), and this error is the one reported.
          stop = true;
          first_error = folder_report.error();
          for (Client* other : lane_clients)
            if (other != &lane_client) other->close();
        }
        results[index] = std::move(folder_report);
      }
    };
    std::vector<std::unique_ptr<Client>> extra;
    for (std::size_t i = 1; i < lanes; ++i) {
      extra.push_back(std::make_unique<Client>(executor, client_options(config, options, warning)));
      lane_clients.push_back(extra.back().get());
    }
    auto extra_lane = [&](Client& lane_client) -> asio::awaitable<void> {
      // A server that refuses another connection (a per-user limit) leaves the work to the
      // connections that are open.
      if (auto r = co_await open_session(lane_client, config, options, secret, true); !r || stop) {
        lane_client.close();
        co_return;
      }
      co_await run_folders(lane_client);
      co_await lane_client.logout();
    };
    std::size_t running = extra.size();
    std::exception_ptr lane_exception;
    asio::steady_timer lanes_done(executor, asio::steady_timer::time_point::max());
    for (auto& lane_client : extra)
      asio::co_spawn(executor, extra_lane(*lane_client), [&](std::exception_ptr e) {
        if (e && !lane_exception) lane_exception = e;
        if (--running == 0) lanes_done.cancel();
      });
    try {
      co_await run_folders(client);
    } catch (...) {
      // The lanes still use this frame: let them finish before the exception leaves it.
      lane_exception = std::current_exception();
      stop = true;
    }
    if (running > 0) {
      boost::system::error_code ignored;
      co_await lanes_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (lane_exception) std::rethrow_exception(lane_exception);
    for (const auto& lane_client : extra) {
      extra_round_trips += lane_client->round_trips();
      extra_bytes += lane_client->bytes_received();
    }

    if (first_error) co_return finish(*first_error);
    for (auto& result : results) {
      if (!result) continue;
      auto& folder_report = *result;
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
  auto resolved_secret = secret_for(config, options);
  if (!resolved_secret) return resolved_secret.error();
  std::string secret = std::move(*resolved_secret);
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
