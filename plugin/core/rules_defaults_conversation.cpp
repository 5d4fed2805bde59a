#include "core/rules.hpp"

namespace nachfass {

StalledSettings default_stalled_settings() { return {}; }
AbsenceSettings default_absence_settings() { return {}; }

}  // namespace nachfass
