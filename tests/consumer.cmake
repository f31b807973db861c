# The install_and_consume test: installs the current build into a fresh prefix under the build
# directory, then uses that prefix the ways a project that uses aiostreams would, and fails if any
# step fails:
#   - CMake (tests/consumer/, through CMAKE_PREFIX_PATH only): the umbrella and the simulator; the
#     simulator alone (sim_only.cpp, an echo on a SimLoop), built with every Asio and OpenSSL header
#     replaced by an #error and with no Asio or OpenSSL include directory on its command line; the
#     Asio backend alone (asio_only.cpp, an echo over loopback). Each one runs.
#   - pkg-config alone (PKG_CONFIG_LIBDIR = the prefix's pkgconfig directory): main.cpp with
#     `aiostreams aiostreams-sim`, sim_only.cpp with `aiostreams-sim` (poisoned headers again),
#     testing_only.cpp (the test kit: a registered test, swept) with `aiostreams-testing`.
#   - the installed CLI: bin/aiostreams --help and one simulated run.
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
      "-DASIO_INCLUDE_DIR=${Asio_INCLUDE_DIR}"
      "-DOPENSSL_INCLUDE_DIR=${OPENSSL_INCLUDE_DIR}"
      -P "${CMAKE_CURRENT_LIST_FILE}")
  set_tests_properties(install_and_consume PROPERTIES
    LABELS "install"
    # Five small programs built and run: slow on a loaded machine (ci/test runs tests in parallel).
    TIMEOUT 600
    # Two copies of this test (say two ctest invocations) would share WORK_DIR.
    RESOURCE_LOCK aiostreams_install_and_consume)
  unset(_consumer_cxx_flags)
  include("${CMAKE_CURRENT_LIST_DIR}/library_only.cmake")
  return()
endif()

# --- script mode: the steps -----------------------------------------------------------------------
foreach(_var AIOSTREAMS_BUILD_DIR AIOSTREAMS_VERSION CONSUMER_SOURCE_DIR WORK_DIR CONSUMER_GENERATOR
             CONSUMER_CXX_COMPILER ASIO_INCLUDE_DIR OPENSSL_INCLUDE_DIR)
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

# Every Asio and OpenSSL header, as an #error: a directory searched before the system ones makes
# any #include of them fail, wherever it comes from.
set(_poison "${WORK_DIR}/poisoned-headers")
file(GLOB_RECURSE _asio_headers RELATIVE "${ASIO_INCLUDE_DIR}" "${ASIO_INCLUDE_DIR}/asio/*")
file(GLOB_RECURSE _openssl_headers RELATIVE "${OPENSSL_INCLUDE_DIR}" "${OPENSSL_INCLUDE_DIR}/openssl/*")
if(NOT _asio_headers OR NOT _openssl_headers)
  message(FATAL_ERROR "install_and_consume: no Asio headers in ${ASIO_INCLUDE_DIR} or no OpenSSL headers in "
    "${OPENSSL_INCLUDE_DIR}: nothing to poison")
endif()
# CLI11 and nlohmann/json too: the test kit uses them privately, its consumers never see them.
foreach(_header asio.hpp CLI/CLI.hpp nlohmann/json.hpp ${_asio_headers} ${_openssl_headers})
  file(WRITE "${_poison}/${_header}" "#error \"a consumer of aiostreams::sim included <${_header}>\"\n")
endforeach()

# The poison works: a file that includes them does not compile.
foreach(_header asio.hpp openssl/ssl.h)
  file(WRITE "${WORK_DIR}/includes_poisoned.cpp" "#include <${_header}>\n")
  execute_process(COMMAND "${CONSUMER_CXX_COMPILER}" -std=c++20 -fsyntax-only "-I${_poison}" "${WORK_DIR}/includes_poisoned.cpp"
    RESULT_VARIABLE _result OUTPUT_QUIET ERROR_QUIET)
  if(_result EQUAL 0)
    message(FATAL_ERROR "install_and_consume: <${_header}> compiles with the poisoned headers first")
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
    "-DPOISONED_INCLUDE_DIR=${_poison}"
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
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

# The simulator's compile command names no Asio or OpenSSL include directory (the poisoned one
# aside): its installed link interface brings none (linking libssl is fine, its headers are not).
file(READ "${_consumer_build}/compile_commands.json" _commands)
string(REGEX MATCH "\"command\": \"[^\"]*sim_only\\.cpp[^\"]*\"" _sim_command "${_commands}")
if(NOT _sim_command)
  message(FATAL_ERROR "install_and_consume: no compile command for sim_only.cpp")
endif()
# (Our own paths are left out: a checkout may well live under a directory named asio.)
string(REPLACE "${WORK_DIR}" "" _sim_command_rest "${_sim_command}")
string(REPLACE "${CONSUMER_SOURCE_DIR}" "" _sim_command_rest "${_sim_command_rest}")
if(_sim_command_rest MATCHES "asio|openssl|ssl")
  message(FATAL_ERROR "install_and_consume: sim_only.cpp's compile command mentions Asio or OpenSSL:\n${_sim_command}")
endif()
message(STATUS "install_and_consume: sim_only.cpp compiled as ${_sim_command}")

# run(<name> <expected output regex> <command>...): runs a program, echoing what it printed;
# stops the test when it fails or prints something else.
function(run name expected)
  message(STATUS "install_and_consume: run ${name}")
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE _result
    OUTPUT_VARIABLE _output
    ERROR_VARIABLE _error)
  message("${_output}${_error}")
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "install_and_consume: ${name} exited with ${_result}")
  endif()
  if(NOT "${_output}${_error}" MATCHES "${expected}")
    message(FATAL_ERROR "install_and_consume: expected ${name} to print '${expected}'")
  endif()
endfunction()

# exe(<name> <out>): the consumer's program <name> (single- or multi-config).
function(exe name out)
  set(_exe "${_consumer_build}/bin/${name}")
  if(NOT EXISTS "${_exe}" AND AIOSTREAMS_CONFIG)
    set(_exe "${_consumer_build}/bin/${AIOSTREAMS_CONFIG}/${name}")
  endif()
  set(${out} "${_exe}" PARENT_SCOPE)
endfunction()

# 4. Run them. The first prints the version it was compiled against.
string(REPLACE "." "\\." _version_regex "${AIOSTREAMS_VERSION}")
exe(aiostreams_consumer _exe)
run(aiostreams_consumer "^aiostreams ${_version_regex}\n$" "${_exe}")
exe(sim_only_consumer _exe)
run(sim_only_consumer "^sim echo: 3 of 3 lines\n$" "${_exe}")
exe(asio_only_consumer _exe)
run(asio_only_consumer "^asio echo: 3 of 3 lines\n$" "${_exe}")
exe(testing_only_consumer _exe)
run(testing_only_consumer "tiny +none +5 +5 +0 " "${_exe}" sweep --test tiny --seeds 1..5)

# 5. pkg-config alone: only our .pc files are visible, and only the compiler's own flags besides.
find_program(_pkg_config NAMES pkg-config pkgconf)
if(NOT _pkg_config)
  message(FATAL_ERROR "install_and_consume: pkg-config not found (Debian package pkg-config)")
endif()
file(GLOB_RECURSE _umbrella_pc "${_prefix}/*/aiostreams.pc")
if(NOT _umbrella_pc)
  message(FATAL_ERROR "install_and_consume: no aiostreams.pc under ${_prefix}")
endif()
get_filename_component(_pc_dir "${_umbrella_pc}" DIRECTORY)
set(ENV{PKG_CONFIG_LIBDIR} "${_pc_dir}")
unset(ENV{PKG_CONFIG_PATH})
separate_arguments(_consumer_flags UNIX_COMMAND "${CONSUMER_CXX_FLAGS}")

# pkg_config_build(<name> <source> <package>...): compiles and links <source> with the flags
# `pkg-config --cflags --libs <package>...` prints, plus <extra> from the caller's _extra.
function(pkg_config_build name source)
  execute_process(COMMAND "${_pkg_config}" --cflags --libs ${ARGN}
    RESULT_VARIABLE _result OUTPUT_VARIABLE _flags ERROR_VARIABLE _error OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "install_and_consume: pkg-config ${ARGN} failed: ${_error}")
  endif()
  string(REPLACE ";" " " _packages "${ARGN}")
  message(STATUS "install_and_consume: pkg-config --cflags --libs ${_packages}: ${_flags}")
  separate_arguments(_flags UNIX_COMMAND "${_flags}")
  step("build ${name} with pkg-config ${_packages}"
    "${CONSUMER_CXX_COMPILER}" -std=c++20 ${_consumer_flags} ${_extra}
      "${CONSUMER_SOURCE_DIR}/${source}" ${_flags} -o "${WORK_DIR}/pkg-config/${name}")
endfunction()
file(MAKE_DIRECTORY "${WORK_DIR}/pkg-config")
set(_extra "")
pkg_config_build(umbrella_consumer main.cpp aiostreams aiostreams-sim)
run("umbrella_consumer (pkg-config)" "^aiostreams ${_version_regex}\n$" "${WORK_DIR}/pkg-config/umbrella_consumer")
set(_extra "-I${_poison}")
pkg_config_build(sim_only_consumer sim_only.cpp aiostreams-sim)
run("sim_only_consumer (pkg-config)" "^sim echo: 3 of 3 lines\n$" "${WORK_DIR}/pkg-config/sim_only_consumer")
pkg_config_build(testing_only_consumer testing_only.cpp aiostreams-testing)
run("testing_only_consumer (pkg-config)" "tiny +none +5 +5 +0 " "${WORK_DIR}/pkg-config/testing_only_consumer" sweep
  --test tiny --seeds 1..5)

# 6. The installed CLI runs.
run("bin/aiostreams --help" "usage: aiostreams" "${_prefix}/bin/aiostreams" --help)
run("bin/aiostreams sim run" "ok: 100 round trips" "${_prefix}/bin/aiostreams" sim run --workload echo --seed 1)

message(STATUS "install_and_consume: passed")
