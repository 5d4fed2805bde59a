// libFuzzer target: the IMAP response parser and every typed decoder (untrusted bytes straight
// from the network). The first input byte picks where the stream is split into two feeds; the
// rest is the server's byte stream.
//
// Invariants (a violation traps):
//  - the split never changes what comes out (same responses, same error ids);
//  - after draining, the parser holds no more than its limits allow;
//  - every response survives to_wire() and parses back equal;
//  - decoders never crash; sequence sets they return format and parse back to themselves;
//  - an argument quoted by encode_astring() reads back as the same mailbox name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imap/parser/command.hpp"
#include "imap/parser/errors.hpp"
#include "imap/parser/fetch.hpp"
#include "imap/parser/mailbox_name.hpp"
#include "imap/parser/response_parser.hpp"
#include "imap/parser/responses.hpp"

namespace {

using nachfass::imap::Limits;
using nachfass::imap::Response;
using nachfass::imap::ResponseParser;
using nachfass::imap::SequenceSet;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

Limits small_limits() {
  Limits limits;
  limits.max_literal_bytes = 1024;
  limits.max_line_bytes = 4096;
  limits.max_response_bytes = 4096;
  limits.max_depth = 16;
  return limits;
}

struct Outcome {
  std::vector<Response> responses;
  std::vector<std::string> events;  // "R" per response, the error id per error
};

void drain(ResponseParser& parser, Outcome& out) {
  while (true) {
    auto next = parser.next();
    if (!next) {
      check(next.error().id.rfind("imap.", 0) == 0 && !next.error().message.empty());
      out.events.push_back(next.error().id);
      // Errors queued before the stream went out of sync are still reported, in order; the
      // out-of-sync error is the last one. (Stopping at the first error once the parser is
      // unusable would make the outcome depend on where the input was split.)
      if (next.error().id == nachfass::imap::errors::desynchronised) return;
      continue;
    }
    if (!*next) break;
    out.events.push_back("R");
    out.responses.push_back(std::move(**next));
  }
  const Limits& limits = parser.limits();
  check(parser.buffered_bytes() <= limits.max_line_bytes + limits.max_response_bytes);
}

Outcome parse(std::string_view stream, std::size_t split) {
  ResponseParser parser(small_limits());
  Outcome out;
  parser.feed(stream.substr(0, split));
  drain(parser, out);
  if (parser.usable()) {
    parser.feed(stream.substr(split));
    drain(parser, out);
  }
  return out;
}

void check_set(const SequenceSet& set) {
  if (set.empty()) return;
  auto again = SequenceSet::parse(set.to_string());
  check(again && *again == set);
}

void run_decoders(const Response& response) {
  (void)nachfass::imap::parse_fetch(response);
  (void)nachfass::imap::parse_fetch(Response(response));
  (void)nachfass::imap::parse_capabilities(response);
  (void)nachfass::imap::parse_enabled(response);
  (void)nachfass::imap::parse_list(response);
  (void)nachfass::imap::parse_status(response);
  nachfass::imap::SelectSummary summary;
  (void)summary.apply(response);
  if (auto search = nachfass::imap::parse_search(response)) check_set(search->all);
  if (auto vanished = nachfass::imap::parse_vanished(response)) check_set(vanished->uids);
  if (auto append = nachfass::imap::parse_appenduid(response)) check_set(append->uids);
  if (auto copy = nachfass::imap::parse_copyuid(response))
    for (const auto& range : copy->source) check(copy->destination_for(range.first).has_value());
}

void check_round_trip(const Response& response) {
  ResponseParser parser;  // default limits: to_wire may add a separator here and there
  parser.feed(nachfass::imap::to_wire(response));
  auto again = parser.next();
  check(again && *again && **again == response);
}

void check_argument(std::string_view value) {
  auto encoded = nachfass::imap::encode_astring(value, {});
  if (!encoded) return;
  std::string line = "* LIST () \"/\" " + encoded->text;
  if (encoded->form == nachfass::imap::EncodedArgument::Form::literal)
    line += "\r\n" + encoded->literal;
  line += "\r\n";
  ResponseParser parser;
  parser.feed(line);
  auto response = parser.next();
  check(response && *response);
  auto entry = nachfass::imap::parse_list(**response);
  check(entry && entry->raw_name == value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = stream.size() * data[0] / 255;

  const Outcome split_run = parse(stream, split);
  const Outcome whole_run = parse(stream, stream.size());
  check(split_run.events == whole_run.events);
  check(split_run.responses == whole_run.responses);

  for (const Response& response : whole_run.responses) {
    run_decoders(response);
    check_round_trip(response);
  }

  // The helpers on the raw bytes.
  const std::string_view head = stream.substr(0, 512);
  if (auto decoded = nachfass::imap::decode_mailbox_name(head)) {
    auto encoded = nachfass::imap::encode_mailbox_name(*decoded);
    check(encoded.has_value());
    auto decoded_again = nachfass::imap::decode_mailbox_name(*encoded);
    check(decoded_again && *decoded_again == *decoded);
  }
  if (auto set = SequenceSet::parse(head)) check_set(*set);
  check_argument(head);
  return 0;
}
