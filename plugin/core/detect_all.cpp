#include "core/detect.hpp"

namespace nachfass {

std::vector<Finding> detect_all(const DetectionInput& input) {
  std::vector<Finding> all = detect_unanswered_in(input);
  for (auto* detector : {&detect_stalled, &detect_lapsing, &detect_quiet, &detect_absence}) {
    std::vector<Finding> found = detector(input);
    all.insert(all.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  }
  return all;
}

}  // namespace nachfass
