#include "aiostreams/socket.hpp"

#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <string>

#include "aiostreams/errors.hpp"

using aiostreams::Socket;

TEST_CASE("an empty socket has no descriptor and is false") {
  const Socket empty;
  CHECK(empty.fileno() == -1);
  CHECK_FALSE(empty);
  CHECK(empty.repr() == "<socket.socket [closed] fd=-1>");
  CHECK_THROWS_AS(empty.family(), aiostreams::OSError);
}

TEST_CASE("adopting a negative descriptor is a ValueError") {
  CHECK_THROWS_AS(Socket::adopt(-1), aiostreams::ValueError);
}

TEST_CASE("a socketpair carries bytes both ways and reports its family and type") {
  auto [left, right] = aiostreams::socketpair();
  CHECK(left.family() == AF_UNIX);
  CHECK(left.type() == SOCK_STREAM);
  // Python 3.11: repr(socket.socketpair()[0]) == "<socket.socket fd=3, family=1, type=1, proto=0>"
  CHECK(left.repr() == "<socket.socket fd=" + std::to_string(left.fileno()) + ", family=1, type=1, proto=0>");
  CHECK(left.send("ping") == 4);
  CHECK(right.recv(16) == "ping");
  right.close();
  CHECK(left.recv(16).empty());  // EOF once the peer is closed
}

TEST_CASE("copies share one descriptor: closing one empties all") {
  auto [left, right] = aiostreams::socketpair();
  Socket copy = left;
  CHECK(copy.fileno() == left.fileno());
  copy.close();
  CHECK_FALSE(left);
  CHECK_FALSE(copy);
  CHECK(right.recv(16).empty());  // the descriptor was really closed
}

TEST_CASE("detach gives the descriptor up without closing it") {
  auto [left, right] = aiostreams::socketpair();
  Socket copy = left;
  const int fd = left.detach();
  CHECK(fd >= 0);
  CHECK_FALSE(left);
  CHECK_FALSE(copy);
  Socket again = Socket::adopt(fd);  // still open: it carries bytes
  CHECK(again.send("x") == 1);
  CHECK(right.recv(1) == "x");
}

TEST_CASE("sending on a socket whose peer is gone raises an OSError with its errno") {
  auto [left, right] = aiostreams::socketpair();
  right.close();
  try {
    left.send("into the void");
    FAIL("no error");
  } catch (const aiostreams::OSError& e) {
    CHECK(e.code().value() == EPIPE);
  }
}
