#pragma once
// The busiest topics by recent message rate, in bounded memory, for `telemqctl top`.
//
// Space-Saving (Metwally, Agrawal, El Abbadi 2005): at most `capacity` topics are followed; a
// topic not followed replaces the least busy one and inherits its count as its possible
// overcount, so a topic whose real share exceeds 1/capacity is always among them. Counts decay
// with a time constant of ten seconds by forward decay (Cormode et al. 2009): a message adds the
// current weight, and the weight grows as time passes, so the past fades without touching every
// entry on every message. A count per message is a hash lookup and a short heap walk.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace telemq::admin {

class topic_top {
 public:
  static constexpr std::chrono::seconds time_constant{10};

  explicit topic_top(std::size_t capacity);
  topic_top(const topic_top&) = delete;
  topic_top& operator=(const topic_top&) = delete;

  void count(std::string_view topic);
  // Lets time pass; the service calls it every second.
  void advance(std::chrono::duration<double> elapsed);

  struct entry {
    std::string topic;
    double rate = 0;   // messages per second at least, over about the last time_constant
    double error = 0;  // how much more it may be (inherited from a replaced topic)
  };
  // The n busiest, busiest first.
  std::vector<entry> top(std::size_t n) const;

  std::size_t size() const { return heap_.size(); }

 private:
  struct slot {
    double score = 0;  // decayed count times the current weight
    double error = 0;
    std::size_t heap_index = 0;
  };
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  using table = std::unordered_map<std::string, slot, text_hash, std::equal_to<>>;
  using element = table::value_type;

  void sift_down(std::size_t index);
  void sift_up(std::size_t index);
  void place(std::size_t index, element* e);

  std::size_t capacity_;
  double weight_ = 1.0;
  table slots_;
  std::vector<element*> heap_;  // min-heap on score: the root is the next to be replaced
};

}  // namespace telemq::admin
