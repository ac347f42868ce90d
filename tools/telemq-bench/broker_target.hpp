#pragma once
// How every client of a run reaches the broker, and the tag that keeps one run's client ids and
// topics apart from any other run against the same broker.
#include <cstddef>
#include <string>

#include "tools/telemq-bench/link.hpp"
#include "tools/telemq-bench/options.hpp"

namespace telemq::bench {

// Resolves the host once, so thousands of connects do not each ask the resolver. Throws on an
// unknown host (a start-up failure, reported by main).
transport_config resolve_target(const options& opts, std::size_t read_buffer_size);

std::string unique_tag();

}  // namespace telemq::bench
