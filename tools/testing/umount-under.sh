#!/bin/bash
# Unmount everything mounted at or below DIR (deepest first), e.g. a chroot's
# /proc, /dev and the repo bind-mounted inside it, so that DIR can be removed
# without `rm -rf` walking into the host's /dev or the repo.
# usage: umount-under.sh DIR...      (exit 1 if something stays mounted)
#        . umount-under.sh           (functions umount_under, rm_chroot)
# `make clean` runs it on build/chroot before removing build/.

# umount_under DIR: unmount what this mount namespace has at or under DIR.
umount_under() {
	local dir m left
	dir=$(realpath -m "$1")
	[ "$dir" != / ] || { echo "umount_under: refusing to unmount everything under /" >&2; return 1; }
	# /proc/self/mountinfo field 5 is the mount point, with space, tab,
	# newline and backslash written as octal escapes; deepest first.
	local mounts=()
	mapfile -t mounts < <(awk '{ print $5 }' /proc/self/mountinfo |
		while IFS= read -r m; do printf '%b\n' "$m"; done |
		awk -v d="$dir" '$0 == d || index($0, d "/") == 1' | sort -r)
	for m in "${mounts[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
			echo "umount_under: cannot unmount $m" >&2
	done
	left=$(awk '{ print $5 }' /proc/self/mountinfo |
		while IFS= read -r m; do printf '%b\n' "$m"; done |
		awk -v d="$dir" '$0 == d || index($0, d "/") == 1')
	[ -z "$left" ] || { echo "umount_under: still mounted under $dir:"$'\n'"$left" >&2; return 1; }
}

# rm_chroot DIR: unmount everything under DIR, then remove it; refuses (and
# removes nothing) if anything is still mounted there.
rm_chroot() {
	umount_under "$1" || { echo "rm_chroot: not removing $1: something is still mounted in it" >&2; return 1; }
	rm -rf --one-file-system "$1"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	[ $# -gt 0 ] || { echo "usage: $0 DIR..." >&2; exit 2; }
	rc=0
	for d in "$@"; do
		[ -e "$d" ] || continue
		umount_under "$d" || rc=1
	done
	exit $rc
fi
