#include <kainjow/mustache.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "letters/builtin_templates.hpp"
#include "letters/letters.hpp"

namespace nachfass::letters {

namespace {

namespace mustache = kainjow::mustache;

std::string_view part_name(Part part) {
  switch (part) {
    case Part::subject:
      return "subject";
    case Part::html:
      return "html";
    case Part::text:
      return "txt";
  }
  return "txt";
}

std::optional<Part> parse_part(std::string_view name) {
  if (name == "subject") return Part::subject;
  if (name == "html") return Part::html;
  if (name == "txt") return Part::text;
  return std::nullopt;
}

std::string key_of(Language language, std::string_view kind, Part part) {
  return std::string(language_code(language)) + "/" + std::string(kind) + "." +
         std::string(part_name(part));
}

int line_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

Error template_error(std::string_view origin, std::string_view text, std::size_t offset,
                     std::string_view what) {
  return make_error(
      ErrorScope::fatal, "letters.template",
      std::string(origin) + ":" + std::to_string(line_at(text, offset)) + ": " + std::string(what));
}

// kainjow reports "Unclosed section \"x\" at 123" with a byte offset; turn it into a line.
Error kainjow_error(std::string_view origin, std::string_view text, const std::string& message) {
  std::size_t offset = 0;
  if (const auto at = message.rfind(" at "); at != std::string::npos) {
    try {
      offset = std::stoul(message.substr(at + 4));
    } catch (const std::exception&) {
      offset = 0;
    }
    return template_error(origin, text, offset, message.substr(0, at));
  }
  return template_error(origin, text, 0, message);
}

const VariableInfo* find_variable(std::string_view name) {
  for (const auto& v : letter_variable_names())
    if (v.name == name) return &v;
  return nullptr;
}

std::string known_names() {
  std::string out;
  for (const auto& v : letter_variable_names()) {
    if (!out.empty()) out += ", ";
    out += v.name;
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Records the names a template looks up that the data lacks.
class StrictContext : public mustache::context<std::string> {
 public:
  StrictContext(const mustache::data* data, std::vector<std::string>* missing)
      : mustache::context<std::string>(data), missing_(missing) {}
  const mustache::data* get(const std::string& name) const override {
    const auto* found = mustache::context<std::string>::get(name);
    if (!found && missing_) missing_->push_back(name);
    return found;
  }
  const mustache::data* get_partial(const std::string& name) const override {
    if (missing_) missing_->push_back(">" + name);
    return nullptr;
  }

 private:
  std::vector<std::string>* missing_;
};

mustache::data to_data(const Variables& variables) {
  mustache::data data{mustache::data::type::object};
  for (const auto& [name, value] : variables) {
    switch (value.type) {
      case Value::Type::absent:
        data.set(name, false);
        break;
      case Value::Type::flag:
        data.set(name, true);
        break;
      case Value::Type::text:
        data.set(name, value.text);
        break;
      case Value::Type::list: {
        mustache::list items;
        for (const auto& item : value.list) items.emplace_back(item);
        data.set(name, mustache::data{items});
        break;
      }
    }
  }
  return data;
}

// Sections that render nothing leave blank lines behind: at most one blank line between
// paragraphs, no trailing spaces, no blank lines at the start or the end, one final line break.
std::string tidy_text(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    std::string line(text.substr(start, end == std::string_view::npos ? end : end - start));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
      line.pop_back();
    lines.push_back(std::move(line));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::string out;
  bool blank_pending = false;
  for (const auto& line : lines) {
    if (line.empty()) {
      blank_pending = !out.empty();
      continue;
    }
    if (blank_pending) out += '\n';
    blank_pending = false;
    out += line;
    out += '\n';
  }
  return out;
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  if (in) content << in.rdbuf();
  if (!in || in.bad())
    return make_error(ErrorScope::fatal, "letters.template_unreadable",
                      path.string() +
                          ": cannot be read — check that the file exists and is "
                          "readable");
  return content.str();
}

}  // namespace

Result<void> check_template(std::string_view text, Part part, std::string_view origin) {
  struct Open {
    std::string name;
    bool inverted = false;
    std::size_t offset = 0;
  };
  std::vector<Open> open;
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const std::size_t start = pos;
    const bool triple = text.substr(pos, 3) == "{{{";
    const std::string_view closer = triple ? "}}}" : "}}";
    const std::size_t inner = pos + (triple ? 3 : 2);
    const std::size_t end = text.find(closer, inner);
    if (end == std::string_view::npos)
      return template_error(origin, text, start, "tag \"{{\" is never closed with \"}}\"");
    pos = end + closer.size();
    std::string content = trim(text.substr(inner, end - inner));
    if (content.empty()) return template_error(origin, text, start, "empty tag {{}}");
    char sigil = triple ? '{' : content[0];
    if (!triple && std::string_view("#^/!>=&").find(sigil) != std::string_view::npos)
      content = trim(std::string_view(content).substr(1));
    else if (!triple)
      sigil = 0;
    if (sigil == '!') continue;
    if (sigil == '>')
      return template_error(origin, text, start,
                            "partials ({{>" + content +
                                "}}) are not supported — write the text "
                                "into the template");
    if (sigil == '=')
      return template_error(origin, text, start,
                            "changing the delimiters ({{=...=}}) is not supported");
    if (content != "." && !find_variable(content))
      return template_error(origin, text, start,
                            "unknown variable \"" + content + "\" — known: " + known_names());
    if (sigil == '#' || sigil == '^') {
      open.push_back({content, sigil == '^', start});
      continue;
    }
    if (sigil == '/') {
      if (open.empty())
        return template_error(origin, text, start,
                              "{{/" + content + "}} closes a section that was never opened");
      if (open.back().name != content)
        return template_error(origin, text, start,
                              "{{/" + content + "}} closes \"" + open.back().name +
                                  "\", opened on line " +
                                  std::to_string(line_at(text, open.back().offset)) +
                                  " — close that one first with {{/" + open.back().name + "}}");
      open.pop_back();
      continue;
    }
    // A variable printed.
    if ((sigil == '{' || sigil == '&') && part == Part::html)
      return template_error(origin, text, start,
                            "unescaped {{{" + content + "}}} in an HTML template — write {{" +
                                content + "}} so that the value is escaped");
    if (content == ".") {
      if (open.empty()) return template_error(origin, text, start, "{{.}} outside a section");
      continue;
    }
    const VariableInfo* info = find_variable(content);
    if (info->optional && std::none_of(open.begin(), open.end(), [&](const Open& o) {
          return o.name == content && !o.inverted;
        }))
      return template_error(origin, text, start,
                            "\"" + content + "\" may be empty: print it inside {{#" + content +
                                "}}...{{/" + content + "}} so that an empty value leaves no gap");
  }
  if (!open.empty())
    return template_error(
        origin, text, open.back().offset,
        "section \"" + open.back().name + "\" is never closed — add {{/" + open.back().name + "}}");
  mustache::mustache parsed{std::string(text)};
  if (!parsed.is_valid()) return kainjow_error(origin, text, parsed.error_message());
  return {};
}

TemplateSet TemplateSet::builtin() {
  TemplateSet set;
  for (const auto& file : builtin_templates()) {
    // "de/late-reply.html.mustache" -> "de/late-reply.html"
    std::string key(file.path.substr(0, file.path.size() - std::string_view(".mustache").size()));
    set.templates_[key] = Source{std::string(file.text), std::string(file.path) + " (built-in)"};
  }
  return set;
}

Result<void> TemplateSet::add(Language language, std::string_view kind, Part part, std::string text,
                              std::string origin) {
  if (auto checked = check_template(text, part, origin); !checked) return checked.error();
  templates_[key_of(language, kind, part)] = Source{std::move(text), std::move(origin)};
  return {};
}

Result<TemplateSet> TemplateSet::load(const std::filesystem::path& user_dir) {
  TemplateSet set = builtin();
  std::error_code ec;
  if (user_dir.empty() || !std::filesystem::is_directory(user_dir, ec)) return set;
  for (const Language language : {Language::de, Language::en}) {
    const auto dir = user_dir / std::string(language_code(language));
    if (!std::filesystem::is_directory(dir, ec)) continue;
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      files.push_back(it->path());
    if (ec)
      return make_error(
          ErrorScope::fatal, "letters.template_unreadable",
          dir.string() + ": cannot be listed (" + ec.message() + ") — check its permissions");
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      // <kind>.<part>.mustache; other files (notes, backups) are not templates.
      const std::string name = path.filename().string();
      if (!name.ends_with(".mustache")) continue;
      const std::string stem = name.substr(0, name.size() - std::string_view(".mustache").size());
      const auto dot = stem.rfind('.');
      if (dot == std::string::npos || dot == 0) continue;
      const auto part = parse_part(std::string_view(stem).substr(dot + 1));
      if (!part) continue;
      auto text = read_file(path);
      if (!text) return text.error();
      if (auto added =
              set.add(language, stem.substr(0, dot), *part, std::move(*text), path.string());
          !added)
        return added.error();
    }
  }
  return set;
}

bool TemplateSet::has(Language language, std::string_view kind) const {
  for (const Part part : {Part::subject, Part::html, Part::text})
    if (!templates_.contains(key_of(language, kind, part))) return false;
  return true;
}

std::vector<std::string> TemplateSet::kinds(Language language) const {
  std::set<std::string> out;
  const std::string prefix = std::string(language_code(language)) + "/";
  for (const auto& [key, source] : templates_) {
    if (!key.starts_with(prefix)) continue;
    const auto dot = key.rfind('.');
    std::string kind = key.substr(prefix.size(), dot - prefix.size());
    if (has(language, kind)) out.insert(std::move(kind));
  }
  return {out.begin(), out.end()};
}

const TemplateSet::Source* TemplateSet::find(Language language, std::string_view kind,
                                             Part part) const {
  const auto it = templates_.find(key_of(language, kind, part));
  return it == templates_.end() ? nullptr : &it->second;
}

Result<RenderedLetter> render_letter(const TemplateSet& templates, std::string_view kind,
                                     Language language, const Variables& variables,
                                     std::vector<std::string>* missing) {
  if (!templates.has(language, kind)) {
    std::string list;
    for (const auto& k : templates.kinds(language)) list += (list.empty() ? "" : ", ") + k;
    return make_error(ErrorScope::fatal, "letters.unknown_kind",
                      "no letter templates \"" + std::string(kind) + "\" in language " +
                          std::string(language_code(language)) + " — use one of: " + list);
  }
  Variables with_kind = variables;
  with_kind["kind"] = Value{Value::Type::text, std::string(kind), {}};
  const mustache::data data = to_data(with_kind);
  RenderedLetter letter;
  letter.kind = std::string(kind);
  letter.language = language;
  for (const Part part : {Part::subject, Part::html, Part::text}) {
    const auto* source = templates.find(language, kind, part);
    mustache::mustache tmpl{source->text};
    if (!tmpl.is_valid()) return kainjow_error(source->origin, source->text, tmpl.error_message());
    if (part != Part::html) tmpl.set_custom_escape([](const std::string& s) { return s; });
    StrictContext context(&data, missing);
    std::string out = tmpl.render(context);
    if (!tmpl.is_valid()) return kainjow_error(source->origin, source->text, tmpl.error_message());
    switch (part) {
      case Part::subject: {
        // One line, whatever the template's line breaks.
        std::string line;
        for (const char c : out) {
          const bool blank = c == '\n' || c == '\r' || c == '\t' || c == ' ';
          if (blank) {
            if (!line.empty() && line.back() != ' ') line += ' ';
          } else {
            line += c;
          }
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        letter.subject = std::move(line);
        break;
      }
      case Part::html:
        letter.html = std::move(out);
        break;
      case Part::text:
        letter.text = tidy_text(out);
        break;
    }
  }
  return letter;
}

}  // namespace nachfass::letters
