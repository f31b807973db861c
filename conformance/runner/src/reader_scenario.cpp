#include "aiostreams/conformance/reader_scenario.hpp"

#include <nlohmann/json.hpp>

#include "aiostreams/conformance/bytes_json.hpp"

namespace aiostreams::conformance {

namespace {
using nlohmann::json;

[[noreturn]] void fail(const std::string& where, const std::string& problem) {
  throw ScenarioError(where.empty() ? problem : where + ": " + problem);
}

std::string bytes_field(const json& value, const std::string& where, const char* field) {
  if (!value.is_string())
    fail(where, std::string("\"") + field + "\" must be a string of bytes (code points U+0000-U+00FF)");
  auto bytes = bytes_from_json_text(value.get_ref<const std::string&>());
  if (!bytes)
    fail(where, std::string("\"") + field + "\" has a code point above U+00FF; each character must be one byte");
  return *bytes;
}

std::int64_t integer_field(const json& value, const std::string& where, const char* field) {
  if (!value.is_number_integer()) fail(where, std::string("\"") + field + "\" must be an integer");
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    fail(where, std::string("\"") + field + "\" is out of range");
  }
  return value.get<std::int64_t>();
}

void reject_unknown_keys(const json& object, std::initializer_list<const char*> allowed, const std::string& where) {
  for (const auto& item : object.items()) {
    bool known = false;
    for (const char* key : allowed) known = known || item.key() == key;
    if (!known) fail(where, "unknown key \"" + item.key() + "\"");
  }
}

ReaderStep::Call parse_call_name(const json& value, const std::string& where) {
  if (!value.is_string()) fail(where, "\"call\" must be a string");
  const auto& name = value.get_ref<const std::string&>();
  for (auto call : {ReaderStep::Call::read, ReaderStep::Call::readline, ReaderStep::Call::readuntil,
                    ReaderStep::Call::readexactly, ReaderStep::Call::at_eof}) {
    if (name == call_name(call)) return call;
  }
  fail(where, "unknown call \"" + name + "\" (expected read, readline, readuntil, readexactly or at_eof)");
}

ReaderStep parse_call(const json& step, const std::string& where) {
  ReaderStep out;
  out.kind = ReaderStep::Kind::call;
  out.call = parse_call_name(step["call"], where);
  switch (out.call) {
    case ReaderStep::Call::read:
      reject_unknown_keys(step, {"call", "n"}, where);
      if (step.contains("n")) out.n = integer_field(step["n"], where, "n");
      break;
    case ReaderStep::Call::readexactly:
      reject_unknown_keys(step, {"call", "n"}, where);
      if (!step.contains("n")) fail(where, "readexactly needs \"n\"");
      out.n = integer_field(step["n"], where, "n");
      break;
    case ReaderStep::Call::readuntil:
      reject_unknown_keys(step, {"call", "separator"}, where);
      if (!step.contains("separator")) {
        out.separators = {"\n"};
      } else if (step["separator"].is_array()) {
        out.separator_is_list = true;
        for (const auto& separator : step["separator"])
          out.separators.push_back(bytes_field(separator, where, "separator"));
      } else {
        out.separators = {bytes_field(step["separator"], where, "separator")};
      }
      break;
    case ReaderStep::Call::readline:
    case ReaderStep::Call::at_eof: reject_unknown_keys(step, {"call"}, where); break;
  }
  return out;
}

ReaderStep parse_step(const json& step, const std::string& where) {
  if (!step.is_object()) fail(where, "a step must be a JSON object");
  ReaderStep out;
  if (step.contains("feed")) {
    reject_unknown_keys(step, {"feed"}, where);
    out.kind = ReaderStep::Kind::feed;
    out.data = bytes_field(step["feed"], where, "feed");
  } else if (step.contains("feed_eof")) {
    reject_unknown_keys(step, {"feed_eof"}, where);
    if (step["feed_eof"] != true) fail(where, "\"feed_eof\" must be true");
    out.kind = ReaderStep::Kind::feed_eof;
  } else if (step.contains("set_exception")) {
    reject_unknown_keys(step, {"set_exception"}, where);
    const json& name = step["set_exception"];
    if (!name.is_string() || !is_known_exception_name(name.get_ref<const std::string&>())) {
      fail(where, "\"set_exception\" must be one of ConnectionResetError, BrokenPipeError, TimeoutError, OSError");
    }
    out.kind = ReaderStep::Kind::set_exception;
    out.exception_name = name.get<std::string>();
  } else if (step.contains("cancel")) {
    reject_unknown_keys(step, {"cancel"}, where);
    if (step["cancel"] != true) fail(where, "\"cancel\" must be true");
    out.kind = ReaderStep::Kind::cancel;
  } else if (step.contains("call")) {
    out = parse_call(step, where);
  } else {
    fail(where, "expected one of \"feed\", \"feed_eof\", \"set_exception\", \"cancel\", \"call\"");
  }
  return out;
}
// Refuses nesting deeper than max_json_depth and more than max_json_values values before
// nlohmann builds anything: one linear pass over the text, outside strings. (Its parser
// callback would do it too, but its end_object rescans the enclosing list: quadratic.)
// A value count is bounded by the commas and the opened lists and objects, plus one.
void check_json_shape(std::string_view text) {
  int depth = 0;
  std::size_t values = 1;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_json_depth) {
        fail("", "JSON nested deeper than the depth limit of " + std::to_string(max_json_depth));
      }
      ++values;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',') {
      ++values;
    }
    if (values > max_json_values) fail("", "more than " + std::to_string(max_json_values) + " JSON values");
  }
}
}  // namespace

const char* call_name(ReaderStep::Call call) {
  switch (call) {
    case ReaderStep::Call::read: return "read";
    case ReaderStep::Call::readline: return "readline";
    case ReaderStep::Call::readuntil: return "readuntil";
    case ReaderStep::Call::readexactly: return "readexactly";
    case ReaderStep::Call::at_eof: return "at_eof";
  }
  return "?";
}

bool is_known_exception_name(std::string_view name) {
  return name == "ConnectionResetError" || name == "BrokenPipeError" || name == "TimeoutError" || name == "OSError";
}

ReaderScenario parse_reader_scenario(std::string_view text) {
  if (text.size() > max_scenario_bytes)
    fail("", "the file is larger than " + std::to_string(max_scenario_bytes) + " bytes");
  // nlohmann's lexer takes a NUL for the end of the input, which would accept anything
  // after it. JSON text has no raw NUL (a string spells it \u0000).
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    fail("", "not valid JSON: a NUL byte at offset " + std::to_string(nul));
  }
  check_json_shape(text);
  json document;
  try {
    document = json::parse(text);
  } catch (const json::exception& e) {
    fail("", std::string("not valid JSON: ") + e.what());
  }
  if (!document.is_object()) fail("", "the top level must be a JSON object");
  reject_unknown_keys(document, {"name", "limit", "transport", "steps"}, "");
  ReaderScenario scenario;
  if (document.contains("name")) {
    if (!document["name"].is_string()) fail("", "\"name\" must be a string");
    scenario.name = document["name"].get<std::string>();
  }
  if (document.contains("limit")) scenario.limit = integer_field(document["limit"], "", "limit");
  if (document.contains("transport")) {
    if (!document["transport"].is_boolean()) fail("", "\"transport\" must be true or false");
    scenario.transport = document["transport"].get<bool>();
  }
  if (!document.contains("steps") || !document["steps"].is_array()) fail("", "\"steps\" must be a list of steps");
  const json& steps = document["steps"];
  if (steps.size() > max_scenario_steps) fail("", "more than " + std::to_string(max_scenario_steps) + " steps");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    scenario.steps.push_back(parse_step(steps[i], "step " + std::to_string(i)));
  }
  return scenario;
}

}  // namespace aiostreams::conformance
