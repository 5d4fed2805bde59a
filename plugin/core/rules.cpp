#include "core/rules.hpp"

#include <boost/regex.hpp>

#include "core/ascii.hpp"

namespace nachfass {

namespace {

// Patterns and texts get the same umlaut folding; ASCII case is left to icase (folding a
// pattern's source to lower case would change escapes such as \D and \S).
std::string with_folded_umlauts(std::string_view text) {
  std::string out(text);
  ascii::fold_umlauts(out);
  return out;
}

}  // namespace

struct Pattern::Compiled {
  boost::regex regex;
};

Result<Pattern> Pattern::compile(std::string_view source) {
  Pattern pattern;
  pattern.source_ = std::string(source);
  if (source.empty())
    return make_error(ErrorScope::fatal, "config.bad_value", "invalid pattern: it is empty");
  try {
    auto compiled = std::make_shared<Compiled>();
    compiled->regex =
        boost::regex(with_folded_umlauts(source), boost::regex::perl | boost::regex::icase);
    pattern.compiled_ = std::move(compiled);
  } catch (const boost::regex_error& e) {
    return make_error(ErrorScope::fatal, "config.bad_value",
                      std::string("invalid pattern \"") + std::string(source) + "\": " + e.what());
  }
  return pattern;
}

std::optional<std::pair<std::size_t, std::size_t>> Pattern::span(std::string_view text) const {
  if (!compiled_) return std::nullopt;
  const std::string folded = with_folded_umlauts(text);
  try {
    boost::smatch match;
    if (!boost::regex_search(folded, match, compiled_->regex)) return std::nullopt;
    const auto begin = static_cast<std::size_t>(match[0].first - folded.begin());
    return std::pair{begin, begin + static_cast<std::size_t>(match[0].length())};
  } catch (const std::runtime_error&) {
    // Boost gives up on expressions that would backtrack too long: no match, never a crash.
    return std::nullopt;
  }
}

bool Pattern::search(std::string_view text) const {
  return span(text).has_value();
}

std::optional<std::string> Pattern::find(std::string_view text, std::string_view group) const {
  if (!compiled_) return std::nullopt;
  const std::string folded = with_folded_umlauts(text);
  try {
    boost::smatch match;
    if (!boost::regex_search(folded, match, compiled_->regex)) return std::nullopt;
    const auto sub = group.empty() ? match[0] : match[std::string(group)];
    if (!sub.matched) return std::nullopt;
    // Return the original (unfolded) text of the match.
    const auto begin = static_cast<std::size_t>(sub.first - folded.begin());
    return std::string(text.substr(begin, static_cast<std::size_t>(sub.length())));
  } catch (const std::runtime_error&) {
    return std::nullopt;
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
}

bool any_match(const std::vector<Pattern>& patterns, std::string_view text) {
  for (const Pattern& p : patterns)
    if (p.search(text)) return true;
  return false;
}

Rules default_rules() {
  Rules rules;
  rules.engagements = default_engagement_rules();
  rules.stalled = default_stalled_settings();
  rules.absence = default_absence_settings();
  return rules;
}

}  // namespace nachfass
