// ACL rules edited with `telemqctl acl` against the real daemon: the file on disk changes, and a
// client that stays connected throughout sees its next subscribe, publish and delivery follow
// the new rules.
#include <sstream>

#include "admin_test_support.hpp"
#include "fixture/raw_client.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr std::uint8_t v5 = 5;
constexpr std::uint8_t success = 0x00;
constexpr std::uint8_t granted_qos1 = 0x01;
constexpr std::uint8_t not_authorized = 0x87;

const std::string acl_text =
    "# plant floor: devices publish anonymously\n"
    "topic readwrite plant/#\n"
    "\n"
    "user ops\n"
    "topic readwrite plant/#\n";

// A 5.0 client on a raw socket, so the reason codes of SUBACK and PUBACK can be read.
class field_client {
 public:
  explicit field_client(std::uint16_t port) {
    opened_ = client_.open(port);
    const auto connack =
        opened_ ? client_.handshake({.protocol_level = v5, .client_id = "field-1"}, 10s)
                : std::nullopt;
    connected_ = connack && connack->code == success;
  }

  bool connected() const { return connected_; }

  // The SUBACK reason code for one filter at QoS 1; 0xFF when none came.
  std::uint8_t subscribe(const std::string& filter) {
    client_.send(wire::encode_subscribe(v5, next_id_, filter, 1));
    const auto ack = until(wire::suback, next_id_++);
    // Packet identifier, properties (length 0), then a reason code per filter.
    return ack && ack->body.size() >= 4 ? ack->body[3] : 0xFF;
  }

  // The PUBACK reason code of a QoS 1 publish; 0xFF when none came.
  std::uint8_t publish(const std::string& topic, const std::string& payload) {
    client_.send(wire::encode_publish(v5, topic, payload, 1, next_id_));
    const auto ack = until(wire::puback, next_id_++);
    if (!ack || ack->body.size() < 2) {
      return 0xFF;
    }
    // A success without properties may leave the reason code out [MQTT-3.4.2.1].
    return ack->body.size() == 2 ? success : ack->body[2];
  }

  // Reads until this message has arrived; false when it did not within 10 s.
  bool receive(const std::string& topic, const std::string& payload) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::any_of(received_.begin(), received_.end(), [&](const wire::publish_view& p) {
            return p.topic == topic && p.payload == payload;
          })) {
        return true;
      }
      read_one(100ms);
    }
    return false;
  }

  // "topic payload" of every message delivered so far, in order.
  std::vector<std::string> received() const {
    std::vector<std::string> lines;
    for (const auto& p : received_) {
      lines.push_back(p.topic + " " + p.payload);
    }
    return lines;
  }

 private:
  // Reads one packet, keeping (and acknowledging) a PUBLISH; the packet, if any.
  std::optional<wire::packet> read_one(std::chrono::milliseconds timeout) {
    auto r = client_.read_packet(timeout);
    if (r.status != raw_client::read_status::packet) {
      return std::nullopt;
    }
    if (r.packet.type() == wire::publish) {
      if (auto p = wire::parse_publish(r.packet, v5)) {
        if (p->qos == 1) {
          client_.send(wire::encode_ack(wire::puback, p->packet_id));
        }
        received_.push_back(std::move(*p));
      }
    }
    return std::move(r.packet);
  }

  // The acknowledgement of this type for packet id; deliveries meanwhile are kept.
  std::optional<wire::packet> until(wire::packet_type type, std::uint16_t id) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto p = read_one(100ms);
      if (p && p->type() == type && p->body.size() >= 2 && ((p->body[0] << 8) | p->body[1]) == id) {
        return p;
      }
    }
    return std::nullopt;
  }

  raw_client client_;
  bool opened_ = false;
  bool connected_ = false;
  std::uint16_t next_id_ = 1;
  std::vector<wire::publish_view> received_;
};

// The rows of `telemqctl acl list`, split into words; the header row first.
std::vector<std::vector<std::string>> table_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string word; words >> word;) {
      row.push_back(word);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

class Acl : public AdminTest {
 protected:
  Acl() : AdminTest(daemon_settings{.users = {{"ops", "pw"}}, .acl = acl_text}) {}

  // `telemqctl pub` as ops, who keeps readwrite on plant/# throughout.
  int publish_as_ops(const std::string& topic, const std::string& payload) {
    const auto r =
        ctl(mqtt({"pub", "-t", topic, "-m", payload, "-q", "1", "-u", "ops", "-P", "pw"}));
    EXPECT_EQ(r.code(), 0) << r.err;
    return r.code();
  }
};

TEST_F(Acl, ADenyRuleAddedWithTelemqctlAppliesToAConnectedClientAndGoesAwayWhenRemoved) {
  field_client device(daemon.mqtt_port());
  ASSERT_TRUE(device.connected()) << daemon.log();
  ASSERT_EQ(device.subscribe("plant/#"), granted_qos1);
  ASSERT_EQ(device.publish("plant/7/temp", "20.5"), success);

  // Add the rule.
  const auto add = ctl({"acl", "add", "--anonymous", "deny", "plant/7/#"});
  ASSERT_EQ(add.code(), 0) << add.err;
  EXPECT_EQ(add.out, "added anonymous deny plant/7/#\n");
  EXPECT_EQ(add.err, "");
  // On disk: the rule among the anonymous rules, the comment and the rest as they were.
  EXPECT_EQ(read_file(daemon.acl_file()),
            "# plant floor: devices publish anonymously\n"
            "topic readwrite plant/#\n"
            "topic deny plant/7/#\n"
            "\n"
            "user ops\n"
            "topic readwrite plant/#\n");

  const auto listed = ctl_json({"acl", "list"});
  EXPECT_EQ(listed.at("path"), daemon.acl_file().string());
  ASSERT_EQ(listed.at("rules").size(), 3U) << listed.dump();
  EXPECT_EQ(
      listed.at("rules")[1],
      (json{{"scope", "anonymous"}, {"access", "deny"}, {"filter", "plant/7/#"}, {"line", 3}}));
  const auto table = ctl({"acl", "list"});
  ASSERT_EQ(table.code(), 0) << table.err;
  const auto rows = table_rows(table.out);
  ASSERT_EQ(rows.size(), 4U) << table.out;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"LINE", "SCOPE", "USER", "ACCESS", "FILTER"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"3", "anonymous", "-", "deny", "plant/7/#"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"6", "user", "ops", "readwrite", "plant/#"}));

  // The same connection, without reconnecting: its next subscribe and publish are refused...
  EXPECT_EQ(device.subscribe("plant/7/state"), not_authorized);
  EXPECT_EQ(device.publish("plant/7/temp", "21.0"), not_authorized);
  EXPECT_EQ(device.publish("plant/8/temp", "19.0"), success);
  // ... and its plant/# subscription no longer delivers plant/7 messages.
  ASSERT_EQ(publish_as_ops("plant/7/temp", "hidden"), 0);
  ASSERT_EQ(publish_as_ops("plant/8/temp", "visible"), 0);
  ASSERT_TRUE(device.receive("plant/8/temp", "visible")) << daemon.log();
  const auto seen = device.received();
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "plant/8/temp visible"), 1);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "plant/7/temp hidden"), 0);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "plant/7/temp 21.0"), 0);

  // Remove it: the file is back as it was, and the same connection may again.
  const auto remove = ctl({"acl", "remove", "--anonymous", "deny", "plant/7/#"});
  ASSERT_EQ(remove.code(), 0) << remove.err;
  EXPECT_EQ(remove.out, "removed anonymous deny plant/7/#\n");
  EXPECT_EQ(read_file(daemon.acl_file()), acl_text);
  EXPECT_EQ(device.subscribe("plant/7/state"), granted_qos1);
  EXPECT_EQ(device.publish("plant/7/temp", "22.0"), success);
  ASSERT_EQ(publish_as_ops("plant/7/temp", "shown"), 0);
  EXPECT_TRUE(device.receive("plant/7/temp", "shown")) << daemon.log();
  const auto later = device.received();
  EXPECT_EQ(std::count(later.begin(), later.end(), "plant/7/temp shown"), 1);
  EXPECT_NE(daemon.log().find("event=acl_file_reloaded"), std::string::npos);
}

TEST_F(Acl, MistakesAreOneLineWithAnExitStatusScriptsCanTrust) {
  // The broker refuses: 1, and its reason on one line.
  auto r = ctl({"acl", "remove", "--anonymous", "deny", "plant/7/#"});
  EXPECT_EQ(r.code(), 1);
  EXPECT_EQ(r.err, "telemqctl: no rule anonymous deny plant/7/#\n");
  r = ctl({"acl", "add", "--user", "ops", "readwrite", "plant/#"});
  EXPECT_EQ(r.code(), 1);
  EXPECT_EQ(r.err, "telemqctl: the rule user 'ops' readwrite plant/# exists (line 5)\n");
  r = ctl({"acl", "add", "--pattern", "read", "devices/x-%c/#"});
  EXPECT_EQ(r.code(), 1);
  EXPECT_EQ(r.err,
            "telemqctl: 'x-%c': %c and %u must be a whole topic level, as in devices/%c/#\n");
  r = ctl({"acl", "add", "--anonymous", "read", "plant/#/x"});
  EXPECT_EQ(r.code(), 1);
  EXPECT_TRUE(r.err.starts_with("telemqctl: invalid topic filter: ")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;

  // The command line is wrong: 2.
  r = ctl({"acl", "add", "deny", "plant/#"});
  EXPECT_EQ(r.code(), 2);
  EXPECT_EQ(r.err, "telemqctl: say whom the rule is for: --user NAME, --anonymous or --pattern\n");
  EXPECT_EQ(ctl({"acl", "add", "--anonymous", "everything", "plant/#"}).code(), 2);
  EXPECT_EQ(ctl({"acl", "add", "--anonymous", "--pattern", "read", "plant/#"}).code(), 2);

  // The broker cannot be reached: 3.
  const auto unreachable = run_ctl(daemon.dir(), {"--url", "http://127.0.0.1:1", "--token", "x",
                                                  "acl", "add", "--anonymous", "read", "a"});
  EXPECT_EQ(unreachable.code(), 3) << unreachable.err;

  EXPECT_EQ(read_file(daemon.acl_file()), acl_text);
}

class AclWithoutFile : public AdminTest {};

TEST_F(AclWithoutFile, EditsAreRefusedAndNoFileIsCreated) {
  const auto r = ctl({"acl", "add", "--anonymous", "deny", "plant/#"});
  EXPECT_EQ(r.code(), 1);
  EXPECT_EQ(r.err,
            "telemqctl: the broker has no ACL file: set acl_file in the [auth] table of the "
            "configuration and restart the broker\n");
  EXPECT_FALSE(std::filesystem::exists(daemon.acl_file()));
  // Without an ACL file everything stays allowed.
  EXPECT_EQ(ctl(mqtt({"pub", "-t", "plant/7/temp", "-m", "1", "-q", "1"})).code(), 0);
}

}  // namespace
}  // namespace telemq::integration
