#!/bin/bash
# Kernel coding style: scripts/checkpatch.pl from Debian's linux-source-6.12
# (extracted once into build/checkpatch by tools/linux-source.sh) over
# every kernel source file and the UAPI header. Exit 1 on any finding.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$root/build/checkpatch

"$root/tools/linux-source.sh" "$dir" 1 scripts/checkpatch.pl \
	scripts/spelling.txt scripts/const_structs.checkpatch

cd "$root"
# The sources only, not what a build leaves beside them (tcptrail.mod.c).
mapfile -t files < <(ls kmod/*.[ch] include/uapi/linux/tcptrail.h | grep -v '\.mod\.c$')
"$dir/scripts/checkpatch.pl" --no-tree --terse --show-types --strict \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
	-f "${files[@]}" > build/checkpatch.log || true
findings=$(grep -v ': 0 errors, 0 warnings, 0 checks' build/checkpatch.log || true)
[ -z "$findings" ] || { echo "$findings"; exit 1; }
echo "style.sh: checkpatch --strict clean on ${#files[@]} files (kmod/, the UAPI header)"
