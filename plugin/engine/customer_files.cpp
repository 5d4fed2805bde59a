// The [customers] files: read at every evaluation, each problem one warning, the rest used.
#include "engine/engine.hpp"
#include "files/import.hpp"

namespace nachfass::engine {

ImportedFiles read_customer_files(const DetectionSettings& settings, const WarningFn& warning) {
  const auto warn = [&](std::string_view text) {
    if (warning) warning(text);
  };
  ImportedFiles files;
  for (const auto& path : settings.customer_files) {
    auto imported = files::read_customers_file(path);
    if (!imported) {
      warn(imported.error().message);
      continue;
    }
    for (const std::string& text : imported->warnings) warn(text);
    files.customers.insert(files.customers.end(),
                           std::make_move_iterator(imported->entries.begin()),
                           std::make_move_iterator(imported->entries.end()));
  }
  for (const auto& path : settings.engagement_files) {
    auto imported = files::read_engagements_file(path);
    if (!imported) {
      warn(imported.error().message);
      continue;
    }
    for (const std::string& text : imported->warnings) warn(text);
    files.engagements.insert(files.engagements.end(),
                             std::make_move_iterator(imported->records.begin()),
                             std::make_move_iterator(imported->records.end()));
  }
  return files;
}

}  // namespace nachfass::engine
