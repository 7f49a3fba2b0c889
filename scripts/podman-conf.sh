#!/usr/bin/env bash
# Print the CONTAINERS_CONF this host needs: empty where podman's defaults run
# a container, else the shipped runc/ulimits file (sandboxes where crun cannot
# set rlimits). Callers: `export CONTAINERS_CONF=$(scripts/podman-conf.sh IMAGE)`.
set -uo pipefail
image="$1"
here="$(cd "$(dirname "$0")" && pwd)"
if [[ -n "${CONTAINERS_CONF:-}" ]]; then
    echo "$CONTAINERS_CONF"
elif podman run --rm "$image" true >/dev/null 2>&1; then
    echo ""
else
    echo "$here/containers.conf"
fi
