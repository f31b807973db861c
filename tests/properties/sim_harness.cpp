#include "sim_harness.hpp"

#include <algorithm>
#include <exception>
#include <sstream>
#include <utility>

#include "aiostreams/errors.hpp"
#include "aiostreams/protocol.hpp"
#include "aiostreams/run_until_complete.hpp"

namespace props::simnet {

using aiostreams::ClientConnectedCallback;
using aiostreams::ClientConnectedCoroutine;
using aiostreams::StreamReader;
using aiostreams::StreamReaderProtocol;
using aiostreams::StreamWriter;
using aiostreams::Task;
using aiostreams::Transport;

// ---- the plan ----------------------------------------------------------------------------------

aiostreams::sim::NetworkConfig NetPlan::network() const {
  using aiostreams::sim::LatencyModel;
  aiostreams::sim::NetworkConfig config;
  const double a = latency_a_us / 1e6;
  const double b = latency_b_us / 1e6;
  switch (latency_kind) {
    case 1: config.latency = LatencyModel::uniform(a, a + b); break;
    case 2: config.latency = LatencyModel::exponential(a); break;
    case 3: config.latency = LatencyModel::bimodal(a, a + b, slow_share_pct / 100.0); break;
    default: config.latency = LatencyModel::fixed(a); break;
  }
  config.pair_base_latency_max = pair_base_us / 1e6;
  config.bandwidth = bandwidth_kBps * 1000.0;
  config.segmentation_probability = segmentation_pct / 100.0;
  config.mss = static_cast<std::size_t>(2048 - mss_less);
  config.send_buffer = static_cast<std::size_t>(4096 - send_less);
  config.receive_buffer = static_cast<std::size_t>(4096 - receive_less);
  config.max_read = static_cast<std::size_t>(4096 - max_read_less);
  return config;
}

aiostreams::sim::FaultConfig NetPlan::faults() const {
  aiostreams::sim::FaultConfig faults;
  faults.stall = stall ? 1.0 : 0.0;
  faults.stall_min = stall_max_us / 4e6;
  faults.stall_max = stall_max_us / 1e6;
  faults.slow_reader = slow_reader ? 1.0 : 0.0;
  faults.slow_reader_chunk = static_cast<std::size_t>(slow_chunk);
  faults.slow_reader_interval = slow_interval_us / 1e6;
  faults.partition = partition_fault ? 1.0 : 0.0;
  faults.one_way_share = one_way_pct / 100.0;
  faults.partition_min = 0.001;
  faults.partition_max = 0.05;
  faults.reset = reset ? 1.0 : 0.0;
  faults.fault_window = fault_window_us / 1e6;
  return faults;
}

void NetPlan::apply(SimLoop& loop) const {
  aiostreams::sim::Network& net = loop.network();
  net.add_host("server");
  net.add_host("client");
  net.set_config(network());
  net.set_faults(faults());
  for (const PartitionPlan& p : partitions) {
    const double seconds = p.duration_us / 1e6;
    const bool one_way = p.one_way;
    const std::string from = p.client_to_server ? "client" : "server";
    const std::string to = p.client_to_server ? "server" : "client";
    (void)loop.call_at(p.at_us / 1e6,
                       [&net, from, to, seconds, one_way] { net.partition(from, to, seconds, one_way); });
  }
}

void showValue(const NetPlan& p, std::ostream& os) {
  static const char* const kinds[] = {"fixed", "uniform", "exponential", "bimodal"};
  os << "{seed " << p.seed << ", latency " << kinds[p.latency_kind & 3] << "(" << p.latency_a_us << "us";
  if (p.latency_kind == 1 || p.latency_kind == 3) os << ", +" << p.latency_b_us << "us";
  if (p.latency_kind == 3) os << ", slow " << p.slow_share_pct << "%";
  os << "), pair base <= " << p.pair_base_us << "us";
  if (p.bandwidth_kBps > 0) os << ", bandwidth " << p.bandwidth_kBps << " kB/s";
  const auto config = p.network();
  os << ", segmentation " << p.segmentation_pct << "%, mss " << config.mss << ", send_buffer " << config.send_buffer
     << ", receive_buffer " << config.receive_buffer << ", max_read " << config.max_read;
  os << ", faults " << p.faults().to_string();
  if (p.stall) os << " (stall <= " << p.stall_max_us << "us)";
  if (p.slow_reader) os << " (slow reader " << p.slow_chunk << " B / " << p.slow_interval_us << "us)";
  for (const PartitionPlan& part : p.partitions) {
    os << ", partition at " << part.at_us << "us for " << part.duration_us << "us "
       << (part.one_way ? (part.client_to_server ? "client->server" : "server->client") : "both ways");
  }
  os << "}";
}

std::ostream& operator<<(std::ostream& os, const NetPlan& plan) {
  showValue(plan, os);
  return os;
}

rc::Gen<NetPlan> gen_net_plan(FaultMix mix) {
  namespace gen = rc::gen;
  auto partition = gen::build<PartitionPlan>(gen::set(&PartitionPlan::at_us, full_range(0, 200000)),
                                             gen::set(&PartitionPlan::duration_us, full_range(0, 100000)),
                                             gen::set(&PartitionPlan::one_way, gen::arbitrary<bool>()),
                                             gen::set(&PartitionPlan::client_to_server, gen::arbitrary<bool>()));
  // buffer = 4096 - less: any size, or 1..256 bytes (backpressure with little data)
  const auto small_buffer_half_the_time =
      gen::weightedOneOf<int>({{1, full_range(0, 4096)}, {1, full_range(3840, 4096)}});
  return gen::build<NetPlan>(
      gen::set(&NetPlan::seed, full_range<std::uint64_t>(0, std::uint64_t{1} << 32)),
      gen::set(&NetPlan::latency_kind, full_range(0, 4)), gen::set(&NetPlan::latency_a_us, full_range(0, 1001)),
      gen::set(&NetPlan::latency_b_us, full_range(0, 5001)), gen::set(&NetPlan::slow_share_pct, full_range(0, 101)),
      gen::set(&NetPlan::pair_base_us, full_range(0, 2001)),
      gen::set(&NetPlan::bandwidth_kBps, gen::weightedOneOf<int>({{2, gen::just(0)}, {1, full_range(1, 2001)}})),
      gen::set(&NetPlan::segmentation_pct, full_range(0, 101)), gen::set(&NetPlan::mss_less, full_range(0, 2048)),
      gen::set(&NetPlan::send_less, small_buffer_half_the_time),
      gen::set(&NetPlan::receive_less, small_buffer_half_the_time),
      gen::set(&NetPlan::max_read_less, full_range(0, 4096)), gen::set(&NetPlan::stall, gen::arbitrary<bool>()),
      gen::set(&NetPlan::stall_max_us, full_range(1000, 50001)),
      gen::set(&NetPlan::slow_reader, mix.slow_reader ? gen::arbitrary<bool>() : gen::just(false)),
      gen::set(&NetPlan::slow_chunk, full_range(1, 65)), gen::set(&NetPlan::slow_interval_us, full_range(1, 2001)),
      gen::set(&NetPlan::partition_fault, gen::arbitrary<bool>()), gen::set(&NetPlan::one_way_pct, full_range(0, 101)),
      gen::set(&NetPlan::fault_window_us,
               gen::weightedOneOf<int>({{1, full_range(0, 200001)}, {2, full_range(0, 10001)}})),
      gen::set(&NetPlan::reset, mix.reset == FaultMix::Reset::either ? gen::arbitrary<bool>()
                                                                     : gen::just(mix.reset == FaultMix::Reset::on)),
      gen::set(&NetPlan::partitions, gen::scale(0.04, gen::container<std::vector<PartitionPlan>>(partition))));
}

rc::Gen<std::vector<int>> gen_write_sizes(int max_size) {
  return rc::gen::scale(0.1, rc::gen::container<std::vector<int>>(full_range(1, max_size + 1)));
}

rc::Gen<Op> gen_net_op(NetOpMix mix) {
  namespace gen = rc::gen;
  const auto n = full_range<std::int64_t>(1, mix.max_n + 1);
  std::vector<std::pair<std::size_t, rc::Gen<Op>>> choices;
  choices.emplace_back(3, gen::just(Op::readline()));
  choices.emplace_back(2, gen::map(n, &Op::read));
  choices.emplace_back(2, gen::map(n, &Op::readexactly));
  if (mix.readuntil) choices.emplace_back(3, gen::map(gen_separators(mix.pool), &Op::readuntil));
  if (mix.read_all) choices.emplace_back(1, gen::just(Op::read_all()));
  std::size_t total = 0;
  for (const auto& choice : choices) total += choice.first;
  return gen::mapcat(full_range<std::size_t>(0, total), [choices](std::size_t pick) {
    for (const auto& choice : choices) {
      if (pick < choice.first) return choice.second;
      pick -= choice.first;
    }
    return choices.back().second;
  });
}

rc::Gen<std::vector<Op>> gen_net_ops(NetOpMix mix) {
  // At least one call: the first drawn on its own, the rest as a short list.
  const auto one = gen_net_op(mix);
  return rc::gen::map(rc::gen::pair(one, rc::gen::scale(0.1, rc::gen::container<std::vector<Op>>(one))),
                      [](std::pair<Op, std::vector<Op>> drawn) {
                        drawn.second.insert(drawn.second.begin(), std::move(drawn.first));
                        return std::move(drawn.second);
                      });
}

std::string with_short_lines(const std::string& data, std::int64_t limit) {
  std::string out;
  std::int64_t run = 0;
  for (const char c : data) {
    if (c == '\n') {
      run = 0;
    } else if (run == limit) {
      out += '\n';
      run = 1;
    } else {
      ++run;
    }
    out += c;
  }
  return out;
}

// ---- the tap -----------------------------------------------------------------------------------

namespace {

class TapProtocol final : public aiostreams::Protocol {
 public:
  TapProtocol(std::shared_ptr<ServerEnd> end, std::shared_ptr<StreamReaderProtocol> inner)
      : keep_(std::move(end)), end_(*keep_), inner_(std::move(inner)) {}

  void connection_made(std::shared_ptr<Transport> transport) override {
    end_.transport = transport;
    inner_->connection_made(std::move(transport));
  }
  void connection_lost(std::exception_ptr error) override {
    end_.lost = true;
    end_.lost_with_error = error != nullptr;
    inner_->connection_lost(std::move(error));
  }
  void pause_writing() override { inner_->pause_writing(); }
  void resume_writing() override { inner_->resume_writing(); }
  bool eof_received() override {
    if (end_.eof_received) end_.violations.push_back("eof_received() called twice");
    end_.eof_received = true;
    return inner_->eof_received();
  }
  void data_received(std::string data) override {
    StreamReader& reader = *end_.reader;
    const std::size_t size = data.size();
    const std::size_t before = reader.buffered();
    const auto limit = static_cast<std::size_t>(end_.limit);
    const std::size_t exactly = end_.exactly_waiting;
    const std::size_t allowed = std::max(2 * limit, exactly > 0 ? exactly - 1 : 0);
    std::ostringstream problem;
    if (end_.eof_received) problem << "data_received() after eof_received(); ";
    if (reader.reading_paused()) problem << "data_received() while the reader had paused reading; ";
    if (before > allowed)
      problem << "the reader held " << before << " bytes before a chunk (allowed " << allowed << "); ";
    if (end_.max_chunk > 0 && size > end_.max_chunk) {
      problem << "a chunk of " << size << " bytes exceeds max_read " << end_.max_chunk << "; ";
    }
    if (!problem.str().empty()) {  // recorded now: the reader may throw below
      end_.violations.push_back("chunk #" + std::to_string(end_.chunks + 1) + ": " + problem.str());
      problem.str("");
    }
    end_.received += size;
    ++end_.chunks;
    end_.largest_chunk = std::max(end_.largest_chunk, size);
    inner_->data_received(std::move(data));
    const std::size_t after = reader.buffered();
    end_.peak_buffered = std::max(end_.peak_buffered, after);
    end_.paused_ever = end_.paused_ever || reader.reading_paused();
    if (after > allowed + size) {
      problem << "the reader holds " << after << " bytes after a chunk of " << size << " (limit " << limit << "); ";
    }
    if (after > 2 * limit && !reader.reading_paused()) {
      problem << "the reader holds " << after << " > 2*limit bytes and did not pause; ";
    }
    const std::string text = problem.str();
    if (!text.empty()) end_.violations.push_back("chunk #" + std::to_string(end_.chunks) + ": " + text);
  }

 private:
  std::shared_ptr<ServerEnd> keep_;
  ServerEnd& end_;
  std::shared_ptr<StreamReaderProtocol> inner_;
};

}  // namespace

Task<std::shared_ptr<aiostreams::Server>> serve(std::shared_ptr<ServerEnd> end, std::int64_t limit, SessionFn session) {
  aiostreams::Loop& loop = aiostreams::get_running_loop();
  end->limit = limit;
  // Weak: the end holds the writer, which holds the protocol, which holds this callback.
  std::weak_ptr<ServerEnd> weak_end = end;
  ClientConnectedCoroutine wrapped = [weak_end, session](std::shared_ptr<StreamReader> reader,
                                                         std::shared_ptr<StreamWriter> writer) {
    if (auto live = weak_end.lock()) live->writer = writer;
    return session(std::move(reader), std::move(writer));
  };
  auto callback = std::make_shared<const ClientConnectedCallback>(std::move(wrapped));
  aiostreams::ProtocolFactory factory = [&loop, end, callback, limit]() -> std::shared_ptr<aiostreams::Protocol> {
    auto reader = std::make_shared<StreamReader>(limit);
    end->reader = reader;
    auto inner = std::make_shared<StreamReaderProtocol>(loop, reader, callback);
    return std::make_shared<TapProtocol>(end, std::move(inner));
  };
  aiostreams::ServerOptions options;
  options.limit = limit;
  auto creating = loop.create_server(std::move(factory), std::string("0.0.0.0"), 8888, options);
  co_return co_await creating;
}

Task<aiostreams::StreamPair> connect(std::int64_t limit) {
  aiostreams::ConnectOptions options;
  options.limit = limit;
  auto opening = aiostreams::open_connection(std::string("server"), 8888, options);
  co_return co_await opening;
}

Task<Outcome> perform(std::shared_ptr<StreamReader> reader, Op op) {
  Outcome outcome;
  try {
    outcome = Outcome::value(co_await start_read(*reader, op));
  } catch (const aiostreams::IncompleteReadError& e) {
    outcome = Outcome::incomplete(e.partial(), e.expected());
  } catch (const aiostreams::LimitOverrunError& e) {
    outcome = Outcome::overrun(e.consumed(), e.what());
  } catch (const aiostreams::ValueError& e) {
    outcome = Outcome::value_error(e.what());
  } catch (const std::exception& e) {
    outcome.kind = Outcome::Kind::other;
    outcome.message = e.what();
  }
  co_return outcome;
}

// ---- driving -----------------------------------------------------------------------------------

void capture_exceptions(SimLoop& loop, HandlerLog& log) {
  loop.set_exception_handler([&log](const aiostreams::ExceptionContext& context) {
    std::string message = context.message;
    if (context.exception) {
      try {
        std::rethrow_exception(context.exception);
      } catch (const std::exception& e) {
        message += std::string(": ") + e.what();
      } catch (...) {
        message += ": (not a std::exception)";
      }
    }
    log.messages.push_back(std::move(message));
  });
}

void drive(SimLoop& loop, Task<void> main, const std::function<void()>& each_step, double max_seconds) {
  aiostreams::Future<void> future = aiostreams::create_task(loop, std::move(main));
  std::string failure;
  while (!future.done()) {
    if (!loop.run_once()) {
      failure = "deadlock: nothing is ready and no timer is pending, but the run is not finished";
      break;
    }
    if (each_step) each_step();
    if (loop.time() > max_seconds) {
      failure = "hang: virtual time passed " + std::to_string(max_seconds) + " s";
      break;
    }
  }
  if (!failure.empty()) {
    failure += " (virtual time " + std::to_string(loop.time()) + " s)";
    for (const auto& line : loop.describe_pending_tasks()) failure += "\n  " + line;
    RC_FAIL(failure);
  }
  aiostreams::detail::cancel_all_tasks(loop);
  try {
    future.result();
  } catch (const std::exception& e) {
    RC_FAIL(std::string("the main task failed: ") + e.what());
  } catch (const aiostreams::CancelledError&) {
    RC_FAIL("the main task was cancelled");
  }
}

void assert_no_violations(const std::vector<std::string>& violations) {
  if (violations.empty()) return;
  std::string text = std::to_string(violations.size()) + " violation(s):";
  for (const auto& v : violations) text += "\n  " + v;
  RC_FAIL(text);
}

}  // namespace props::simnet
