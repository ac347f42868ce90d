#pragma once
// A store that keeps nothing beyond the process: for durability mode "memory", tests and
// benchmarks. Every write is durable at once, so after_durable runs its callback immediately.
#include "broker/core/store.hpp"

namespace telemq::core {

class memory_store final : public store {
 public:
  store_snapshot load() override { return {}; }
  void save_session(const stored_session&) override {}
  void delete_session(const std::string&) override {}
  void save_subscription(const stored_subscription&) override {}
  void delete_subscription(const std::string&, const std::string&) override {}
  void save_retained(const message_ptr&) override {}
  void delete_retained(const std::string&) override {}
  void save_message(const message_ptr&) override {}
  void save_delivery(const stored_delivery&) override {}
  void delete_delivery(const std::string&, std::uint64_t) override {}
  void save_incoming_qos2(const std::string&, std::uint16_t) override {}
  void delete_incoming_qos2(const std::string&, std::uint16_t) override {}
  void after_durable(std::function<void()> done) override { done(); }
  bool has_pending_writes() const override { return false; }
};

}  // namespace telemq::core
