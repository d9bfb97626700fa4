#!/bin/bash
# Kernel coding style: scripts/checkpatch.pl from Debian's linux-source-6.12
# (extracted once into build/checkpatch, never copied into the repo) over
# every kernel source file and the UAPI header. Exit 1 on any finding.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
dir=$root/build/checkpatch

if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
	[ -r "$tarball" ] || { echo "style.sh: $tarball missing: run tools/testing/deps.sh" >&2; exit 1; }
	new=$dir.new.$$
	rm -rf "$new" && mkdir -p "$new"
	tar -xJf "$tarball" -C "$new" --strip-components=1 \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
	rm -rf "$dir" && mv "$new" "$dir"
fi

cd "$root"
# The sources only, not what a build leaves beside them (tcptrail.mod.c).
mapfile -t files < <(ls kmod/*.[ch] include/uapi/linux/tcptrail.h | grep -v '\.mod\.c$')
"$dir/scripts/checkpatch.pl" --no-tree --terse --show-types --strict \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
	-f "${files[@]}" > build/checkpatch.log || true
findings=$(grep -v ': 0 errors, 0 warnings, 0 checks' build/checkpatch.log || true)
[ -z "$findings" ] || { echo "$findings"; exit 1; }
echo "style.sh: checkpatch --strict clean on ${#files[@]} files (kmod/, the UAPI header)"
