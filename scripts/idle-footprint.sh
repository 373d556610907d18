#!/usr/bin/env bash
# Idle footprint of the packaged controller on a small cluster (three NodeGroups of one node each on the real
# control plane; scripts/kube-control-plane.sh build must have run once): resident memory while nothing happens
# and VPSie calls per minute by endpoint. Prints figures; asserts nothing about them.
#
#   scripts/idle-footprint.sh [BASE_JAR]
#
# Measures, one after the other against the same cluster:
#   image        this tree's jar with the Dockerfile's JVM flags, in a pod's limits (the chart's memory limit as
#                -XX:MaxRAM, its cpu limit as -XX:ActiveProcessorCount: what the JVM sees in the container)
#   base-host    BASE_JAR (if given; e.g. a jar built from an older commit) with the flags the image used before
#                (-XX:MaxRAMPercentage=75 ...), as a plain process on this machine, the way it was first measured
#   base-pod     BASE_JAR with those flags in the same pod limits as `image`
#
# Environment: FOOTPRINT_SETS replaces the list ("label|jar|flags;;label|jar|flags"), FOOTPRINT_SETTLE and
# FOOTPRINT_IDLE (ISO-8601 durations, default PT40S and PT60S), BUILD_DIR (default /tmp/build-idle-footprint),
# MVN_ARGS (extra Maven arguments, e.g. -o).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base_jar="${1:-}"
build_dir="${BUILD_DIR:-/tmp/build-idle-footprint}"
log="$(mktemp "${TMPDIR:-/tmp}/idle-footprint.XXXXXX.log")"
cd "$here"

# The JVM flags of the image: the -X options of the Dockerfile's ENTRYPOINT.
image_flags="$(sed -n '/^ENTRYPOINT/,/^CMD/p' Dockerfile | grep -o '"-X[^"]*"' | tr -d '"' | tr '\n' ' ')"
# What the JVM sees inside the chart's default limits.
mem_limit="$(sed -n '/^resources:/,/^[a-z]/p' charts/vpsie-autoscaler/values.yaml | sed -n '/limits:/,$p' \
  | awk '/memory:/ {print $2; exit}')"
cpu_limit="$(sed -n '/^resources:/,/^[a-z]/p' charts/vpsie-autoscaler/values.yaml | sed -n '/limits:/,$p' \
  | awk '/cpu:/ {gsub(/"/, "", $2); print $2; exit}')"
pod="-XX:MaxRAM=${mem_limit%i} -XX:ActiveProcessorCount=${cpu_limit}"
pod="${pod//Mi/m}"
old_flags="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData"
jar="$build_dir/vpsie-autoscaler.jar"

sets="image|$jar|$image_flags $pod"
if [ -n "$base_jar" ]; then
  sets="$sets;;base-host|$(realpath "$base_jar")|$old_flags;;base-pod|$(realpath "$base_jar")|$old_flags $pod"
fi
sets="${FOOTPRINT_SETS:-$sets}"

echo "idle-footprint: pod limits seen as: $pod; Maven output in $log" >&2
# shellcheck disable=SC2086 # MVN_ARGS is a list of arguments
if ! nice -n 19 mvn -B ${MVN_ARGS:-} -Dbuild.dir="$build_dir" verify -Pe2e -Dit.test=IdleFootprintE2E \
    -De2e.footprint=true -De2e.footprint.sets="$sets" -De2e.footprint.settle="${FOOTPRINT_SETTLE:-PT40S}" \
    -De2e.footprint.idle="${FOOTPRINT_IDLE:-PT60S}" >"$log" 2>&1; then
  grep -a '\[e2e\]' "$log" || true
  echo "idle-footprint: the run failed; see $log" >&2
  exit 1
fi
grep -a '^\[e2e\] footprint' "$log" | sed 's/^\[e2e\] /  /'
