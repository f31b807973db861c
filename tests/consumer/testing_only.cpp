// aiostreams::testing alone, from an installed package: a registered simulation test and the
// kit's runner as main. install_and_consume runs `sweep --test tiny --seeds 1..5`.
#include <aiostreams/sleep.hpp>
#include <aiostreams/testing/main.hpp>
#include <aiostreams/testing/sim_test.hpp>

AIOSTREAMS_SIM_TEST("tiny", "a virtual second passes")(aiostreams::testing::SimTest& t) {
  co_await aiostreams::sleep(1.0);
  t.check(t.loop().time() >= 1.0, "virtual time advanced");
}

int main(int argc, char** argv) { return aiostreams::testing::main(argc, argv); }
