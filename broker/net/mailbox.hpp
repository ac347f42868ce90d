#pragma once
// How the broker thread and one I/O thread hand work to each other: a mailbox is filled by one
// thread and emptied by the other. Senders append under a short lock; the reading thread is
// woken once per batch, however many messages join it before it runs, and then delivers them
// in the order they were sent. The bytes of every message of a batch share one buffer, so a
// message costs no allocation of its own.
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "broker/core/link.hpp"
#include "broker/protocol/codec.hpp"

namespace telemq::net {

class relay_channel;

enum class relay_op : unsigned char {
  // To the I/O thread: what stream_connection asks of its stream.
  start,
  write,
  consumed,  // the broker took `count` reads: the I/O thread may read further ahead
  shutdown,
  close,
  // To the broker thread: how the stream's operations completed.
  started,
  read,
  written,
  shut_down,
};

struct relay_message {
  std::shared_ptr<relay_channel> channel;
  relay_op op;
  boost::system::error_code ec;
  // The message's bytes in relay_batch::bytes; for start and started, offset is the index of
  // the connection_info in relay_batch::infos; for consumed, count is the number of reads.
  std::uint32_t offset = 0;
  std::uint32_t count = 0;
};

struct relay_batch {
  std::vector<relay_message> messages;
  protocol::byte_buffer bytes;
  std::vector<core::connection_info> infos;

  std::span<const std::uint8_t> bytes_of(const relay_message& message) const {
    return {bytes.data() + message.offset, message.count};
  }
  void clear();
};

class mailbox {
 public:
  // Messages are delivered by handlers of reader, so on the thread that runs it.
  explicit mailbox(boost::asio::io_context& reader) : reader_(reader) {}
  mailbox(const mailbox&) = delete;
  mailbox& operator=(const mailbox&) = delete;

  void send(std::shared_ptr<relay_channel> channel, relay_op op, boost::system::error_code ec = {},
            std::span<const std::uint8_t> bytes = {});
  void send_count(std::shared_ptr<relay_channel> channel, relay_op op, std::uint32_t count);
  void send_info(std::shared_ptr<relay_channel> channel, relay_op op, boost::system::error_code ec,
                 core::connection_info info);

 private:
  // Appends under the lock and wakes the reader if this message starts a batch.
  template <typename Fill>
  void append(Fill&& fill);
  void deliver();

  boost::asio::io_context& reader_;
  std::mutex mutex_;
  relay_batch filling_;       // guarded by mutex_
  bool wake_posted_ = false;  // guarded by mutex_
  relay_batch delivering_;    // the reader's; swapped with filling_ to keep both capacities
};

}  // namespace telemq::net
