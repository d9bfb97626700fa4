#!/bin/bash
# Kernels from other Debian releases than the host's, for the module build
# and the VM tests: 5.10 (bullseye) and the newest 7.x (trixie-backports).
# Their headers need that release's toolchain (5.10: gcc-10; 7.x: trixie's
# glibc for its kbuild tools), so each release gets a debootstrap chroot
# (minbase, cached) with a compiler, sparse and the kernel's headers. The
# kernel's image and modules are only unpacked (dpkg -x), never installed:
#   build/chroot/RELEASE/          the chroot (RELEASE: bullseye, trixie)
#   build/chroot/RELEASE.ready     written once the chroot is complete
#   build/chroot/RELEASE.lock      flock: one run at a time per chroot
#   build/chroot/RELEASE.log       what apt and debootstrap said
#   build/kernels/KVER/            the unpacked image and modules (depmod'ed:
#                                  modprobe -d build/kernels/KVER -S KVER works);
#                                  vm.sh boots it, guest-init.sh uses its modules
# Inside the chroot the repo is bind-mounted at its own absolute path, so
# `make module-for` writes build/KVER/kmod/tcptrail.ko as on the host.
#
# usage: foreign-kernel.sh SERIES          prepare the newest release of
#            SERIES (5.10, 7, 7.x, 7.3) or exactly KVER (5.10.0-35-amd64,
#            7.3.1+deb13-amd64); prints KVER on stdout, progress on stderr
#        foreign-kernel.sh KVER -- CMD...  run CMD in KVER's chroot, in the
#            repo, with KVER and KDIR (its headers) in the environment
#        foreign-kernel.sh --is-foreign KVER   exit 0 if KVER is one of ours
# Env: TCPTRAIL_DEBIAN_MIRROR (default http://deb.debian.org/debian),
#      TCPTRAIL_DEBIAN_SECURITY (default http://deb.debian.org/debian-security).
# Package lists are refreshed when a series is resolved and they are more
# than a day old, so a newer release (or 7.x series) is picked up.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/umount-under.sh"

usage() {
	sed -n '/^# usage:/,/^# Env:/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

# Which Debian release builds which kernel (by series or full release).
release_of() {
	case $1 in
	5.10 | 5.10.*) echo bullseye ;;
	7 | 7.x | 7.[0-9]* | *+deb13-amd64) echo trixie ;;
	*) return 1 ;;
	esac
}

if [ "${1-}" = --is-foreign ]; then
	[ $# -eq 2 ] || usage
	release_of "$2" > /dev/null && [ -e "$root/build/kernels/$2/.tcptrail-ready" ]
	exit
fi
[ $# -ge 1 ] || usage
want=$1
shift
cmd=()
if [ $# -gt 0 ]; then
	[ "$1" = -- ] && [ $# -ge 2 ] || usage
	shift
	cmd=("$@")
fi
release=$(release_of "$want") ||
	{ echo "foreign-kernel.sh: no Debian release known for '$want' (5.10 -> bullseye, 7.x -> trixie; 6.1 and 6.12 are the host's)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "foreign-kernel.sh: needs root (debootstrap, chroot, mount): sudo $0 $want" >&2; exit 1; }

# Mounts live in a private mount namespace: they vanish with this process
# whatever happens to it, and a `rm -rf build` elsewhere never reaches
# through a bind mount into the repo or the host's /dev.
if [ "${TCPTRAIL_FOREIGN_NS:-}" != $$ ]; then
	command -v unshare > /dev/null || { echo "foreign-kernel.sh: unshare missing (util-linux)" >&2; exit 1; }
	exec unshare -m --propagation private env TCPTRAIL_FOREIGN_NS=$$ "$BASH" "$0" "$want" ${cmd[@]+-- "${cmd[@]}"}
fi

mirror=${TCPTRAIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${TCPTRAIL_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
cdir=$root/build/chroot
chroot_dir=$cdir/$release
stamp=$cdir/$release.ready
log=$cdir/$release.log
kernels=$root/build/kernels
mkdir -p "$cdir" "$kernels"

progress() { echo "== $*" >&2; echo "== $(date '+%F %T') $*" >> "$log"; }
fail() {
	echo "foreign-kernel.sh: $*" >&2
	[ -s "$log" ] && { echo "---- last lines of $log ----" >&2; tail -n 20 "$log" >&2; }
	exit 1
}
took() { echo "   done in $(( $(date +%s) - $1 ))s" >&2; }

# One run at a time per chroot: a second one waits here.
exec 9> "$cdir/$release.lock"
if ! flock -n 9; then
	echo "== waiting for another run using $chroot_dir (lock $cdir/$release.lock)" >&2
	flock 9
fi
touch "$log"

cleanup() { umount_under "$chroot_dir" || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

case $release in
bullseye)
	sources="deb $mirror bullseye main
deb $mirror bullseye-updates main
deb $security bullseye-security main"
	suites="bullseye, bullseye-updates, bullseye-security" ;;
trixie)
	sources="deb $mirror trixie main
deb $mirror trixie-updates main
deb $mirror trixie-backports main
deb $security trixie-security main"
	suites="trixie, trixie-updates, trixie-security, trixie-backports" ;;
esac
# binutils named explicitly: minbase has none and not every headers
# package pulls it in. sparse for `make C=2`.
tools=(binutils gcc make bc flex bison libelf-dev libssl-dev kmod sparse)
recipe="minbase v1 $release $mirror $security: ${tools[*]}"

in_chroot() {
	chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
apt_chroot() {
	in_chroot apt-get -y -o APT::Sandbox::User=root -o Dpkg::Use-Pty=0 "$@" < /dev/null >> "$log" 2>&1
}
mount_chroot() {
	mountpoint -q "$chroot_dir/proc" || mount -t proc proc "$chroot_dir/proc"
	mountpoint -q "$chroot_dir/dev" || mount --bind /dev "$chroot_dir/dev"
}
refresh_lists() {
	local start
	start=$(date +%s)
	progress "updating $release package lists ($suites; about 10 seconds)"
	apt_chroot update || fail "apt-get update in $chroot_dir failed (network? $mirror)"
	took "$start"
	touch "$cdir/$release.lists"
}

if [ "$(cat "$stamp" 2>/dev/null)" != "$recipe" ] || [ ! -x "$chroot_dir/usr/bin/gcc" ]; then
	rm -f "$stamp" "$cdir/$release.lists"
	command -v debootstrap > /dev/null || "$here/deps.sh" >&2
	command -v debootstrap > /dev/null || fail "debootstrap missing: run tools/testing/deps.sh"
	if [ -e "$chroot_dir" ]; then
		progress "removing the incomplete $release chroot $chroot_dir"
		rm_chroot "$chroot_dir" || fail "cannot remove $chroot_dir (see above)"
	fi
	: > "$log"
	progress "creating $release chroot for $want headers in $chroot_dir (about 1 minute, once; log: $log)"
	start=$(date +%s)
	debootstrap --variant=minbase "$release" "$chroot_dir" "$mirror" < /dev/null >> "$log" 2>&1 ||
		{ umount_under "$chroot_dir" || true; fail "debootstrap $release failed"; }
	took "$start"
	umount_under "$chroot_dir" || fail "debootstrap left mounts in $chroot_dir"
	echo "$sources" > "$chroot_dir/etc/apt/sources.list"
	# No documentation or translations: a build chroot reads none.
	cat > "$chroot_dir/etc/dpkg/dpkg.cfg.d/01-tcptrail-nodoc" <<-'EOF'
	path-exclude /usr/share/doc/*
	path-exclude /usr/share/man/*
	path-exclude /usr/share/info/*
	path-exclude /usr/share/locale/*
	EOF
	printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
		> "$chroot_dir/etc/apt/apt.conf.d/90-tcptrail"
	mount_chroot
	refresh_lists
	progress "installing the build tools in the $release chroot: ${tools[*]} (about 30 seconds, once)"
	start=$(date +%s)
	apt_chroot install "${tools[@]}" || fail "installing ${tools[*]} in $chroot_dir failed"
	took "$start"
	echo "$recipe" > "$stamp"
fi
mount_chroot

# The kernel: a full release as given, or the newest of a series whose
# headers and image are both in the archive.
lists_fresh() { [ -n "$(find "$cdir/$release.lists" -mmin -1440 2>/dev/null)" ]; }
candidates() {  # newest first: KVERs that have headers, for this series
	local re
	case $want in
	5.10) re='^linux-headers-5\.10\.0-[0-9]+-amd64$' ;;
	7 | 7.x) re='^linux-headers-7\.[0-9]+\.[0-9]+\+deb13-amd64$' ;;
	*) re="^linux-headers-${want//./\\.}\\.[0-9]+\\+deb13-amd64\$" ;;
	esac
	in_chroot apt-cache search --names-only "$re" | awk '{ print $1 }' |
		sed 's/^linux-headers-//' | sort -rV
}
# What the kernel's image and modules ship in. 5.10: one package,
# linux-image-KVER-unsigned. 7.x: linux-image-KVER depends on the pieces,
# linux-binary-KVER (vmlinuz), linux-modules-KVER and linux-base-KVER
# (modules.builtin, config, System.map): all its linux-*-KVER dependencies.
image_pkgs() {
	local parts
	parts=$(in_chroot apt-cache show --no-all-versions "linux-image-$1" 2>/dev/null |
		sed -n 's/^Depends: //p' | tr ',|' '\n\n' | awk '{ print $1 }' |
		grep -xF -e "linux-binary-$1" -e "linux-modules-$1" -e "linux-base-$1" | sort -u || true)
	if [ -n "$parts" ] && in_chroot apt-cache show "linux-binary-$1" > /dev/null 2>&1; then
		echo $parts
	else
		echo "linux-image-$1-unsigned"
	fi
}
available() {  # every package named exists in the lists
	local p
	for p in "$@"; do in_chroot apt-cache show "$p" > /dev/null 2>&1 || return 1; done
}

case $want in
5.10 | 7 | 7.x | 7.[0-9] | 7.[0-9][0-9])
	lists_fresh || refresh_lists
	kver=
	for k in $(candidates); do
		# shellcheck disable=SC2046
		available "linux-headers-$k" $(image_pkgs "$k") && { kver=$k; break; }
	done
	[ -n "$kver" ] || fail "no linux-headers for series $want with a matching image in $suites"
	;;
*) kver=$want ;;
esac

headers=linux-headers-$kver
if ! in_chroot dpkg-query -W -f='${Status}' "$headers" 2>/dev/null | grep -q 'install ok installed'; then
	available "$headers" || refresh_lists
	available "$headers" || fail "$headers is not in $suites: pick another from: $(candidates | tr '\n' ' ')"
	progress "installing $headers in the $release chroot (about 30 seconds, once per kernel)"
	start=$(date +%s)
	apt_chroot install "$headers" || fail "installing $headers in $chroot_dir failed"
	took "$start"
fi
kdir=/usr/src/linux-headers-$kver
[ -f "$chroot_dir$kdir/Makefile" ] || kdir=/lib/modules/$kver/build
[ -e "$chroot_dir$kdir/Makefile" ] || fail "$headers installed, but neither /usr/src/linux-headers-$kver nor /lib/modules/$kver/build in $chroot_dir"

tree=$kernels/$kver
read -r -a pkgs <<< "$(image_pkgs "$kver")"
if [ "$(cat "$tree/.tcptrail-ready" 2>/dev/null)" != "${pkgs[*]}" ]; then
	progress "unpacking ${pkgs[*]} into $tree (about 30 seconds, once per kernel)"
	start=$(date +%s)
	available "${pkgs[@]}" || refresh_lists
	dl=/var/cache/tcptrail-debs
	rm -rf "$chroot_dir$dl" && mkdir -p "$chroot_dir$dl"
	in_chroot sh -c "cd $dl && apt-get -o APT::Sandbox::User=root download ${pkgs[*]}" \
		< /dev/null >> "$log" 2>&1 || fail "apt-get download ${pkgs[*]} failed"
	rm -rf "$tree.new" "$tree"
	mkdir -p "$tree.new"
	for deb in "$chroot_dir$dl"/*.deb; do
		dpkg -x "$deb" "$tree.new" || fail "dpkg -x $deb failed"
	done
	rm -rf "$chroot_dir$dl"
	# A merged-/usr package (7.x) ships usr/lib/modules only: lib -> usr/lib
	# lets depmod -b and modprobe -d (which look in lib/modules) find it.
	if [ ! -e "$tree.new/lib" ] && [ -d "$tree.new/usr/lib/modules" ]; then
		ln -s usr/lib "$tree.new/lib"
	fi
	[ -d "$tree.new/lib/modules/$kver" ] || fail "no lib/modules/$kver in ${pkgs[*]}"
	depmod -b "$tree.new" "$kver" >> "$log" 2>&1 || fail "depmod -b $tree.new $kver failed"
	echo "${pkgs[*]}" > "$tree.new/.tcptrail-ready"
	mv "$tree.new" "$tree"
	took "$start"
fi

if [ ${#cmd[@]} -eq 0 ]; then
	echo "$kver"
	exit 0
fi

# Run CMD in the chroot, in the repo (bind-mounted at its own path).
mkdir -p "$chroot_dir$root"
mountpoint -q "$chroot_dir$root" || mount --bind "$root" "$chroot_dir$root"
rc=0
chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	LC_ALL=C.UTF-8 KVER="$kver" KDIR="$kdir" ${CI:+CI="$CI"} \
	/bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$root" "${cmd[@]}" || rc=$?
exit $rc
