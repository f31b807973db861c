# The install_and_consume test: installs the current build into a fresh prefix under the build
# directory, then configures, builds and runs tests/consumer/ against that prefix (through
# CMAKE_PREFIX_PATH only), the way a project that uses aiostreams would. Fails if any step fails.
#
# This file has two roles:
#   include(consumer.cmake)           from tests/CMakeLists.txt: adds the test;
#   cmake -D... -P consumer.cmake     what the test runs: the steps themselves.

if(NOT CMAKE_SCRIPT_MODE_FILE)
  # --- included: add the test ------------------------------------------------------------------
  set(_consumer_cxx_flags "")
  if(AIOSTREAMS_SANITIZE)
    # The installed static libraries are instrumented; the consumer must link the runtimes too.
    set(_consumer_cxx_flags "-fsanitize=address,undefined -fno-omit-frame-pointer")
  endif()
  add_test(NAME install_and_consume
    COMMAND ${CMAKE_COMMAND}
      "-DAIOSTREAMS_BUILD_DIR=${PROJECT_BINARY_DIR}"
      "-DAIOSTREAMS_CONFIG=$<CONFIG>"
      "-DAIOSTREAMS_VERSION=${PROJECT_VERSION}"
      "-DCONSUMER_SOURCE_DIR=${CMAKE_CURRENT_LIST_DIR}/consumer"
      "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/install_and_consume"
      "-DCONSUMER_GENERATOR=${CMAKE_GENERATOR}"
      "-DCONSUMER_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
      "-DCONSUMER_CXX_FLAGS=${_consumer_cxx_flags}"
      -P "${CMAKE_CURRENT_LIST_FILE}")
  set_tests_properties(install_and_consume PROPERTIES
    LABELS "install"
    TIMEOUT 180
    # Two copies of this test (say two ctest invocations) would share WORK_DIR.
    RESOURCE_LOCK aiostreams_install_and_consume)
  unset(_consumer_cxx_flags)
  return()
endif()

# --- script mode: the steps -----------------------------------------------------------------------
foreach(_var AIOSTREAMS_BUILD_DIR AIOSTREAMS_VERSION CONSUMER_SOURCE_DIR WORK_DIR CONSUMER_GENERATOR
             CONSUMER_CXX_COMPILER)
  if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
    message(FATAL_ERROR "install_and_consume: -D${_var}=... is required")
  endif()
endforeach()

set(_prefix "${WORK_DIR}/prefix")
set(_consumer_build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
unset(ENV{DESTDIR})  # would redirect the install away from the prefix we check

# step(<name> <command>...): runs the command, echoing it; stops the test when it fails.
function(step name)
  message(STATUS "install_and_consume: ${name}")
  execute_process(COMMAND ${ARGN}
    COMMAND_ECHO STDOUT
    RESULT_VARIABLE _result)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "install_and_consume: step '${name}' failed (${_result})")
  endif()
endfunction()

set(_config_args "")
set(_build_type_args "")
if(AIOSTREAMS_CONFIG)
  set(_config_args --config "${AIOSTREAMS_CONFIG}")
  set(_build_type_args "-DCMAKE_BUILD_TYPE=${AIOSTREAMS_CONFIG}")
endif()

# 1. Install this build into a fresh prefix.
step("install into ${_prefix}"
  "${CMAKE_COMMAND}" --install "${AIOSTREAMS_BUILD_DIR}" --prefix "${_prefix}" ${_config_args})

# The installed package must not need Asio: it is a private, header-only dependency.
file(GLOB_RECURSE _package_files "${_prefix}/*aiostreams*.cmake")
if(NOT _package_files)
  message(FATAL_ERROR "install_and_consume: no aiostreams package files under ${_prefix}")
endif()
foreach(_file IN LISTS _package_files)
  file(STRINGS "${_file}" _asio_lines REGEX "Asio::|ASIO_")
  if(_asio_lines)
    message(FATAL_ERROR "install_and_consume: ${_file} refers to Asio:\n${_asio_lines}")
  endif()
endforeach()

# 2. Configure the consumer against that prefix, and nothing else.
step("configure the consumer"
  "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${_consumer_build}"
    -G "${CONSUMER_GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CONSUMER_CXX_COMPILER}"
    "-DCMAKE_CXX_FLAGS=${CONSUMER_CXX_FLAGS}"
    "-DCMAKE_PREFIX_PATH=${_prefix}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
    "-DCMAKE_RUNTIME_OUTPUT_DIRECTORY=${_consumer_build}/bin"
    "-DAIOSTREAMS_EXPECTED_VERSION=${AIOSTREAMS_VERSION}"
    ${_build_type_args})

# It must have found the package we just installed, not some other copy.
file(STRINGS "${_consumer_build}/CMakeCache.txt" _found_dir REGEX "^aiostreams_DIR:")
string(REGEX REPLACE "^aiostreams_DIR:[A-Z]+=" "" _found_dir "${_found_dir}")
file(REAL_PATH "${_prefix}" _real_prefix)
if(EXISTS "${_found_dir}")
  file(REAL_PATH "${_found_dir}" _found_dir)
endif()
string(FIND "${_found_dir}" "${_real_prefix}/" _at)
if(NOT _at EQUAL 0)
  message(FATAL_ERROR
    "install_and_consume: the consumer found aiostreams in '${_found_dir}', not under ${_prefix}")
endif()

# 3. Build it.
step("build the consumer" "${CMAKE_COMMAND}" --build "${_consumer_build}" ${_config_args})

# 4. Run it: it prints the version it was compiled against.
set(_exe "${_consumer_build}/bin/aiostreams_consumer")
if(NOT EXISTS "${_exe}" AND AIOSTREAMS_CONFIG)
  set(_exe "${_consumer_build}/bin/${AIOSTREAMS_CONFIG}/aiostreams_consumer")  # multi-config
endif()
message(STATUS "install_and_consume: run the consumer")
execute_process(COMMAND "${_exe}"
  RESULT_VARIABLE _result
  OUTPUT_VARIABLE _output
  ERROR_VARIABLE _error)
message("${_output}${_error}")
if(NOT _result EQUAL 0)
  message(FATAL_ERROR "install_and_consume: the consumer exited with ${_result}")
endif()
if(NOT _output STREQUAL "aiostreams ${AIOSTREAMS_VERSION}\n")
  message(FATAL_ERROR
    "install_and_consume: expected the consumer to print 'aiostreams ${AIOSTREAMS_VERSION}'")
endif()
message(STATUS "install_and_consume: passed")
