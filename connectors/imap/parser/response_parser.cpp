#include "imap/parser/response_parser.hpp"
#include "core/ascii.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <iterator>

#include "imap/parser/errors.hpp"

namespace nachfass::imap {

namespace {

// Bytes kept of a discarded line: enough for the longest literal marker we accept
// ("{" 20 digits "+}" CRLF).
constexpr std::size_t kTailBytes = 32;
constexpr std::size_t kMaxLiteralDigits = 20;

enum CharClass : std::uint8_t {
  kAtom = 1,        // may appear in an atom as the parser reads it (lenient: 8-bit, %, *, ], {)
  kQuotedStop = 2,  // ends a run of plain bytes in a quoted string: " \ CR LF NUL
  kCtl = 4,         // NUL..US, DEL
};

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t cls = 0;
    const bool ctl = c < 0x20 || c == 0x7f;
    if (ctl) cls |= kCtl;
    if (!ctl && c != ' ' && c != '(' && c != ')' && c != '"') cls |= kAtom;
    if (c == '"' || c == '\\' || c == '\r' || c == '\n' || c == 0) cls |= kQuotedStop;
    classes[static_cast<std::size_t>(c)] = cls;
  }
  return classes;
}
constexpr std::array<std::uint8_t, 256> kClasses = make_classes();

inline std::uint8_t char_class(char c) {
  return kClasses[static_cast<unsigned char>(c)];
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

Status status_word(std::string_view word) {
  switch (word.size()) {
    case 2:
      if (ascii::iequals(word, "OK")) return Status::ok;
      if (ascii::iequals(word, "NO")) return Status::no;
      break;
    case 3:
      if (ascii::iequals(word, "BAD")) return Status::bad;
      if (ascii::iequals(word, "BYE")) return Status::bye;
      break;
    case 7:
      if (ascii::iequals(word, "PREAUTH")) return Status::preauth;
      break;
    default:
      break;
  }
  return Status::none;
}

// Whether the first line of a response (or its first bytes) is a status or continuation line,
// whose free-form text may end in "{n}" without announcing a literal.
bool is_status_line(std::string_view line) {
  if (line.empty()) return false;
  if (line[0] == '+') return true;
  if (line.size() < 2 || line[0] != '*' || line[1] != ' ') return true;  // tagged
  std::size_t end = 2;
  while (end < line.size() && line[end] != ' ' && line[end] != '\r' && line[end] != '\n' &&
         line[end] != '[')
    ++end;
  return status_word(line.substr(2, end - 2)) != Status::none;
}

// "{123}\r\n", "{123+}\r\n" or "~{123}\r\n" at the end of `line`.
struct LiteralMarker {
  bool found = false;
  bool overflow = false;  // more than 20 digits or above 2^64-1
  std::uint64_t size = 0;
};

LiteralMarker find_literal_marker(std::string_view line) {
  LiteralMarker marker;
  if (line.size() < 5) return marker;
  std::size_t i = line.size() - 2;  // the CR
  if (line[i - 1] != '}') return marker;
  std::size_t digits_end = i - 1;
  if (line[digits_end - 1] == '+') --digits_end;
  std::size_t digits_begin = digits_end;
  while (digits_begin > 0 && is_digit(line[digits_begin - 1])) --digits_begin;
  if (digits_begin == digits_end || digits_begin == 0 || line[digits_begin - 1] != '{')
    return marker;
  marker.found = true;
  if (digits_end - digits_begin > kMaxLiteralDigits) {
    marker.overflow = true;
    return marker;
  }
  const auto [ptr, ec] =
      std::from_chars(line.data() + digits_begin, line.data() + digits_end, marker.size);
  if (ec != std::errc() || ptr != line.data() + digits_end) marker.overflow = true;
  return marker;
}

Error syntax_error(std::string_view frame, std::size_t offset, std::string_view what) {
  std::string snippet;
  for (char c : frame.substr(0, 60)) snippet += (c >= 0x20 && c < 0x7f) ? c : '.';
  if (frame.size() > 60) snippet += "...";
  return make_error(ErrorScope::item, std::string(errors::syntax),
                    "malformed IMAP response (" + std::string(what) + " at byte " +
                        std::to_string(offset) + " of \"" + snippet +
                        "\"); the response was skipped");
}

// Parses one framed response: its non-literal text (ending in CRLF, with "{n}\r\n" markers
// whose bytes are the next entries of `literals`).
class FrameParser {
 public:
  FrameParser(std::string_view text, std::deque<std::string>& literals, std::size_t literal_count,
              const Limits& limits, std::vector<Value>& scratch, std::vector<std::size_t>& open)
      : text_(text),
        begin_(text.data()),
        p_(text.data()),
        end_(text.data() + text.size()),
        line_end_(text.data() + (text.size() >= 2 ? text.size() - 2 : 0)),
        literals_(literals),
        literal_count_(literal_count),
        limits_(limits),
        scratch_(scratch),
        open_(open) {}

  Result<Response> run() {
    Response response;
    if (text_.size() < 2 || end_[-2] != '\r' || end_[-1] != '\n') return fail("missing CRLF");
    if (p_ == line_end_) return fail("empty line");
    if (*p_ == '+') {
      response.kind = ResponseKind::continuation;
      ++p_;
      if (p_ < line_end_ && *p_ == ' ') ++p_;
      if (auto ok = take_text(response.text); !ok) return ok.error();
      return response;
    }
    if (*p_ == '*') {
      ++p_;
      if (p_ >= line_end_ || *p_ != ' ') return fail("expected SP after '*'");
      ++p_;
      response.kind = ResponseKind::untagged;
      return untagged(std::move(response));
    }
    response.kind = ResponseKind::tagged;
    const char* tag_begin = p_;
    while (p_ < line_end_ && *p_ != ' ') {
      const char c = *p_;
      if ((char_class(c) & kAtom) == 0 || c == '{' || c == '%' || c == '*' || c == '\\' ||
          c == '+' || static_cast<unsigned char>(c) >= 0x80)
        return fail("bad character in tag");
      ++p_;
    }
    if (p_ == tag_begin) return fail("empty tag");
    response.tag.assign(tag_begin, p_);
    if (p_ >= line_end_) return fail("expected SP after tag");
    ++p_;
    const std::string_view word = read_word();
    response.status = status_word(word);
    if (response.status != Status::ok && response.status != Status::no &&
        response.status != Status::bad)
      return fail("expected OK, NO or BAD after the tag");
    if (auto ok = resp_text(response); !ok) return ok.error();
    return response;
  }

 private:
  Error fail(std::string_view what) const {
    return syntax_error(text_, static_cast<std::size_t>(p_ - begin_), what);
  }

  std::string_view read_word() {
    const char* word_begin = p_;
    while (p_ < line_end_ && (char_class(*p_) & kAtom) != 0 && *p_ != '[') ++p_;
    return {word_begin, static_cast<std::size_t>(p_ - word_begin)};
  }

  Result<Response> untagged(Response response) {
    if (is_digit(*p_)) {
      const char* digits = p_;
      while (p_ < line_end_ && is_digit(*p_)) ++p_;
      std::uint64_t number = 0;
      const auto [ptr, ec] = std::from_chars(digits, p_, number);
      if (ec != std::errc() || ptr != p_ || number > UINT32_MAX)
        return fail("message number out of range");
      response.number = static_cast<std::uint32_t>(number);
      if (p_ >= line_end_ || *p_ != ' ') return fail("expected SP after the message number");
      ++p_;
    }
    const std::string_view word = read_word();
    if (word.empty() || !is_letter(word.front())) return fail("expected a response keyword");
    if (!response.number) {
      response.status = status_word(word);
      if (response.status != Status::none) {
        if (auto ok = resp_text(response); !ok) return ok.error();
        return response;
      }
    }
    response.keyword = ascii::upper(word);
    auto values = parse_values(false);
    if (!values) return values.error();
    response.data = std::move(*values);
    return response;
  }

  // resp-text after a status word: ["[" code "]"] text.
  Result<void> resp_text(Response& response) {
    if (p_ < line_end_) {
      if (*p_ != ' ') return fail("expected SP after the status");
      ++p_;
    }
    if (p_ < line_end_ && *p_ == '[') response_code(response);
    return take_text(response.text);
  }

  void response_code(Response& response) {
    const char* open = p_;
    ++p_;
    const char* name_begin = p_;
    while (p_ < line_end_ && *p_ != ' ' && *p_ != ']' && (char_class(*p_) & kCtl) == 0) ++p_;
    if (p_ == name_begin || p_ >= line_end_ || (*p_ != ' ' && *p_ != ']')) {
      p_ = open;  // not a code: all of it is text
      return;
    }
    ResponseCode code;
    code.name = ascii::upper({name_begin, static_cast<std::size_t>(p_ - name_begin)});
    if (*p_ == ' ') {
      const char* args_begin = ++p_;
      auto args = parse_values(true);
      if (args && p_ < line_end_ && *p_ == ']') {
        code.args = std::move(*args);
      } else {
        // Arguments that are no IMAP values (REFERRAL URLs and the like): keep them as text.
        p_ = static_cast<const char*>(
            std::memchr(args_begin, ']', static_cast<std::size_t>(line_end_ - args_begin)));
        if (p_ == nullptr) {
          p_ = open;
          return;
        }
      }
      code.text.assign(args_begin, p_);
    }
    ++p_;  // ']'
    if (p_ < line_end_ && *p_ == ' ') ++p_;
    response.code = std::move(code);
  }

  Result<void> take_text(std::string& out) {
    for (const char* q = p_; q < line_end_; ++q)
      if (*q == '\0' || *q == '\r' || *q == '\n') {
        p_ = q;
        return fail("NUL, CR or LF in text");
      }
    out.assign(p_, line_end_);
    p_ = line_end_;
    return {};
  }

  // Values up to the end of the line, or (in a response code) up to ']' at depth 0.
  Result<std::vector<Value>> parse_values(bool in_code) {
    const std::size_t base = scratch_.size();
    const std::size_t open_base = open_.size();
    auto result = parse_values_into(in_code);
    if (!result) {
      scratch_.erase(scratch_.begin() + static_cast<std::ptrdiff_t>(base), scratch_.end());
      open_.resize(open_base);
      return result.error();
    }
    std::vector<Value> values(
        std::make_move_iterator(scratch_.begin() + static_cast<std::ptrdiff_t>(base)),
        std::make_move_iterator(scratch_.end()));
    scratch_.erase(scratch_.begin() + static_cast<std::ptrdiff_t>(base), scratch_.end());
    return values;
  }

  Result<void> parse_values_into(bool in_code) {
    const std::size_t open_base = open_.size();
    while (true) {
      while (p_ < line_end_ && *p_ == ' ') ++p_;
      if (p_ >= line_end_) {
        if (in_code) return fail("unterminated response code");
        if (open_.size() != open_base) return fail("unbalanced '('");
        return {};
      }
      const char c = *p_;
      if (c == ']' && in_code && open_.size() == open_base) return {};
      switch (c) {
        case '(':
          if (open_.size() - open_base >= limits_.max_depth)
            return make_error(ErrorScope::item, std::string(errors::too_deep),
                              "IMAP response nested deeper than " +
                                  std::to_string(limits_.max_depth) +
                                  " parentheses; the response was skipped");
          open_.push_back(scratch_.size());
          ++p_;
          break;
        case ')': {
          if (open_.size() == open_base) return fail("unbalanced ')'");
          const auto start = static_cast<std::ptrdiff_t>(open_.back());
          open_.pop_back();
          std::vector<Value> items(std::make_move_iterator(scratch_.begin() + start),
                                   std::make_move_iterator(scratch_.end()));
          scratch_.erase(scratch_.begin() + start, scratch_.end());
          scratch_.push_back(Value::make_list(std::move(items)));
          ++p_;
          break;
        }
        case '"':
          if (auto ok = quoted(); !ok) return ok.error();
          break;
        case '{':
          if (in_code) return fail("literal in a response code");
          if (auto ok = literal(); !ok) return ok.error();
          break;
        case '~':
          if (p_ + 1 < line_end_ && p_[1] == '{') {
            if (in_code) return fail("literal in a response code");
            ++p_;
            if (auto ok = literal(); !ok) return ok.error();
            break;
          }
          [[fallthrough]];
        default:
          if (auto ok = token(in_code); !ok) return ok.error();
          break;
      }
    }
  }

  // The scalar parsers below append their value to scratch_.
  Result<void> quoted() {
    ++p_;
    std::string bytes;
    while (true) {
      const char* run = p_;
      while (p_ < line_end_ && (char_class(*p_) & kQuotedStop) == 0) ++p_;
      bytes.append(run, p_);
      if (p_ >= line_end_) return fail("unterminated quoted string");
      const char c = *p_;
      if (c == '"') {
        ++p_;
        scratch_.push_back(Value::make_string(std::move(bytes)));
        return {};
      }
      if (c != '\\') return fail("NUL, CR or LF in a quoted string");
      if (p_ + 1 >= line_end_) return fail("unterminated quoted string");
      const char escaped = p_[1];
      if (escaped == '\0' || escaped == '\r' || escaped == '\n')
        return fail("NUL, CR or LF in a quoted string");
      // RFC 3501 only has \" and \\; keep any other backslash as it came (broken servers).
      if (escaped != '"' && escaped != '\\') bytes += '\\';
      bytes += escaped;
      p_ += 2;
    }
  }

  Result<void> literal() {
    ++p_;  // '{'
    const char* digits = p_;
    while (p_ < line_end_ && is_digit(*p_)) ++p_;
    std::uint64_t size = 0;
    const auto [ptr, ec] = std::from_chars(digits, p_, size);
    if (digits == p_ || ec != std::errc() || ptr != p_) return fail("bad literal length");
    if (p_ < line_end_ && *p_ == '+') ++p_;
    if (p_ >= line_end_ || *p_ != '}') return fail("bad literal length");
    ++p_;
    if (end_ - p_ < 2 || p_[0] != '\r' || p_[1] != '\n' || p_ == line_end_)
      return fail("literal announcement not at the end of a line");
    if (literals_used_ >= literal_count_) return fail("literal without data");
    std::string& bytes = literals_[literals_used_++];
    if (bytes.size() != size) return fail("literal length mismatch");
    p_ += 2;
    scratch_.push_back(Value::make_string(std::move(bytes), true));
    return {};
  }

  static bool section_prefix(std::string_view name) {
    return ascii::iequals(name, "BODY") || ascii::iequals(name, "BINARY") ||
           ascii::iequals(name, "BINARY.SIZE") || ascii::iequals(name, "BODY.PEEK") ||
           ascii::iequals(name, "BINARY.PEEK");
  }

  Result<void> token(bool in_code) {
    const char* start = p_;
    while (p_ < line_end_ && (char_class(*p_) & kAtom) != 0) {
      const char c = *p_;
      if (c == ']' && in_code) break;
      if (c == '[' && section_prefix({start, static_cast<std::size_t>(p_ - start)}))
        return section(start, in_code);
      ++p_;
    }
    if (p_ == start) return fail("unexpected byte");
    const std::string_view text(start, static_cast<std::size_t>(p_ - start));
    if (text.size() <= kMaxLiteralDigits && std::all_of(text.begin(), text.end(), is_digit)) {
      std::uint64_t number = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec == std::errc() && ptr == text.data() + text.size()) {
        scratch_.push_back(Value::make_number(number, std::string(text)));
        return {};
      }
    }
    if (text.size() == 3 && ascii::iequals(text, "NIL"))
      scratch_.emplace_back();
    else
      scratch_.push_back(Value::make_atom(std::string(text)));
    return {};
  }

  // BODY[section]<origin>; p_ is at '['.
  Result<void> section(const char* name_begin, bool in_code) {
    std::string name(name_begin, p_);
    ++p_;
    const char* section_begin = p_;
    int depth = 0;
    while (true) {
      if (p_ >= line_end_) return fail("unterminated section");
      const char c = *p_;
      if ((char_class(c) & kCtl) != 0) return fail("control character in a section");
      if (c == ']' && depth == 0) break;
      if (c == '(') ++depth;
      if (c == ')' && --depth < 0) return fail("unbalanced ')' in a section");
      if (c == '"') {
        ++p_;
        while (p_ < line_end_ && *p_ != '"') {
          if ((char_class(*p_) & kCtl) != 0) return fail("control character in a section");
          p_ += (*p_ == '\\' && p_ + 1 < line_end_) ? 2 : 1;
        }
        if (p_ >= line_end_) return fail("unterminated section");
      }
      ++p_;
    }
    const std::string_view spec(section_begin, static_cast<std::size_t>(p_ - section_begin));
    ++p_;  // ']'
    std::optional<std::uint64_t> origin;
    if (p_ < line_end_ && *p_ == '<') {
      const char* digits = ++p_;
      while (p_ < line_end_ && is_digit(*p_)) ++p_;
      std::uint64_t value = 0;
      const auto [ptr, ec] = std::from_chars(digits, p_, value);
      if (digits == p_ || ec != std::errc() || ptr != p_ || p_ >= line_end_ || *p_ != '>')
        return fail("bad partial origin");
      ++p_;
      origin = value;
    }
    if (p_ < line_end_ && *p_ != ' ' && *p_ != ')' && !(in_code && *p_ == ']'))
      return fail("unexpected byte after a section");
    scratch_.push_back(Value::make_section(std::move(name), spec, origin));
    return {};
  }

  std::string_view text_;
  const char* begin_;
  const char* p_;
  const char* end_;
  const char* line_end_;  // the final CR
  std::deque<std::string>& literals_;
  std::size_t literal_count_;
  std::size_t literals_used_ = 0;
  const Limits& limits_;
  std::vector<Value>& scratch_;
  std::vector<std::size_t>& open_;
};

}  // namespace

ResponseParser::ResponseParser(Limits limits) : limits_(limits) {
  limits_.max_line_bytes = std::max<std::size_t>(limits_.max_line_bytes, 64);
  limits_.max_depth = std::max<std::size_t>(limits_.max_depth, 1);
}

void ResponseParser::reset() {
  lines_.clear();
  parse_pos_ = 0;
  frame_start_ = 0;
  frames_.clear();
  literals_.clear();
  literal_bytes_held_ = 0;
  first_line_ = true;
  status_frame_ = false;
  frame_literals_ = 0;
  frame_literal_bytes_ = 0;
  literal_remaining_ = 0;
  in_literal_ = false;
  discarding_ = false;
  tail_.clear();
  desynchronised_ = false;
  scratch_.clear();
  open_lists_.clear();
}

void ResponseParser::compact() {
  if (parse_pos_ == 0) return;
  if (!frames_.empty() && parse_pos_ < lines_.size() / 2) return;
  lines_.erase(0, parse_pos_);
  for (Frame& frame : frames_) frame.end -= parse_pos_;
  frame_start_ -= parse_pos_;
  parse_pos_ = 0;
}

void ResponseParser::feed(std::string_view bytes) {
  if (desynchronised_) return;
  compact();
  while (!bytes.empty() && !desynchronised_) {
    if (in_literal_) {
      const std::size_t take =
          static_cast<std::size_t>(std::min<std::uint64_t>(literal_remaining_, bytes.size()));
      if (!discarding_) {
        literals_.back().append(bytes.data(), take);
        literal_bytes_held_ += take;
      }
      literal_remaining_ -= take;
      bytes.remove_prefix(take);
      if (literal_remaining_ == 0) in_literal_ = false;
      continue;
    }
    const void* newline = std::memchr(bytes.data(), '\n', bytes.size());
    const std::size_t segment =
        newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - bytes.data()) + 1
                : bytes.size();
    if (!discarding_ && lines_.size() - frame_start_ + segment > limits_.max_line_bytes) {
      fail_current(make_error(ErrorScope::collection, std::string(errors::line_too_long),
                              "an IMAP response is longer than the limit of " +
                                  std::to_string(limits_.max_line_bytes) +
                                  " bytes; it was skipped (fetch or search fewer messages per "
                                  "command, or raise the limit)"),
                   0, bytes.substr(0, segment));
    }
    if (!discarding_) {
      lines_.append(bytes.data(), segment);
    } else {
      tail_.append(bytes.data(), segment);
      if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
    }
    bytes.remove_prefix(segment);
    if (newline) on_line_end();
  }
}

void ResponseParser::fail_current(Error error, std::uint64_t skip_literal_bytes,
                                  std::string_view upcoming) {
  const std::string_view partial = std::string_view(lines_).substr(frame_start_);
  if (first_line_) {
    // The status test needs the first word; part of it may still be in the unbuffered input.
    std::string head(partial.substr(0, 16));
    head.append(upcoming.substr(0, 32 - head.size()));
    status_frame_ = is_status_line(head);
  }
  tail_.assign(partial.substr(partial.size() - std::min(partial.size(), kTailBytes)));
  frames_.push_back(Frame{frame_start_, 0, std::move(error)});
  lines_.resize(frame_start_);
  for (; frame_literals_ > 0; --frame_literals_) {
    literal_bytes_held_ -= literals_.back().size();
    literals_.pop_back();
  }
  frame_literal_bytes_ = 0;
  discarding_ = true;
  if (skip_literal_bytes > 0) {
    in_literal_ = true;
    literal_remaining_ = skip_literal_bytes;
    tail_.clear();
  }
}

void ResponseParser::on_line_end() {
  const std::string_view line =
      discarding_ ? std::string_view(tail_) : std::string_view(lines_).substr(frame_start_);
  const bool first = first_line_;
  first_line_ = false;
  if (first && !discarding_) status_frame_ = is_status_line(line);

  auto end_frame = [this] {
    if (!discarding_) frames_.push_back(Frame{lines_.size(), frame_literals_, std::nullopt});
    frame_start_ = lines_.size();
    first_line_ = true;
    status_frame_ = false;
    frame_literals_ = 0;
    frame_literal_bytes_ = 0;
    discarding_ = false;
    tail_.clear();
  };

  if (line.size() < 2 || line[line.size() - 2] != '\r') {
    if (!discarding_)
      fail_current(syntax_error(line, line.size() - 1, "line ends in LF without CR"), 0);
    end_frame();
    return;
  }
  if (first && status_frame_) {
    end_frame();
    return;
  }
  const LiteralMarker marker = find_literal_marker(line);
  if (!marker.found) {
    end_frame();
    return;
  }
  if (marker.overflow) {
    Error error = make_error(ErrorScope::transient, std::string(errors::desynchronised),
                             "the IMAP server announced a literal whose length does not fit 64 "
                             "bits; the connection must be re-established");
    if (discarding_)
      frames_.push_back(Frame{frame_start_, 0, std::move(error)});
    else
      fail_current(std::move(error), 0);
    desynchronised_ = true;
    return;
  }
  tail_.clear();
  if (discarding_) {
    in_literal_ = marker.size > 0;
    literal_remaining_ = marker.size;
    return;
  }
  if (marker.size > limits_.max_literal_bytes) {
    fail_current(
        make_error(ErrorScope::item, std::string(errors::literal_too_large),
                   "the IMAP server announced a literal of " + std::to_string(marker.size) +
                       " bytes, above the limit of " + std::to_string(limits_.max_literal_bytes) +
                       " bytes; the response was skipped"),
        marker.size);
    return;
  }
  if (frame_literal_bytes_ + marker.size > limits_.max_response_bytes) {
    fail_current(make_error(ErrorScope::item, std::string(errors::response_too_large),
                            "an IMAP response carries more than " +
                                std::to_string(limits_.max_response_bytes) +
                                " bytes of literals; the response was skipped"),
                 marker.size);
    return;
  }
  literals_.emplace_back();
  literals_.back().reserve(static_cast<std::size_t>(marker.size));
  ++frame_literals_;
  frame_literal_bytes_ += static_cast<std::size_t>(marker.size);
  literal_remaining_ = marker.size;
  in_literal_ = marker.size > 0;
}

Result<std::optional<Response>> ResponseParser::next() {
  if (frames_.empty()) {
    if (desynchronised_)
      return make_error(ErrorScope::transient, std::string(errors::desynchronised),
                        "the IMAP response stream is out of sync; the connection must be "
                        "re-established");
    return std::optional<Response>();
  }
  Frame frame = std::move(frames_.front());
  frames_.pop_front();
  if (frame.error) {
    parse_pos_ = frame.end;
    return std::move(*frame.error);
  }
  const std::string_view text = std::string_view(lines_).substr(parse_pos_, frame.end - parse_pos_);
  parse_pos_ = frame.end;
  for (std::size_t i = 0; i < frame.literal_count; ++i) literal_bytes_held_ -= literals_[i].size();
  FrameParser parser(text, literals_, frame.literal_count, limits_, scratch_, open_lists_);
  auto response = parser.run();
  literals_.erase(literals_.begin(),
                  literals_.begin() + static_cast<std::ptrdiff_t>(frame.literal_count));
  scratch_.clear();
  open_lists_.clear();
  if (!response) return response.error();
  return std::optional<Response>(std::move(*response));
}

}  // namespace nachfass::imap
