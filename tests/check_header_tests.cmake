# Every public header has a test file of its own, and that file is built:
#   lib/<layer>/include/aiostreams/<name>.hpp  ->  tests/<name>_test.cpp
#   sim/include/aiostreams/sim/<name>.hpp      ->  tests/sim_<name>_test.cpp
#                                                 (tests/<name>_test.cpp when <name> starts with sim_)
#   testing/include/aiostreams/testing/<name>.hpp  ->  tests/testing_<name>_test.cpp
# and each such file is named in tests/CMakeLists.txt. detail/ and backend/ headers are internals.
# Run: cmake -DSOURCE_DIR=<repository> -P tests/check_header_tests.cmake
cmake_minimum_required(VERSION 3.20)
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "pass -DSOURCE_DIR=<repository root>")
endif()

file(GLOB core_headers ${SOURCE_DIR}/lib/*/include/aiostreams/*.hpp)
file(GLOB sim_headers ${SOURCE_DIR}/sim/include/aiostreams/sim/*.hpp)
file(GLOB testing_headers ${SOURCE_DIR}/testing/include/aiostreams/testing/*.hpp)
file(READ ${SOURCE_DIR}/tests/CMakeLists.txt listed)

set(missing "")
foreach(header IN LISTS core_headers sim_headers testing_headers)
  get_filename_component(name ${header} NAME_WE)
  if(header IN_LIST sim_headers AND NOT name MATCHES "^sim_")
    set(name "sim_${name}")
  elseif(header IN_LIST testing_headers)
    set(name "testing_${name}")
  endif()
  set(test_file "${name}_test.cpp")
  file(RELATIVE_PATH shown ${SOURCE_DIR} ${header})
  if(NOT EXISTS ${SOURCE_DIR}/tests/${test_file})
    list(APPEND missing "${shown}: no tests/${test_file}")
  elseif(NOT listed MATCHES "[ \t\n]${test_file}[ \t\n)]")
    list(APPEND missing "${shown}: tests/${test_file} is not in tests/CMakeLists.txt")
  endif()
endforeach()

list(LENGTH core_headers core_count)
list(LENGTH sim_headers sim_count)
list(LENGTH testing_headers testing_count)
if(core_count EQUAL 0 OR sim_count EQUAL 0 OR testing_count EQUAL 0)
  message(FATAL_ERROR "no public headers found under ${SOURCE_DIR}: wrong SOURCE_DIR?")
endif()
if(missing)
  list(JOIN missing "\n  " text)
  message(FATAL_ERROR "public headers without a test file:\n  ${text}")
endif()
math(EXPR total "${core_count} + ${sim_count} + ${testing_count}")
message(STATUS "all ${total} public headers have a test file")
