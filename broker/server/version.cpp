#include "broker/server/version.hpp"

namespace telemq::server {

// TELEMQ_VERSION is defined for this file only, so a version bump recompiles nothing else.
std::string_view version() {
  return TELEMQ_VERSION;
}

}  // namespace telemq::server
