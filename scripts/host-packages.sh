#!/usr/bin/env bash
# Install the host tools the demo and the tests need, where they are missing.
set -euo pipefail
missing=()
for tool in podman:podman runc:runc debootstrap:debootstrap curl:curl wrk:wrk python3:python3 venv:python3-venv; do
    command="${tool%%:*}" package="${tool##*:}"
    if [[ "$command" == venv ]]; then
        python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=("$package")
    elif ! command -v "$command" >/dev/null 2>&1; then
        missing+=("$package")
    fi
done
if ((${#missing[@]} == 0)); then
    echo "host packages: all present"
    exit 0
fi
echo "host packages: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
    sudo=sudo
else
    sudo=
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
