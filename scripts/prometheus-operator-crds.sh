#!/usr/bin/env bash
# The Prometheus Operator's own CRDs (ServiceMonitor, PrometheusRule, ...), against which the e2e tier validates the
# chart's monitoring objects. They ship in the operator's Go module (example/prometheus-operator-crd/), which the
# Go module proxy serves; fetched once and cached beside the control plane's binaries.
#
#   scripts/prometheus-operator-crds.sh     fetch (or reuse) the pinned release's CRDs; last stdout line = their folder
#
# Environment: PROMETHEUS_OPERATOR_VERSION (pin below), VPSIE_CACHE_DIR (default ~/.cache/vpsie-autoscaler).
set -euo pipefail

# Newest release the Go module proxy serves (v0.95.x is listed but answers 403 "not available").
PROMETHEUS_OPERATOR_VERSION="${PROMETHEUS_OPERATOR_VERSION:-v0.94.1}"
MODULE=github.com/prometheus-operator/prometheus-operator
CRD_DIR_IN_MODULE=example/prometheus-operator-crd

CACHE_DIR="${VPSIE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vpsie-autoscaler}"
BASE="$CACHE_DIR/prometheus-operator/$PROMETHEUS_OPERATOR_VERSION"
DEST="$BASE/crds"

log() { printf '[prometheus-operator-crds] %s\n' "$*" >&2; }
die() {
  printf '[prometheus-operator-crds] error: %s\n' "$*" >&2
  exit 1
}

[ $# -eq 0 ] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

mkdir -p "$BASE"
exec 9>"$BASE/fetch.lock"
flock 9 || die "cannot lock $BASE/fetch.lock"

if [ ! -f "$DEST/.complete" ]; then
  command -v go >/dev/null 2>&1 || die "go is not installed; it fetches $MODULE@$PROMETHEUS_OPERATOR_VERSION from the Go module proxy"
  # A module cache of its own, dropped once the CRDs are copied out: the module is 30 MB unpacked and
  # only its CRD folder is needed.
  tmp="$(mktemp -d "$BASE/fetch.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  export GOMODCACHE="$tmp/mod" GOFLAGS="-modcacherw" GOTOOLCHAIN=local GOWORK=off
  log "fetching $MODULE@$PROMETHEUS_OPERATOR_VERSION from the Go module proxy"
  # Outside any module, so no go.mod around the caller's folder takes part.
  json="$(cd "$tmp" && go mod download -json "$MODULE@$PROMETHEUS_OPERATOR_VERSION" 2>&1 || true)"
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [ -n "$dir" ] && [ -d "$dir/$CRD_DIR_IN_MODULE" ] || die "go mod download $MODULE@$PROMETHEUS_OPERATOR_VERSION failed: $json"
  rm -rf "$DEST" "$DEST.tmp"
  mkdir -p "$DEST.tmp"
  cp "$dir/$CRD_DIR_IN_MODULE"/*.yaml "$DEST.tmp/"
  echo "$MODULE@$PROMETHEUS_OPERATOR_VERSION $CRD_DIR_IN_MODULE" >"$DEST.tmp/.complete"
  mv "$DEST.tmp" "$DEST"
  log "CRDs of $PROMETHEUS_OPERATOR_VERSION in $DEST"
fi
echo "$DEST"
