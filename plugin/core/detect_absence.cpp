#include "core/detect.hpp"

namespace nachfass {

std::vector<Finding> detect_absence(const DetectionInput&) { return {}; }

}  // namespace nachfass
