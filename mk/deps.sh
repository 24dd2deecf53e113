#!/bin/sh
# mk/deps.sh WHAT PKG...: install the Debian packages of PKG... that are
# missing (make deps, make bench-deps).  WHAT names the make target in the
# messages.  apt-get update runs only when the package lists are empty or
# an install from the current lists fails.
set -u
what=$1
shift
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "zdiag: '$what' installs Debian packages and this system has no dpkg; install by hand: $*" >&2
	exit 1
fi
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "$what: all Debian packages present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "zdiag: missing Debian packages:$missing; run 'sudo make $what' (apt-get needs root)" >&2
	exit 1
fi
echo "$what: installing$missing"
export DEBIAN_FRONTEND=noninteractive
install() {
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y --no-install-recommends $missing
}
if ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 && install; then
	exit 0
fi
apt-get update && install
