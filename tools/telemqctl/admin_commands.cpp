// status, clients, sessions, subs, retained, users, acl and reload: one admin API call each,
// printed as a table or, with --json, as the API's JSON.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "admin_client.hpp"
#include "broker/text/percent_encoding.hpp"
#include "commands.hpp"
#include "ctl_error.hpp"
#include "password_prompt.hpp"
#include "table.hpp"

namespace telemq::ctl {
namespace {

using nlohmann::json;

std::string text_of(const json& value) {
  if (value.is_null()) {
    return "-";
  }
  if (value.is_string()) {
    return printable(value.get<std::string>());
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? "yes" : "no";
  }
  return value.dump();
}

void print_json(const json& value) {
  std::cout << value.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

// "?a=1&b=x%2Fy" from the options that were given.
class query {
 public:
  void add(std::string_view name, const std::string& value) {
    text_ += text_.empty() ? '?' : '&';
    text_ += name;
    text_ += '=';
    text_ += text::percent_encode(value);
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

struct list_options {
  bool online = false;
  bool offline = false;
  std::string prefix;
  std::size_t limit = 1000;
  std::size_t offset = 0;

  void add_to(CLI::App& command) {
    command.add_flag("--online", online, "Only connected clients");
    command.add_flag("--offline", offline, "Only sessions whose client is not connected");
    command.add_option("--prefix", prefix, "Only client ids starting with this");
    command.add_option("--limit", limit, "At most this many")->capture_default_str();
    command.add_option("--offset", offset, "Skip this many first");
  }
  std::string target(std::string_view path) const {
    query q;
    if (online || offline) {
      q.add("online", online ? "1" : "0");
    }
    if (!prefix.empty()) {
      q.add("prefix", prefix);
    }
    q.add("limit", std::to_string(limit));
    if (offset > 0) {
      q.add("offset", std::to_string(offset));
    }
    return std::string(path) + q.text();
  }
};

void print_total(const json& answer, std::string_view key) {
  const auto shown = answer.at(key).size();
  const auto total = answer.at("total").get<std::size_t>();
  if (shown < total) {
    std::cout << fmt::format("({} of {} shown; use --limit and --offset)\n", shown, total);
  }
}

void print_status(const json& s) {
  const auto& c = s.at("connections");
  const auto& m = s.at("messages");
  const auto& r = s.at("rates_1min");
  key_values lines = {
      {"version", text_of(s.at("version"))},
      {"uptime", format_duration(s.at("uptime").get<std::int64_t>())},
      {"durability", text_of(s.at("durability"))},
      {"connections", fmt::format("{} (maximum {}, {} since start)", c.at("current").dump(),
                                  c.at("maximum").dump(), c.at("total").dump())},
      {"sessions", s.at("sessions").dump()},
      {"subscriptions", s.at("subscriptions").dump()},
      {"retained", fmt::format("{} ({})", s.at("retained_messages").dump(),
                               format_bytes(s.value("retained_bytes", 0.0)))},
      {"queued", fmt::format("{} ({})", s.at("queued_messages").dump(),
                             format_bytes(s.value("queued_bytes", 0.0)))},
      {"messages in", fmt::format("{} ({}/s over 1 min)", m.at("received").dump(),
                                  format_rate(r.at("messages_received").get<double>()))},
      {"messages out", fmt::format("{} ({}/s over 1 min)", m.at("sent").dump(),
                                   format_rate(r.at("messages_sent").get<double>()))},
      {"bytes in",
       fmt::format("{} ({}/s)", format_bytes(s.at("bytes").at("received").get<double>()),
                   format_bytes(r.at("bytes_received").get<double>()))},
      {"bytes out", fmt::format("{} ({}/s)", format_bytes(s.at("bytes").at("sent").get<double>()),
                                format_bytes(r.at("bytes_sent").get<double>()))},
      {"dropped", m.at("dropped").dump()},
      {"expired", m.at("expired").dump()},
  };
  if (const auto& store = s.at("store"); !store.is_null()) {
    lines.emplace_back("store", fmt::format("{}, mean commit {:.2f} ms, {} write errors",
                                            format_bytes(store.at("size_bytes").get<double>()),
                                            store.at("mean_commit_ms").get<double>(),
                                            store.at("write_errors").dump()));
  }
  print_key_values(std::cout, lines);
}

void print_sessions(const json& answer, std::string_view key) {
  table t({"CLIENT ID", "ONLINE", "USER", "ADDRESS", "PROTO", "SUBS", "QUEUED", "INFLIGHT"});
  for (const auto& s : answer.at(key)) {
    t.add({text_of(s.at("client_id")), text_of(s.at("online")), text_of(s.at("username")),
           s.contains("address") ? text_of(s.at("address")) : "-", text_of(s.at("protocol")),
           s.at("subscriptions").dump(), s.at("queued").dump(), s.at("inflight").dump()});
  }
  t.print(std::cout);
  print_total(answer, key);
}

void print_session(const json& s) {
  key_values lines;
  for (const auto* key :
       {"client_id", "online", "username", "address", "listener", "protocol", "keep_alive",
        "session_expiry_interval", "queued", "inflight", "disconnected_at"}) {
    if (s.contains(key)) {
      lines.emplace_back(key, text_of(s.at(key)));
    }
  }
  print_key_values(std::cout, lines);
  if (!s.at("subscription_list").empty()) {
    std::cout << '\n';
    table t({"FILTER", "QOS", "NO LOCAL", "RETAIN AS PUBLISHED"});
    for (const auto& sub : s.at("subscription_list")) {
      t.add({text_of(sub.at("filter")), sub.at("qos").dump(), text_of(sub.at("no_local")),
             text_of(sub.at("retain_as_published"))});
    }
    t.print(std::cout);
  }
}

// Runs the call and prints the answer as JSON or with print.
template <typename Print>
void show(const global_options& options, std::string_view method, const std::string& target,
          Print print, const std::optional<json>& body = std::nullopt) {
  const json answer = admin_client(options.admin).call(method, target, body);
  if (options.json) {
    print_json(answer);
  } else {
    print(answer);
  }
}

void add_sessions_group(CLI::App& app, global_options& options, const std::string& name,
                        const std::string& path) {
  auto* group = app.add_subcommand(name, name == "clients" ? "Connected clients and their sessions"
                                                           : "Sessions, online and offline");
  group->require_subcommand(1);
  auto list = std::make_shared<list_options>();
  auto* list_command = group->add_subcommand("list", "List them");
  list->add_to(*list_command);
  list_command->callback([&options, list, path, name] {
    show(options, "GET", list->target(path),
         [name](const json& answer) { print_sessions(answer, name); });
  });

  auto id = std::make_shared<std::string>();
  auto* show_command = group->add_subcommand("show", "Show one, with its subscriptions");
  show_command->add_option("client_id", *id, "Client id")->required();
  show_command->callback(
      [&options, id, path] { show(options, "GET", path_with(path + "/", *id), print_session); });

  if (name == "clients") {
    auto* kick = group->add_subcommand(
        "kick", "Disconnect a client (5.0 clients see reason 0x98); its session stays");
    kick->add_option("client_id", *id, "Client id")->required();
    kick->callback([&options, id, path] {
      show(options, "DELETE", path_with(path + "/", *id),
           [&](const json&) { std::cout << "disconnected " << printable(*id) << '\n'; });
    });
  } else {
    auto* remove = group->add_subcommand(
        "delete", "End a session with its subscriptions and queue, disconnecting its client");
    remove->add_option("client_id", *id, "Client id")->required();
    remove->callback([&options, id, path] {
      show(options, "DELETE", path_with(path + "/", *id),
           [&](const json&) { std::cout << "deleted session " << printable(*id) << '\n'; });
    });
  }
}

void add_subscriptions_group(CLI::App& app, global_options& options) {
  auto* group = app.add_subcommand("subs", "Subscriptions");
  group->require_subcommand(1);
  struct subs_options {
    std::string client;
    std::string filter;
    std::string topic;
    std::size_t limit = 1000;
  };
  auto o = std::make_shared<subs_options>();
  auto* list = group->add_subcommand("list", "List subscriptions");
  list->add_option("--client", o->client, "Of this client only");
  list->add_option("--filter", o->filter, "With exactly this filter");
  list->add_option("--topic", o->topic, "Whose filter matches this topic");
  list->add_option("--limit", o->limit, "At most this many")->capture_default_str();
  list->callback([&options, o] {
    query q;
    if (!o->client.empty()) {
      q.add("client", o->client);
    }
    if (!o->filter.empty()) {
      q.add("filter", o->filter);
    }
    if (!o->topic.empty()) {
      q.add("topic", o->topic);
    }
    q.add("limit", std::to_string(o->limit));
    show(options, "GET", "/api/v1/subscriptions" + q.text(), [](const json& answer) {
      table t({"CLIENT ID", "FILTER", "QOS", "NO LOCAL", "RETAIN AS PUBLISHED"});
      for (const auto& s : answer.at("subscriptions")) {
        t.add({text_of(s.at("client_id")), text_of(s.at("filter")), s.at("qos").dump(),
               text_of(s.at("no_local")), text_of(s.at("retain_as_published"))});
      }
      t.print(std::cout);
      print_total(answer, "subscriptions");
    });
  });
}

void add_retained_group(CLI::App& app, global_options& options) {
  auto* group = app.add_subcommand("retained", "Retained messages");
  group->require_subcommand(1);
  auto filter = std::make_shared<std::string>("#");
  auto limit = std::make_shared<std::size_t>(1000);
  auto* list = group->add_subcommand("list", "List retained messages");
  list->add_option("--filter,-t", *filter, "Topic filter")->capture_default_str();
  list->add_option("--limit", *limit, "At most this many")->capture_default_str();
  list->callback([&options, filter, limit] {
    query q;
    q.add("filter", *filter);
    q.add("limit", std::to_string(*limit));
    show(options, "GET", "/api/v1/retained" + q.text(), [](const json& answer) {
      table t({"TOPIC", "QOS", "SIZE", "PAYLOAD"});
      for (const auto& m : answer.at("messages")) {
        std::string payload = m.contains("payload_encoding")
                                  ? "(binary)"
                                  : printable(m.at("payload").get<std::string>());
        if (payload.size() > 60) {
          payload = payload.substr(0, 57) + "...";
        }
        t.add({text_of(m.at("topic")), m.at("qos").dump(), m.at("size").dump(), payload});
      }
      t.print(std::cout);
      print_total(answer, "messages");
    });
  });

  auto topic = std::make_shared<std::string>();
  auto* get = group->add_subcommand("get", "Print one retained message's payload");
  get->add_option("topic", *topic, "Topic")->required();
  get->callback([&options, topic] {
    show(options, "GET", path_with("/api/v1/retained/", *topic), [](const json& m) {
      if (m.contains("payload_encoding")) {
        throw ctl_error(exit_status::failed,
                        "the payload is binary: use --json to get it in base64");
      }
      std::cout << m.at("payload").get<std::string>() << '\n';
    });
  });

  auto* remove = group->add_subcommand("delete", "Delete one retained message");
  remove->add_option("topic", *topic, "Topic")->required();
  remove->callback([&options, topic] {
    show(options, "DELETE", path_with("/api/v1/retained/", *topic),
         [topic](const json&) { std::cout << "deleted " << printable(*topic) << '\n'; });
  });
}

// The problems the broker met reloading the files after a change, on stderr.
void print_warnings(const json& answer) {
  for (const auto& w : answer.value("warnings", json::array())) {
    std::cerr << "warning: " << w.get<std::string>() << '\n';
  }
}

void add_users_group(CLI::App& app, global_options& options) {
  auto* group = app.add_subcommand("users", "Users of the password file");
  group->require_subcommand(1);
  group->add_subcommand("list", "List user names")->callback([&options] {
    show(options, "GET", "/api/v1/users", [](const json& answer) {
      for (const auto& user : answer.at("users")) {
        std::cout << printable(user.get<std::string>()) << '\n';
      }
    });
  });

  struct user_options {
    std::string user;
    std::string password;
  };
  auto o = std::make_shared<user_options>();
  auto* add = group->add_subcommand("add", "Add a user (asks for the password)");
  add->add_option("user", o->user, "User name")->required();
  add->add_option("--password", o->password,
                  "The password (visible to other local users in ps: for tests only)");
  add->callback([&options, o] {
    const std::string password = o->password.empty() ? read_new_password(o->user) : o->password;
    show(
        options, "POST", "/api/v1/users",
        [&](const json& answer) {
          print_warnings(answer);
          std::cout << "added " << printable(o->user) << '\n';
        },
        json{{"username", o->user}, {"password", password}});
  });

  auto* passwd = group->add_subcommand("passwd", "Change a user's password");
  passwd->add_option("user", o->user, "User name")->required();
  passwd->add_option("--password", o->password,
                     "The password (visible to other local users in ps: for tests only)");
  passwd->callback([&options, o] {
    const std::string password = o->password.empty() ? read_new_password(o->user) : o->password;
    show(
        options, "PUT", path_with("/api/v1/users/", o->user) + "/password",
        [&](const json& answer) {
          print_warnings(answer);
          std::cout << "changed the password of " << printable(o->user) << '\n';
        },
        json{{"password", password}});
  });

  auto* remove = group->add_subcommand("remove", "Remove a user");
  remove->add_option("user", o->user, "User name")->required();
  remove->callback([&options, o] {
    show(options, "DELETE", path_with("/api/v1/users/", o->user), [&](const json& answer) {
      print_warnings(answer);
      std::cout << "removed " << printable(o->user) << '\n';
    });
  });
}

// One rule as add and remove name it: who (--user NAME, --anonymous or --pattern), the access
// and the filter.
struct acl_rule_options {
  std::string user;
  bool anonymous = false;
  bool pattern = false;
  std::string access;
  std::string filter;

  void add_to(CLI::App& command) {
    auto* user_option = command.add_option("--user", user, "A rule for this user");
    auto* anonymous_flag =
        command.add_flag("--anonymous", anonymous, "A rule for anonymous clients");
    auto* pattern_flag =
        command.add_flag("--pattern", pattern, "A pattern for every client (%c, %u)");
    user_option->excludes(anonymous_flag)->excludes(pattern_flag);
    anonymous_flag->excludes(pattern_flag);
    command.add_option("access", access, "read, write, readwrite or deny")
        ->required()
        ->check(CLI::IsMember({"read", "write", "readwrite", "deny"}));
    command.add_option("filter", filter, "Topic filter")->required();
  }
  std::string scope() const {
    if (!user.empty()) {
      return "user";
    }
    if (anonymous) {
      return "anonymous";
    }
    if (pattern) {
      return "pattern";
    }
    throw ctl_error(exit_status::usage,
                    "say whom the rule is for: --user NAME, --anonymous or "
                    "--pattern");
  }
  // "user alice deny plant/#", "anonymous read public/#"
  std::string describe() const {
    const std::string who = user.empty() ? scope() : "user " + user;
    return printable(fmt::format("{} {} {}", who, access, filter));
  }
};

void print_acl_rules(const json& answer) {
  if (answer.at("rules").is_null()) {
    throw ctl_error(exit_status::failed,
                    "the ACL file has an error: " + answer.value("problem", std::string()));
  }
  table t({"LINE", "SCOPE", "USER", "ACCESS", "FILTER"});
  for (const auto& r : answer.at("rules")) {
    t.add({r.at("line").dump(), text_of(r.at("scope")),
           r.contains("user") ? text_of(r.at("user")) : "-", text_of(r.at("access")),
           text_of(r.at("filter"))});
  }
  t.print(std::cout);
}

void add_acl_group(CLI::App& app, global_options& options) {
  auto* group = app.add_subcommand("acl", "Rules of the ACL file");
  group->require_subcommand(1);
  group->add_subcommand("list", "List the rules with their line in the file")->callback([&options] {
    show(options, "GET", "/api/v1/acl", print_acl_rules);
  });

  auto o = std::make_shared<acl_rule_options>();
  auto* add = group->add_subcommand("add", "Add a rule; it applies at once");
  o->add_to(*add);
  add->callback([&options, o] {
    json rule = {{"scope", o->scope()}, {"access", o->access}, {"filter", o->filter}};
    if (!o->user.empty()) {
      rule["user"] = o->user;
    }
    show(
        options, "POST", "/api/v1/acl/rules",
        [&](const json& answer) {
          print_warnings(answer);
          std::cout << "added " << o->describe() << '\n';
        },
        rule);
  });

  auto* remove = group->add_subcommand("remove", "Remove a rule (every line that has it)");
  o->add_to(*remove);
  remove->callback([&options, o] {
    query q;
    q.add("scope", o->scope());
    if (!o->user.empty()) {
      q.add("user", o->user);
    }
    q.add("access", o->access);
    q.add("filter", o->filter);
    show(options, "DELETE", "/api/v1/acl/rules" + q.text(), [&](const json& answer) {
      print_warnings(answer);
      std::cout << "removed " << o->describe() << '\n';
    });
  });
}

}  // namespace

void add_admin_commands(CLI::App& app, global_options& options) {
  app.add_subcommand("status", "Version, uptime, connections, message rates, store")
      ->callback([&options] { show(options, "GET", "/api/v1/status", print_status); });
  add_sessions_group(app, options, "clients", "/api/v1/clients");
  add_sessions_group(app, options, "sessions", "/api/v1/sessions");
  add_subscriptions_group(app, options);
  add_retained_group(app, options);
  add_users_group(app, options);
  add_acl_group(app, options);
  app.add_subcommand("reload", "Re-read the configuration, like SIGHUP")->callback([&options] {
    show(options, "POST", "/api/v1/reload", [](const json&) { std::cout << "reloaded\n"; });
  });
}

}  // namespace telemq::ctl
