#include "files/import.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "files/vcard.hpp"

namespace nachfass::files {

namespace {

Result<std::string> read_file(const std::filesystem::path& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status))
    return make_error(ErrorScope::item, "files.unreadable",
                      "cannot read " + file.string() +
                          ": no such file \xE2\x80\x94 check the file names under [customers] "
                          "in the config / Datei fehlt, Dateinamen unter [customers] prüfen");
  if (std::filesystem::is_directory(status))
    return make_error(ErrorScope::item, "files.unreadable",
                      "cannot read " + file.string() +
                          ": it is a directory \xE2\x80\x94 name a .csv or .vcf file / "
                          "ein Verzeichnis, bitte eine .csv- oder .vcf-Datei angeben");
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > max_import_bytes)
    return make_error(ErrorScope::item, "files.too_large",
                      file.string() + " has " + std::to_string(size >> 20) +
                          " MiB, more than an import file may have (64 MiB) \xE2\x80\x94 split it "
                          "/ Datei zu groß, bitte aufteilen");
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return make_error(ErrorScope::item, "files.unreadable",
                      "cannot read " + file.string() + ": " + std::strerror(errno) +
                          " \xE2\x80\x94 check its permissions / Zugriffsrechte prüfen");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad())
    return make_error(
        ErrorScope::item, "files.unreadable",
        "cannot read " + file.string() + ": read error \xE2\x80\x94 check the disk / Lesefehler");
  std::string text = std::move(content).str();
  if (text.size() > max_import_bytes)
    return make_error(ErrorScope::item, "files.too_large",
                      file.string() +
                          " is larger than an import file may be (64 MiB) "
                          "\xE2\x80\x94 split it / Datei zu groß, bitte aufteilen");
  return text;
}

}  // namespace

CustomerImport parse_customers_file(std::string_view bytes, std::string_view origin) {
  return looks_like_vcard(bytes) ? parse_vcards(bytes, origin) : parse_customers_csv(bytes, origin);
}

Result<CustomerImport> read_customers_file(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  return parse_customers_file(*text, file.filename().string());
}

Result<EngagementImport> read_engagements_file(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  return parse_engagements_csv(*text, file.filename().string());
}

}  // namespace nachfass::files
