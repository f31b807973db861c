#!/bin/sh
# reader_script_input.sh KIND CLI: writes a hostile or large scenario file of KIND into a
# temporary directory, runs `CLI reader-script` on it, removes it. The ctests in
# input_limit_tests.cmake match the output.
#   deep      60 MB of '['                     wide      5M values in one list
#   nul       valid JSON, a NUL, then garbage  trailing  valid JSON, then garbage
#   steps     200,000 steps (feed "x\n", readline), printing the last 80 bytes of the result
set -eu
kind="$1"
cli="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
file="$dir/$kind.json"
case "$kind" in
  deep) head -c 60000000 /dev/zero | tr '\000' '[' > "$file" ;;
  wide) { printf '{"steps": ['; yes '0,' | head -n 5000000; printf '0]}'; } > "$file" ;;
  nul) printf '{"steps": []}\000garbage' > "$file" ;;
  trailing) printf '{"steps": []} garbage' > "$file" ;;
  steps)
    awk 'BEGIN {
      printf "{\"steps\": [";
      for (i = 0; i < 100000; i++) printf "%s{\"feed\": \"x\\n\"}, {\"call\": \"readline\"}", (i ? ", " : "");
      print "]}"
    }' > "$file"
    "$cli" reader-script "$file" | tail -c 80
    exit 0 ;;
  *) echo "unknown kind $kind" >&2; exit 2 ;;
esac
"$cli" reader-script "$file" || true
