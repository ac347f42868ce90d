// kill -9 at a random moment: everything whose after_durable callback ran (the moment the broker
// would have sent PUBACK / PUBREC) is in the file when it is opened again.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <random>

#include "persistence/sqlite_store.hpp"
#include "test_support.hpp"

namespace telemq::persistence {
namespace {

using namespace testing;

// Message i goes to session "sub"; every third is acknowledged by it at once; retained "last"
// holds the latest i; QoS 2 id (i % 1000) + 1 of "pub" is recorded. Once all of that is durable
// the child writes i to the pipe. It never stops by itself: the parent kills it.
[[noreturn]] void run_child(const std::filesystem::path& db, int fd, std::uint64_t first,
                            durability mode) {
  broker_loop loop;
  auto o = options_for(db, loop);
  o.mode = mode;
  sqlite_store store(o);
  store.load();
  std::uint64_t acknowledged = first - 1;
  for (std::uint64_t i = first; i < first + 10'000'000; ++i) {
    store.save_message(make_message(i, "t", "payload " + std::to_string(i)));
    store.save_delivery(make_delivery("sub", i, i));
    if (i % 3 == 0) {
      store.delete_delivery("sub", i);
    }
    store.save_retained(make_retained("last", std::to_string(i)));
    store.save_incoming_qos2("pub", static_cast<std::uint16_t>(i % 1000 + 1));
    store.after_durable([fd, i, &acknowledged] {
      acknowledged = i;
      if (write(fd, &i, sizeof i) != sizeof i) {
        _exit(3);
      }
    });
    loop.run_pending();
    // Like a publisher's receive maximum: a bounded number unacknowledged.
    if (i - acknowledged > 2000) {
      loop.run_until([&] { return i - acknowledged <= 1000; });
    }
  }
  _exit(2);
}

// Acknowledged ids read from the pipe until it closes.
std::vector<std::uint64_t> read_acks(int fd, pid_t child, std::chrono::milliseconds kill_after) {
  std::vector<std::uint64_t> acks;
  std::string buffer;
  bool killed = false;
  std::optional<std::chrono::steady_clock::time_point> kill_at;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, 10);
    char chunk[4096];
    const auto n = p.revents ? read(fd, chunk, sizeof chunk) : -1;
    if (n == 0) {
      break;  // the child is gone and the pipe drained
    }
    if (n > 0) {
      buffer.append(chunk, static_cast<std::size_t>(n));
      if (!kill_at) {
        kill_at = std::chrono::steady_clock::now() + kill_after;  // from the first ack
      }
    }
    if (!killed && kill_at && std::chrono::steady_clock::now() >= *kill_at) {
      kill(child, SIGKILL);
      killed = true;
    }
  }
  for (std::size_t at = 0; at + sizeof(std::uint64_t) <= buffer.size();
       at += sizeof(std::uint64_t)) {
    std::uint64_t id = 0;
    std::memcpy(&id, buffer.data() + at, sizeof id);
    acks.push_back(id);
  }
  return acks;
}

void kill_at_random_moments(durability mode, int rounds) {
  temp_dir dir;
  const auto seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::vector<std::uint64_t> acknowledged;
  for (int round = 0; round < rounds; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const std::uint64_t first = static_cast<std::uint64_t>(round) * 100'000'000 + 1;
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      run_child(dir.db(), fds[1], first, mode);
    }
    close(fds[1]);
    const auto kill_after = std::chrono::milliseconds(std::uniform_int_distribution(5, 250)(rng));
    const auto acks = read_acks(fds[0], child, kill_after);
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "child ended on its own: status " << status;
    ASSERT_FALSE(acks.empty()) << "nothing was acknowledged before the kill";
    for (std::size_t i = 1; i < acks.size(); ++i) {
      ASSERT_EQ(acks[i], acks[i - 1] + 1);  // in order, none skipped
    }
    acknowledged.insert(acknowledged.end(), acks.begin(), acks.end());

    broker_loop loop;
    sqlite_store reopened(options_for(dir.db(), loop));
    const auto snap = reopened.load();
    std::set<std::uint64_t> delivered, stored, qos2;
    for (const auto& d : snap.deliveries) {
      delivered.insert(d.message_id);
    }
    for (const auto& m : snap.messages) {
      stored.insert(m->id);
    }
    for (const auto& [client, pid] : snap.incoming_qos2) {
      qos2.insert(pid);
    }
    for (const std::uint64_t id : acknowledged) {
      if (id % 3 == 0) {
        ASSERT_FALSE(delivered.contains(id)) << id;  // its acknowledgement was durable too
      } else {
        ASSERT_TRUE(delivered.contains(id)) << "acknowledged message " << id << " lost";
        ASSERT_TRUE(stored.contains(id)) << id;
      }
    }
    ASSERT_TRUE(qos2.contains(static_cast<std::uint16_t>(acks.back() % 1000 + 1)));
    ASSERT_EQ(snap.retained.size(), 1U);
    EXPECT_GE(std::stoull(snap.retained[0]->payload), acks.back());
  }
}

TEST(Crash, KillNineKeepsEveryAcknowledgedWriteInProcessMode) {
  kill_at_random_moments(durability::process, 5);
}

TEST(Crash, KillNineKeepsEveryAcknowledgedWriteInPowerMode) {
  kill_at_random_moments(durability::power, 2);
}

}  // namespace
}  // namespace telemq::persistence
