#!/usr/bin/env bash
# Make sure the systemd base image that Molecule and the demo boot exists.
# A registry image is the first choice where one answers; hosts without a
# registry (CI here) build the same thing from Debian's mirror with debootstrap.
set -euo pipefail

suite="${1:-bookworm}"
image="localhost/hybrid-web-base:${suite}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if podman image exists "$image"; then
    echo "base image: $image already present"
    exit 0
fi

echo "base image: trying docker.io/library/debian:${suite}"
if timeout 60 podman pull -q "docker.io/library/debian:${suite}" >/dev/null 2>&1 &&
    container="$(podman run -d "docker.io/library/debian:${suite}" sleep infinity 2>/dev/null)"; then
    echo "base image: adding systemd and python3 to the pulled image"
    trap 'podman rm -f "$container" >/dev/null' EXIT
    podman exec "$container" bash -c \
        'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 systemd systemd-sysv >/dev/null'
    podman commit -q --change 'CMD ["/sbin/init"]' "$container" "$image" >/dev/null
    echo "base image: $image committed"
    exit 0
fi

echo "base image: no registry answered; building $image with debootstrap from $mirror (about a minute)"
rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include=python3,systemd,systemd-sysv "$suite" "$rootfs" "$mirror" >/dev/null
tar -C "$rootfs" -c . | podman import --change 'CMD ["/sbin/init"]' - "$image" >/dev/null
echo "base image: $image imported"
