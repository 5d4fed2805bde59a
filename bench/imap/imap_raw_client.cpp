// The baseline for the sync benchmark: one connection, the identical EXAMINE, UID SEARCH and
// pipelined UID FETCH commands the sync sends (same batches, same depth), and nothing done with
// the answers but draining the socket up to each tagged completion. Plain IMAP after STARTTLS
// like the sync. Prints {"seconds": .., "bytes": ..}.
//   imap_raw_client --host H --port P --user U --password-env VAR --ca CA [--batch N --depth D]
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <string>

#include "imap/parser/sequence_set.hpp"
#include "imap/sync/imap_sync.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;

struct Raw {
  asio::ssl::stream<tcp::socket>& s;
  std::string buffer;
  std::size_t bytes = 0;
  int tag = 0;
  void write(const std::string& text) { asio::write(s, asio::buffer(text)); }
  // Reads until a line starts with "<tag> "; returns everything up to the end of that line.
  std::string until_tagged(const std::string& t) {
    const std::string marker = "\r\n" + t + " ";
    std::size_t search_from = 0;
    for (;;) {
      std::size_t at = std::string::npos;
      if (buffer.rfind(t + " ", 0) == 0) {
        at = 0;
      } else if (auto p = buffer.find(marker, search_from); p != std::string::npos) {
        at = p + 2;
      }
      if (at != std::string::npos) {
        if (auto eol = buffer.find("\r\n", at); eol != std::string::npos) {
          std::string out = buffer.substr(0, eol + 2);
          buffer.erase(0, eol + 2);
          return out;
        }
      }
      // Not found yet: search the new data, overlapping the marker's length. Found but its line
      // is not complete yet: search from the same place again (not past it).
      if (at == std::string::npos)
        search_from = buffer.size() >= marker.size() ? buffer.size() - marker.size() : 0;
      else
        search_from = at >= 2 ? at - 2 : 0;
      char chunk[65536];
      const std::size_t n = s.read_some(asio::buffer(chunk));
      bytes += n;
      buffer.append(chunk, n);
    }
  }
  std::string command(const std::string& text) {
    const std::string t = "R" + std::to_string(++tag);
    write(t + " " + text + "\r\n");
    return until_tagged(t);
  }
};

int main(int argc, char** argv) {
  std::string host = "127.0.0.1", port, user, password_env, ca;
  std::size_t batch = 1000, depth = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--host")
      host = value;
    else if (flag == "--port")
      port = value;
    else if (flag == "--user")
      user = value;
    else if (flag == "--password-env")
      password_env = value;
    else if (flag == "--ca")
      ca = value;
    else if (flag == "--batch")
      batch = std::stoul(value);
    else if (flag == "--depth")
      depth = std::stoul(value);
  }
  const char* password = std::getenv(password_env.c_str());
  if (!password) return 2;
  // The same items the sync fetches: the header fields and the start of the body text.
  const std::string items = "(UID FLAGS INTERNALDATE ENVELOPE BODY.PEEK[HEADER.FIELDS (" +
                            std::string(nachfass::imap::fetched_header_fields()) +
                            ")] BODY.PEEK[TEXT]<0.16384>)";
  auto t0 = std::chrono::steady_clock::now();
  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.load_verify_file(ca);
  asio::ssl::stream<tcp::socket> stream(io, context);
  tcp::resolver resolver(io);
  asio::connect(stream.next_layer(), resolver.resolve(host, port));
  stream.next_layer().set_option(tcp::no_delay(true));
  // Plain phase on the TCP socket, then TLS.
  std::string greeting(512, '\0');
  greeting.resize(stream.next_layer().read_some(asio::buffer(greeting)));
  asio::write(stream.next_layer(), asio::buffer(std::string("S1 STARTTLS\r\n")));
  std::string ok(512, '\0');
  ok.resize(stream.next_layer().read_some(asio::buffer(ok)));
  stream.handshake(asio::ssl::stream_base::client);
  Raw raw{stream, {}, 0, 0};
  raw.command("LOGIN " + user + " \"" + password + "\"");
  raw.command("ENABLE QRESYNC CONDSTORE");
  std::size_t total_bytes = 0;
  for (const char* folder : {"INBOX", "Sent"}) {
    raw.command(std::string("EXAMINE ") + folder + " (CONDSTORE)");
    const std::string search = raw.command("UID SEARCH RETURN (ALL) ALL");
    // "* ESEARCH (TAG "R5") UID ALL 1:100000"
    nachfass::imap::SequenceSet all;
    if (auto at = search.find(" ALL "); at != std::string::npos) {
      auto end = search.find("\r\n", at);
      if (auto parsed = nachfass::imap::SequenceSet::parse(search.substr(at + 5, end - at - 5)))
        all = *parsed;
    }
    // The sync's chunking: `batch` UIDs per command.
    std::vector<std::string> sets;
    nachfass::imap::SequenceSet current;
    std::size_t in_current = 0;
    for (std::uint32_t uid : all) {
      current.insert(uid);
      if (++in_current == batch) {
        sets.push_back(current.to_string());
        current = {};
        in_current = 0;
      }
    }
    if (in_current) sets.push_back(current.to_string());
    std::deque<std::string> in_flight;
    std::size_t next = 0;
    while (next < sets.size() || !in_flight.empty()) {
      while (next < sets.size() && in_flight.size() < depth) {
        const std::string t = "R" + std::to_string(++raw.tag);
        raw.write(t + " UID FETCH " + sets[next++] + " " + items + "\r\n");
        in_flight.push_back(t);
      }
      raw.until_tagged(in_flight.front());
      in_flight.pop_front();
    }
  }
  raw.command("LOGOUT");
  total_bytes = raw.bytes;
  auto t1 = std::chrono::steady_clock::now();
  std::cout << "{\"seconds\": " << std::chrono::duration<double>(t1 - t0).count()
            << ", \"bytes\": " << total_bytes << "}\n";
  return 0;
}
