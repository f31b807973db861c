# ctests of the test kit's example (testkit_echo.cpp): the runner a user gets from
# aiostreams::testing::main, seen from the outside.
add_test(NAME testkit_echo_list COMMAND testkit_echo list)
set_tests_properties(testkit_echo_list PROPERTIES
  PASS_REGULAR_EXPRESSION "^echo +clients send lines to an echo server")

# 50 seeds under swarm faults on two worker processes: every seed passes.
add_test(NAME testkit_echo_sweep_swarm_jobs2
  COMMAND testkit_echo sweep --test echo --seeds 1..50 --faults swarm --jobs 2 --check-determinism=0.2)
set_tests_properties(testkit_echo_sweep_swarm_jobs2 PROPERTIES
  PASS_REGULAR_EXPRESSION "echo +swarm +50 +50 +0 ")

# The planted bug: the sweep fails, prints the replay command with the binary's own path, and
# that command, run as printed, fails the same way.
add_test(NAME testkit_echo_planted_bug_replays
  COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:testkit_echo_buggy>
    -P ${CMAKE_CURRENT_SOURCE_DIR}/testkit_replay_check.cmake)

# A bad argument: one line on stderr naming the option and what it expects, exit 2.
add_test(NAME testkit_echo_bad_seeds_exit_2
  COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:testkit_echo>;sweep;--test;echo;--seeds;9..1"
    -DEXPECT_CODE=2 "-DEXPECT_STDERR=^[^\n]*: --seeds: the range A..B needs A <= B, got '9..1'[^\n]*\n$"
    -P ${CMAKE_CURRENT_SOURCE_DIR}/testkit_expect_exit.cmake)
set_tests_properties(testkit_echo_list testkit_echo_sweep_swarm_jobs2 testkit_echo_planted_bug_replays
  testkit_echo_bad_seeds_exit_2 PROPERTIES LABELS testkit TIMEOUT 120)

# Shards with --json and --junit, JUnit parsed back by Python, merged by `aiostreams report merge`.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME testkit_echo_shards_junit_and_merge
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:testkit_echo_buggy> -DCLI=$<TARGET_FILE:aiostreams_cli>
      -DPYTHON=${Python3_EXECUTABLE} -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/testkit_reports
      -P ${CMAKE_CURRENT_SOURCE_DIR}/testkit_reports_check.cmake)
  set_tests_properties(testkit_echo_shards_junit_and_merge PROPERTIES LABELS testkit TIMEOUT 120)
endif()
