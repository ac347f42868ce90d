#pragma once
// GET /metrics: the broker's counters in Prometheus text format. docs/admin-api.md lists every
// metric.
#include <map>
#include <string>

#include "broker/admin/broker_figures.hpp"

namespace telemq::admin {

// connections_by_listener: connected clients per listener URL.
std::string render_metrics(const broker_figures& figures,
                           const std::map<std::string, std::uint64_t>& connections_by_listener);

}  // namespace telemq::admin
