# aiostreams_warnings(target): our own code builds with -Wall -Wextra (and -Werror when
# AIOSTREAMS_WERROR is on). Third-party headers come in as SYSTEM includes and stay quiet.
function(aiostreams_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  # GCC 12 reports false -Wrestrict positives inside std::string at -O3 (GCC bug 105651).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(AIOSTREAMS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
