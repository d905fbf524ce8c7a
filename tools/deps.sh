#!/bin/sh
# Installs the Debian packages incite builds, tests and benchmarks with,
# when any is missing.  Usage: tools/deps.sh PACKAGE...
set -eu
missing=""
for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "incite: missing Debian packages:$missing" >&2
    echo "incite: run as root:  apt-get install -y$missing" >&2
    exit 1
fi
echo "incite: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
