// Recorder: a tiny Protocol that records what its transport does to it (for tests
// of the simulated network and of anything else that drives a Transport directly).
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/protocol.hpp"
#include "aiostreams/transport.hpp"

namespace aiostreams::sim::testing {

struct Recorder : aiostreams::Protocol {
  std::shared_ptr<aiostreams::Transport> transport;
  std::string data;
  std::vector<std::string> events;  // "made", "eof", "lost", "lost:<what>", "pause", "resume"
  int chunks = 0;
  int pauses = 0;
  int resumes = 0;
  bool made = false;
  bool lost = false;
  bool echo = false;           // write back what arrives
  bool keep_open = true;       // eof_received()'s answer
  bool pause_on_made = false;  // pause_reading() in connection_made
  std::exception_ptr error;

  void connection_made(std::shared_ptr<aiostreams::Transport> t) override {
    transport = std::move(t);
    made = true;
    events.push_back("made");
    if (pause_on_made) transport->pause_reading();
  }
  void data_received(std::string bytes) override {
    ++chunks;
    if (echo) transport->write(bytes);
    data += bytes;
  }
  bool eof_received() override {
    events.push_back("eof");
    return keep_open;
  }
  void connection_lost(std::exception_ptr e) override {
    lost = true;
    error = e;
    std::string what;
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        what = x.what();
      }
    }
    events.push_back(e ? "lost:" + what : "lost");
    transport.reset();
  }
  void pause_writing() override {
    ++pauses;
    events.push_back("pause");
  }
  void resume_writing() override {
    ++resumes;
    events.push_back("resume");
  }
};

/// A factory that hands out new Recorders and keeps them for the test to inspect.
struct RecorderFactory {
  std::shared_ptr<std::vector<std::shared_ptr<Recorder>>> made =
      std::make_shared<std::vector<std::shared_ptr<Recorder>>>();
  bool echo = false;
  bool keep_open = true;
  bool pause_on_made = false;
  aiostreams::ProtocolFactory factory() const {
    return [made = made, echo = echo, keep_open = keep_open, pause = pause_on_made] {
      auto recorder = std::make_shared<Recorder>();
      recorder->echo = echo;
      recorder->keep_open = keep_open;
      recorder->pause_on_made = pause;
      made->push_back(recorder);
      return std::static_pointer_cast<aiostreams::Protocol>(recorder);
    };
  }
  Recorder& at(std::size_t i) const { return *made->at(i); }
};

}  // namespace aiostreams::sim::testing
