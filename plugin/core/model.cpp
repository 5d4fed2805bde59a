#include "core/model.hpp"

#include "core/finding.hpp"
#include "core/reminder.hpp"

namespace nachfass {

std::string_view to_string(FolderRole role) {
  switch (role) {
    case FolderRole::inbox:
      return "inbox";
    case FolderRole::sent:
      return "sent";
    case FolderRole::drafts:
      return "drafts";
    case FolderRole::other:
      return "other";
  }
  return "other";
}

std::string_view to_string(Automation automation) {
  switch (automation) {
    case Automation::none:
      return "none";
    case Automation::auto_submitted:
      return "auto-submitted";
    case Automation::autoreply_header:
      return "autoreply-header";
    case Automation::precedence_bulk:
      return "precedence-bulk";
    case Automation::mailing_list:
      return "mailing-list";
    case Automation::noreply_sender:
      return "noreply-sender";
    case Automation::out_of_office_subject:
      return "out-of-office-subject";
    case Automation::delivery_report:
      return "delivery-report";
  }
  return "none";
}

std::string_view to_string(FindingKind kind) {
  switch (kind) {
    case FindingKind::unanswered:
      return "unanswered";
    case FindingKind::stalled:
      return "stalled";
    case FindingKind::lapsing:
      return "lapsing";
    case FindingKind::quiet:
      return "quiet";
    case FindingKind::absence:
      return "absence";
  }
  return "unanswered";
}

std::string_view to_string(ReminderState state) {
  switch (state) {
    case ReminderState::creating:
      return "creating";
    case ReminderState::active:
      return "active";
    case ReminderState::removing:
      return "removing";
    case ReminderState::completed:
      return "completed";
    case ReminderState::deleted_by_user:
      return "deleted-by-user";
  }
  return "creating";
}

}  // namespace nachfass
