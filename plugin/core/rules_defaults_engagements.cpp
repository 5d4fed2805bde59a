#include "core/rules.hpp"

namespace nachfass {

std::vector<EngagementRule> default_engagement_rules() { return {}; }

}  // namespace nachfass
