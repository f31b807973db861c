# The library_only_build test: aiostreams builds as a library alone, with none of what the CLI,
# the tests and the benchmarks need. Two configurations, each in a fresh directory, with
# nlohmann_json, CLI11, Catch2, RapidCheck, Google Benchmark and Python made unfindable
# (CMAKE_DISABLE_FIND_PACKAGE_*: a find_package of them, REQUIRED or not, finds nothing):
#   1. the top level with AIOSTREAMS_BUILD_{CLI,EXAMPLES,TESTS,BENCH,TESTKIT}=OFF: configured and built;
#   2. tests/consumer/subproject: a project that add_subdirectory()s aiostreams with no options
#      at all; it checks, when configured, that nothing of ours is on (-Werror, sanitizers,
#      tests, tools) and that its build type stays unset.
# A REQUIRED find_package of a disabled package is a configure error; CMake's warning that the
# CMAKE_DISABLE_FIND_PACKAGE_* variables went unused means none of them was even looked for.
#
# This file has two roles, as consumer.cmake: included (from consumer.cmake) it adds the test;
# run with -P it does the steps.

if(NOT CMAKE_SCRIPT_MODE_FILE)
  add_test(NAME library_only_build
    COMMAND ${CMAKE_COMMAND}
      "-DAIOSTREAMS_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
      "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/library_only_build"
      "-DGENERATOR=${CMAKE_GENERATOR}"
      "-DCXX_COMPILER=${CMAKE_CXX_COMPILER}"
      "-DCXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}"
      -P "${CMAKE_CURRENT_LIST_FILE}")
  set_tests_properties(library_only_build PROPERTIES
    LABELS "install"
    TIMEOUT 900
    RESOURCE_LOCK aiostreams_library_only_build)
  return()
endif()

foreach(_var AIOSTREAMS_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
    message(FATAL_ERROR "library_only_build: -D${_var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(step name)
  message(STATUS "library_only_build: ${name}")
  execute_process(COMMAND ${ARGN} COMMAND_ECHO STDOUT RESULT_VARIABLE _result)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "library_only_build: step '${name}' failed (${_result})")
  endif()
endfunction()

set(_common_args
  -G "${GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_COMPILER_LAUNCHER}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_rapidcheck=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_Python3=ON)

# 1. The top level, library only. Debug: the fastest build that still compiles every source.
set(_build "${WORK_DIR}/top-level")
step("configure the library alone"
  "${CMAKE_COMMAND}" -S "${AIOSTREAMS_SOURCE_DIR}" -B "${_build}" ${_common_args}
    -DCMAKE_BUILD_TYPE=Debug
    -DAIOSTREAMS_BUILD_CLI=OFF -DAIOSTREAMS_BUILD_EXAMPLES=OFF
    -DAIOSTREAMS_BUILD_TESTS=OFF -DAIOSTREAMS_BUILD_BENCH=OFF -DAIOSTREAMS_BUILD_TESTKIT=OFF)
step("build the library alone" "${CMAKE_COMMAND}" --build "${_build}" -j 2)
foreach(_library core streams tls asio sim)
  if(NOT EXISTS "${_build}/lib/libaiostreams_${_library}.a" AND NOT EXISTS "${_build}/sim/libaiostreams_${_library}.a")
    message(FATAL_ERROR "library_only_build: libaiostreams_${_library}.a was not built")
  endif()
endforeach()
if(EXISTS "${_build}/bin/aiostreams")
  message(FATAL_ERROR "library_only_build: the CLI was built with AIOSTREAMS_BUILD_CLI=OFF")
endif()

# 2. add_subdirectory with no options: configure only (its checks run at configure time).
step("configure a project that add_subdirectory()s aiostreams"
  "${CMAKE_COMMAND}" -S "${AIOSTREAMS_SOURCE_DIR}/tests/consumer/subproject" -B "${WORK_DIR}/subproject"
    ${_common_args}
    -DSUBPROJECT_EXPECTED_BUILD_TYPE=
    "-DAIOSTREAMS_SOURCE_DIR=${AIOSTREAMS_SOURCE_DIR}")
message(STATUS "library_only_build: passed")
