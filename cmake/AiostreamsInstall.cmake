# AiostreamsInstall: the generated version header, and everything `cmake --install` puts in a
# prefix so that another CMake project can do
#
#   find_package(aiostreams REQUIRED)
#   target_link_libraries(app PRIVATE aiostreams::aiostreams)   # and aiostreams::sim
#
# or one layer: aiostreams::core, ::streams, ::tls, ::asio, ::sim, and the test kit ::testing.
#
# Included at the end of the top-level CMakeLists.txt, when every target exists.
#
# What gets installed:
#   include/aiostreams/...                   lib/*/include, sim/include and testing/include, plus version.hpp
#   lib/libaiostreams_{core,streams,tls,asio,sim,testing}.a
#   lib/cmake/aiostreams/aiostreamsConfig.cmake, ...ConfigVersion.cmake, aiostreamsTargets*.cmake
#   lib/pkgconfig/aiostreams.pc, aiostreams-{core,streams,tls,asio,sim,testing}.pc   (AiostreamsPkgConfig)
#   bin/aiostreams                           the CLI, when built (cli/CMakeLists.txt)
#
# Asio is a private, header-only dependency, and no public header names an Asio type. For a static
# library CMake still records a private dependency in the link interface as
# $<LINK_ONLY:Asio::Asio>, and the installed package would then need an Asio::Asio target (and so
# Asio's headers) in every consumer. Below, Asio is wrapped in $<BUILD_INTERFACE:...> in the link
# interface of the installed targets, so the export drops it. The thread library it brings is a
# public dependency of aiostreams anyway.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(AIOSTREAMS_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/aiostreams"
  CACHE STRING "Where the aiostreams CMake package files are installed, relative to the prefix")
mark_as_advanced(AIOSTREAMS_INSTALL_CMAKEDIR)

# --- version.hpp ---------------------------------------------------------------------------------
# Generated into the build tree, never into the source tree. Public: every target that links
# aiostreams can include <aiostreams/version.hpp>.
set(AIOSTREAMS_GENERATED_INCLUDE_DIR "${PROJECT_BINARY_DIR}/generated/include")
configure_file("${PROJECT_SOURCE_DIR}/cmake/version.hpp.in"
  "${AIOSTREAMS_GENERATED_INCLUDE_DIR}/aiostreams/version.hpp" @ONLY)
# (The installed include directory comes from INCLUDES DESTINATION below.)
target_include_directories(aiostreams_core PUBLIC $<BUILD_INTERFACE:${AIOSTREAMS_GENERATED_INCLUDE_DIR}>)

# --- keep build-only dependencies out of the export ----------------------------------------------
# aiostreams_build_only_dependency(<target> <dependency>): in <target>'s link interface, wrap every
# bare <dependency> in $<BUILD_INTERFACE:...>. A no-op when it is already wrapped (or absent).
function(aiostreams_build_only_dependency target dependency)
  get_target_property(_interface ${target} INTERFACE_LINK_LIBRARIES)
  if(NOT _interface)
    return()
  endif()
  set(_wrapped "$<BUILD_INTERFACE:${dependency}>")
  set(_placeholder "@AIOSTREAMS_ALREADY_BUILD_ONLY@")
  string(REPLACE "${_wrapped}" "${_placeholder}" _interface "${_interface}")
  string(REPLACE "${dependency}" "${_wrapped}" _interface "${_interface}")
  string(REPLACE "${_placeholder}" "${_wrapped}" _interface "${_interface}")
  set_property(TARGET ${target} PROPERTY INTERFACE_LINK_LIBRARIES "${_interface}")
endfunction()

set(AIOSTREAMS_INSTALLED_TARGETS aiostreams_core aiostreams_streams aiostreams_tls aiostreams_asio aiostreams aiostreams_sim)
if(TARGET aiostreams_testing)  # AIOSTREAMS_BUILD_TESTKIT
  list(APPEND AIOSTREAMS_INSTALLED_TARGETS aiostreams_testing)
  # The test kit parses its command line and reports with header-only libraries, privately.
  aiostreams_build_only_dependency(aiostreams_testing CLI11::CLI11)
  aiostreams_build_only_dependency(aiostreams_testing nlohmann_json::nlohmann_json)
endif()
foreach(_target IN LISTS AIOSTREAMS_INSTALLED_TARGETS)
  aiostreams_build_only_dependency(${_target} Asio::Asio)
endforeach()

# --- the dependencies the installed package must find ---------------------------------------------
# Scan the (export-visible part of the) link interfaces for imported targets, and turn each into a
# find_dependency() line of the package config. Threads is always there. A dependency we do not know
# how to find would leave consumers with an unknown target, so it stops the configure here.
set(AIOSTREAMS_CONFIG_DEPENDENCIES "")
set(_known_namespaces Threads OpenSSL nlohmann_json)
set(_find_Threads "find_dependency(Threads)")
set(_find_OpenSSL "find_dependency(OpenSSL)")
set(_find_nlohmann_json "find_dependency(nlohmann_json 3)")
set(_needed Threads)
foreach(_target IN LISTS AIOSTREAMS_INSTALLED_TARGETS)
  get_target_property(_interface ${_target} INTERFACE_LINK_LIBRARIES)
  if(NOT _interface)
    continue()
  endif()
  string(REGEX REPLACE "\\$<BUILD_INTERFACE:[^>]*>" "" _interface "${_interface}")
  string(REGEX MATCHALL "[A-Za-z0-9_.+-]+::[A-Za-z0-9_.+-]+" _imported "${_interface}")
  foreach(_dependency IN LISTS _imported)
    string(REGEX REPLACE "::.*" "" _namespace "${_dependency}")
    if(_namespace STREQUAL "aiostreams")
      continue()
    endif()
    if(NOT _namespace IN_LIST _known_namespaces)
      message(FATAL_ERROR
        "${_target} exports a dependency on ${_dependency}, which the installed aiostreams package "
        "does not know how to find. Either keep it out of the export with "
        "$<BUILD_INTERFACE:${_dependency}> (header-only, private) or add a find_dependency() for "
        "${_namespace} to cmake/AiostreamsInstall.cmake.")
    endif()
    list(APPEND _needed ${_namespace})
  endforeach()
endforeach()
list(REMOVE_DUPLICATES _needed)
foreach(_namespace IN LISTS _needed)
  string(APPEND AIOSTREAMS_CONFIG_DEPENDENCIES "${_find_${_namespace}}\n")
endforeach()

# --- install rules -------------------------------------------------------------------------------
install(TARGETS ${AIOSTREAMS_INSTALLED_TARGETS}
  EXPORT aiostreamsTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(_testing_include "")
if(TARGET aiostreams_testing)
  set(_testing_include "${PROJECT_SOURCE_DIR}/testing/include/")
endif()
install(DIRECTORY
    "${PROJECT_SOURCE_DIR}/lib/core/include/"
    "${PROJECT_SOURCE_DIR}/lib/streams/include/"
    "${PROJECT_SOURCE_DIR}/lib/tls/include/"
    "${PROJECT_SOURCE_DIR}/lib/asio/include/"
    "${PROJECT_SOURCE_DIR}/sim/include/"
    ${_testing_include}
    "${AIOSTREAMS_GENERATED_INCLUDE_DIR}/"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h" PATTERN "*.ipp")

install(EXPORT aiostreamsTargets
  NAMESPACE aiostreams::
  DESTINATION ${AIOSTREAMS_INSTALL_CMAKEDIR})

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/aiostreamsConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/aiostreamsConfig.cmake"
  INSTALL_DESTINATION ${AIOSTREAMS_INSTALL_CMAKEDIR})
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/aiostreamsConfigVersion.cmake"
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES
    "${PROJECT_BINARY_DIR}/aiostreamsConfig.cmake"
    "${PROJECT_BINARY_DIR}/aiostreamsConfigVersion.cmake"
    "${PROJECT_SOURCE_DIR}/cmake/AiostreamsSimTests.cmake"
  DESTINATION ${AIOSTREAMS_INSTALL_CMAKEDIR})

# --- pkg-config files ----------------------------------------------------------------------------
include(AiostreamsPkgConfig)
