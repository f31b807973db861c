#include "aiostreams/socket_address.hpp"

#include <catch2/catch.hpp>
#include <string>

using aiostreams::SocketAddress;

TEST_CASE("an IPv4 address prints as host:port") {
  CHECK(SocketAddress{"127.0.0.1", 8888, ""}.to_string() == "127.0.0.1:8888");
}

TEST_CASE("an IPv6 address prints in brackets before the port") {
  CHECK(SocketAddress{"::1", 8888, ""}.to_string() == "[::1]:8888");
}

TEST_CASE("a Unix socket address is its path, abstract names included") {
  const SocketAddress path{"", 0, "/tmp/app.sock"};
  CHECK(path.is_unix());
  CHECK(path.to_string() == "/tmp/app.sock");
  const SocketAddress abstract{"", 0, std::string("\0app", 4)};
  CHECK(abstract.is_unix());
  CHECK(abstract.to_string() == std::string("\0app", 4));
}

TEST_CASE("a TCP address is not a Unix one, and addresses compare by every field") {
  CHECK_FALSE((SocketAddress{"127.0.0.1", 1, ""}.is_unix()));
  CHECK_FALSE(SocketAddress{}.is_unix());
  CHECK(SocketAddress{"127.0.0.1", 1, ""} == SocketAddress{"127.0.0.1", 1, ""});
  CHECK_FALSE(SocketAddress{"127.0.0.1", 1, ""} == SocketAddress{"127.0.0.1", 2, ""});
  CHECK_FALSE(SocketAddress{"", 0, "/a"} == SocketAddress{"", 0, "/b"});
}
