#pragma once
// Shared by the persistence tests: a temporary folder, a stand-in for the broker thread, a log
// that remembers, a reference store that applies every call in order (the oracle the SQLite
// store must agree with), and a canonical text dump of snapshots so differences read as text.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "broker/core/store.hpp"
#include "persistence/blob_codec.hpp"
#include "persistence/database.hpp"
#include "persistence/sqlite.hpp"
#include "persistence/sqlite_options.hpp"

namespace telemq::persistence::testing {

using namespace std::chrono_literals;

// A fixed "now", on a whole millisecond: the database keeps milliseconds.
inline const core::timestamp t0 = from_unix_ms(1'700'000'000'000);

class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "telemq-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path db() const { return path_ / "telemq.db"; }

 private:
  std::filesystem::path path_;
};

// The broker thread as the store sees it: posted tasks queue up until the test thread runs them.
class broker_loop {
 public:
  std::function<void(std::function<void()>)> poster() {
    return [this](std::function<void()> task) {
      {
        std::lock_guard lock(mutex_);
        tasks_.push_back(std::move(task));
      }
      posted_.notify_all();
    };
  }

  // Runs the tasks posted so far.
  void run_pending() {
    std::deque<std::function<void()>> now;
    {
      std::lock_guard lock(mutex_);
      now.swap(tasks_);
    }
    for (auto& task : now) {
      task();
    }
  }

  // Runs posted tasks as they come until done() holds; false if it does not within timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      run_pending();
      if (done()) {
        return true;
      }
      std::unique_lock lock(mutex_);
      if (!posted_.wait_until(lock, deadline, [this] { return !tasks_.empty(); })) {
        return done();
      }
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable posted_;
  std::deque<std::function<void()>> tasks_;
};

class log_capture {
 public:
  core::log_sink sink() {
    return [this](core::log_level level, std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(level, std::string(line));
    };
  }
  bool contains(std::string_view text) const {
    std::lock_guard lock(mutex_);
    return std::any_of(lines_.begin(), lines_.end(),
                       [&](const auto& l) { return l.second.find(text) != std::string::npos; });
  }
  std::string all() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& l : lines_) {
      out += l.second + "\n";
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<core::log_level, std::string>> lines_;
};

inline sqlite_options options_for(const std::filesystem::path& path, broker_loop& loop) {
  sqlite_options o;
  o.path = path;
  o.post_to_broker = loop.poster();
  o.clock = [] { return t0; };
  return o;
}

inline core::message_ptr make_message(std::uint64_t id, std::string topic, std::string payload,
                                      protocol::qos q = protocol::qos::at_least_once) {
  core::message m;
  m.id = id;
  m.topic = std::move(topic);
  m.payload = std::move(payload);
  m.qos_level = q;
  return std::make_shared<const core::message>(std::move(m));
}

inline core::message_ptr make_retained(std::string topic, std::string payload) {
  core::message m;
  m.topic = std::move(topic);
  m.payload = std::move(payload);
  m.qos_level = protocol::qos::at_least_once;
  m.retain = true;
  return std::make_shared<const core::message>(std::move(m));
}

inline core::stored_delivery make_delivery(std::string client, std::uint64_t message_id,
                                           std::uint64_t sequence) {
  core::stored_delivery d;
  d.client_id = std::move(client);
  d.message_id = message_id;
  d.sequence = sequence;
  return d;
}

inline std::int64_t count_rows(const std::filesystem::path& db, const std::string& table) {
  sqlite::connection c(db, sqlite::open_mode::read_only);
  return c.query_int("SELECT count(*) FROM " + table);
}

// The ids in the messages table, read from the file as it is (load() would first drop those
// no delivery names).
inline std::set<std::uint64_t> message_ids_in_file(const std::filesystem::path& db) {
  sqlite::connection c(db, sqlite::open_mode::read_only);
  sqlite::statement st(c, "SELECT id FROM messages");
  std::set<std::uint64_t> ids;
  while (st.step()) {
    ids.insert(static_cast<std::uint64_t>(st.column_int(0)));
  }
  return ids;
}

inline std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out += digits[(static_cast<unsigned char>(c) >> 4) & 0xF];
    out += digits[static_cast<unsigned char>(c) & 0xF];
  }
  return out;
}

inline std::string dump(const core::message_ptr& m) {
  std::ostringstream out;
  out << "id=" << m->id << " topic=" << m->topic << " payload=" << hex(m->payload)
      << " qos=" << static_cast<int>(m->qos_level) << " retain=" << m->retain
      << " props=" << hex(m->props ? encode_properties(*m->props) : "")
      << " expires=" << (m->expires_at ? std::to_string(to_unix_ms(*m->expires_at)) : "-");
  return out.str();
}

// One line per row, sorted, so two snapshots with the same content dump equal.
inline std::string dump(const core::store_snapshot& s) {
  std::vector<std::string> lines;
  for (const auto& x : s.sessions) {
    std::ostringstream l;
    l << "session " << x.client_id << " v=" << static_cast<int>(x.version)
      << " expiry=" << x.expiry_interval << " disconnected="
      << (x.disconnected_at ? std::to_string(to_unix_ms(*x.disconnected_at)) : "-")
      << " user=" << x.username;
    if (x.will) {
      l << " will={" << dump(x.will->msg) << " delay=" << x.will->delay_interval << "}";
    }
    lines.push_back(l.str());
  }
  for (const auto& x : s.subscriptions) {
    std::ostringstream l;
    l << "subscription " << x.client_id << " " << x.filter
      << " qos=" << static_cast<int>(x.options.max_qos) << " nl=" << x.options.no_local
      << " rap=" << x.options.retain_as_published
      << " rh=" << static_cast<int>(x.options.retain_handling) << " id=" << x.identifier;
    lines.push_back(l.str());
  }
  for (const auto& m : s.messages) {
    lines.push_back("message " + dump(m));
  }
  for (const auto& d : s.deliveries) {
    std::ostringstream l;
    l << "delivery " << d.client_id << " seq=" << d.sequence << " msg=" << d.message_id
      << " qos=" << static_cast<int>(d.qos_level) << " retain=" << d.retain
      << " state=" << static_cast<int>(d.state) << " pid=" << d.packet_id << " subids=";
    for (const auto id : d.subscription_identifiers) {
      l << id << ",";
    }
    lines.push_back(l.str());
  }
  for (const auto& [client, pid] : s.incoming_qos2) {
    lines.push_back("qos2 " + client + " " + std::to_string(pid));
  }
  for (const auto& m : s.retained) {
    lines.push_back("retained " + dump(m));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) {
    out += l + "\n";
  }
  return out;
}

// The meaning of core::store, one call at a time in order: a message goes when its last
// delivery goes, deleting a session deletes its rows. load() drops messages no delivery names,
// as the SQLite store does.
class model_store final : public core::store {
 public:
  core::store_snapshot load() override {
    core::store_snapshot s;
    for (const auto& [k, v] : sessions) {
      s.sessions.push_back(v);
    }
    for (const auto& [k, v] : subscriptions) {
      s.subscriptions.push_back(v);
    }
    for (const auto& [id, m] : messages) {
      if (references(id) > 0) {
        s.messages.push_back(m);
      }
    }
    for (const auto& [k, v] : deliveries) {
      s.deliveries.push_back(v);
    }
    for (const auto& k : incoming_qos2) {
      s.incoming_qos2.push_back(k);
    }
    for (const auto& [k, v] : retained) {
      s.retained.push_back(v);
    }
    return s;
  }
  void save_session(const core::stored_session& x) override { sessions[x.client_id] = x; }
  void delete_session(const std::string& client) override {
    sessions.erase(client);
    std::erase_if(subscriptions, [&](const auto& e) { return e.first.first == client; });
    std::erase_if(incoming_qos2, [&](const auto& e) { return e.first == client; });
    std::vector<std::uint64_t> ids;
    for (const auto& [k, v] : deliveries) {
      if (k.first == client) {
        ids.push_back(k.second);
      }
    }
    for (const auto id : ids) {
      delete_delivery(client, id);
    }
  }
  void save_subscription(const core::stored_subscription& x) override {
    subscriptions[{x.client_id, x.filter}] = x;
  }
  void delete_subscription(const std::string& c, const std::string& f) override {
    subscriptions.erase({c, f});
  }
  void save_retained(const core::message_ptr& m) override { retained[m->topic] = m; }
  void delete_retained(const std::string& topic) override { retained.erase(topic); }
  void save_message(const core::message_ptr& m) override { messages[m->id] = m; }
  void save_delivery(const core::stored_delivery& d) override {
    deliveries[{d.client_id, d.message_id}] = d;
  }
  void delete_delivery(const std::string& c, std::uint64_t id) override {
    if (deliveries.erase({c, id}) > 0 && references(id) == 0) {
      messages.erase(id);
    }
  }
  void save_incoming_qos2(const std::string& c, std::uint16_t p) override {
    incoming_qos2.insert({c, p});
  }
  void delete_incoming_qos2(const std::string& c, std::uint16_t p) override {
    incoming_qos2.erase({c, p});
  }
  void after_durable(std::function<void()> done) override { done(); }
  bool has_pending_writes() const override { return false; }

  std::set<std::uint64_t> message_ids() const {
    std::set<std::uint64_t> ids;
    for (const auto& [id, m] : messages) {
      ids.insert(id);
    }
    return ids;
  }

  std::size_t references(std::uint64_t id) const {
    return static_cast<std::size_t>(std::count_if(
        deliveries.begin(), deliveries.end(), [&](const auto& e) { return e.first.second == id; }));
  }

  std::map<std::string, core::stored_session> sessions;
  std::map<std::pair<std::string, std::string>, core::stored_subscription> subscriptions;
  std::map<std::uint64_t, core::message_ptr> messages;
  std::map<std::pair<std::string, std::uint64_t>, core::stored_delivery> deliveries;
  std::set<std::pair<std::string, std::uint16_t>> incoming_qos2;
  std::map<std::string, core::message_ptr> retained;
};

}  // namespace telemq::persistence::testing
