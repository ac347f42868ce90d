#pragma once
// A move-only completion handler kept inside the object that waits: no allocation. Meant for the
// handlers of idle connections, which capture a pointer or two; a handler too big for the
// capacity does not compile.
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace telemq::net {

template <typename Signature, std::size_t Capacity = 16>
class inline_handler;

template <typename... Args, std::size_t Capacity>
class inline_handler<void(Args...), Capacity> {
 public:
  inline_handler() = default;

  template <typename F>
  requires(!std::is_same_v<std::decay_t<F>, inline_handler>) inline_handler(
      F&& f) {  // NOLINT(google-explicit-constructor): handlers convert like functions
    using stored = std::decay_t<F>;
    static_assert(sizeof(stored) <= Capacity, "handler too big for inline_handler");
    static_assert(alignof(stored) <= alignof(void*));
    static_assert(std::is_nothrow_move_constructible_v<stored>);
    ::new (static_cast<void*>(storage_)) stored(std::forward<F>(f));
    ops_ = &ops_for<stored>;
  }

  inline_handler(inline_handler&& other) noexcept { take(other); }
  inline_handler& operator=(inline_handler&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  inline_handler(const inline_handler&) = delete;
  inline_handler& operator=(const inline_handler&) = delete;
  ~inline_handler() { reset(); }

  explicit operator bool() const { return ops_ != nullptr; }

  // Empties the handler, then calls what it held: the call may store a new handler here, and
  // whatever the old one owned is released when the call returns.
  void operator()(Args... args) {
    const ops* o = std::exchange(ops_, nullptr);
    o->call_once(storage_, std::forward<Args>(args)...);
  }

  void reset() {
    if (const ops* o = std::exchange(ops_, nullptr)) {
      o->destroy(storage_);
    }
  }

 private:
  struct ops {
    void (*call_once)(void* storage, Args... args);
    void (*move)(void* from, void* to) noexcept;
    void (*destroy)(void* storage) noexcept;
  };

  template <typename F>
  static constexpr ops ops_for{
      [](void* storage, Args... args) {
        F* held = std::launder(static_cast<F*>(storage));
        F f(std::move(*held));
        held->~F();
        f(std::forward<Args>(args)...);
      },
      [](void* from, void* to) noexcept {
        F* held = std::launder(static_cast<F*>(from));
        ::new (to) F(std::move(*held));
        held->~F();
      },
      [](void* storage) noexcept { std::launder(static_cast<F*>(storage))->~F(); }};

  void take(inline_handler& other) noexcept {
    if (other.ops_ != nullptr) {
      other.ops_->move(other.storage_, storage_);
      ops_ = std::exchange(other.ops_, nullptr);
    }
  }

  alignas(void*) std::byte storage_[Capacity];
  const ops* ops_ = nullptr;
};

}  // namespace telemq::net
