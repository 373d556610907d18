#!/usr/bin/env bash
# End-to-end figures against a real control plane (scripts/kube-control-plane.sh build must have run once):
# repeats the scale-up scenario (ScaleUpE2E) with the simulator listing new servers at once and again with a
# listing lag (VPSie lists a new server only some seconds after its add call), runs the crash scenario (CrashE2E,
# the controller as its own process), then prints the latencies and the controller's memory. Prints figures;
# asserts nothing about speed.
#
#   scripts/bench-e2e.sh [ROUNDS [LAG_SECONDS]]   ROUNDS scale-up rounds per setting, default 5; LAG_SECONDS the
#                                                listing lag of the second setting, default 10
#
# Environment: BUILD_DIR (default /tmp/build-bench-e2e), MVN_ARGS (extra Maven arguments, e.g. -o).
set -euo pipefail

rounds="${1:-5}"
lag="${2:-10}"
for n in "$rounds" "$lag"; do
  case "$n" in
    '' | *[!0-9]*) echo "usage: $0 [ROUNDS [LAG_SECONDS]]" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-/tmp/build-bench-e2e}"
log="$(mktemp "${TMPDIR:-/tmp}/bench-e2e.XXXXXX.log")"

# run_e2e TESTS EXTRA_ARGS...: one Maven run of the e2e tier, its output appended to the log
run_e2e() {
  local tests="$1"
  shift
  # shellcheck disable=SC2086 # MVN_ARGS is a list of arguments
  if ! nice -n 19 mvn -B ${MVN_ARGS:-} -Dbuild.dir="$build_dir" verify -Pe2e -Dit.test="$tests" \
      -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -De2e.repeat="$rounds" "$@" >>"$log" 2>&1; then
    grep -a '\[e2e\]' "$log" || true
    echo "bench-e2e: the run failed; see $log" >&2
    exit 1
  fi
}

echo "bench-e2e: $rounds scale-up round(s) without and with a ${lag} s listing lag, and the crash scenario;" \
  "Maven output in $log" >&2
cd "$here"
run_e2e 'ScaleUpE2E,CrashE2E' -De2e.listingLagSeconds=0
run_e2e 'ScaleUpE2E' -De2e.listingLagSeconds="$lag"

echo "== per round"
grep -a '^\[e2e\] scale-up round' "$log" | sed 's/^\[e2e\] /  /'
echo "== scale-up, all rounds, without and with the listing lag (targets without lag for reference: p50 <= 1.5 s, p99 <= 2.5 s)"
grep -a '^\[e2e\] scale-up over' "$log" | sed 's/^\[e2e\] /  /'
echo "== controller as its own process (CrashE2E)"
grep -a '^\[e2e\] crash' "$log" | sed 's/^\[e2e\] /  /'
