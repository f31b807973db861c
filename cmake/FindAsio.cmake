# FindAsio
# --------
#
# Finds standalone Asio (the header-only library, not Boost.Asio). Debian ships it as
# libasio-dev, with no CMake package of its own, so this module looks for the headers.
#
# Imported target:
#
#   Asio::Asio     INTERFACE target: the include directory (as SYSTEM, so Asio's own
#                  warnings never fail a -Werror build), ASIO_STANDALONE, ASIO_NO_DEPRECATED,
#                  and Threads::Threads.
#
# Result variables:
#
#   Asio_FOUND         true when asio.hpp was found
#   Asio_INCLUDE_DIRS  the directory holding asio.hpp
#   Asio_VERSION       e.g. 1.22.1, read from asio/version.hpp
#
# Cache variable:
#
#   Asio_INCLUDE_DIR   where asio.hpp lives; set it to point at another copy
#
# Honours REQUIRED, QUIET and a version request (find_package(Asio 1.18)).

find_path(Asio_INCLUDE_DIR
  NAMES asio.hpp
  PATH_SUFFIXES asio/include
  DOC "Directory holding standalone Asio's asio.hpp")
mark_as_advanced(Asio_INCLUDE_DIR)

# A hand-set Asio_INCLUDE_DIR is not searched, so check that it holds asio.hpp.
set(Asio_HEADER "")
if(Asio_INCLUDE_DIR AND EXISTS "${Asio_INCLUDE_DIR}/asio.hpp")
  set(Asio_HEADER "${Asio_INCLUDE_DIR}/asio.hpp")
endif()

set(Asio_VERSION "")
if(Asio_HEADER AND EXISTS "${Asio_INCLUDE_DIR}/asio/version.hpp")
  # The line reads: #define ASIO_VERSION 102201 // 1.22.1  (major*100000 + minor*100 + patch)
  file(STRINGS "${Asio_INCLUDE_DIR}/asio/version.hpp" _asio_version_line
    REGEX "^#[ \t]*define[ \t]+ASIO_VERSION[ \t]+[0-9]+")
  if(_asio_version_line MATCHES "ASIO_VERSION[ \t]+([0-9]+)")
    set(_asio_version_number "${CMAKE_MATCH_1}")
    math(EXPR _asio_major "${_asio_version_number} / 100000")
    math(EXPR _asio_minor "${_asio_version_number} / 100 % 1000")
    math(EXPR _asio_patch "${_asio_version_number} % 100")
    set(Asio_VERSION "${_asio_major}.${_asio_minor}.${_asio_patch}")
  endif()
  unset(_asio_version_line)
  unset(_asio_version_number)
  unset(_asio_major)
  unset(_asio_minor)
  unset(_asio_patch)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Asio
  REQUIRED_VARS Asio_INCLUDE_DIR Asio_HEADER
  VERSION_VAR Asio_VERSION
  REASON_FAILURE_MESSAGE "Install libasio-dev, or set Asio_INCLUDE_DIR to the directory holding asio.hpp.")
unset(Asio_HEADER)

if(Asio_FOUND)
  set(Asio_INCLUDE_DIRS "${Asio_INCLUDE_DIR}")

  # Asio needs the platform's thread library; forward our own QUIET so a quiet search stays
  # quiet. Threads is found REQUIRED by the top-level project anyway.
  if(NOT TARGET Threads::Threads)
    if(Asio_FIND_QUIETLY)
      find_package(Threads QUIET)
    else()
      find_package(Threads)
    endif()
  endif()

  if(NOT TARGET Asio::Asio)
    add_library(Asio::Asio INTERFACE IMPORTED)
    set_target_properties(Asio::Asio PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${Asio_INCLUDE_DIR}"
      INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${Asio_INCLUDE_DIR}"
      INTERFACE_COMPILE_DEFINITIONS "ASIO_STANDALONE;ASIO_NO_DEPRECATED")
    if(TARGET Threads::Threads)
      set_property(TARGET Asio::Asio PROPERTY INTERFACE_LINK_LIBRARIES Threads::Threads)
    endif()
  endif()
endif()
