// BYTES in our JSON files: a JSON string whose code points U+0000-U+00FF are the bytes
// (Python's latin-1), so that any byte string round-trips through JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aiostreams::conformance {

/// Decodes the UTF-8 that a JSON parser produced into bytes. Returns nullopt if a code
/// point is above U+00FF (or the UTF-8 is malformed).
std::optional<std::string> bytes_from_json_text(std::string_view utf8);

/// Encodes bytes as the UTF-8 of the code points U+0000-U+00FF (for a JSON string).
std::string bytes_to_json_text(std::string_view bytes);

}  // namespace aiostreams::conformance
