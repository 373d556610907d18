#!/usr/bin/env bash
# A real Kubernetes control plane (etcd, kube-apiserver, kube-scheduler, kube-controller-manager) for the
# end-to-end tests, built from source because no registry reachable from our machines ships the binaries.
#
#   scripts/kube-control-plane.sh build                 build (or reuse) the pinned release's binaries
#   scripts/kube-control-plane.sh start [--dir DIR] [--owner-pid PID]
#                                                       run one plane on loopback; last stdout line = kubeconfig
#   scripts/kube-control-plane.sh stop  [--dir DIR]     end exactly the processes `start` recorded
#   scripts/kube-control-plane.sh env   [--dir DIR]     print the kubeconfig path and pids of a running plane
#   scripts/kube-control-plane.sh bin-dir               print where the binaries are (or would be)
#
# Without --dir, start/stop/env act on the plane last started by `start` without --dir.
# --owner-pid: the plane stops itself once that process is gone (a killed test JVM leaks nothing).
#
# Environment: KUBE_VERSION, ETCD_VERSION (pins below), VPSIE_CACHE_DIR (default ~/.cache/vpsie-autoscaler),
# KUBE_CP_START_TIMEOUT (seconds, default 120), KUBE_CP_PORT_TRIES (starts per component when its port is taken
# between choice and bind, default 5), KUBE_CP_TEST_PORTS_CHOSEN_HOOK (tests only: a command run as
# `HOOK COMPONENT PORT...` after a component's ports are chosen and before it starts).
set -euo pipefail

# Newest release the Go module proxy serves whose go.mod asks for no more than our Go 1.26.
KUBE_VERSION="${KUBE_VERSION:-v1.36.3}"
# kubeadm's DefaultEtcdVersion for that release. Debian's etcd-server (3.4.23) is older than what
# Kubernetes 1.31+ needs (3.4.29 / 3.5.11 health endpoints; kubeadm 1.36 accepts 3.5.24 at the least),
# so etcd is built from its module too.
ETCD_VERSION="${ETCD_VERSION:-v3.6.8}"

CACHE_DIR="${VPSIE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vpsie-autoscaler}"
KUBE_DIR="$CACHE_DIR/kube/$KUBE_VERSION"
BIN_DIR="$KUBE_DIR/bin"
ETCD_DIR="$CACHE_DIR/etcd/$ETCD_VERSION"
ETCD_BIN="$ETCD_DIR/bin/etcd"
# The plane last started without --dir, so a bare `stop` knows what to end.
CURRENT_MARKER="$CACHE_DIR/kube/current-plane"
START_TIMEOUT="${KUBE_CP_START_TIMEOUT:-120}"
PORT_TRIES="${KUBE_CP_PORT_TRIES:-5}"
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler)
# The identity tests impersonate ServiceAccounts from; see gen_pki and write_audit_policy.
IMPERSONATOR=vpsie-e2e-impersonator

SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

log() { printf '[kube-control-plane] %s\n' "$*" >&2; }
die() {
  local code=$1
  shift
  printf '[kube-control-plane] error: %s\n' "$*" >&2
  exit "$code"
}

usage() {
  sed -n '2,19p' "$SCRIPT" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# ---------------------------------------------------------------------------------------------------- build

# Go's module and build caches live beside the binaries, so a second build (or one after `go clean`) only
# links, and nothing lands in the repository or in the user's own GOPATH.
go_env() {
  export GOPATH="$CACHE_DIR/go/path"
  export GOMODCACHE="$CACHE_DIR/go/path/pkg/mod"
  export GOCACHE="$CACHE_DIR/go/build-cache"
  # modcacherw: the cache can be deleted with rm -rf; the read-only default makes that fail.
  export GOFLAGS="-modcacherw"
  # The module's go line is satisfied by the installed Go; never fetch another toolchain.
  export GOTOOLCHAIN=local
  # kubernetes ships a go.work naming staging/; -mod=mod is refused in workspace mode.
  export GOWORK=off
  export CGO_ENABLED=0
}

binaries_present() {
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    [ -x "$BIN_DIR/$c" ] || return 1
  done
  [ -x "$ETCD_BIN" ]
}

# Copies a module out of the (read-only by design) module cache and prints nothing; fails loudly.
fetch_module() {
  local module=$1 version=$2 dest=$3 json dir
  json="$(go mod download -json "$module@$version" 2>&1 || true)"
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [ -n "$dir" ] && [ -d "$dir" ] || die 1 "go mod download $module@$version failed: $json"
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest"
  cp -R "$dir" "$dest"
  chmod -R u+w "$dest"
}

build_kube() {
  if [ -x "$BIN_DIR/kube-apiserver" ] && [ -x "$BIN_DIR/kube-controller-manager" ] && [ -x "$BIN_DIR/kube-scheduler" ]; then
    log "kubernetes $KUBE_VERSION already built in $BIN_DIR"
    return
  fi
  local src="$KUBE_DIR/src" staging_version line module target minor
  log "fetching k8s.io/kubernetes@$KUBE_VERSION from the Go module proxy"
  rm -rf "$src"
  fetch_module k8s.io/kubernetes "$KUBE_VERSION" "$src"
  # The module zip leaves out staging/; each staging module is published on its own as v0.<minor>.<patch>.
  staging_version="v0.${KUBE_VERSION#v1.}"
  while read -r line; do
    module="${line%% *}"
    target="${line##* }"
    # Replaced but not required (sample-controller, sample-cli-plugin): never part of the build, and the
    # proxy need not serve them.
    if ! grep -qE "^[[:space:]]*(require[[:space:]]+)?${module//./\\.}[[:space:]]+v" "$src/go.mod"; then
      continue
    fi
    log "  $module@$staging_version -> $target"
    fetch_module "$module" "$staging_version" "$src/${target#./}"
  done < <(sed -n 's/^[[:space:]]*\(k8s\.io\/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\(\.\/staging\/[^[:space:]]*\)[[:space:]]*$/\1 \2/p' "$src/go.mod")
  [ -d "$src/staging/src/k8s.io/apiserver" ] || die 1 "no staging replace directives found in $src/go.mod"

  minor="${KUBE_VERSION#v1.}"
  minor="${minor%%.*}"
  local pkg ldflags="-s -w"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  log "building kube-apiserver, kube-controller-manager, kube-scheduler (go $(go env GOVERSION), niced)"
  mkdir -p "$BIN_DIR.tmp"
  # vendor/ is not in the module zip, so -mod=mod: resolve dependencies from go.sum through the module proxy.
  (cd "$src" && nice -n 19 go build -mod=mod -trimpath -ldflags "$ldflags" -o "$BIN_DIR.tmp/" \
    ./cmd/kube-apiserver ./cmd/kube-controller-manager ./cmd/kube-scheduler) \
    || die 1 "go build of kubernetes $KUBE_VERSION failed (sources in $src)"
  rm -rf "$BIN_DIR"
  mv "$BIN_DIR.tmp" "$BIN_DIR"
  # Sources are only needed to build; the caches keep what a rebuild needs.
  rm -rf "$src"
}

build_etcd() {
  if [ -x "$ETCD_BIN" ]; then
    log "etcd $ETCD_VERSION already built in $ETCD_DIR/bin"
    return
  fi
  local src="$ETCD_DIR/src"
  rm -rf "$src"
  mkdir -p "$src"
  # etcd's own main module replaces its siblings with ../ paths, so it cannot be built from the proxy
  # as is; a two-line main around the server module's etcdmain is the same binary.
  cat >"$src/go.mod" <<EOF
module vpsie.local/etcd

go 1.24

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
EOF
  cat >"$src/main.go" <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
EOF
  log "building etcd $ETCD_VERSION from go.etcd.io/etcd/server/v3 (niced)"
  (cd "$src" && nice -n 19 go mod tidy && nice -n 19 go build -trimpath -ldflags "-s -w" -o "$ETCD_DIR/bin.tmp/etcd" .) \
    || die 1 "go build of etcd $ETCD_VERSION failed (sources in $src)"
  rm -rf "${ETCD_DIR:?}/bin"
  mv "$ETCD_DIR/bin.tmp" "$ETCD_DIR/bin"
  rm -rf "$src"
}

cmd_build() {
  command -v go >/dev/null 2>&1 || die 1 "go is not installed; the control plane is built from source with Go 1.26 or later"
  go_env
  # An older Go stops at the module's go line with "go.mod requires go >= ..." (GOTOOLCHAIN=local).
  mkdir -p "$CACHE_DIR/kube"
  exec 9>"$CACHE_DIR/kube/build.lock"
  flock 9 || die 1 "cannot lock $CACHE_DIR/kube/build.lock"
  local started=$SECONDS
  build_etcd
  local etcd_took=$((SECONDS - started))
  build_kube
  local took=$((SECONDS - started)) kube_took=$((SECONDS - started - etcd_took))
  # Only a run that built something replaces the record of how long building took.
  [ "$etcd_took" -le 5 ] || echo "etcd_build_seconds=$etcd_took" >"$ETCD_DIR/BUILD_INFO"
  if [ "$kube_took" -gt 5 ]; then
    printf 'kubernetes=%s\ngo=%s\nbuild_seconds=%s\nbuilt_at=%s\n' "$KUBE_VERSION" "$(go env GOVERSION)" \
      "$kube_took" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$BIN_DIR/BUILD_INFO"
  fi
  "$BIN_DIR/kube-apiserver" --version >&2
  # sed reads to the end, unlike head: an early-closed pipe would fail the build under pipefail (exit 141)
  "$ETCD_BIN" --version | sed -n 1p >&2
  log "binaries in $BIN_DIR and $ETCD_DIR/bin"
  local recorded_etcd recorded_kube
  recorded_etcd="$(sed -n 's/^etcd_build_seconds=\(.*\)/\1s/p' "$ETCD_DIR/BUILD_INFO" 2>/dev/null || true)"
  recorded_kube="$(sed -n 's/^build_seconds=\(.*\)/\1s/p' "$BIN_DIR/BUILD_INFO" 2>/dev/null || true)"
  echo "build took ${took}s this run (etcd ${etcd_took}s, kubernetes ${kube_took}s); last real builds:" \
    "etcd $ETCD_VERSION ${recorded_etcd:-not recorded}, kubernetes $KUBE_VERSION ${recorded_kube:-not recorded}"
}

# ---------------------------------------------------------------------------------------------------- start

require_tools() {
  local t missing=()
  for t in openssl curl ss base64; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  [ ${#missing[@]} -eq 0 ] || die 1 "missing tools: ${missing[*]} (Debian: apt-get install -y openssl curl iproute2 coreutils)"
}

# A random free loopback port in FREE_PORT (a variable, not output: a $(...) subshell would forget the ports
# already handed out, and two components could get the same one).
CHOSEN_PORTS=" "
free_port() {
  local p tries=0
  while [ $tries -lt 200 ]; do
    p=$((20000 + RANDOM % 40000))
    tries=$((tries + 1))
    case "$CHOSEN_PORTS" in *" $p "*) continue ;; esac
    if [ -z "$(ss -Htan "( sport = :$p or dport = :$p )" 2>/dev/null)" ]; then
      CHOSEN_PORTS+="$p "
      FREE_PORT=$p
      return
    fi
  done
  die 1 "no free port found on 127.0.0.1"
}

# Whether PID listens on PORT itself. A port free when chosen can be taken by another process before the
# component binds it; that process would then answer the readiness check in the component's place. When ss
# cannot say whose the listener is (another user's process), any listener counts.
holds_port() {
  local pid=$1 port=$2 out
  out="$(ss -Htlnp "( sport = :$port )" 2>/dev/null)" || return 1
  [ -n "$out" ] || return 1
  case "$out" in
    *"pid=$pid,"*) return 0 ;;
    *pid=*) return 1 ;;
    *) return 0 ;;
  esac
}

# One throwaway CA signs everything; certificates live as long as the plane (a day is plenty).
gen_pki() {
  local pki=$1
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
      -subj "/CN=vpsie-autoscaler-e2e-ca" 2>/dev/null
    # Service-account token signing pair (serviceaccount-token controller and the API server's verifier).
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
    openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
    issue apiserver "/CN=kube-apiserver" serverAuth \
      "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    # system:masters bypasses authorization: the tests act as cluster admin.
    issue admin "/O=system:masters/CN=vpsie-e2e-admin" clientAuth
    # The scheduler runs as the user the bootstrap RBAC policy grants its role to. The controller manager
    # runs every controller under its own identity (--use-service-account-credentials=false), and its
    # bootstrap role only covers what it needs with per-controller service accounts, so it is a master.
    issue kube-controller-manager "/O=system:masters/CN=system:kube-controller-manager" clientAuth
    issue kube-scheduler "/CN=system:kube-scheduler" clientAuth
    # Not a master: the tests let it impersonate ServiceAccounts (RBAC granted by the test harness), so a
    # controller under test acts with exactly the rights its ServiceAccount has. The audit log records its
    # requests, and only its, which is how a test sees every Forbidden the controller got.
    issue impersonator "/CN=$IMPERSONATOR" clientAuth
    # The aggregation layer's front proxy, as kubeadm sets it up; without it every component logs, many
    # times a second, that the requestheader CA bundle is missing.
    issue front-proxy-client "/CN=front-proxy-client" clientAuth
    rm -f ./*.csr ./*.ext ca.srl
  )
}

issue() {
  local name=$1 subject=$2 usage=$3 san=${4:-}
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subject" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [ -z "$san" ] || echo "$san"
  } >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -sha256 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
}

# Self-contained kubeconfig (data embedded), so a client needs no other file.
write_kubeconfig() {
  local file=$1 user=$2 server=$3 pki=$4
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: vpsie-e2e
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$pki/$user.crt")
    client-key-data: $(base64 -w0 <"$pki/$user.key")
contexts:
- name: vpsie-e2e
  context:
    cluster: vpsie-e2e
    user: $user
current-context: vpsie-e2e
EOF
}

# Metadata (who, verb, object, response code) of the impersonator's requests, nothing else: the rest of the
# traffic (kubelets, scheduler, controllers, the tests' admin) would only make the log large.
write_audit_policy() {
  cat >"$1" <<EOF
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived, ResponseStarted]
rules:
- level: Metadata
  users: ["$IMPERSONATOR"]
- level: None
EOF
}

# Launches a component in the background with its output in logs/; its pid goes to the state file at once,
# so a start that fails half-way can still be stopped exactly.
launch() {
  local dir=$1 name=$2
  shift 2
  "$@" </dev/null >"$dir/logs/$name.log" 2>&1 &
  local pid=$!
  echo "$(pid_var "$name")=$pid" >>"$dir/state"
  echo "$pid"
}

pid_var() {
  local v
  v="$(echo "$1" | tr 'a-z-' 'A-Z_')"
  echo "${v}_PID"
}

# Each component is started by component_start and waited for by component_await. Ports are chosen right before
# a component starts, and if another process takes one between choice and bind (the component then exits with
# "address already in use"), it is started again on new ports, up to PORT_TRIES times. Binding port 0 is no way
# out: etcd advertises its URLs and kube-apiserver, -scheduler and -controller-manager read --secure-port=0 as
# "do not serve".
declare -A PORTS PIDS TRIES

# component_start DIR NAME NPORTS: chooses NPORTS ports for NAME and launches run_<NAME> DIR PORT...
component_start() {
  local dir=$1 name=$2 n=$3 ports=() i
  for ((i = 0; i < n; i++)); do
    free_port
    ports+=("$FREE_PORT")
  done
  PORTS[$name]="${ports[*]}"
  TRIES[$name]=$((${TRIES[$name]:-0} + 1))
  if [ -n "${KUBE_CP_TEST_PORTS_CHOSEN_HOOK:-}" ]; then
    $KUBE_CP_TEST_PORTS_CHOSEN_HOOK "$name" "${ports[@]}" >&2 || die 1 "the ports-chosen test hook failed for $name"
  fi
  PIDS[$name]="$(launch "$dir" "$name" "run_${name//-/_}" "$dir" "${ports[@]}")"
}

# component_await DIR NAME DESCRIPTION: polls ready_<NAME> DIR PORT... until the component holds its first port
# and is ready; starts it again on new ports when it lost one of them to another process.
component_await() {
  local dir=$1 name=$2 what=$3 pid port
  local deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    pid="${PIDS[$name]}"
    port="${PORTS[$name]%% *}"
    # shellcheck disable=SC2086 # the ports are words on purpose
    if holds_port "$pid" "$port" && "ready_${name//-/_}" "$dir" ${PORTS[$name]} >/dev/null 2>&1; then
      return
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      if grep -q "address already in use" "$dir/logs/$name.log" 2>/dev/null && [ "${TRIES[$name]}" -lt "$PORT_TRIES" ]; then
        log "$name: port(s) ${PORTS[$name]} taken by another process after they were chosen; starting it again on new ports (try $((TRIES[$name] + 1)) of $PORT_TRIES)"
        mv -f "$dir/logs/$name.log" "$dir/logs/$name.port-taken-${TRIES[$name]}.log"
        # shellcheck disable=SC2086
        component_start "$dir" "$name" "$(set -- ${PORTS[$name]}; echo $#)"
        deadline=$((SECONDS + START_TIMEOUT))
        continue
      fi
      start_failed "$dir" "$name exited before $what (log: $dir/logs/$name.log)" "$name"
    fi
    if [ $SECONDS -ge $deadline ]; then
      start_failed "$dir" "$name: no $what within ${START_TIMEOUT}s (log: $dir/logs/$name.log)" "$name"
    fi
    sleep 0.2
  done
}

# wait_for DIR NAME PID DESCRIPTION COMMAND...: polls COMMAND until it succeeds, the process dies or time runs out.
wait_for() {
  local dir=$1 name=$2 pid=$3 what=$4
  shift 4
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      start_failed "$dir" "$name exited before $what (log: $dir/logs/$name.log)" "$name"
    fi
    if [ $SECONDS -ge $deadline ]; then
      start_failed "$dir" "$name: no $what within ${START_TIMEOUT}s (log: $dir/logs/$name.log)" "$name"
    fi
    sleep 0.2
  done
}

start_failed() {
  local dir=$1 message=$2 name=$3
  log "----- last lines of $dir/logs/$name.log -----"
  tail -n 25 "$dir/logs/$name.log" >&2 || true
  log "-----"
  stop_plane "$dir" >/dev/null 2>&1 || true
  die 1 "$message; all logs in $dir/logs"
}

curl_admin() {
  local dir=$1 path=$2
  curl -fsS --max-time 5 --cacert "$dir/pki/ca.crt" --cert "$dir/pki/admin.crt" --key "$dir/pki/admin.key" \
    "https://127.0.0.1:$API_PORT$path"
}

plane_alive() {
  local dir=$1
  [ -f "$dir/state" ] || return 1
  local c pid
  for c in "${COMPONENTS[@]}"; do
    pid="$(state_get "$dir" "$(pid_var "$c")")"
    [ -n "$pid" ] && owned "$dir" "$pid" || return 1
  done
}

state_get() {
  sed -n "s/^$2=//p" "$1/state" 2>/dev/null | tail -1
}

# A pid is ours only while its command line still names this plane's folder: pids are reused.
owned() {
  local dir=$1 pid=$2 cmdline
  # Read first, then match: `tr | grep -q` could die of SIGPIPE under pipefail and disown a live process.
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$dir/"* ]]
}

resolve_dir() {
  local dir=$1
  if [ -z "$dir" ]; then
    [ -f "$CURRENT_MARKER" ] || return 1
    dir="$(cat "$CURRENT_MARKER")"
  fi
  [ -n "$dir" ] || return 1
  (cd "$dir" 2>/dev/null && pwd) || return 1
}

# run_<component> DIR PORT...: the component in the foreground (launch puts it in the background); exec, so the
# recorded pid is the component's own.
run_etcd() {
  local dir=$1 port=$2 peer_port=$3
  # A start that lost its port may have left data naming that port; the data is throwaway anyway.
  rm -rf "$dir/etcd" && mkdir -m 700 "$dir/etcd"
  # Throwaway data: fsync buys nothing and costs the tests much of their time on a shared disk.
  exec "$ETCD_BIN" --name e2e --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "e2e=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level warn
}

ready_etcd() {
  curl -fsS --max-time 2 "http://127.0.0.1:$2/health"
}

run_kube_apiserver() {
  local dir=$1 port=$2
  # (The endpoint reconciler would publish 127.0.0.1 as the kubernetes Service's endpoint, which
  # validation rejects as loopback; nothing in the tests talks to the API through the Service.)
  exec "$BIN_DIR/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$port" \
    --cert-dir "$dir/pki" --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
    --client-ca-file "$dir/pki/ca.crt" \
    --authorization-mode Node,RBAC --allow-privileged=true \
    --service-cluster-ip-range 10.0.0.0/24 \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$dir/pki/sa.pub" --service-account-signing-key-file "$dir/pki/sa.key" \
    --endpoint-reconciler-type none \
    --requestheader-client-ca-file "$dir/pki/ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$dir/pki/front-proxy-client.crt" --proxy-client-key-file "$dir/pki/front-proxy-client.key" \
    --audit-policy-file "$dir/audit-policy.yaml" --audit-log-path "$dir/logs/audit.log" --audit-log-maxbackup 1 \
    --profiling=false
}

ready_kube_apiserver() {
  API_PORT=$2 curl_admin "$1" /readyz
}

# What the controller manager and the scheduler both run with: their own kubeconfig (also for delegated
# authentication and authorization), a loopback serving port, and single instances, since leader election would
# only add its acquire delay to every start.
controller_flags() {
  local dir=$1 name=$2 port=$3 cert_dir=$4
  CONTROLLER_FLAGS=(--kubeconfig "$dir/$name.kubeconfig"
    --authentication-kubeconfig "$dir/$name.kubeconfig" --authorization-kubeconfig "$dir/$name.kubeconfig"
    --bind-address 127.0.0.1 --secure-port "$port" --cert-dir "$dir/$cert_dir"
    --leader-elect=false --profiling=false)
}

run_kube_controller_manager() {
  controller_flags "$1" kube-controller-manager "$2" kcm-serving
  exec "$BIN_DIR/kube-controller-manager" "${CONTROLLER_FLAGS[@]}" \
    --controllers '*' --use-service-account-credentials=false \
    --service-account-private-key-file "$1/pki/sa.key" --root-ca-file "$1/pki/ca.crt" \
    --cluster-signing-cert-file "$1/pki/ca.crt" --cluster-signing-key-file "$1/pki/ca.key"
}

run_kube_scheduler() {
  controller_flags "$1" kube-scheduler "$2" scheduler-serving
  exec "$BIN_DIR/kube-scheduler" "${CONTROLLER_FLAGS[@]}"
}

healthz() {
  curl -fsSk --max-time 2 "https://127.0.0.1:$1/healthz"
}

ready_kube_controller_manager() {
  healthz "$2"
}

ready_kube_scheduler() {
  healthz "$2"
}

cmd_start() {
  local dir="" owner=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir="${2:?--dir needs a folder}"; shift 2 ;;
      --owner-pid) owner="${2:?--owner-pid needs a pid}"; shift 2 ;;
      *) usage ;;
    esac
  done
  if ! binaries_present; then
    die 3 "Kubernetes control plane binaries not found (expected $BIN_DIR/{kube-apiserver,kube-controller-manager,kube-scheduler} and $ETCD_BIN). Build them first: scripts/kube-control-plane.sh build"
  fi
  require_tools
  # The folder holds private keys and kubeconfigs with embedded credentials: ours only.
  umask 077

  # Idempotent: a plane already running in that folder (or the current one) is reused.
  local existing
  if existing="$(resolve_dir "$dir")" && plane_alive "$existing"; then
    log "control plane already running in $existing"
    state_get "$existing" KUBECONFIG
    return
  fi
  local record_current=false
  if [ -z "$dir" ]; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/vpsie-kube.XXXXXX")"
    record_current=true
  else
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    [ ! -e "$dir/state" ] || die 1 "$dir holds a plane that is not (fully) running; run: $SCRIPT stop --dir $dir"
  fi
  mkdir -p "$dir/logs"
  : >"$dir/state"
  local started=$SECONDS

  gen_pki "$dir/pki"
  echo "KUBE_VERSION=$KUBE_VERSION" >>"$dir/state"

  component_start "$dir" etcd 2
  component_await "$dir" etcd "health"

  ETCD_PORT="${PORTS[etcd]%% *}"
  write_audit_policy "$dir/audit-policy.yaml"
  component_start "$dir" kube-apiserver 1
  component_await "$dir" kube-apiserver "/readyz"
  API_PORT="${PORTS[kube-apiserver]}"

  # The kubeconfigs name the API server's port, known for sure only now.
  local server="https://127.0.0.1:$API_PORT"
  write_kubeconfig "$dir/admin.kubeconfig" admin "$server" "$dir/pki"
  write_kubeconfig "$dir/kube-controller-manager.kubeconfig" kube-controller-manager "$server" "$dir/pki"
  write_kubeconfig "$dir/kube-scheduler.kubeconfig" kube-scheduler "$server" "$dir/pki"
  write_kubeconfig "$dir/impersonator.kubeconfig" impersonator "$server" "$dir/pki"
  {
    echo "KUBECONFIG=$dir/admin.kubeconfig"
    echo "IMPERSONATOR_KUBECONFIG=$dir/impersonator.kubeconfig"
    echo "AUDIT_LOG=$dir/logs/audit.log"
    echo "API_SERVER=$server"
  } >>"$dir/state"

  component_start "$dir" kube-controller-manager 1
  component_start "$dir" kube-scheduler 1
  component_await "$dir" kube-controller-manager "/healthz"
  component_await "$dir" kube-scheduler "/healthz"
  local kcm_pid="${PIDS[kube-controller-manager]}"
  # Pods are refused until their namespace's default ServiceAccount exists; its appearance in "default"
  # shows the controllers are running, not just serving healthz.
  wait_for "$dir" kube-controller-manager "$kcm_pid" "default ServiceAccount" \
    curl_admin "$dir" /api/v1/namespaces/default/serviceaccounts/default

  if [ -n "$owner" ]; then
    # Watches the owner; its command line names the folder, so `stop` recognises it as ours.
    # shellcheck disable=SC2016 # $1..$3 belong to the inner shell
    nohup bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; exec "$2" stop --dir "$3"' \
      vpsie-kube-watchdog "$owner" "$SCRIPT" "$dir/" </dev/null >"$dir/logs/watchdog.log" 2>&1 &
    echo "WATCHDOG_PID=$!" >>"$dir/state"
  fi
  if $record_current; then
    echo "$dir" >"$CURRENT_MARKER.tmp" && mv "$CURRENT_MARKER.tmp" "$CURRENT_MARKER"
  fi
  log "Kubernetes $KUBE_VERSION ready in $((SECONDS - started))s: $server (etcd 127.0.0.1:$ETCD_PORT), logs in $dir/logs"
  echo "$dir/admin.kubeconfig"
}

# ---------------------------------------------------------------------------------------------------- stop

# Ends the recorded processes (newest first), waits for them, then drops what is not worth keeping.
stop_plane() {
  local dir=$1
  local names=(WATCHDOG kube-scheduler kube-controller-manager kube-apiserver etcd) name pid pids=()
  for name in "${names[@]}"; do
    pid="$(state_get "$dir" "$(pid_var "$name")")"
    [ -n "$pid" ] || continue
    # The watchdog runs `stop` itself (exec'd in its own process); it must not signal itself.
    [ "$pid" != "$$" ] && [ "$pid" != "$PPID" ] || continue
    if owned "$dir" "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  local deadline=$((SECONDS + 15)) p alive
  while :; do
    alive=()
    for p in "${pids[@]}"; do
      owned "$dir" "$p" && alive+=("$p")
    done
    [ ${#alive[@]} -gt 0 ] || break
    if [ $SECONDS -ge $deadline ]; then
      log "killing ${alive[*]} after 15s"
      kill -KILL "${alive[@]}" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  mv -f "$dir/state" "$dir/state.stopped" 2>/dev/null || true
  # etcd preallocates 64 MB WAL files and the keys are of no further use; the logs stay for post-mortems.
  rm -rf "$dir/etcd" "$dir/pki" "$dir/kcm-serving" "$dir/scheduler-serving" "$dir"/*.kubeconfig
  if [ -f "$CURRENT_MARKER" ] && [ "$(cat "$CURRENT_MARKER")" = "$dir" ]; then
    rm -f "$CURRENT_MARKER"
  fi
  log "stopped the control plane in $dir (logs kept in $dir/logs)"
}

cmd_stop() {
  local dir=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir="${2:?--dir needs a folder}"; shift 2 ;;
      *) usage ;;
    esac
  done
  local resolved
  if ! resolved="$(resolve_dir "${dir%/}")"; then
    log "no control plane to stop${dir:+ in $dir}"
    return 0
  fi
  if [ ! -f "$resolved/state" ]; then
    log "no control plane running in $resolved"
    return 0
  fi
  stop_plane "$resolved"
}

cmd_env() {
  local dir=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir="${2:?--dir needs a folder}"; shift 2 ;;
      *) usage ;;
    esac
  done
  local resolved
  resolved="$(resolve_dir "$dir")" || die 1 "no control plane started${dir:+ in $dir}; run: $SCRIPT start"
  plane_alive "$resolved" || die 1 "the control plane in $resolved is not running"
  echo "KUBECONFIG=$(state_get "$resolved" KUBECONFIG)"
  echo "KUBE_CP_DIR=$resolved"
  echo "API_SERVER=$(state_get "$resolved" API_SERVER)"
  echo "IMPERSONATOR_KUBECONFIG=$(state_get "$resolved" IMPERSONATOR_KUBECONFIG)"
  echo "AUDIT_LOG=$(state_get "$resolved" AUDIT_LOG)"
  echo "KUBE_VERSION=$(state_get "$resolved" KUBE_VERSION)"
  local name
  for name in "${COMPONENTS[@]}" WATCHDOG; do
    local v
    v="$(state_get "$resolved" "$(pid_var "$name")")"
    [ -z "$v" ] || echo "$(pid_var "$name")=$v"
  done
}

case "${1:-}" in
  build) shift; cmd_build "$@" ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  env) shift; cmd_env "$@" ;;
  bin-dir) echo "$BIN_DIR" ;;
  *) usage ;;
esac
