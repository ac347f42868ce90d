#include "broker/net/mailbox.hpp"

#include <boost/asio/post.hpp>
#include <utility>

#include "broker/net/relay_channel.hpp"

namespace telemq::net {

void relay_batch::clear() {
  messages.clear();
  bytes.clear();
  infos.clear();
}

template <typename Fill>
void mailbox::append(Fill&& fill) {
  bool wake = false;
  {
    const std::lock_guard lock(mutex_);
    std::forward<Fill>(fill)(filling_);
    wake = !std::exchange(wake_posted_, true);
  }
  if (wake) {
    boost::asio::post(reader_, [this] { deliver(); });
  }
}

void mailbox::send(std::shared_ptr<relay_channel> channel, relay_op op,
                   boost::system::error_code ec, std::span<const std::uint8_t> bytes) {
  append([&](relay_batch& batch) {
    const auto offset = static_cast<std::uint32_t>(batch.bytes.size());
    batch.bytes.insert(batch.bytes.end(), bytes.begin(), bytes.end());
    batch.messages.push_back(
        {std::move(channel), op, ec, offset, static_cast<std::uint32_t>(bytes.size())});
  });
}

void mailbox::send_count(std::shared_ptr<relay_channel> channel, relay_op op, std::uint32_t count) {
  append([&](relay_batch& batch) {
    batch.messages.push_back({std::move(channel), op, {}, 0, count});
  });
}

void mailbox::send_info(std::shared_ptr<relay_channel> channel, relay_op op,
                        boost::system::error_code ec, core::connection_info info) {
  append([&](relay_batch& batch) {
    batch.messages.push_back(
        {std::move(channel), op, ec, static_cast<std::uint32_t>(batch.infos.size()), 0});
    batch.infos.push_back(std::move(info));
  });
}

void mailbox::deliver() {
  {
    const std::lock_guard lock(mutex_);
    std::swap(filling_, delivering_);
    wake_posted_ = false;
  }
  for (auto& message : delivering_.messages) {
    message.channel->receive(message, delivering_);
  }
  delivering_.clear();
}

}  // namespace telemq::net
