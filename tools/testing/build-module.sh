#!/bin/bash
# Build tcptrail.ko for one kernel with W=1, as `make check` does, and say
# how many warnings it gave: the command to iterate with on kernel code.
# Host kernels (6.1, 6.12) build on the host; 5.10 and 7.x in their Debian
# release's chroot (tools/testing/foreign-kernel.sh, made on first use).
# Result: build/KVER/kmod/tcptrail.ko, log build/KVER/w1-build.log (and
# build/KVER/sparse.log with -s/-S).
#
# usage: build-module.sh [-q] [-s | -S] KERNEL
#   KERNEL  a series (5.10, 6.1, 6.12, 7.x, 7.3), a full release, or
#           KVER=IMAGE:KDIR (see tools/testing/kernels.sh)
#   -s      then run sparse too (make C=2)
#   -S      sparse only
#   -q      print only the summary lines, not the logs
# Exit: 0 clean; 1 the build failed; 3 it built with warnings; 4 sparse
# findings; 5 sparse not available for this kernel (skipped); 2 usage.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

usage() { sed -n '/^# usage:/,/^# Exit:/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
quiet=0 w1=1 sparse=0
while getopts qsSh opt; do
	case $opt in
	q) quiet=1 ;;
	s) sparse=1 ;;
	S) sparse=1 w1=0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage

entry=$("$here/kernels.sh" --resolve "$1") || exit 1
kver=${entry%%=*}
foreign=0
if [ "$kver" != "$entry" ]; then	# KVER=IMAGE:KDIR
	kdir=${entry#*:}
elif [ -e "$root/build/kernels/$kver/.tcptrail-ready" ]; then
	foreign=1
	kdir=	# the chroot knows (KDIR in its environment)
else
	kdir=/lib/modules/$kver/build
fi
mkdir -p "build/$kver"

# run_make LOG MAKE-ARGS...: make on the host, or in the kernel's chroot.
run_make() {
	local log=$1
	shift
	if [ "$foreign" = 1 ]; then
		"$here/foreign-kernel.sh" "$kver" -- sh -c 'make "$@" KDIR="$KDIR"' sh "$@" > "$log" 2>&1
	else
		make "$@" KDIR="$kdir" > "$log" 2>&1
	fi
}
show() { [ "$quiet" = 1 ] || cat "$1"; }

rc=0
if [ "$w1" = 1 ]; then
	log=build/$kver/w1-build.log
	where="on the host"
	[ "$foreign" = 1 ] && where="in its Debian release's chroot"
	echo "== $kver: building tcptrail.ko with W=1 $where (under a minute)"
	start=$(date +%s)
	if ! run_make "$log" -C "$root" module-for KVER="$kver" W=1; then
		show "$log"
		echo "== $kver: BUILD FAILED after $(( $(date +%s) - start ))s: $(grep -c 'error:' "$log" || true) error(s), $(grep -ci 'warning:' "$log" || true) warning(s) (log: $log)"
		exit 1
	fi
	show "$log"
	n=$(grep -ci 'warning:' "$log" || true)
	echo "== $kver: built build/$kver/kmod/tcptrail.ko in $(( $(date +%s) - start ))s, $n warning(s) (log: $log)"
	[ "$n" -eq 0 ] || rc=3
fi

if [ "$sparse" = 1 ]; then
	log=build/$kver/sparse.log
	if [ "$foreign" = 1 ]; then
		have=$("$here/foreign-kernel.sh" "$kver" -- sh -c 'command -v sparse' 2>/dev/null || true)
	else
		have=$(command -v sparse || true)
	fi
	if [ -z "$have" ]; then
		echo "== $kver: sparse SKIPPED: no sparse $([ "$foreign" = 1 ] && echo "in the chroot" || echo "on the host (tools/testing/deps.sh installs it)")" | tee "$log"
		exit 5
	fi
	echo "== $kver: sparse (make C=2)"
	run_make "$log" -C "$root" sparse-for KVER="$kver" || true
	# Kbuild turns C=2 off, with a warning, when the checker is too old for
	# the kernel: 7.x wants __typeof_unqual__, which trixie's sparse 0.6.4
	# does not parse (forced on, it reports hundreds of errors in the headers).
	if grep -q 'specified, but .* is not available or not up to date' "$log"; then
		if [ "$foreign" = 1 ]; then
			version=$("$here/foreign-kernel.sh" "$kver" -- sparse --version 2>/dev/null || true)
		else
			version=$(sparse --version 2>/dev/null || true)
		fi
		echo "== $kver: sparse SKIPPED: this kernel's Kbuild finds sparse ${version:-?} too old for it (C=2 turned off; see $log)"
		exit 5
	fi
	findings=$(grep -vE '^make|^  (CHECK|CC|LD|MODPOST|BTF)|Skipping BTF' "$log" || true)
	if [ -n "$findings" ]; then
		[ "$quiet" = 1 ] || echo "$findings"
		echo "== $kver: sparse: $(echo "$findings" | wc -l) line(s) of findings (log: $log)"
		[ "$rc" -ne 0 ] || rc=4
	else
		echo "== $kver: sparse clean"
	fi
fi
exit $rc
