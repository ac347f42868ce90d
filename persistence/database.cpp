#include "persistence/database.hpp"

#include <sqlite3.h>

#include <unordered_set>

#include "persistence/blob_codec.hpp"
#include "persistence/schema.hpp"
#include "persistence/store_error.hpp"

namespace telemq::persistence {

std::int64_t to_unix_ms(core::timestamp t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

core::timestamp from_unix_ms(std::int64_t ms) {
  return core::timestamp(
      std::chrono::duration_cast<core::clock_type::duration>(std::chrono::milliseconds(ms)));
}

namespace {

std::optional<std::int64_t> to_unix_ms(const std::optional<core::timestamp>& t) {
  if (!t) {
    return std::nullopt;
  }
  return persistence::to_unix_ms(*t);
}

std::string encode_props(const std::shared_ptr<const protocol::properties>& props) {
  return props ? encode_properties(*props) : std::string();
}

// Absent properties and identifiers are NULL rather than an empty BLOB.
std::optional<sqlite::blob> null_if_empty(const std::string& bytes) {
  if (bytes.empty()) {
    return std::nullopt;
  }
  return sqlite::blob{bytes};
}

// The MQTT 5.0 SUBSCRIBE options byte (section 3.8.3.1).
std::int64_t pack_options(const protocol::subscribe_options& o) {
  return static_cast<std::int64_t>(o.max_qos) | (o.no_local ? 0x04 : 0) |
         (o.retain_as_published ? 0x08 : 0) | ((o.retain_handling & 0x03) << 4);
}

}  // namespace

struct database::statements {
  explicit statements(sqlite::connection& db)
      : upsert_session(db,
                       "INSERT INTO sessions (client_id, version, expiry_interval, "
                       "disconnected_at, username, will_topic, will_payload, will_qos, "
                       "will_retain, will_properties, will_expires_at, will_delay) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                       "ON CONFLICT (client_id) DO UPDATE SET version = ?2, "
                       "expiry_interval = ?3, disconnected_at = ?4, username = ?5, "
                       "will_topic = ?6, will_payload = ?7, will_qos = ?8, will_retain = ?9, "
                       "will_properties = ?10, will_expires_at = ?11, will_delay = ?12"),
        delete_session(db, "DELETE FROM sessions WHERE client_id = ?1"),
        delete_client_subscriptions(db, "DELETE FROM subscriptions WHERE client_id = ?1"),
        delete_client_deliveries(db,
                                 "DELETE FROM deliveries WHERE client_id = ?1 "
                                 "RETURNING message_id"),
        delete_client_incoming_qos2(db, "DELETE FROM incoming_qos2 WHERE client_id = ?1"),
        upsert_subscription(db,
                            "INSERT INTO subscriptions (client_id, filter, options, identifier) "
                            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (client_id, filter) "
                            "DO UPDATE SET options = ?3, identifier = ?4"),
        delete_subscription(db, "DELETE FROM subscriptions WHERE client_id = ?1 AND filter = ?2"),
        upsert_retained(db,
                        "INSERT INTO retained (topic, payload, qos, properties, expires_at) "
                        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (topic) DO UPDATE SET "
                        "payload = ?2, qos = ?3, properties = ?4, expires_at = ?5"),
        delete_retained(db, "DELETE FROM retained WHERE topic = ?1"),
        // REPLACE rather than fail: a constraint error would fail the batch on every retry.
        insert_message(db,
                       "INSERT OR REPLACE INTO messages (id, topic, payload, qos, retain, "
                       "properties, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        // An update in place keeps deliveries_by_message untouched (REPLACE would rewrite it).
        upsert_delivery(db,
                        "INSERT INTO deliveries (client_id, message_id, sequence, qos, retain, "
                        "state, packet_id, subscription_identifiers) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                        "ON CONFLICT (client_id, message_id) DO UPDATE SET sequence = ?3, "
                        "qos = ?4, retain = ?5, state = ?6, packet_id = ?7, "
                        "subscription_identifiers = ?8"),
        delete_delivery(db, "DELETE FROM deliveries WHERE client_id = ?1 AND message_id = ?2"),
        insert_incoming_qos2(db,
                             "INSERT OR IGNORE INTO incoming_qos2 (client_id, packet_id) "
                             "VALUES (?1, ?2)"),
        delete_incoming_qos2(db,
                             "DELETE FROM incoming_qos2 WHERE client_id = ?1 AND packet_id = ?2"),
        delete_if_orphan(db,
                         "DELETE FROM messages WHERE id = ?1 AND NOT EXISTS "
                         "(SELECT 1 FROM deliveries WHERE message_id = ?1)") {}

  sqlite::statement upsert_session;
  sqlite::statement delete_session;
  sqlite::statement delete_client_subscriptions;
  sqlite::statement delete_client_deliveries;
  sqlite::statement delete_client_incoming_qos2;
  sqlite::statement upsert_subscription;
  sqlite::statement delete_subscription;
  sqlite::statement upsert_retained;
  sqlite::statement delete_retained;
  sqlite::statement insert_message;
  sqlite::statement upsert_delivery;
  sqlite::statement delete_delivery;
  sqlite::statement insert_incoming_qos2;
  sqlite::statement delete_incoming_qos2;
  sqlite::statement delete_if_orphan;
};

database::database(const sqlite_options& options)
    : path_(options.path), busy_timeout_(options.busy_timeout) {
  try {
    db_ = sqlite::connection(path_, sqlite::open_mode::read_write_create);
  } catch (const sqlite::error& e) {
    throw open_error(path_, e);
  }
  try {
    sqlite3_busy_timeout(db_.handle(), static_cast<int>(busy_timeout_.count()));
    check_identity();
    check_integrity();
    configure(options);
    migrate(db_, static_cast<int>(db_.query_int("PRAGMA user_version")));
    st_ = std::make_unique<statements>(db_);
  } catch (...) {
    abandon();
    try {
      throw;
    } catch (const sqlite::error& e) {
      throw open_error(path_, e);
    }
  }
}

database::~database() = default;

void database::abandon() noexcept {
  sqlite3_db_config(db_.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

store_error open_error(const std::filesystem::path& path, const sqlite::error& e) {
  if (e.is_corruption()) {
    return corrupt_error(path, e.what());
  }
  return store_error(store_error_kind::io, "cannot open " + path.string() + ": " + e.what(),
                     e.what());
}

store_error corrupt_error(const std::filesystem::path& path, const std::string& detail) {
  return store_error(store_error_kind::corrupt,
                     path.string() + " is corrupt (" + detail +
                         "); restore it from a backup, or enable recovery to move it aside and "
                         "start empty",
                     detail);
}

void database::delete_client(const std::string& client_id,
                             std::vector<std::uint64_t>& orphan_candidates) {
  st_->delete_client_subscriptions.execute(client_id);
  st_->delete_client_deliveries.bind_all(client_id);
  while (st_->delete_client_deliveries.step()) {
    orphan_candidates.push_back(
        static_cast<std::uint64_t>(st_->delete_client_deliveries.column_int(0)));
  }
  st_->delete_client_incoming_qos2.execute(client_id);
  st_->delete_session.execute(client_id);
}

void database::write(const write_plan& plan) {
  sqlite::transaction txn(db_);
  std::vector<std::uint64_t> orphan_candidates(plan.orphan_candidates.begin(),
                                               plan.orphan_candidates.end());
  for (const std::string& client_id : plan.deleted_sessions) {
    delete_client(client_id, orphan_candidates);
  }
  for (const auto& [client_id, s] : plan.sessions) {
    if (s.will) {
      const core::message& w = *s.will->msg;
      const std::string props = encode_props(w.props);
      st_->upsert_session.execute(s.client_id, static_cast<int>(s.version), s.expiry_interval,
                                  to_unix_ms(s.disconnected_at), s.username, w.topic,
                                  sqlite::blob{w.payload}, static_cast<int>(w.qos_level), w.retain,
                                  null_if_empty(props), to_unix_ms(w.expires_at),
                                  s.will->delay_interval);
    } else {
      st_->upsert_session.execute(s.client_id, static_cast<int>(s.version), s.expiry_interval,
                                  to_unix_ms(s.disconnected_at), s.username, std::nullopt,
                                  std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                  std::nullopt, std::nullopt);
    }
  }
  for (const auto& [key, sub] : plan.subscriptions) {
    if (sub) {
      st_->upsert_subscription.execute(sub->client_id, sub->filter, pack_options(sub->options),
                                       sub->identifier);
    } else {
      st_->delete_subscription.execute(key.client_id, key.item);
    }
  }
  for (const auto& [topic, msg] : plan.retained) {
    if (msg) {
      const std::string props = encode_props(msg->props);
      st_->upsert_retained.execute(msg->topic, sqlite::blob{msg->payload},
                                   static_cast<int>(msg->qos_level), null_if_empty(props),
                                   to_unix_ms(msg->expires_at));
    } else {
      st_->delete_retained.execute(topic);
    }
  }
  // A message this batch saves was saved after any delivery of it that the batch deletes (the
  // core saves a message again only once none names it), so it is no orphan.
  std::unordered_set<std::uint64_t> saved_messages;
  for (const core::message_ptr& msg : plan.messages) {
    if (msg) {
      saved_messages.insert(msg->id);
      const std::string props = encode_props(msg->props);
      st_->insert_message.execute(msg->id, msg->topic, sqlite::blob{msg->payload},
                                  static_cast<int>(msg->qos_level), msg->retain,
                                  null_if_empty(props), to_unix_ms(msg->expires_at));
    }
  }
  for (const auto& [key, d] : plan.deliveries) {
    if (d) {
      const std::string ids = encode_subscription_identifiers(d->subscription_identifiers);
      st_->upsert_delivery.execute(d->client_id, d->message_id, d->sequence,
                                   static_cast<int>(d->qos_level), d->retain,
                                   static_cast<int>(d->state), d->packet_id, null_if_empty(ids));
    } else {
      st_->delete_delivery.execute(key.client_id, key.item);
      if (db_.changes() > 0) {
        orphan_candidates.push_back(key.item);
      }
    }
  }
  for (const auto& [key, insert] : plan.incoming_qos2) {
    (insert ? st_->insert_incoming_qos2 : st_->delete_incoming_qos2)
        .execute(key.client_id, key.item);
  }
  for (const std::uint64_t id : orphan_candidates) {
    if (!saved_messages.contains(id)) {
      st_->delete_if_orphan.execute(id);
    }
  }
  txn.commit();
}

void database::checkpoint() {
  // An idle-time chore: never wait for a reader, the broker may need the writer any moment.
  sqlite3_busy_timeout(db_.handle(), 0);
  const int code = sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                             nullptr, nullptr);
  sqlite3_busy_timeout(db_.handle(), static_cast<int>(busy_timeout_.count()));
  if (code != SQLITE_OK && code != SQLITE_BUSY) {
    db_.fail(code);
  }
}

}  // namespace telemq::persistence
