# aiostreams_add_sim_tests(TARGET [SEEDS A..B] [FAULTS SPEC] [JOBS N] [TEST_PREFIX PREFIX]
#                          [EXTRA_ARGS ARG...])
#
# Registers with ctest one test per simulation test of TARGET, a program that calls
# aiostreams::testing::main. The tests are found when ctest runs (as gtest_discover_tests does
# in its PRE_TEST mode): ctest asks `TARGET list`, and each registered test NAME becomes the
# ctest PREFIX NAME, which runs `TARGET sweep --test NAME --seeds A..B --faults SPEC --jobs N
# EXTRA_ARGS...`. Defaults: SEEDS 1..100, FAULTS swarm, JOBS 1, TEST_PREFIX "TARGET.".
# If TARGET cannot list its tests (not built, or it fails), one test named PREFIX"list" fails
# and says why.
function(aiostreams_add_sim_tests target)
  cmake_parse_arguments(arg "" "SEEDS;FAULTS;JOBS;TEST_PREFIX" "EXTRA_ARGS" ${ARGN})
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "aiostreams_add_sim_tests(${target}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "aiostreams_add_sim_tests: ${target} is not a target")
  endif()
  if(NOT DEFINED arg_SEEDS)
    set(arg_SEEDS "1..100")
  endif()
  if(NOT DEFINED arg_FAULTS)
    set(arg_FAULTS "swarm")
  endif()
  if(NOT DEFINED arg_JOBS)
    set(arg_JOBS 1)
  endif()
  if(NOT DEFINED arg_TEST_PREFIX)
    set(arg_TEST_PREFIX "${target}.")
  endif()
  set(_args sweep --seeds "${arg_SEEDS}" --faults "${arg_FAULTS}" --jobs "${arg_JOBS}" ${arg_EXTRA_ARGS})
  list(JOIN _args "]==] [==[" _quoted_args)
  set(_include "${CMAKE_CURRENT_BINARY_DIR}/${target}_sim_tests.cmake")
  file(GENERATE OUTPUT "${_include}" CONTENT
"# Written by aiostreams_add_sim_tests(${target}); ctest reads it before it runs the tests.
set(_exe [==[$<TARGET_FILE:${target}>]==])
set(_prefix [==[${arg_TEST_PREFIX}]==])
execute_process(COMMAND \"\${_exe}\" list OUTPUT_VARIABLE _out ERROR_VARIABLE _err RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  add_test(\"\${_prefix}list\" \"\${CMAKE_COMMAND}\" -E echo \"\${_exe} list failed (\${_rc}): \${_err}\")
  set_tests_properties(\"\${_prefix}list\" PROPERTIES WILL_FAIL TRUE)
  return()
endif()
string(REGEX MATCHALL \"[^\\n]+\" _lines \"\${_out}\")
foreach(_line IN LISTS _lines)
  string(REGEX MATCH \"^[^ \\t]+\" _name \"\${_line}\")
  add_test(\"\${_prefix}\${_name}\" \"\${_exe}\" [==[${_quoted_args}]==] --test \${_name})
endforeach()
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${_include}")
endfunction()
