#!/usr/bin/env bash
# Builds the controller image from the Dockerfile with podman, then (unless --no-smoke) smoke-tests it
# with scripts/smoke-image.sh.
#
#   scripts/build-image.sh [--no-smoke]
#
# The Dockerfile takes its two base images as build arguments. With BUILD_BASE and RUNTIME_BASE unset,
# this script makes both from Debian's archive (debootstrap, no container registry involved) and keeps
# them in podman's storage, so a machine that can reach a Debian mirror but no registry can build the
# image; the first build of the bases takes a few minutes. Set both to registry images to use those:
#   BUILD_BASE=maven:3.9-eclipse-temurin-17 RUNTIME_BASE=eclipse-temurin:17-jre scripts/build-image.sh
#
# Environment: IMAGE (default localhost/vpsie-autoscaler:<the chart's appVersion>, the tag the chart
# pulls by default), BUILD_BASE, RUNTIME_BASE,
# DEBIAN_MIRROR (default http://deb.debian.org/debian), DEBIAN_SUITE (default bookworm),
# M2_REPO (a Maven repository the build stage may use as its cache, default ~/.m2/repository when it
# exists; set it empty to download everything inside the build), BUILD_CACERTS (a Java trust store for the
# build stage, default /etc/ssl/certs/java/cacerts when it exists; set it empty to keep the base's own).
# Building the local bases needs root (debootstrap creates device nodes and owns files as root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[build-image] %s\n' "$*" >&2; }
die() {
  printf '[build-image] error: %s\n' "$*" >&2
  exit 1
}

smoke=true
for arg in "$@"; do
  case "$arg" in
    --no-smoke) smoke=false ;;
    -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

command -v podman >/dev/null 2>&1 || die "podman is not installed (Debian: apt-get install podman)"

# The project version, read without running Maven: the first <version> after the project's artifactId.
version="$(sed -n '/<artifactId>vpsie-autoscaler<\/artifactId>/,/<\/version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml)"
version="${version%%$'\n'*}"
[ -n "$version" ] || die "cannot read the project version from pom.xml"
app_version="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' charts/vpsie-autoscaler/Chart.yaml)"
[ -n "$app_version" ] || die "cannot read appVersion from charts/vpsie-autoscaler/Chart.yaml"
IMAGE="${IMAGE:-localhost/vpsie-autoscaler:$app_version}"

DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"

# A Debian root filesystem with the given packages, imported as a podman image. Reused when it exists:
# delete the image (podman rmi TAG) to rebuild it, e.g. for Debian's security updates.
local_base() {
  local tag=$1 packages=$2 dir
  if podman image exists "$tag"; then
    log "reusing base $tag"
    return
  fi
  [ "$(id -u)" = 0 ] || die "building the local base $tag needs root (debootstrap); or set BUILD_BASE and RUNTIME_BASE"
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/vpsie-base.XXXXXX")"
  # shellcheck disable=SC2064 # expand $dir now: it is local to this function
  trap "rm -rf '$dir'" EXIT
  log "building base $tag from $DEBIAN_MIRROR $DEBIAN_SUITE with $packages"
  debootstrap --variant=minbase --include="$packages" "$DEBIAN_SUITE" "$dir/rootfs" "$DEBIAN_MIRROR" \
    >"$dir/debootstrap.log" 2>&1 || {
    tail -20 "$dir/debootstrap.log" >&2
    die "debootstrap failed"
  }
  # Nothing in the image needs the package lists, caches or documentation.
  rm -rf "$dir"/rootfs/var/lib/apt/lists/* "$dir"/rootfs/var/cache/apt/* "$dir"/rootfs/var/cache/debconf/*-old \
    "$dir"/rootfs/usr/share/doc/* "$dir"/rootfs/usr/share/man/* "$dir"/rootfs/usr/share/info/* \
    "$dir"/rootfs/var/log/*.log "$dir"/rootfs/var/log/apt/*
  tar -C "$dir/rootfs" --numeric-owner -c . |
    podman import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["/bin/bash"]' \
      --message "debootstrap --variant=minbase --include=$packages $DEBIAN_SUITE" \
      - "$tag" >/dev/null
  rm -rf "$dir"
  trap - EXIT
}

if [ -z "${BUILD_BASE:-}" ] && [ -z "${RUNTIME_BASE:-}" ]; then
  BUILD_BASE="localhost/vpsie-autoscaler-build-base:jdk17-maven-$DEBIAN_SUITE"
  RUNTIME_BASE="localhost/vpsie-autoscaler-runtime-base:jre17-$DEBIAN_SUITE"
  local_base "$BUILD_BASE" openjdk-17-jdk-headless,maven
  local_base "$RUNTIME_BASE" openjdk-17-jre-headless
elif [ -z "${BUILD_BASE:-}" ] || [ -z "${RUNTIME_BASE:-}" ]; then
  die "set both BUILD_BASE and RUNTIME_BASE, or neither"
fi

build_args=(--build-arg "BUILD_BASE=$BUILD_BASE" --build-arg "RUNTIME_BASE=$RUNTIME_BASE"
  --build-arg "VERSION=$version")
# The build stage's Maven may read and fill the host's repository, so a rebuild downloads nothing twice.
M2_REPO="${M2_REPO-$HOME/.m2/repository}"
if [ -n "$M2_REPO" ] && [ -d "$M2_REPO" ]; then
  build_args+=(--volume "$M2_REPO:/root/.m2/repository")
fi
# The build stage trusts the certificate authorities the host's Java trusts, so Maven can download behind a
# TLS-inspecting proxy. Only mounted while building: nothing of the host ends up in an image.
BUILD_CACERTS="${BUILD_CACERTS-/etc/ssl/certs/java/cacerts}"
if [ -n "$BUILD_CACERTS" ] && [ -f "$BUILD_CACERTS" ]; then
  build_args+=(--volume "$BUILD_CACERTS:/etc/ssl/certs/java/cacerts:ro")
fi

log "building $IMAGE (build stage on $BUILD_BASE, runtime on $RUNTIME_BASE)"
podman build "${build_args[@]}" --tag "$IMAGE" --file Dockerfile .

size="$(podman image inspect --format '{{.Size}}' "$IMAGE")"
log "built $IMAGE: $((size / 1000000)) MB ($size bytes)"

if $smoke; then
  scripts/smoke-image.sh "$IMAGE"
fi
