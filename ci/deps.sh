# shellcheck shell=bash
# Sourced helper: make sure the Debian packages this project needs are installed.
#
#   source ci/deps.sh
#   aiostreams_install_deps                 # everything in ci/packages.txt
#   aiostreams_ensure_packages pkg1 pkg2    # just these
#
# Installed packages are left alone; `apt-get update` runs at most once, and only when something
# is missing. Not root and something missing: prints the exact command to run, then exits 1.

AIOSTREAMS_PACKAGES_FILE="${AIOSTREAMS_PACKAGES_FILE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/packages.txt}"

# aiostreams_read_packages [file]: the package names in the file, one per line, comments dropped.
aiostreams_read_packages() {
  local file="${1:-$AIOSTREAMS_PACKAGES_FILE}"
  sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$file"
}

# aiostreams_missing_packages pkg...: the ones dpkg does not report as installed.
aiostreams_missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [[ "$status" != "install ok installed" ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# aiostreams_ensure_packages pkg...: installs the missing ones (apt-get update once).
aiostreams_ensure_packages() {
  local -a missing
  mapfile -t missing < <(aiostreams_missing_packages "$@")
  if ((${#missing[@]} == 0)); then
    echo "deps: all ${#} packages installed"
    return 0
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "deps: missing packages: ${missing[*]}" >&2
    echo "deps: run as root:" >&2
    echo "apt-get install -y ${missing[*]}"
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  if [[ -z "${AIOSTREAMS_APT_UPDATED:-}" ]]; then
    apt-get update
    AIOSTREAMS_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# aiostreams_install_deps [file]: aiostreams_ensure_packages for every package in the list.
aiostreams_install_deps() {
  local -a packages
  mapfile -t packages < <(aiostreams_read_packages "${1:-$AIOSTREAMS_PACKAGES_FILE}")
  aiostreams_ensure_packages "${packages[@]}"
}
