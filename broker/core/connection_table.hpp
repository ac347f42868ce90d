#pragma once
// The open connections, by id. A table of slots rather than a hash map: opening a connection
// allocates nothing here once the table has grown to the number of connections.
#include <cstdint>
#include <vector>

namespace telemq::core {

class connection_state;

class connection_table {
 public:
  // An id names one connection for good: a slot's generation changes when it is freed, so a
  // store callback that outlives its connection finds nothing, not the slot's next occupant
  // (until the 2^32nd reuse of that one slot).
  std::uint64_t add(connection_state& c) {
    std::uint32_t index = 0;
    if (free_.empty()) {
      index = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(slot{});
    } else {
      index = free_.back();
      free_.pop_back();
    }
    slots_[index].conn = &c;
    return std::uint64_t{slots_[index].generation} << 32 | index;
  }

  connection_state* find(std::uint64_t id) const {
    const auto index = static_cast<std::uint32_t>(id);
    if (index >= slots_.size() || slots_[index].generation != id >> 32) {
      return nullptr;
    }
    return slots_[index].conn;
  }

  void erase(std::uint64_t id) {
    const auto index = static_cast<std::uint32_t>(id);
    if (find(id) == nullptr) {
      return;
    }
    slots_[index].conn = nullptr;
    ++slots_[index].generation;
    free_.push_back(index);
  }

  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (const slot& s : slots_) {
      if (s.conn != nullptr) {
        visit(*s.conn);
      }
    }
  }

 private:
  struct slot {
    connection_state* conn = nullptr;
    std::uint32_t generation = 0;
  };
  std::vector<slot> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace telemq::core
