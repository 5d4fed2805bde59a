// Conversation threading over a Corpus.
//
// Order of evidence, strongest first:
//
//  1. References / In-Reply-To, after JWZ (https://www.jwz.org/doc/threading.html).
//     - Membership: a thread is everything connected by a Message-ID link: a message, every id in
//       its References, its In-Reply-To, and every other message carrying the same Message-ID.
//       This is notmuch's rule; it does not depend on the order messages are read in, and a
//       link JWZ would not draw into its tree (because the container already has a parent, or
//       because it would close a loop) still keeps the two messages in one conversation.
//     - Tree (only used for `Thread::root_message_id`): JWZ containers keyed by Message-ID, ghost
//       containers for ids that only appear in References/In-Reply-To, no pruning and no JWZ
//       subject merging. A message's parent comes from its own headers only: the last entry of
//       its References (RFC 5322 3.6.4 builds References by appending the parent's id), or its
//       In-Reply-To when References is empty or does not mention it (clients that build
//       References from the grandparent; a typo in References). When In-Reply-To appears in
//       References but not last, References wins, as in notmuch (its test "Prefer References
//       to In-Reply-To"): In-Reply-To historically carries free text, and some clients put the
//       thread root into it. A ghost's parent is presumed from the References of the earliest
//       message naming it. A message whose own headers name no parent stays a root even when a
//       later message lists something above it, so a thread's root does not move as replies
//       with odd References arrive. None of this changes the membership.
//     - Loops (A refs B and B refs A; longer cycles) lose the link written by the latest message,
//       as JWZ reading in date order would refuse it; a reference to the message's own id is
//       ignored.
//     - A duplicate Message-ID stays its own message in the thread of the first one.
//     - A message without Message-ID is its own container; it can still reply to others.
//
//  2. Outlook/Exchange Thread-Index (base64 PidTagConversationIndex): a 22-byte header block
//     (reserved byte, 5 bytes FILETIME, 16 bytes GUID) plus 5 bytes per reply. Messages whose
//     decoded Thread-Index has a well-formed length (22 + 5n) and the same 22-byte header are one
//     conversation, and their threads are merged, with two guards for precision:
//     - Thread-Topic: when two members both carry a Thread-Topic and they differ (ASCII and
//       Latin-1 case and whitespace runs ignored), they are different conversations; the topic of
//       the earliest member that has one is the conversation's. Outlook shows a changed topic as a
//       new conversation too.
//     - Forwards: Outlook and Exchange keep the header block when a message is *forwarded*
//       ("Additional timestamps are added when the message is forwarded or replied to",
//       [MS-ASCON] 2.2.2.4), so a forward to a colleague or to another customer would otherwise
//       join the customer's conversation and look like an answer. A message whose outermost
//       subject prefix is a forward prefix (Fwd, FW, WG, TR, Enc, RV, VS, VB, VL, Doorst, PD,
//       转发) joins by Thread-Index only if it shares an external participant with the
//       non-forward members of the conversation.
//     A Thread-Index that is not base64 or has a malformed length takes no part.
//
//  3. Subject, only for an apparent thread start: a thread (after steps 1 and 2) whose earliest
//     message has neither References nor In-Reply-To and a subject with a reply or forward
//     prefix ("AW: Angebot 4711"; a fresh "Angebot" starts a new thread even when the text
//     matches). Step 2 cannot have tied such a thread to anything earlier (its earliest message
//     would be another one), so a conversation of several Outlook replies whose start the
//     corpus lacks still counts; a Thread-Index without reply blocks is no evidence either way,
//     since a message store may stamp one on any message that arrives without
//     (PidTagConversationIndex; Outlook.com does so for list mail, see the Pony Mail test rows).
//     The start joins the thread of the most recent earlier message that has the same base
//     subject (compared case-insensitively, whitespace runs collapsed), is dated at most
//     `subject_window_seconds` before the start, belongs to another thread, and shares at least
//     one external participant (From/To/Cc not `Identities::is_own()`; every address counts as
//     external when the identities are empty) with the start message. The participant must be
//     on that message itself, so a colleague's internal note with the same subject neither
//     joins nor extends the window. An empty base subject ("Re:") never joins. Starts are
//     handled in date order, so a later start can join a thread an earlier start has joined.
//
// Output order: threads by their earliest message, members by (date, corpus index). The same
// corpus gives the same output. A permuted corpus gives the same grouping and the same roots;
// only where messages share a date can the corpus index, which breaks such ties, change which
// message counts as earlier (for duplicates, ghost parents, loops, the reference Thread-Topic of
// step 2, and step 3).
//
// Cost: a radix sort by date, otherwise linear in messages plus references. Memory: a few flat
// arrays of 32-bit ids per message, per ghost and per Message-ID atom; about 65 MB at peak for a
// million messages, the result included. No exceptions on bad data.
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
  // Subject grouping (step 3) only joins a thread whose latest message with that subject is at
  // most this much older than the new thread's first message.
  std::int64_t subject_window_seconds = std::int64_t{21} * 24 * 3600;
};

struct Thread {
  // The Message-ID at the root of the thread as JWZ sees it: the topmost ancestor (no pruning) of
  // the earliest member that has any Message-ID above it, which may be a message the corpus does
  // not hold (a "ghost" named only in References). Stable while a conversation grows. empty_atom
  // when no member has a Message-ID or a reference.
  Atom root_message_id = empty_atom;
  std::uint32_t members_begin = 0;  // into Threads::members
  std::uint32_t members_count = 0;
};

// What threading had to work around; for diagnostics and tests, never needed for correctness.
struct ThreadingStats {
  std::uint32_t duplicate_message_ids = 0;  // messages whose Message-ID an earlier one had
  std::uint32_t ghosts = 0;                 // ids referenced but not held by the corpus
  std::uint32_t refused_links = 0;          // parent links cut to break a loop
  std::uint32_t bad_thread_index = 0;       // Thread-Index present but not usable
  std::uint32_t thread_index_merges = 0;    // threads merged by step 2
  std::uint32_t subject_merges = 0;         // threads merged by step 3
};

struct Threads {
  std::vector<Thread> threads;
  std::vector<MessageIndex> members;  // per thread, its messages sorted by (date, index)
  std::vector<ThreadId> thread_of;    // per message index
  ThreadingStats stats;

  std::span<const MessageIndex> messages(ThreadId id) const {
    const Thread& t = threads[id];
    return {members.data() + t.members_begin, t.members_count};
  }
};

// Every message of the corpus ends up in exactly one thread.
Threads thread_messages(const Corpus& corpus, const Identities& identities,
                        const ThreadingOptions& options = {});

// "AW: WG: [ext] Re: Angebot Q3" -> "Angebot Q3". Strips, from the start and in any order and
// number, bracketed tags ("[ext]", "[SPAM?]", "[Ticket#123]") and reply/forward prefixes
// followed by ':' or a full-width '：', optionally with a counter or spaces before the colon
// ("Re[2]:", "Re(3):", "RE :"). Prefixes, case-insensitive: Re, AW, Antw, Antwort, SV, Odp, Rif,
// R, RES, Ref, Réf, YNT, 回复, 答复, 回覆 (replies); Fwd, FW, WG, TR, Enc, RV, VS, VB, VL, Doorst,
// PD, 转发, 轉寄 (forwards). Collapses whitespace runs to one space and trims; the case of the
// remaining text is kept. Words that merely start like a prefix ("Reisekosten") stay.
std::string base_subject(std::string_view subject);

// True when base_subject() strips at least one reply or forward prefix (tags alone do not count).
bool has_reply_prefix(std::string_view subject);

}  // namespace nachfass
