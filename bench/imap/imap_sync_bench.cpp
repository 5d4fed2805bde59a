// Benchmark of the IMAP sync as the CLI runs it: full sync of the account into a fresh state
// file, then a sync with nothing new. Prints one JSON object: seconds, round trips, peak RSS.
//   imap_sync_bench --host H --port P --user U --password-env VAR --ca CA --state FILE
//                   [--connections N --batch N --depth N --parse-threads N --no-status]
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "imap/sync/imap_sync.hpp"
#include "store/store.hpp"

int main(int argc, char** argv) {
  nachfass::ImapConfig config;
  config.security = nachfass::ImapSecurity::starttls;
  nachfass::imap::ImapImportOptions options;
  std::string state = "/tmp/nachfass-imap-bench.db";
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-status") {  // EXAMINE every folder on the resync (the old way)
      options.use_status = false;
      continue;
    }
    if (i + 1 >= argc) break;
    const std::string value = argv[++i];
    if (flag == "--host")
      config.host = value;
    else if (flag == "--port")
      config.port = std::stoi(value);
    else if (flag == "--user")
      config.username = value;
    else if (flag == "--password-env")
      config.password_env = value;
    else if (flag == "--ca")
      options.ca_file = value;
    else if (flag == "--state")
      state = value;
    else if (flag == "--batch")
      options.batch_messages = std::stoul(value);
    else if (flag == "--parse-threads")
      options.parse_threads = std::stoul(value);
    else if (flag == "--depth")
      options.pipeline_depth = std::stoul(value);
    else if (flag == "--connections")
      options.connections = std::stoul(value);
  }
  std::filesystem::remove(state);
  std::filesystem::remove(state + "-wal");
  std::filesystem::remove(state + "-shm");
  auto store = nachfass::Store::open(state);
  if (!store) {
    std::cerr << store.error().to_string() << "\n";
    return 1;
  }
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  auto full = nachfass::imap::import_imap(config, *store, {}, {}, options);
  auto t1 = clock::now();
  if (!full) {
    std::cerr << full.error().to_string() << "\n";
    return 1;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const long peak_kb_full = usage.ru_maxrss;
  if (std::getenv("NACHFASS_BENCH_TRACE")) {
    options.trace = [start = clock::now()](std::string_view line) {
      std::cerr << std::chrono::duration<double, std::milli>(clock::now() - start).count() << " ms "
                << line << "\n";
    };
  }
  auto t2 = clock::now();
  auto again = nachfass::imap::import_imap(config, *store, {}, {}, options);
  auto t3 = clock::now();
  if (!again) {
    std::cerr << again.error().to_string() << "\n";
    return 1;
  }
  const auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::cout << "{\"full_seconds\": " << seconds(t1 - t0) << ", \"full_messages\": " << full->added
            << ", \"full_round_trips\": " << full->round_trips
            << ", \"full_bytes\": " << full->bytes_received
            << ", \"peak_rss_mb\": " << peak_kb_full / 1024.0
            << ", \"resync_seconds\": " << seconds(t3 - t2)
            << ", \"resync_added\": " << again->added
            << ", \"resync_round_trips\": " << again->round_trips
            << ", \"connections\": " << options.connections << "}\n";
  return 0;
}
