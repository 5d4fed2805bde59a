#include "engine/letters.hpp"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "core/corpus.hpp"
#include "core/directory.hpp"
#include "core/threading.hpp"
#include "imap/drafts/imap_drafts.hpp"

namespace nachfass::engine {

namespace {

constexpr MessageIndex no_message = ~MessageIndex{0};

// The message of the corpus with this Message-ID (the first one when it is duplicated).
MessageIndex find_message(const Corpus& corpus, std::string_view message_id) {
  if (message_id.empty()) return no_message;
  const Atom atom = corpus.find(message_id);
  if (atom == empty_atom) return no_message;
  for (MessageIndex i = 0; i < corpus.size(); ++i)
    if (corpus[i].message_id == atom) return i;
  return no_message;
}

// The message to answer in the thread of `root` or `awaiting`; no_message when the store holds
// neither.
MessageIndex message_to_answer(const Corpus& corpus, const Threads& threads,
                               std::string_view awaiting, std::string_view root,
                               std::string_view contact) {
  if (const MessageIndex m = find_message(corpus, awaiting); m != no_message) return m;
  MessageIndex anchor = find_message(corpus, root);
  std::optional<ThreadId> thread;
  if (anchor != no_message) {
    thread = threads.thread_of[anchor];
  } else if (const Atom root_atom = root.empty() ? empty_atom : corpus.find(root);
             root_atom != empty_atom) {
    for (ThreadId t = 0; t < threads.threads.size(); ++t)
      if (threads.threads[t].root_message_id == root_atom) {
        thread = t;
        break;
      }
  }
  if (!thread) return no_message;
  const auto members = threads.messages(*thread);
  if (members.empty()) return no_message;
  const Atom contact_atom = contact.empty() ? empty_atom : corpus.find(contact);
  for (auto it = members.rbegin(); it != members.rend(); ++it)
    if (contact_atom != empty_atom && corpus[*it].from == contact_atom) return *it;
  return members.back();
}

// RFC 5322 3.6.4: the parent's References (or its In-Reply-To), then the parent's Message-ID.
std::vector<std::string> references_for(const Corpus& corpus, MessageIndex parent) {
  std::vector<std::string> out;
  for (const Atom ref : corpus.references(parent)) out.emplace_back(corpus.text(ref));
  if (out.empty() && corpus[parent].in_reply_to != empty_atom)
    out.emplace_back(corpus.text(corpus[parent].in_reply_to));
  const std::string_view own = corpus.text(corpus[parent].message_id);
  if (!own.empty() && (out.empty() || out.back() != own)) out.emplace_back(own);
  return out;
}

int utc_offset_minutes(const DetectionSettings& settings, UnixSeconds now) {
  const date::time_zone* zone = settings.calendar.zone();
  if (!zone) return 0;
  const auto info = zone->get_info(date::sys_seconds{std::chrono::seconds{now}});
  return static_cast<int>(info.offset.count() / 60);
}

}  // namespace

std::filesystem::path templates_dir(const Config& config) {
  if (!config.letters.templates_dir.empty()) return config.letters.templates_dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "nachfass" / "templates";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".config" / "nachfass" / "templates";
  return {};
}

Result<PreparedLetter> prepare_letter(Store& store, const Config& config,
                                      const DetectionSettings& settings,
                                      const LetterRequest& request, UnixSeconds now,
                                      const WarningFn& warning) {
  auto stored = store.stored_findings();
  if (!stored) return stored.error();
  const auto found = std::find_if(stored->begin(), stored->end(), [&](const StoredFinding& s) {
    return s.finding.key == request.key;
  });
  if (found == stored->end())
    return make_error(ErrorScope::item, "findings.unknown_key",
                      "no finding has the key \"" + request.key +
                          "\" — `nachfass findings --all` lists the keys");
  PreparedLetter prepared;
  prepared.finding = found->finding;
  const Language language = request.language.value_or(settings.language);

  // Templates first: a broken user template is reported before anything else is read.
  auto templates = letters::TemplateSet::load(templates_dir(config));
  if (!templates) return templates.error();
  const std::string kind =
      request.kind.empty() ? std::string(letters::default_kind(prepared.finding)) : request.kind;
  if (!templates->has(language, kind)) {
    std::string list;
    for (const auto& k : templates->kinds(language)) list += (list.empty() ? "" : ", ") + k;
    return make_error(ErrorScope::fatal, "letters.unknown_kind",
                      "no letter kind \"" + kind + "\" in " +
                          std::string(letters::language_code(language)) + " — use one of: " + list);
  }

  // What the letter is about: the finding, or for a digest one of its threads.
  Finding about = prepared.finding;
  if (about.kind == FindingKind::absence && !about.items.empty()) {
    const DigestItem* item = nullptr;
    if (!request.thread.empty()) {
      for (const auto& i : about.items)
        if (i.thread_root == request.thread) item = &i;
      if (!item) {
        std::string roots;
        for (const auto& i : about.items) roots += (roots.empty() ? "" : ", ") + i.thread_root;
        return make_error(ErrorScope::item, "letters.no_thread_item",
                          "the digest " + request.key + " lists no thread \"" + request.thread +
                              "\" — use one of: " + roots);
      }
    } else {
      const auto open = std::find_if(about.items.begin(), about.items.end(),
                                     [](const DigestItem& i) { return i.answered == 0; });
      item = open != about.items.end() ? &*open : &about.items.front();
    }
    prepared.answered_item = *item;
    about.thread_root = item->thread_root;
    about.awaiting.clear();
    about.subject = item->subject;
    about.contact = item->contact;
    about.contact_name.clear();
    about.customer = item->customer;
  }

  Corpus corpus;
  if (auto loaded = store.load_messages(corpus); !loaded) return loaded.error();
  const Threads threads = thread_messages(corpus, settings.identities, settings.threading);
  const Directory directory =
      customer_directory(corpus, settings, read_customer_files(settings, warning).customers);
  const MessageIndex parent =
      message_to_answer(corpus, threads, about.awaiting, about.thread_root, about.contact);

  std::string to_address = about.contact;
  if (to_address.empty() && parent != no_message &&
      !settings.identities.is_own(corpus.text(corpus[parent].from)))
    to_address = std::string(corpus.text(corpus[parent].from));
  if (to_address.empty())
    return make_error(ErrorScope::item, "letters.no_recipient",
                      "finding " + request.key +
                          " names no customer address to write to — write this letter by hand");

  letters::LetterInput input;
  input.finding = about;
  input.language = language;
  input.now = now;
  input.slots = request.slots;
  input.user_name = config.user.name;
  input.signature = config.letters.signature;
  if (const Contact* contact = directory.contact(to_address)) input.contact = *contact;
  if (const CustomerIndex c = directory.find(to_address); c != no_customer)
    input.customer = directory[c];
  if (parent != no_message) {
    input.in_thread = true;
    input.thread_subject = std::string(corpus.text(corpus[parent].subject));
  }
  auto rendered =
      letters::render_letter(*templates, kind, language, letters::letter_variables(input));
  if (!rendered) return rendered.error();
  prepared.letter = std::move(*rendered);

  letters::DraftHeaders& headers = prepared.headers;
  headers.to.email = to_address;
  if (input.contact && !input.contact->name.empty())
    headers.to.name = input.contact->name;
  else if (!about.contact_name.empty())
    headers.to.name = about.contact_name;
  headers.from.name = config.user.name;
  if (!config.user.addresses.empty()) headers.from.email = config.user.addresses.front();
  if (parent != no_message) {
    // Answer from the address the customer wrote to.
    const auto written_to = [&]() -> std::string_view {
      for (const auto list : {corpus.to(parent), corpus.cc(parent)})
        for (const Atom a : list)
          if (settings.identities.is_user(corpus.text(a))) return corpus.text(a);
      return {};
    }();
    if (!written_to.empty()) headers.from.email = std::string(written_to);
    headers.in_reply_to = std::string(corpus.text(corpus[parent].message_id));
    if (!headers.in_reply_to.empty()) headers.references = references_for(corpus, parent);
  }
  headers.date = now;
  headers.utc_offset_minutes = utc_offset_minutes(settings, now);
  auto mime = letters::compose_draft(prepared.letter, headers);
  if (!mime) return mime.error();
  prepared.mime = std::move(*mime);
  return prepared;
}

Result<DraftLocation> save_letter(DraftSink& sink, const PreparedLetter& prepared) {
  return sink.create(prepared.mime, DraftContext{prepared.headers.in_reply_to});
}

Result<std::unique_ptr<DraftSink>> configured_draft_sink(const Config& config) {
  if (config.mail.provider == MailProvider::imap) {
    imap::ImapImportOptions options;
    options.ca_file = config.mail.imap.ca_file.string();
    options.insecure_skip_verify_for_host = config.mail.imap.insecure_skip_verify_for_host;
    return std::unique_ptr<DraftSink>(
        std::make_unique<imap::ImapDraftSink>(config.mail.imap, std::move(options)));
  }
  return make_error(ErrorScope::account, "letters.no_draft_sink",
                    "drafts go to an IMAP Drafts folder, and [mail] provider is \"" +
                        std::string(to_string(config.mail.provider)) +
                        "\" — configure [mail] provider = \"imap\", or use --print to see the "
                        "letter");
}

}  // namespace nachfass::engine
