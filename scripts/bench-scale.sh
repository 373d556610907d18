#!/usr/bin/env bash
# The scale tier: the packaged controller as its own process (the image's JVM flags, a 384 MiB limit emulated by
# -XX:MaxRAM, the chart's arguments) on a real control plane with NODES simulated nodes and PODS bound pods
# (ScaleE2E). Scenario: cache sync, steady state with churn, a burst of pending pods needing new nodes, the
# burst removed and the scale-down after it. Prints the figures, last line JSON. Asserts nothing about speed.
# scripts/kube-control-plane.sh build must have run once (binaries cached in ~/.cache/vpsie-autoscaler).
#
#   scripts/bench-scale.sh [NODES] [PODS]        default 1000 nodes, 30000 pods
#
# Environment: CHURN (ISO-8601 duration of the steady state, default PT15M), BURST (pending pods, default
# min(1000, NODES)), CHURN_PER_SECOND (pods replaced per second, default PODS/6000), MAX_RAM (default 384m),
# BUILD_DIR (default /tmp/build-bench-scale), MVN_ARGS (extra Maven arguments, e.g. -o).
set -euo pipefail

nodes="${1:-1000}"
pods="${2:-30000}"
for n in "$nodes" "$pods"; do
  case "$n" in
    '' | *[!0-9]*) echo "usage: $0 [NODES] [PODS]   (whole numbers; got '$n')" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-/tmp/build-bench-scale}"
log="$(mktemp "${TMPDIR:-/tmp}/bench-scale.XXXXXX.log")"
props=(-De2e.scale=true -Dscale.nodes="$nodes" -Dscale.pods="$pods" -Dscale.churn="${CHURN:-PT15M}"
       -Dscale.maxRam="${MAX_RAM:-384m}")
[ -n "${BURST:-}" ] && props+=(-Dscale.burst="$BURST")
[ -n "${CHURN_PER_SECOND:-}" ] && props+=(-Dscale.churnPerSecond="$CHURN_PER_SECOND")

echo "bench-scale: $nodes nodes, $pods pods, churn ${CHURN:-PT15M}; Maven output in $log" >&2
cd "$here"
# shellcheck disable=SC2086 # MVN_ARGS is a list of arguments
if ! nice -n 10 mvn -B ${MVN_ARGS:-} -Dbuild.dir="$build_dir" verify -Pe2e -Dit.test=ScaleE2E \
    -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false "${props[@]}" >"$log" 2>&1; then
  grep -a '^\[scale\]' "$log" || true
  echo "bench-scale: the run failed; see $log" >&2
  exit 1
fi
grep -a '^\[scale\]' "$log" | grep -av '^\[scale\] json ' | sed 's/^\[scale\] /  /'
grep -a '^\[scale\] json ' "$log" | tail -1 | sed 's/^\[scale\] json //'
