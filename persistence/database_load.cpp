// Reading the database at start-up: first what expired while the broker was down is deleted,
// then everything else becomes a core::store_snapshot.
#include <cstdint>
#include <string>

#include "persistence/blob_codec.hpp"
#include "persistence/database.hpp"
#include "persistence/store_error.hpp"

namespace telemq::persistence {

namespace {

// Reads checked values from the current row of a query whose first key_columns columns name
// the row (they are only read to describe a bad one).
class row_reader {
 public:
  row_reader(const std::filesystem::path& path, sqlite::statement& st, std::string_view table,
             int key_columns)
      : path_(path), st_(st), table_(table), key_columns_(key_columns) {}

  // A row this build cannot read is a damaged database; naming the row makes it findable.
  [[noreturn]] void bad(const std::string& problem) const {
    std::string row(table_);
    for (int column = 0; column < key_columns_; ++column) {
      row += ' ';
      row += st_.column_text(column);
    }
    throw corrupt_error(path_, "unreadable row " + row + ": " + problem);
  }

  std::int64_t integer(int column, std::int64_t min, std::int64_t max) const {
    const std::int64_t value = st_.column_int(column);
    if (st_.is_null(column) || value < min || value > max) {
      bad(std::string(st_.column_name(column)) + " out of range");
    }
    return value;
  }

  protocol::qos qos(int column) const { return static_cast<protocol::qos>(integer(column, 0, 2)); }

  std::optional<core::timestamp> time(int column) const {
    if (st_.is_null(column)) {
      return std::nullopt;
    }
    return from_unix_ms(st_.column_int(column));
  }

  std::shared_ptr<const protocol::properties> props(int column) const {
    if (st_.is_null(column)) {
      return nullptr;
    }
    try {
      return std::make_shared<const protocol::properties>(
          decode_properties(st_.column_blob(column)));
    } catch (const std::invalid_argument& e) {
      bad(e.what());
    }
  }

  std::vector<std::uint32_t> subscription_identifiers(int column) const {
    try {
      return decode_subscription_identifiers(st_.column_blob(column));
    } catch (const std::invalid_argument& e) {
      bad(e.what());
    }
  }

 private:
  const std::filesystem::path& path_;
  sqlite::statement& st_;
  std::string_view table_;
  int key_columns_;
};

constexpr std::int64_t max_u16 = 0xFFFF;
constexpr std::int64_t max_u32 = 0xFFFFFFFF;

}  // namespace

core::store_snapshot database::load(core::timestamp now, const core::log_sink& log) {
  sqlite::transaction txn(db_);
  const std::int64_t now_ms = to_unix_ms(now);

  // Sessions whose expiry interval ran out while they were offline, with all their rows.
  std::vector<std::string> expired_sessions;
  {
    sqlite::statement st(db_,
                         "SELECT client_id FROM sessions WHERE disconnected_at IS NOT NULL AND "
                         "expiry_interval <> 4294967295 AND "
                         "disconnected_at + expiry_interval * 1000 <= ?1");
    st.bind_all(now_ms);
    while (st.step()) {
      expired_sessions.emplace_back(st.column_text(0));
    }
  }
  std::vector<std::uint64_t> unused;
  for (const std::string& client_id : expired_sessions) {
    delete_client(client_id, unused);
  }
  sqlite::statement expire_retained(db_, "DELETE FROM retained WHERE expires_at <= ?1");
  expire_retained.execute(now_ms);
  const auto expired_retained = db_.changes();
  // Only deliveries not yet started: a message whose PUBLISH has gone out is finished whatever
  // its expiry (MQTT-3.3.2-5), and a PUBREL still owed must be sent.
  sqlite::statement expire_deliveries(db_,
                                      "DELETE FROM deliveries WHERE state = 0 AND message_id IN "
                                      "(SELECT id FROM messages WHERE expires_at <= ?1)");
  expire_deliveries.execute(now_ms);
  const auto expired_deliveries = db_.changes();
  // A delivery naming no message cannot be sent; only a hand-edited file holds one.
  db_.exec("DELETE FROM deliveries WHERE message_id NOT IN (SELECT id FROM messages)");
  const auto dangling_deliveries = db_.changes();
  db_.exec(
      "DELETE FROM messages WHERE NOT EXISTS "
      "(SELECT 1 FROM deliveries WHERE deliveries.message_id = messages.id)");

  core::store_snapshot snap;
  {
    sqlite::statement st(db_,
                         "SELECT client_id, version, expiry_interval, disconnected_at, username, "
                         "will_topic, will_payload, will_qos, will_retain, will_properties, "
                         "will_expires_at, will_delay FROM sessions");
    while (st.step()) {
      const row_reader row(path_, st, "sessions", 1);
      core::stored_session& s = snap.sessions.emplace_back();
      s.client_id = st.column_text(0);
      s.version = static_cast<protocol::protocol_version>(row.integer(1, 3, 5));
      s.expiry_interval = static_cast<std::uint32_t>(row.integer(2, 0, max_u32));
      s.disconnected_at = row.time(3);
      s.username = st.column_text(4);
      if (!st.is_null(5)) {
        core::message will;
        will.topic = st.column_text(5);
        will.payload = st.column_blob(6);
        will.qos_level = row.qos(7);
        will.retain = row.integer(8, 0, 1) != 0;
        will.props = row.props(9);
        will.expires_at = row.time(10);
        s.will = core::stored_will{std::make_shared<const core::message>(std::move(will)),
                                   static_cast<std::uint32_t>(row.integer(11, 0, max_u32))};
      }
    }
  }
  {
    sqlite::statement st(db_, "SELECT client_id, filter, options, identifier FROM subscriptions");
    while (st.step()) {
      const row_reader row(path_, st, "subscriptions", 2);
      core::stored_subscription& sub = snap.subscriptions.emplace_back();
      sub.client_id = st.column_text(0);
      sub.filter = st.column_text(1);
      const auto options = row.integer(2, 0, 0x3F);
      sub.options.max_qos = static_cast<protocol::qos>(options & 0x03);
      sub.options.no_local = (options & 0x04) != 0;
      sub.options.retain_as_published = (options & 0x08) != 0;
      sub.options.retain_handling = static_cast<std::uint8_t>(options >> 4);
      if (sub.options.max_qos > protocol::qos::exactly_once || sub.options.retain_handling > 2) {
        row.bad("options out of range");
      }
      sub.identifier = static_cast<std::uint32_t>(row.integer(3, 0, max_u32));
    }
  }
  {
    sqlite::statement st(db_,
                         "SELECT id, topic, payload, qos, retain, properties, expires_at "
                         "FROM messages ORDER BY id");
    while (st.step()) {
      const row_reader row(path_, st, "messages", 1);
      core::message msg;
      msg.id = static_cast<std::uint64_t>(row.integer(0, 1, INT64_MAX));
      msg.topic = st.column_text(1);
      msg.payload = st.column_blob(2);
      msg.qos_level = row.qos(3);
      msg.retain = row.integer(4, 0, 1) != 0;
      msg.props = row.props(5);
      msg.expires_at = row.time(6);
      snap.messages.push_back(std::make_shared<const core::message>(std::move(msg)));
    }
  }
  {
    sqlite::statement st(db_,
                         "SELECT client_id, message_id, sequence, qos, retain, state, packet_id, "
                         "subscription_identifiers FROM deliveries ORDER BY client_id, sequence");
    while (st.step()) {
      const row_reader row(path_, st, "deliveries", 2);
      core::stored_delivery& d = snap.deliveries.emplace_back();
      d.client_id = st.column_text(0);
      d.message_id = static_cast<std::uint64_t>(st.column_int(1));
      d.sequence = static_cast<std::uint64_t>(st.column_int(2));
      d.qos_level = row.qos(3);
      d.retain = row.integer(4, 0, 1) != 0;
      d.state = static_cast<core::delivery_state>(row.integer(5, 0, 2));
      d.packet_id = static_cast<std::uint16_t>(row.integer(6, 0, max_u16));
      d.subscription_identifiers = row.subscription_identifiers(7);
    }
  }
  {
    sqlite::statement st(db_, "SELECT client_id, packet_id FROM incoming_qos2");
    while (st.step()) {
      const row_reader row(path_, st, "incoming_qos2", 2);
      snap.incoming_qos2.emplace_back(std::string(st.column_text(0)),
                                      static_cast<std::uint16_t>(row.integer(1, 1, max_u16)));
    }
  }
  {
    sqlite::statement st(db_, "SELECT topic, payload, qos, properties, expires_at FROM retained");
    while (st.step()) {
      const row_reader row(path_, st, "retained", 1);
      core::message msg;
      msg.topic = st.column_text(0);
      msg.payload = st.column_blob(1);
      msg.qos_level = row.qos(2);
      msg.retain = true;
      msg.props = row.props(3);
      msg.expires_at = row.time(4);
      snap.retained.push_back(std::make_shared<const core::message>(std::move(msg)));
    }
  }
  txn.commit();

  if (log) {
    log(core::log_level::info, "store loaded: path=" + path_.string() +
                                   " sessions=" + std::to_string(snap.sessions.size()) +
                                   " subscriptions=" + std::to_string(snap.subscriptions.size()) +
                                   " messages=" + std::to_string(snap.messages.size()) +
                                   " deliveries=" + std::to_string(snap.deliveries.size()) +
                                   " retained=" + std::to_string(snap.retained.size()) +
                                   " incoming_qos2=" + std::to_string(snap.incoming_qos2.size()) +
                                   " expired_sessions=" + std::to_string(expired_sessions.size()) +
                                   " expired_deliveries=" + std::to_string(expired_deliveries) +
                                   " expired_retained=" + std::to_string(expired_retained));
    if (dangling_deliveries > 0) {
      log(core::log_level::warn,
          "store dropped deliveries naming no message: path=" + path_.string() +
              " count=" + std::to_string(dangling_deliveries));
    }
  }
  return snap;
}

}  // namespace telemq::persistence
