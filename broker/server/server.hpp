#pragma once
// The telemq daemon: reads the configuration, opens the store, the broker and the listeners, and
// runs them on one thread until SIGINT or SIGTERM.
//
// Threads: one broker thread runs an io_context holding every connection, the listeners, the
// signals, the tick timer and the core::broker, so nothing on the message path takes a lock. The
// SQLite store owns a writer thread and posts its completions back to the broker thread.
//
// Transports: mqtt:// and mqtts:// come from broker/net. When the bridge-ws module is built it
// provides bridge-ws/listeners.hpp with
//   void telemq::bridge_ws::add_ws_listeners(telemq::net::listener_registry&);
// and the daemon registers its ws:// and wss:// factories with it.

namespace telemq::server {

// main(): returns the process exit code. Start-up failures (bad configuration, busy port,
// unusable database) are one line on stderr and exit code 1.
int run(int argc, const char* const argv[]);

}  // namespace telemq::server
