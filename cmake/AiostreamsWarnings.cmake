# aiostreams_warnings(target): our own code builds with -Wall -Wextra (and -Werror when
# AIOSTREAMS_WERROR is on). Third-party headers come in as SYSTEM includes and stay quiet.
function(aiostreams_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(AIOSTREAMS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
