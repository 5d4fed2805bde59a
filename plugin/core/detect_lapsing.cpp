#include "core/detect.hpp"

namespace nachfass {

std::vector<Finding> detect_lapsing(const DetectionInput&) { return {}; }

}  // namespace nachfass
