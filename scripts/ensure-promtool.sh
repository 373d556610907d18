#!/usr/bin/env bash
# Prints the path of a promtool (Prometheus's rule checker), fetching one first when the machine has none,
# so `make test` needs nothing installed beyond a JDK and Maven. Looks, in order, at:
#   1. $PROMTOOL, when set (it must be executable);
#   2. promtool on PATH;
#   3. a copy fetched earlier into the cache ($VPSIE_CACHE_DIR, default ~/.cache/vpsie-autoscaler, under tools/);
#   4. Debian's prometheus package, fetched from $DEBIAN_MIRROR (default http://deb.debian.org/debian) at the
#      version pinned below and checked against its SHA-256, or, when that file cannot be had (another CPU,
#      the mirror dropped that version), whatever version `apt-get download prometheus` offers; only
#      usr/bin/promtool is unpacked into the cache. Nothing is installed and no root is needed.
# The path goes to stdout, progress to stderr. The cache also holds tools/bin/promtool, a link to the copy
# in use, which the tests look at when they are run by Maven directly without $PROMTOOL.
set -euo pipefail

# bookworm's promtool; its `test rules` output is what deploy/prometheus/alerts-test.yaml was written against.
PROMTOOL_DEB_VERSION="2.42.0+ds-5+deb12u1"
PROMTOOL_DEB_SHA256_amd64="81d59a24fce84f7fbe97a45a4f2914b6a5881b5cd1db2a6a0e129e515e1a5f55"

CACHE_DIR="${VPSIE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vpsie-autoscaler}"
TOOLS_DIR="$CACHE_DIR/tools"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

log() { printf '[ensure-promtool] %s\n' "$*" >&2; }
die() {
  printf '[ensure-promtool] error: %s\n' "$*" >&2
  exit 1
}

if [ -n "${PROMTOOL:-}" ]; then
  [ -x "$PROMTOOL" ] || die "PROMTOOL=$PROMTOOL is not an executable file"
  printf '%s\n' "$PROMTOOL"
  exit 0
fi
if found="$(command -v promtool 2>/dev/null)"; then
  printf '%s\n' "$found"
  exit 0
fi

# Leaves the .deb's usr/bin/promtool in $2 (a directory).
unpack_promtool() {
  local deb=$1 into=$2 member
  if command -v dpkg-deb >/dev/null 2>&1; then
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$into" ./usr/bin/promtool
  elif command -v ar >/dev/null 2>&1; then
    # A .deb is an ar archive; the files are in its data.tar.* member (tar detects the compression
    # only when it reads a file, hence the copy).
    member="$(ar t "$deb" | grep '^data\.tar')" || die "no data.tar member in $deb"
    ar p "$deb" "$member" >"$into/$member"
    tar -x -f "$into/$member" -C "$into" ./usr/bin/promtool
    rm -f "$into/$member"
  else
    die "cannot unpack $deb: install dpkg-deb or ar (binutils), or install promtool itself"
  fi
  [ -x "$into/usr/bin/promtool" ] || die "$deb has no usr/bin/promtool"
}

# Fetches URL to FILE with whichever client the machine has; every attempt has a deadline.
fetch() {
  local url=$1 file=$2
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --connect-timeout 20 --max-time 300 -o "$file" "$url"
  elif command -v wget >/dev/null 2>&1; then
    wget -q --timeout=60 -O "$file" "$url"
  else
    return 1
  fi
}

arch="$(dpkg --print-architecture 2>/dev/null || uname -m)"
case "$arch" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
esac

pinned="$TOOLS_DIR/promtool-$PROMTOOL_DEB_VERSION-$arch/promtool"
link="$TOOLS_DIR/bin/promtool"

install_from() {
  local deb=$1 dest_dir=$2 work
  work="$(mktemp -d "$TOOLS_DIR/.unpack.XXXXXX")"
  unpack_promtool "$deb" "$work"
  mkdir -p "$dest_dir"
  # Renamed into place, so a run interrupted half-way never leaves a truncated promtool to be reused.
  mv "$work/usr/bin/promtool" "$dest_dir/promtool"
  rm -rf "$work"
  mkdir -p "$TOOLS_DIR/bin"
  ln -sfn "$dest_dir/promtool" "$link"
}

if [ ! -x "$pinned" ] && [ -x "$link" ]; then
  # An earlier run fell back to another version: keep it rather than trying the mirror every time.
  readlink "$link"
  exit 0
elif [ ! -x "$pinned" ]; then
  mkdir -p "$TOOLS_DIR"
  download="$(mktemp -d "$TOOLS_DIR/.download.XXXXXX")"
  trap 'rm -rf "$download"' EXIT
  sha_var="PROMTOOL_DEB_SHA256_$arch"
  sha="${!sha_var:-}"
  deb="$download/prometheus_${PROMTOOL_DEB_VERSION}_$arch.deb"
  url="$DEBIAN_MIRROR/pool/main/p/prometheus/prometheus_${PROMTOOL_DEB_VERSION}_$arch.deb"
  if [ -n "$sha" ] && log "fetching $url" && fetch "$url" "$deb" &&
    printf '%s  %s\n' "$sha" "$deb" | sha256sum -c --quiet - >/dev/null 2>&1; then
    install_from "$deb" "$(dirname "$pinned")"
  else
    [ -z "$sha" ] && log "no pinned package for $arch"
    [ -n "$sha" ] && log "could not fetch or verify the pinned package"
    command -v apt-get >/dev/null 2>&1 ||
      die "cannot fetch promtool: install it (Debian/Ubuntu: apt-get install prometheus) or set PROMTOOL"
    log "trying: apt-get download prometheus"
    (cd "$download" && apt-get download -q prometheus >&2) ||
      die "apt-get download prometheus failed: install promtool (apt-get install prometheus) or set PROMTOOL"
    deb="$(find "$download" -maxdepth 1 -name 'prometheus_*.deb' | sed -n 1p)"
    [ -n "$deb" ] || die "apt-get download left no prometheus package"
    if [ "$(basename "$deb")" = "prometheus_${PROMTOOL_DEB_VERSION}_$arch.deb" ]; then
      install_from "$deb" "$(dirname "$pinned")"
    else
      other="$(basename "$deb" .deb)"
      install_from "$deb" "$TOOLS_DIR/promtool-${other#prometheus_}"
      log "note: using promtool from $(basename "$deb"), not the pinned $PROMTOOL_DEB_VERSION"
      readlink "$link"
      exit 0
    fi
  fi
else
  # Point the link at the pinned copy again, in case an earlier fallback moved it.
  mkdir -p "$TOOLS_DIR/bin"
  ln -sfn "$pinned" "$link"
fi
printf '%s\n' "$pinned"
