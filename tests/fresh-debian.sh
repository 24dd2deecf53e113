#!/bin/sh
# tests/fresh-debian.sh [WORKDIR]: the README's "Start here", for real, on a
# fresh Debian 12.  Not part of make check (it takes several minutes and the
# network); run it as root after changing the README, make deps or DEB_PKGS.
#
#  1. debootstrap --variant=minbase --include=git,ca-certificates bookworm
#     (the mirror of /etc/apt/sources.list*), or a copy of ZDIAG_FRESH_BASE,
#     a pristine root made that way earlier (never changed);
#  2. bind-mount /proc /sys (with the cgroup mounts under it) /dev /dev/pts
#     into it, each made a slave so that nothing done in the chroot (an
#     unmount included) propagates back to the host, and a tmpfs on /tmp
#     (so that the tests' own mounts stay private); / itself is not a mount
#     point, as in the chroot the issue reports (tests/lib/pidns then runs
#     in its private-proc mode);
#  3. git clone the committed HEAD of this checkout inside the chroot, with
#     its git (through a bare copy in the root's /var/tmp);
#  4. run the commands of the README's first sh block, exactly as written,
#     one at a time, as root in the clone, and print each one's exit status,
#     the end of its output, and the skipped tests;
#  5. kill what is left in the chroot, unmount everything, delete the root
#     (KEEP=1 keeps it).
#
# WORKDIR defaults to /var/tmp/zdiag-fresh.XXXXXX.  The full log is
# WORKDIR/log.  Exit status 0 when every README command exited 0.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "fresh-debian: needs root (debootstrap, mount, chroot)" >&2; exit 2; }
work=${1:-$(mktemp -d /var/tmp/zdiag-fresh.XXXXXX)}
mkdir -p "$work"
root=$work/root
log=$work/log
: > "$log"

mirror=${MIRROR:-$(sed -n 's/^\(deb\|URIs:\) *\(\[[^]]*\] *\)\?\(https\?:\/\/[^ ]*\/debian\/\?\)\( .*\)\?$/\3/p' \
	/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}

mounted=
cleanup() {
	set +e
	# Processes still running in the chroot (a daemon a test left): ours.
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	for m in $mounted; do
		umount -R "$root/$m" || umount -R -l "$root/$m"
	done
	if grep -q " $root/" /proc/self/mountinfo; then
		echo "fresh-debian: still mounted under $root:" >&2
		grep " $root/" /proc/self/mountinfo >&2
	elif [ "${KEEP:-0}" != 1 ]; then
		rm -rf "$root"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if [ -n "${ZDIAG_FRESH_BASE:-}" ]; then
	echo "fresh-debian: copying $ZDIAG_FRESH_BASE"
	cp -a "$ZDIAG_FRESH_BASE" "$root"
else
	command -v debootstrap > /dev/null || {
		echo "fresh-debian: no debootstrap (apt-get install debootstrap)" >&2
		exit 2
	}
	echo "fresh-debian: debootstrap bookworm from $mirror (a few minutes; log: $log)"
	debootstrap --variant=minbase --include=git,ca-certificates bookworm "$root" "$mirror" >> "$log" 2>&1 || {
		tail -n 20 "$log" >&2
		exit 2
	}
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# Reverse order for the unmount.
for m in proc sys dev dev/pts; do
	if [ "$m" = sys ]; then
		mount --rbind "/$m" "$root/$m"
	else
		mount --bind "/$m" "$root/$m"
	fi
	mounted="$m $mounted"
	mount --make-rslave "$root/$m"
done
mount -t tmpfs -o mode=1777 zdiag-fresh-tmp "$root/tmp"
mount --make-private "$root/tmp"
mounted="tmp $mounted"

git clone -q --bare "$top" "$root/var/tmp/zdiag.git"
chroot "$root" git clone -q /var/tmp/zdiag.git /root/zdiag
echo "fresh-debian: $(chroot "$root" git -C /root/zdiag log --oneline -1)"

# The commands of the first sh block after "## Start here".
cmds=$(awk '/^## Start here/ { s = 1 } s && /^```sh/ { b = 1; next } b && /^```/ { exit } b' "$top/README.md")
[ -n "$cmds" ] || { echo "fresh-debian: no sh block under '## Start here' in README.md" >&2; exit 2; }
results=
rc=0
n=0
while IFS= read -r cmd; do
	[ -n "$cmd" ] || continue
	n=$((n + 1))
	echo "fresh-debian: \$ $cmd"
	echo "===== $cmd" >> "$log"
	set +e
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		bash -c "cd /root/zdiag && $cmd" < /dev/null > "$work/out.$n" 2>&1
	st=$?
	set -e
	cat "$work/out.$n" >> "$log"
	tail -n 25 "$work/out.$n" | sed 's/^/    /'
	results="$results
  exit $st: $cmd"
	[ "$st" = 0 ] || rc=1
done <<EOF
$cmds
EOF
echo
echo "fresh-debian: Debian $(cat "$root/etc/debian_version"), a chroot whose / is not a mount point:$results"
[ "$rc" = 0 ] && echo "fresh-debian: PASS" || echo "fresh-debian: FAIL (full log: $log)"
exit "$rc"
