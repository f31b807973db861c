# AiostreamsPkgConfig: one pkg-config file per installed target, next to the CMake package in
# <libdir>/pkgconfig, for builds that do not use CMake:
#
#   g++ -std=c++20 app.cpp $(pkg-config --cflags --libs aiostreams)        # the umbrella
#   g++ -std=c++20 test.cpp $(pkg-config --cflags --libs aiostreams-sim)   # the simulator alone
#
# aiostreams.pc is the umbrella; aiostreams-core, -streams, -tls, -asio and -sim are the layers.
# Each file's Requires and Libs come from the target's link interface, so a new link between
# layers shows up here without an edit. The libraries are static, so what a layer links
# privately (libssl, libcrypto) is in Libs, not Libs.private: a plain `pkg-config --libs` must
# link. Asio is header-only and compiled in: it appears nowhere. No -std flag: the consumer
# chooses it (C++20 or later).
#
# The files locate the prefix from their own directory (${pcfiledir}), so an install with
# `cmake --install --prefix ...` anywhere is found through PKG_CONFIG_PATH alone.
#
# Included from AiostreamsInstall.cmake, with AIOSTREAMS_INSTALLED_TARGETS set.

set(AIOSTREAMS_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
  CACHE STRING "Where the aiostreams pkg-config files are installed, relative to the prefix")
mark_as_advanced(AIOSTREAMS_INSTALL_PKGCONFIGDIR)

# The prefix, as seen from the .pc file's directory.
if(IS_ABSOLUTE "${AIOSTREAMS_INSTALL_PKGCONFIGDIR}")
  set(_pc_prefix "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _pc_up "/${AIOSTREAMS_INSTALL_PKGCONFIGDIR}" "/")
  string(REGEX REPLACE "/$" "" _pc_up "${_pc_up}")
  set(_pc_prefix "\${pcfiledir}/${_pc_up}")
endif()
foreach(_dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_dir}}")
    set(_pc_${_dir} "${CMAKE_INSTALL_${_dir}}")
  else()
    set(_pc_${_dir} "\${prefix}/${CMAKE_INSTALL_${_dir}}")
  endif()
endforeach()

# The linker flags of the imported targets the layers may link.
set(_pc_flags_Threads::Threads "-pthread")
foreach(_component SSL Crypto)
  string(TOUPPER "${_component}" _upper)
  set(_library "${OPENSSL_${_upper}_LIBRARY}")
  get_filename_component(_name "${_library}" NAME_WE)
  string(REGEX REPLACE "^lib" "-l" _flag "${_name}")
  get_filename_component(_library_dir "${_library}" DIRECTORY)
  if(_library_dir AND NOT _library_dir IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES)
    set(_flag "-L${_library_dir} ${_flag}")
  endif()
  set(_pc_flags_OpenSSL::${_component} "${_flag}")
endforeach()

# aiostreams_pkg_config_name(<target> <out>): aiostreams -> aiostreams, aiostreams_sim ->
# aiostreams-sim, aiostreams::sim -> aiostreams-sim.
function(aiostreams_pkg_config_name target out)
  if(target MATCHES "^aiostreams(::aiostreams)?$")
    set(${out} aiostreams PARENT_SCOPE)
  elseif(target MATCHES "^aiostreams(_|::)(.+)$")
    set(${out} "aiostreams-${CMAKE_MATCH_2}" PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

foreach(_target IN LISTS AIOSTREAMS_INSTALLED_TARGETS)
  aiostreams_pkg_config_name(${_target} _pc_name)
  get_target_property(_type ${_target} TYPE)
  get_target_property(_interface ${_target} INTERFACE_LINK_LIBRARIES)
  if(NOT _interface)
    set(_interface "")
  endif()
  # What the export keeps: build-only dependencies dropped, link-only ones linked.
  string(REGEX REPLACE "\\$<BUILD_INTERFACE:[^>]*>" "" _interface "${_interface}")
  string(REGEX REPLACE "\\$<LINK_ONLY:([^>]*)>" "\\1" _interface "${_interface}")

  set(_requires "")
  set(_libs "")
  if(NOT _type STREQUAL "INTERFACE_LIBRARY")
    set(_libs "-L\${libdir} -l$<TARGET_FILE_BASE_NAME:${_target}>")
  endif()
  foreach(_dependency IN LISTS _interface)
    aiostreams_pkg_config_name("${_dependency}" _dependency_name)
    if(_dependency_name)
      list(APPEND _requires ${_dependency_name})
    elseif(DEFINED "_pc_flags_${_dependency}")
      string(APPEND _libs " ${_pc_flags_${_dependency}}")
    elseif(NOT _dependency STREQUAL "")
      message(FATAL_ERROR
        "${_target} links ${_dependency}, which cmake/AiostreamsPkgConfig.cmake cannot express in "
        "${_pc_name}.pc: add its linker flags there.")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES _requires)
  string(REPLACE ";" ", " _requires "${_requires}")
  string(STRIP "${_libs}" _libs)

  if(_pc_name STREQUAL "aiostreams")
    set(_description "Python's asyncio streams in C++20: the streams API with its Asio backend")
  else()
    string(REGEX REPLACE "^aiostreams-" "" _layer "${_pc_name}")
    set(_description "aiostreams, one layer: ${_layer}")
  endif()
  set(_cflags "-I\${includedir}")
  if(_type STREQUAL "INTERFACE_LIBRARY")
    set(_cflags "")  # the layers it requires bring the include directory
  endif()
  # file(GENERATE): $<TARGET_FILE_BASE_NAME> is only known at generation time.
  file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/pkgconfig/${_pc_name}.pc" CONTENT
"prefix=${_pc_prefix}
libdir=${_pc_LIBDIR}
includedir=${_pc_INCLUDEDIR}

Name: ${_pc_name}
Description: ${_description}
Version: ${PROJECT_VERSION}
Requires: ${_requires}
Cflags: ${_cflags}
Libs: ${_libs}
")
  install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/${_pc_name}.pc" DESTINATION ${AIOSTREAMS_INSTALL_PKGCONFIGDIR})
endforeach()
