#!/bin/bash
# Install what building and testing tcptrail needs, from Debian's archive.
# Idempotent: installs only what dpkg says is missing. Silent when nothing
# is; otherwise one line per phase (what, roughly how long), details in
# build/deps.log. Safe with CI=true and no stdin. Waits for another apt/dpkg
# run (e.g. a background deps.sh) instead of failing on its lock.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
log=$root/build/deps.log
mkdir -p "$root/build"
: > "$log"

pkgs=(
	# the VM, its initramfs and the guest userland
	qemu-system-x86 busybox-static cpio kmod xz-utils iproute2 python3 bpftrace
	# module builds: 6.1 via the metapackages, 6.12 picked below
	linux-image-amd64 linux-headers-amd64 build-essential bc flex bison
	libelf-dev libssl-dev sparse cppcheck dkms
	# chroots of other Debian releases for their kernels (foreign-kernel.sh)
	debootstrap
	# kselftest framework (extracted from its source tarball; lib.mk installs
	# with rsync) and the tests
	linux-source-6.12 rsync libnl-3-dev libnl-genl-3-dev libnl-idiag-3-dev pkg-config
	python3-yaml python3-jsonschema python3-prometheus-client
	# Debian packages (make deb, package-test.sh), tcptrail record --journal,
	# and the node_exporter its text file is scraped through
	debhelper dh-dkms lintian libsystemd-dev prometheus-node-exporter
)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

fail() {
	echo "deps.sh: $*" >&2
	echo "---- last lines of $log ----" >&2
	tail -n 20 "$log" >&2
	exit 1
}

progress() { echo "== deps: $*"; echo "== $(date '+%F %T') $*" >> "$log"; }
apt_opts=(-o DPkg::Lock::Timeout=900)

updated=
apt_update() {
	[ -n "$updated" ] && return
	[ "$(id -u)" -eq 0 ] || { echo "deps.sh: packages are missing; run as root: sudo $0" >&2; exit 1; }
	progress "updating package lists (about 30 seconds)"
	apt-get "${apt_opts[@]}" update < /dev/null >> "$log" 2>&1 || fail "apt-get update failed (network? /etc/apt/sources.list?)"
	updated=1
}

missing=()
for p in "${pkgs[@]}"; do installed "$p" || missing+=("$p"); done

# 6.12: any installed 6.12.N+deb12-amd64 image with its headers will do;
# otherwise the newest N that has both an -unsigned image and headers.
have612=
for img in $(dpkg-query -W -f='${Package}\n' 'linux-image-6.12.*+deb12-amd64*' 2>/dev/null); do
	v=${img#linux-image-}; v=${v%-unsigned}
	installed "$img" && installed "linux-headers-$v" && have612=$v
done
if [ -z "$have612" ]; then
	apt_update
	n=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
		sed -n 's/^linux-image-6\.12\.\([0-9]*\)+deb12.*/\1/p' | sort -rn |
		while read -r n; do
			apt-cache show "linux-headers-6.12.$n+deb12-amd64" >/dev/null 2>&1 && { echo "$n"; break; }
		done || true)
	[ -n "$n" ] || fail "no linux-image-6.12.*+deb12-amd64-unsigned with matching headers in apt (is bookworm-security enabled?)"
	missing+=("linux-image-6.12.$n+deb12-amd64-unsigned" "linux-headers-6.12.$n+deb12-amd64")
fi

# make check-rt: Debian's PREEMPT_RT 6.12 (where spinlocks sleep), the same N.
if [ "${TCPTRAIL_WITH_RT:-0}" = 1 ]; then
	n612=${have612:-6.12.$n+deb12-amd64}
	rt=${n612%-amd64}-rt-amd64
	for p in "linux-image-$rt-unsigned" "linux-headers-$rt"; do
		installed "$p" || missing+=("$p")
	done
fi

# make check-debug: the 6.1 source tree its debug kernel is built from, and
# lz4, which compresses that kernel's image.
if [ "${TCPTRAIL_WITH_DEBUG:-0}" = 1 ]; then
	for p in linux-source-6.1 lz4; do
		installed "$p" || missing+=("$p")
	done
fi

[ ${#missing[@]} -eq 0 ] && exit 0

apt_update
install=(env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
# What apt will fetch, to say how long it takes: "Need to get 612 MB of archives."
size=$("${install[@]}" --download-only --assume-no "${missing[@]}" < /dev/null 2>/dev/null |
	sed -n 's/^Need to get \([^ ]* [kMG]*B\).*/\1/p' | head -n1 || true)
n="${#missing[@]} packages"
[ ${#missing[@]} -eq 1 ] && n="1 package"
start=$(date +%s)
progress "downloading ${size:-the packages} for $n: ${missing[*]} (about 1 minute per 500 MB; log: $log)"
"${install[@]}" --download-only "${missing[@]}" < /dev/null >> "$log" 2>&1 ||
	fail "downloading ${missing[*]} failed"
# The slow part is the kernels' postinst (initramfs, dkms), a minute or two each.
case " ${missing[*]}" in
*" linux-image-"*) eta="about 5 minutes on a fresh machine: each kernel builds its initramfs" ;;
*) eta="about a minute" ;;
esac
progress "installing $n ($eta)"
"${install[@]}" "${missing[@]}" < /dev/null >> "$log" 2>&1 ||
	fail "apt-get install ${missing[*]} failed"
progress "installed $n in $(( $(date +%s) - start ))s"
