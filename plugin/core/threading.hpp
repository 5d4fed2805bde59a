// Conversation threading over a Corpus.
//
// Order of evidence, strongest first:
//  1. JWZ threading (https://www.jwz.org/doc/threading.html) over References and In-Reply-To.
//  2. Outlook/Exchange Thread-Index: the first 22 decoded bytes name the conversation; every reply
//     appends 5 bytes. Much mail sent by Outlook carries no References at all.
//  3. Only for a message that has neither: the same base subject (reply/forward prefixes such as
//     Re, AW, WG, Fwd, FW, SV, VS, Antw and [tags] stripped) between the same external parties,
//     within a time window of the thread's previous message.
// Robust to reference loops, missing parents (ghost containers), and duplicate Message-IDs (a
// duplicate is threaded as its own message, never merged or dropped).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/corpus.hpp"
#include "core/identities.hpp"

namespace nachfass {

using ThreadId = std::uint32_t;

struct ThreadingOptions {
  // Subject grouping (step 3) only joins a message to a thread whose latest message is at most
  // this old when the new one arrives.
  std::int64_t subject_window_seconds = 21 * 24 * 3600;
};

struct Thread {
  // The Message-ID at the root of the thread as JWZ sees it: the oldest known ancestor, which may
  // be a message the corpus does not hold (a "ghost" named only in References). empty_atom when
  // the thread was formed without any Message-ID.
  Atom root_message_id = empty_atom;
  std::uint32_t members_begin = 0;  // into Threads::members
  std::uint32_t members_count = 0;
};

struct Threads {
  std::vector<Thread> threads;
  std::vector<MessageIndex> members;  // per thread, its messages sorted by (date, index)
  std::vector<ThreadId> thread_of;    // per message index

  std::span<const MessageIndex> messages(ThreadId id) const {
    const Thread& t = threads[id];
    return {members.data() + t.members_begin, t.members_count};
  }
};

// Every message of the corpus ends up in exactly one thread.
Threads thread_messages(const Corpus& corpus, const Identities& identities,
                        const ThreadingOptions& options = {});

// "AW: WG: [ext] Re: Angebot Q3" -> "Angebot Q3". Case of the remaining text is kept; the caller
// compares case-insensitively where it needs to.
std::string base_subject(std::string_view subject);

}  // namespace nachfass
