#pragma once
// The process's file descriptors, made ready for as many connections as it will serve, once at
// start-up. Every connection is a descriptor, so the soft limit of 1024 most shells give would
// cap the clients; and the kernel's descriptor table grows by doubling, which in a process with
// more than one thread waits for an RCU grace period inside accept() (about 8 ms on our 2-vCPU
// test machine, once for each doubling: some 60 ms of stalled accepts on the way to 10,000
// connections after a restart). Grown while the process has one thread, it costs no wait.
#include <cstddef>

namespace telemq::server {

// Descriptor slots the table is grown to when max_connections does not say: 65,536 (about
// 0.5 MiB of kernel memory) covers most deployments; beyond it the table still grows on demand.
inline constexpr std::size_t default_descriptor_slots = 65'536;

// Raises the soft RLIMIT_NOFILE to the hard limit, then grows the descriptor table to hold
// `slots` descriptors (at most the limit allows). Call it before the first thread starts.
void prepare_descriptor_table(std::size_t slots);

// The descriptor slots a broker allowing `max_connections` clients (0: no limit) reserves:
// the connections plus room for listeners, the database, logs and the admin API.
std::size_t descriptor_slots_for(std::size_t max_connections);

}  // namespace telemq::server
