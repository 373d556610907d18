#!/usr/bin/env bash
# End-to-end figures against a real control plane (scripts/kube-control-plane.sh build must have run once):
# repeats the scale-up scenario (ScaleUpE2E) and runs the crash scenario (CrashE2E, the controller as its own
# process), then prints the latencies and the controller's memory. Prints figures; asserts nothing about speed.
#
#   scripts/bench-e2e.sh [ROUNDS]        ROUNDS scale-up rounds, default 5
#
# Environment: BUILD_DIR (default /tmp/build-bench-e2e), MVN_ARGS (extra Maven arguments, e.g. -o).
set -euo pipefail

rounds="${1:-5}"
case "$rounds" in
  '' | *[!0-9]*) echo "usage: $0 [ROUNDS]" >&2; exit 2 ;;
esac
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-/tmp/build-bench-e2e}"
log="$(mktemp "${TMPDIR:-/tmp}/bench-e2e.XXXXXX.log")"

echo "bench-e2e: $rounds scale-up round(s) and the crash scenario; Maven output in $log" >&2
cd "$here"
# shellcheck disable=SC2086 # MVN_ARGS is a list of arguments
if ! nice -n 19 mvn -B ${MVN_ARGS:-} -Dbuild.dir="$build_dir" verify -Pe2e \
    -Dit.test='ScaleUpE2E,CrashE2E' -De2e.repeat="$rounds" >"$log" 2>&1; then
  grep -a '\[e2e\]' "$log" || true
  echo "bench-e2e: the run failed; see $log" >&2
  exit 1
fi

echo "== per round"
grep -a '^\[e2e\] scale-up round' "$log" | sed 's/^\[e2e\] /  /'
echo "== scale-up, all rounds (targets for reference: p50 <= 1.5 s, p99 <= 2.5 s)"
grep -a '^\[e2e\] scale-up over' "$log" | sed 's/^\[e2e\] /  /'
echo "== controller as its own process (CrashE2E)"
grep -a '^\[e2e\] crash' "$log" | sed 's/^\[e2e\] /  /'
