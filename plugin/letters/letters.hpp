// Letters: the first draft of a personal reply, rendered from a mustache template (kainjow) with
// values from the finding, its thread, the customer directory and the user's config.
//
// Templates
// - A letter kind ("late-reply", "apology", "follow-up", "renewal", "win-back", "welcome-back",
//   or any name a user template adds) has three templates per language: the subject, the HTML
//   body and the plain-text body, named "<lang>/<kind>.subject.mustache", ".html.mustache" and
//   ".txt.mustache". The built-in ones (plugin/templates) are compiled into the binary.
// - A user directory with the same layout overrides a built-in file of the same name and may add
//   kinds; a kind needs all three files (built-in or user) in the requested language.
// - Every template is checked when loaded: mustache syntax, and every tag names a known
//   variable (see letter_variable_names()). An optional variable (one that may be empty) may
//   only be printed inside a section of the same name, so that an empty value removes its
//   sentence instead of leaving "Dear ,". HTML templates may not print unescaped ({{{x}}},
//   {{&x}}). Partials and changed delimiters are not supported. A problem is reported as
//   letters.template with "FILE:LINE: what is wrong".
//
// Rendering never fails on data: a value is either present or absent (false) and the templates
// are written for both. Values are HTML-escaped in the HTML body, and taken as they are in the
// subject and the plain-text body.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/directory.hpp"
#include "core/finding.hpp"
#include "ports/result.hpp"

namespace nachfass::letters {

// The built-in kinds, in the order `nachfass letter --help` lists them.
std::span<const std::string_view> builtin_kinds();

// The kind a finding gets when none is asked for: unanswered -> late-reply, stalled -> follow-up,
// lapsing -> renewal for a contract, follow-up for everything else (trial, seminar, ...),
// quiet -> win-back, absence -> welcome-back.
std::string_view default_kind(const Finding& finding);

// "de" / "en"
std::string_view language_code(Language language);
std::optional<Language> parse_language(std::string_view code);

// The slots of an apology; the template prints a marked passage to fill in for each empty one
// (the gesture, being optional, is left out when empty).
struct ApologySlots {
  std::string what_happened;  // "Die Lieferung vom 3. März ging an die alte Adresse."
  std::string what_changed;   // "Adressänderungen prüft jetzt ein Kollege gegen."
  std::string gesture;        // "Die Versandkosten schreiben wir Ihnen gut."
};

// What a letter is made from. Every field may be empty.
struct LetterInput {
  Finding finding;
  // The customer and the contact the letter goes to, when the directory knows them.
  std::optional<Customer> customer;
  std::optional<Contact> contact;
  // The subject of the message replied to; empty when the letter starts a new thread.
  std::string thread_subject;
  bool in_thread = false;
  std::string user_name;
  std::string signature;  // plain text, lines separated by '\n'
  ApologySlots slots;
  Language language = Language::de;
  UnixSeconds now = 0;
};

// A template value: absent (false), a string, or a list of strings.
struct Value {
  enum class Type : std::uint8_t { absent, text, list, flag };
  Type type = Type::absent;
  std::string text;
  std::vector<std::string> list;
};
using Variables = std::map<std::string, Value, std::less<>>;

struct VariableInfo {
  std::string_view name;
  bool optional;  // may be absent: print it only inside {{#name}}...{{/name}}
  std::string_view meaning;
};
// Every variable a template may use, with what it holds.
std::span<const VariableInfo> letter_variable_names();

// The variables for `input`: every name of letter_variable_names() is set (absent when empty).
Variables letter_variables(const LetterInput& input);

// "Sehr geehrte Frau Dr. Keller," / "Guten Tag Petra Keller," / "Guten Tag,";
// "Dear Ms Keller," / "Dear Petra Keller," / "Hello,".
std::string greeting(const std::optional<Contact>& contact, std::string_view display_name,
                     Language language);

// "AW: " (de) or "Re: " (en) before the subject with every reply/forward prefix and tag removed.
std::string reply_subject(std::string_view subject, Language language);

enum class Part : std::uint8_t { subject, html, text };

class TemplateSet {
 public:
  // The built-in templates only.
  static TemplateSet builtin();
  // The built-in templates overridden and extended by the files of `user_dir`
  // (<user_dir>/<lang>/<kind>.<part>.mustache). A missing directory is not an error (the
  // built-ins apply). Errors: letters.template ("FILE:LINE: ..."), letters.template_unreadable.
  static Result<TemplateSet> load(const std::filesystem::path& user_dir);
  // Adds or replaces one template from text, checking it (tests; `origin` names it in messages).
  Result<void> add(Language language, std::string_view kind, Part part, std::string text,
                   std::string origin);

  // The kinds that have all three parts in `language`, sorted.
  std::vector<std::string> kinds(Language language) const;
  bool has(Language language, std::string_view kind) const;

  struct Source {
    std::string text;
    std::string origin;  // "de/late-reply.html.mustache (built-in)" or the user file's path
  };
  const Source* find(Language language, std::string_view kind, Part part) const;

 private:
  std::map<std::string, Source, std::less<>> templates_;  // "de/late-reply.html"
};

// Checks a template's syntax and tags (see above); `origin` starts each message.
Result<void> check_template(std::string_view text, Part part, std::string_view origin);

struct RenderedLetter {
  std::string kind;
  Language language = Language::de;
  std::string subject;  // one line
  std::string html;     // a complete HTML document
  std::string text;
};

// Renders the three parts. Names the templates look up but `variables` lack are collected in
// `missing` when it is given (tests render strictly this way); they render as absent.
// Errors: letters.unknown_kind (the kind has no templates in that language; the message lists
// the kinds there are), letters.template (a mustache error while rendering, as "FILE:LINE: ...").
Result<RenderedLetter> render_letter(const TemplateSet& templates, std::string_view kind,
                                     Language language, const Variables& variables,
                                     std::vector<std::string>* missing = nullptr);

}  // namespace nachfass::letters
