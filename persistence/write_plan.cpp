#include "persistence/write_plan.hpp"

#include <algorithm>

namespace telemq::persistence {

namespace {

// Applies one call to the plan. A message saved in this batch is "fresh": the deliveries that
// name it are saved after it (the core saves a message before the first delivery that names
// it), so one of them saved and deleted within the batch cancels out completely, and the
// message goes with its last such delivery, as it would have in the file. Any other delete
// must reach SQLite, because the row may be in the file from an earlier batch.
class planner {
 public:
  explicit planner(write_plan& plan) : plan_(plan) {}

  void operator()(save_session_op& op) {
    std::string client_id = op.session.client_id;
    plan_.sessions.insert_or_assign(std::move(client_id), std::move(op.session));
  }

  void operator()(delete_session_op& op) {
    const std::string& client = op.client_id;
    plan_.sessions.erase(client);
    std::erase_if(plan_.subscriptions, [&](const auto& e) { return e.first.client_id == client; });
    std::erase_if(plan_.incoming_qos2, [&](const auto& e) { return e.first.client_id == client; });
    std::erase_if(plan_.deliveries, [&](const auto& e) {
      if (e.first.client_id != client) {
        return false;
      }
      if (e.second) {
        lose_delivery(e.first.item);
      }
      return true;
    });
    plan_.deleted_sessions.insert(std::move(op.client_id));
  }

  void operator()(save_subscription_op& op) {
    client_key<std::string> key{op.subscription.client_id, op.subscription.filter};
    plan_.subscriptions.insert_or_assign(std::move(key), std::move(op.subscription));
  }

  void operator()(delete_subscription_op& op) {
    plan_.subscriptions.insert_or_assign({std::move(op.client_id), std::move(op.filter)},
                                         std::nullopt);
  }

  void operator()(save_retained_op& op) {
    plan_.retained.insert_or_assign(op.msg->topic, std::move(op.msg));
  }

  void operator()(delete_retained_op& op) {
    plan_.retained.insert_or_assign(std::move(op.topic), nullptr);
  }

  void operator()(save_message_op& op) {
    const std::uint64_t id = op.msg->id;
    if (const auto it = fresh_.find(id); it != fresh_.end()) {
      plan_.messages[it->second.index] = std::move(op.msg);
      return;
    }
    fresh_.emplace(id, fresh_message{plan_.messages.size(), 0});
    plan_.messages.push_back(std::move(op.msg));
  }

  void operator()(save_delivery_op& op) {
    client_key<std::uint64_t> key{op.delivery.client_id, op.delivery.message_id};
    const auto fresh = fresh_.find(key.item);
    auto [it, inserted] = plan_.deliveries.try_emplace(std::move(key));
    if (fresh != fresh_.end() && (inserted || !it->second)) {
      ++fresh->second.live_deliveries;
    }
    it->second = std::move(op.delivery);
  }

  void operator()(delete_delivery_op& op) {
    client_key<std::uint64_t> key{std::move(op.client_id), op.message_id};
    const auto it = plan_.deliveries.find(key);
    const bool saved_here = it != plan_.deliveries.end() && it->second;
    if (fresh_.contains(op.message_id)) {
      if (saved_here) {
        // Back to the DELETE an earlier call left here, if any: that row is in the file.
        if (deleted_from_file_.contains(key)) {
          it->second.reset();
        } else {
          plan_.deliveries.erase(it);
        }
        lose_delivery(op.message_id);
      }
      return;
    }
    if (saved_here) {
      lose_delivery(op.message_id);
    }
    deleted_from_file_.insert(key);
    plan_.deliveries.insert_or_assign(std::move(key), std::nullopt);
  }

  void operator()(save_incoming_qos2_op& op) {
    plan_.incoming_qos2.insert_or_assign({std::move(op.client_id), op.packet_id}, true);
  }

  // Not cancelled against a save in the same batch: the id may also be in the file from an
  // earlier batch, and leaving it there would make the next QoS 2 PUBLISH with this packet id
  // look like a resend and be dropped. (The pair never shares a batch in practice: PUBREL comes
  // only after the PUBREC that waited for the save to commit.)
  void operator()(delete_incoming_qos2_op& op) {
    plan_.incoming_qos2.insert_or_assign({std::move(op.client_id), op.packet_id}, false);
  }

 private:
  struct fresh_message {
    std::size_t index = 0;  // in plan_.messages
    std::uint32_t live_deliveries = 0;
  };

  // A delivery of message_id saved in this batch is gone again. A fresh message goes with its
  // last such delivery; any other message is left to the orphan check, which knows the file.
  void lose_delivery(std::uint64_t message_id) {
    const auto it = fresh_.find(message_id);
    if (it == fresh_.end()) {
      plan_.orphan_candidates.insert(message_id);
    } else if (--it->second.live_deliveries == 0) {
      plan_.messages[it->second.index] = nullptr;
      fresh_.erase(it);
    }
  }

  write_plan& plan_;
  std::unordered_map<std::uint64_t, fresh_message> fresh_;
  // Deliveries whose DELETE must reach the file even if the same key is saved and cancelled
  // later in the batch: the core saves a message again, under its id, once its last delivery
  // is gone (a retained message sent to the same session twice), so a fresh message can share
  // a key with a row from an earlier batch.
  std::unordered_set<client_key<std::uint64_t>, client_key_hash> deleted_from_file_;
};

}  // namespace

std::size_t write_plan::size() const {
  const auto stored_messages = std::count_if(
      messages.begin(), messages.end(), [](const core::message_ptr& m) { return m != nullptr; });
  return deleted_sessions.size() + sessions.size() + subscriptions.size() + retained.size() +
         static_cast<std::size_t>(stored_messages) + deliveries.size() + incoming_qos2.size() +
         orphan_candidates.size();
}

write_plan plan_batch(std::vector<operation>& batch) {
  write_plan plan;
  planner apply(plan);
  for (operation& op : batch) {
    std::visit(apply, op);
  }
  batch.clear();
  return plan;
}

}  // namespace telemq::persistence
