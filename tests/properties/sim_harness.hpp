// Shared pieces of the properties that drive the simulated network (sim_*_property.cpp):
// a generated network and fault plan (NetPlan) that RapidCheck shrinks towards a quiet
// network, a server whose one connection is observed by a tap protocol (ServerEnd), a
// client connector, and drive(), which runs the loop one iteration at a time, calls a check
// after every iteration and turns a deadlock or a hang into a property failure.
//
// A property builds its state (a struct that outlives the loop), then the SimLoop, applies
// the plan, and drives a main task: the server listens on host "server" port 8888 and the
// client connects from host "client".
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "aiostreams/server.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/stream_reader.hpp"
#include "aiostreams/stream_reader_protocol.hpp"
#include "aiostreams/stream_writer.hpp"
#include "aiostreams/streams.hpp"
#include "aiostreams/task.hpp"
#include "harness.hpp"

namespace props::simnet {

using aiostreams::sim::SimLoop;

/// A partition set by hand (Network::partition) at a generated virtual time.
struct PartitionPlan {
  int at_us = 0;
  int duration_us = 0;
  bool one_way = false;
  bool client_to_server = true;  // the blocked direction when one_way
};

/// The network and its faults, as generated. Every field shrinks towards the quiet network:
/// fixed zero latency, no segmentation, unlimited bandwidth, 2-4 KiB buffers, no fault.
/// Probabilities are 0 or 1 so that a fault is either on (and shrinks to off) or off; the
/// moments the sim draws for it come from `seed`.
struct NetPlan {
  std::uint64_t seed = 0;
  int latency_kind = 0;  // 0 fixed, 1 uniform, 2 exponential, 3 bimodal
  int latency_a_us = 0;
  int latency_b_us = 0;  // uniform: max - min; bimodal: slow - fast
  int slow_share_pct = 0;
  int pair_base_us = 0;
  int bandwidth_kBps = 0;  // 0: unlimited
  int segmentation_pct = 0;
  int mss_less = 0;       // mss = 2048 - mss_less
  int send_less = 0;      // send_buffer = 4096 - send_less
  int receive_less = 0;   // receive_buffer = 4096 - receive_less
  int max_read_less = 0;  // max_read = 4096 - max_read_less
  bool stall = false;
  int stall_max_us = 1000;
  bool slow_reader = false;
  int slow_chunk = 1;
  int slow_interval_us = 1;
  bool partition_fault = false;
  int one_way_pct = 50;
  int fault_window_us = 0;
  bool reset = false;
  std::vector<PartitionPlan> partitions;

  aiostreams::sim::NetworkConfig network() const;
  aiostreams::sim::FaultConfig faults() const;
  /// Adds hosts "server" and "client", sets the config and the faults, and schedules the
  /// hand-made partitions.
  void apply(SimLoop& loop) const;
};

void showValue(const NetPlan& plan, std::ostream& os);
std::ostream& operator<<(std::ostream& os, const NetPlan& plan);

/// Which faults a property allows.
struct FaultMix {
  enum class Reset : std::uint8_t { off, on, either };
  Reset reset = Reset::off;
  bool slow_reader = true;
};
rc::Gen<NetPlan> gen_net_plan(FaultMix mix = {});

/// Write sizes for a client, cycled (empty: one write of everything).
rc::Gen<std::vector<int>> gen_write_sizes(int max_size);

/// Inserts "\n" so that no run of other bytes is longer than `limit`: readline then never
/// overruns, whatever the chunking.
std::string with_short_lines(const std::string& data, std::int64_t limit);

// ---- the server end, observed ------------------------------------------------------------

/// The server side of the property's one connection. A tap protocol sits between the
/// transport and the StreamReaderProtocol: it counts what the reader was fed and checks the
/// flow-control bound at every data_received().
struct ServerEnd {
  std::shared_ptr<aiostreams::StreamReader> reader;
  std::shared_ptr<aiostreams::StreamWriter> writer;
  std::shared_ptr<aiostreams::Transport> transport;
  std::int64_t limit = 0;
  std::size_t max_chunk = 0;  // the largest data_received() allowed (max_read)
  std::size_t received = 0;   // bytes fed to the reader
  std::size_t chunks = 0;
  std::size_t largest_chunk = 0;
  std::size_t peak_buffered = 0;  // the most the reader ever held
  bool paused_ever = false;
  std::size_t exactly_waiting = 0;  // set by a consumer: n of a readexactly(n) in flight
  bool eof_received = false;
  bool lost = false;
  bool lost_with_error = false;
  std::vector<std::string> violations;

  /// The bytes the reader holds are data[received - buffered, received): the position of
  /// the next byte a read returns.
  std::size_t position() const { return received - reader->buffered(); }
};

/// Declare right after the SimLoop: drops what `end` holds before the loop goes away (the
/// server's writer holds its protocol, which holds the handler task of that loop).
struct ReleaseBeforeLoop {
  ServerEnd& end;
  ~ReleaseBeforeLoop() {
    end.writer.reset();
    end.reader.reset();
    end.transport.reset();
  }
};

/// Runs `f` when it goes out of scope: declared right after the SimLoop, it drops the
/// futures of that loop a property keeps in its (longer-lived) state.
template <class F>
struct BeforeLoopEnds {
  F f;
  ~BeforeLoopEnds() { f(); }
};
template <class F>
BeforeLoopEnds(F) -> BeforeLoopEnds<F>;

using SessionFn = std::function<aiostreams::Task<void>(std::shared_ptr<aiostreams::StreamReader>,
                                                       std::shared_ptr<aiostreams::StreamWriter>)>;

/// Starts the server on host "server", port 8888 (run it with spawn_on(loop, "server", ...)).
/// Each connection's reader has `limit`; `session` runs as its client_connected_cb after
/// `end` has been filled in.
aiostreams::Task<std::shared_ptr<aiostreams::Server>> serve(std::shared_ptr<ServerEnd> end, std::int64_t limit,
                                                            SessionFn session);

/// open_connection("server", 8888) with the given reader limit (run it on host "client").
aiostreams::Task<aiostreams::StreamPair> connect(std::int64_t limit = 1 << 16);

// ---- driving the loop ----------------------------------------------------------------------

/// What a run reported to the loop's exception handler.
struct HandlerLog {
  std::vector<std::string> messages;
};
/// Routes the loop's exception handler into `log` (nothing is printed).
void capture_exceptions(SimLoop& loop, HandlerLog& log);

/// Runs `main` as a task on `loop` one run_once() at a time, calling `each_step` (if set)
/// after every iteration. Fails the property (RC_FAIL) on a deadlock, with what every task
/// waits on, or once virtual time passes `max_seconds`. Then cancels what is left, as run().
void drive(SimLoop& loop, aiostreams::Task<void> main, const std::function<void()>& each_step = {},
           double max_seconds = 600.0);

/// A read call for the network properties: readline, read(n) and readexactly(n) with n in
/// [1, max_n], and, when asked, readuntil over `pool` and read().
struct NetOpMix {
  std::int64_t max_n = 64;
  bool readuntil = false;
  bool read_all = false;
  std::vector<std::string> pool = {"\n", "\r\n", "b"};
};
rc::Gen<Op> gen_net_op(NetOpMix mix);
rc::Gen<std::vector<Op>> gen_net_ops(NetOpMix mix);

/// While alive, tells the tap that a readexactly(n) is in flight (it may hold n-1 bytes).
struct ExactlyInFlight {
  ExactlyInFlight(ServerEnd& end, const Op& op) : end_(end) {
    if (op.kind == Op::Kind::readexactly) end_.exactly_waiting = static_cast<std::size_t>(op.n);
  }
  ~ExactlyInFlight() { end_.exactly_waiting = 0; }
  ExactlyInFlight(const ExactlyInFlight&) = delete;
  ExactlyInFlight& operator=(const ExactlyInFlight&) = delete;

 private:
  ServerEnd& end_;
};

// ---- the transfer workload (sim_transfer_property.cpp) -----------------------------------------

/// A client writes `data` in `writes` sizes (cycled), draining after each write, then
/// write_eof(), then reads until the server closes. The server reads with `ops` (cycled)
/// until EOF or an error, then closes.
struct TransferInput {
  NetPlan plan;
  std::string data;
  std::vector<int> writes;
  std::vector<Op> ops;
  std::int64_t limit = 1 << 16;
};
void showValue(const TransferInput& input, std::ostream& os);
/// Data over a small binary alphabet with lines no longer than the limit (so that readline
/// never overruns), limits from 1 up, write sizes, and readline/read(n)/readexactly(n) calls.
rc::Gen<TransferInput> gen_transfer_input(FaultMix mix);

enum class Ending : std::uint8_t { none, eof, reset, other };
struct TransferRun {
  explicit TransferRun(TransferInput input) : in(std::move(input)) {}
  TransferInput in;
  std::shared_ptr<ServerEnd> end = std::make_shared<ServerEnd>();
  bool session_started = false;
  std::string received;  // every byte the server's reads returned, in order
  Ending ending = Ending::none;
  std::string server_error;
  bool at_eof_after_end = false;
  bool client_finished = false;  // wrote everything, write_eof(), read the server's EOF
  bool client_reset = false;
  std::string client_error;
  std::optional<aiostreams::Future<void>> server_done;
};
/// The main task of a transfer (the plan must already be applied to `loop`).
aiostreams::Task<void> transfer_main(SimLoop& loop, std::shared_ptr<TransferRun> run);

/// Runs one read call and returns its outcome (kind and bytes only). CancelledError
/// propagates.
aiostreams::Task<Outcome> perform(std::shared_ptr<aiostreams::StreamReader> reader, Op op);

/// RC_FAIL with every violation a run recorded, if any.
void assert_no_violations(const std::vector<std::string>& violations);

}  // namespace props::simnet
