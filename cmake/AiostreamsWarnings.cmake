# aiostreams_warnings(target): the compile options of our own targets, never of a consumer's:
#   -Wall -Wextra ..., plus -Werror when AIOSTREAMS_WERROR is on;
#   -fsanitize=address,undefined when AIOSTREAMS_SANITIZE is on;
#   the libFuzzer instrumentation when AIOSTREAMS_FUZZ is on.
# Third-party headers come in as SYSTEM includes and stay quiet.
function(aiostreams_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  # GCC 12 reports false -Wrestrict positives inside std::string at -O3 (GCC bug 105651).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(AIOSTREAMS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()

  set(_sanitize_compile "")
  if(AIOSTREAMS_FUZZ)
    # -fno-sanitize=function: clang 14 cannot emit its prologue data next to the coverage
    # counters in coroutine code ("Cannot represent a difference across sections").
    set(_sanitize_compile -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize=function
                          -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  elseif(AIOSTREAMS_SANITIZE)
    set(_sanitize_compile -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  endif()
  if(_sanitize_compile)
    target_compile_options(${target} PRIVATE ${_sanitize_compile})
    # Whatever links an instrumented library needs the runtimes: PUBLIC reaches our executables and
    # in-tree users of our static libraries; $<BUILD_INTERFACE> keeps it out of the installed
    # package (tests/consumer.cmake passes the flags to its consumers itself).
    target_link_options(${target} PUBLIC $<BUILD_INTERFACE:-fsanitize=address,undefined>)
  endif()
endfunction()
