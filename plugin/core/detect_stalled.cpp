#include "core/detect.hpp"

namespace nachfass {

std::vector<Finding> detect_stalled(const DetectionInput&) { return {}; }

}  // namespace nachfass
