#!/usr/bin/env bash
# Smoke test of a built controller image, run as the chart runs it: its own non-root user, a read-only root
# filesystem, no capabilities.
#
#   scripts/smoke-image.sh [IMAGE]      (default localhost/vpsie-autoscaler:<the chart's appVersion>)
#
# Checks, in order: the image's user is not root; the root filesystem is read-only while /tmp is writable;
# `version`; `plan` on examples/; `demo` (under two minutes); and the chart's default command line, which
# must bring `run` up against a real Kubernetes control plane (scripts/kube-control-plane.sh; built once,
# about ten minutes, when its cache is empty) with a VPSie API simulator from the same image beside it.
#
# Needs python3 and curl on the host. Environment: CONTAINER_ENGINE (default podman; docker works for all but the `run` check, which needs the
# host network), SMOKE_RUN_FLAGS (more flags for every `run` of the engine), SMOKE_SKIP_RUN=1 (leave out
# the control plane check, e.g. on a machine without Go to build it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[smoke-image] %s\n' "$*" >&2; }
die() {
  printf '[smoke-image] FAILED: %s\n' "$*" >&2
  exit 1
}

ENGINE="${CONTAINER_ENGINE:-podman}"
command -v "$ENGINE" >/dev/null 2>&1 || die "$ENGINE is not installed"
app_version="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' charts/vpsie-autoscaler/Chart.yaml)"
IMAGE="${1:-localhost/vpsie-autoscaler:$app_version}"
"$ENGINE" image inspect "$IMAGE" >/dev/null 2>&1 || die "no image $IMAGE; build it with scripts/build-image.sh"

# As the chart's pod: read-only root (the engine puts a tmpfs on /tmp, as the chart mounts an emptyDir there),
# every capability dropped, no privilege escalation. The open-files and process limits are set (below what
# any machine allows) rather than left to the engine, whose defaults some machines do not permit.
read -r -a extra <<<"${SMOKE_RUN_FLAGS:-}"
container=(run --rm --read-only --cap-drop=ALL --security-opt=no-new-privileges
  --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 "${extra[@]}")

work="$(mktemp -d "${TMPDIR:-/tmp}/vpsie-smoke.XXXXXX")"
plane_dir=""
run_containers=()
cleanup() {
  local c
  for c in "${run_containers[@]}"; do
    "$ENGINE" rm -f "$c" >/dev/null 2>&1 || true
  done
  if [ -n "$plane_dir" ]; then
    scripts/kube-control-plane.sh stop --dir "$plane_dir" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------------- user
user="$("$ENGINE" image inspect --format '{{.Config.User}}' "$IMAGE")"
uid="$("$ENGINE" "${container[@]}" --entrypoint id "$IMAGE" -u)"
[ -n "$user" ] && [ "$uid" != 0 ] || die "the image runs as root (USER '$user', id -u $uid)"
log "ok: runs as uid $uid (USER $user)"

# ---------------------------------------------------------------------------------------------------- read-only
if "$ENGINE" "${container[@]}" --entrypoint /bin/sh "$IMAGE" -c 'touch /app/written' 2>/dev/null; then
  die "could write to /app with --read-only"
fi
"$ENGINE" "${container[@]}" --entrypoint /bin/sh "$IMAGE" -c 'touch /tmp/written' ||
  die "/tmp is not writable under --read-only"
log "ok: root filesystem read-only, /tmp writable"

# ---------------------------------------------------------------------------------------------------- version
version="$("$ENGINE" "${container[@]}" "$IMAGE" version)" || die "version exited non-zero"
label="$("$ENGINE" image inspect --format '{{index .Config.Labels "org.opencontainers.image.version"}}' "$IMAGE")"
case "$version" in
  *"$label"*) log "ok: version: $(printf '%s' "$version" | tr '\n' ' ')" ;;
  *) die "version printed '$version', the image's label says $label" ;;
esac

# ---------------------------------------------------------------------------------------------------- plan
"$ENGINE" "${container[@]}" -v "$PWD/examples:/examples:ro" "$IMAGE" plan \
  --snapshot /examples/snapshot.yaml --offerings /examples/offerings.yaml --now 2026-11-22T12:00:00Z \
  --output json >"$work/plan.json" || die "plan on examples/ exited non-zero"
# examples/snapshot.yaml is written to need new nodes and to have nodes to remove.
python3 - "$work/plan.json" <<'PY' || die "plan on examples/ did not decide what the example shows: $(head -c 600 "$work/plan.json")"
import json, sys
plan = json.load(open(sys.argv[1]))
assert sum(s["count"] for s in plan["scaleUp"]) > 0, "no scale-up"
assert plan["scaleDown"], "no scale-down"
PY
log "ok: plan on examples/: $(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(len(p["scaleUp"]), "scale-ups,", len(p["scaleDown"]), "scale-downs,", len(p["unremovable"]), "nodes kept")' "$work/plan.json")"

# ---------------------------------------------------------------------------------------------------- demo
start=$SECONDS
"$ENGINE" "${container[@]}" "$IMAGE" demo --metrics-file /tmp/demo-metrics.txt >"$work/demo.log" 2>&1 || {
  tail -30 "$work/demo.log" >&2
  die "demo exited non-zero"
}
# demo exits 0 only when the story completed: scaled up, drained under the PDB, scaled down.
log "ok: demo completed in $((SECONDS - start)) s"

# ---------------------------------------------------------------------------------------------------- run
if [ "${SMOKE_SKIP_RUN:-}" = 1 ]; then
  log "SKIPPED: run against a control plane (SMOKE_SKIP_RUN=1)"
  log "passed (without the run check): $IMAGE"
  exit 0
fi
[ "$ENGINE" = podman ] || die "the run check needs podman's host network; set SMOKE_SKIP_RUN=1 to leave it out"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

scripts/kube-control-plane.sh build >&2
plane_dir="$work/plane"
scripts/kube-control-plane.sh start --dir "$plane_dir" --owner-pid $$ >"$work/plane.out"
eval "$(scripts/kube-control-plane.sh env --dir "$plane_dir" | grep -E '^(KUBECONFIG|API_SERVER)=')"
log "control plane up at $API_SERVER"

# The controller reads the kubeconfig as its own uid, so it gets a copy it may read (it is an admin one;
# the chart's least-privilege RBAC is checked by the end-to-end tier).
mkdir -m 755 "$work/kube"
cp "$KUBECONFIG" "$work/kube/config"
chmod 644 "$work/kube/config"
pem() { sed -n "s/^ *$1: //p" "$KUBECONFIG" | base64 -d >"$work/$1.pem"; }
pem certificate-authority-data
pem client-certificate-data
pem client-key-data
kube() {
  local method=$1 path=$2 body=${3:-}
  curl -fsS --max-time 30 --cacert "$work/certificate-authority-data.pem" \
    --cert "$work/client-certificate-data.pem" --key "$work/client-key-data.pem" \
    -X "$method" -H 'Content-Type: application/json' ${body:+--data-binary "$body"} "$API_SERVER$path"
}

namespace=vpsie-system
sim_port="$(free_port)"
token="smoke-$RANDOM$RANDOM"
kube POST /api/v1/namespaces "{\"metadata\":{\"name\":\"$namespace\"}}" >/dev/null
# The CRD as the chart installs it; YAML goes in as is, the API server reads it.
curl -fsS --max-time 30 --cacert "$work/certificate-authority-data.pem" \
  --cert "$work/client-certificate-data.pem" --key "$work/client-key-data.pem" \
  -X POST -H 'Content-Type: application/yaml' --data-binary @crds/nodegroups.autoscaler.vpsie.com-v1.yml \
  "$API_SERVER/apis/apiextensions.k8s.io/v1/customresourcedefinitions" >/dev/null
kube POST "/api/v1/namespaces/$namespace/secrets" "{\"metadata\":{\"name\":\"vpsie-credentials\"},
  \"stringData\":{\"token\":\"$token\",\"url\":\"http://127.0.0.1:$sim_port/v2\"}}" >/dev/null

run_containers+=(vpsie-smoke-sim-$$)
"$ENGINE" "${container[@]}" -d --name "vpsie-smoke-sim-$$" --network host "$IMAGE" \
  simulator --port "$sim_port" --token "$token" >/dev/null

# The chart's default command line for release vpsie-autoscaler in namespace vpsie-system (SmokeImageArgsTest
# keeps this list equal to what the chart renders), except that the metrics port is a free one: with the host
# network, 8080 may be taken.
metrics_port="$(free_port)"
chart_args=(
  # chart-args-begin
  run
  --leader-elect=true
  --lease-name=vpsie-autoscaler
  --lease-namespace=vpsie-system
  --vpsie-secret-name=vpsie-credentials
  --vpsie-secret-namespace=vpsie-system
  --scan-interval=10s
  --log-format=json
  --metrics-port=8080
  --shutdown-grace-period=40s
  # chart-args-end
)
chart_args=("${chart_args[@]/--metrics-port=8080/--metrics-port=$metrics_port}")

run_containers+=(vpsie-smoke-run-$$)
"$ENGINE" "${container[@]}" -d --name "vpsie-smoke-run-$$" --network host \
  -v "$work/kube:/kube:ro" -e KUBECONFIG=/kube/config -e POD_NAME=vpsie-autoscaler-smoke \
  "$IMAGE" "${chart_args[@]}" >/dev/null

# Ready (caches synced) comes before leadership, which a standby replica never gets: wait for both.
holds_lease() {
  local lease
  lease="$(kube GET "/apis/coordination.k8s.io/v1/namespaces/$namespace/leases/vpsie-autoscaler" 2>/dev/null)" &&
    printf '%s' "$lease" | grep -q '"holderIdentity": *"vpsie-autoscaler-smoke"'
}
deadline=$((SECONDS + 120))
until curl -fsS --max-time 5 "http://127.0.0.1:$metrics_port/readyz" >/dev/null 2>&1 &&
  curl -fsS --max-time 5 "http://127.0.0.1:$metrics_port/healthz" >/dev/null 2>&1 && holds_lease; do
  if [ "$("$ENGINE" inspect --format '{{.State.Running}}' "vpsie-smoke-run-$$" 2>/dev/null)" != true ]; then
    "$ENGINE" logs "vpsie-smoke-run-$$" 2>&1 | tail -30 >&2
    die "run exited before it was ready"
  fi
  if [ $SECONDS -ge $deadline ]; then
    "$ENGINE" logs "vpsie-smoke-run-$$" 2>&1 | tail -30 >&2
    die "run was not ready (/readyz, /healthz) and holding the Lease vpsie-autoscaler within 120 s"
  fi
  sleep 2
done
curl -fsS --max-time 5 "http://127.0.0.1:$metrics_port/metrics" >"$work/metrics.txt"
grep -q '^vpsie_autoscaler_' "$work/metrics.txt" || die "/metrics has no vpsie_autoscaler_ series"
log "ok: run with the chart's arguments is ready, holds the Lease, serves $(grep -c '^vpsie_autoscaler_' "$work/metrics.txt") vpsie_autoscaler_ series"
"$ENGINE" stop --time 40 "vpsie-smoke-run-$$" >/dev/null
log "passed: $IMAGE"
