#!/bin/bash
# Files of the kernel tree from Debian's linux-source-6.12 tarball, extracted
# once into a cache directory (never copied into the repo): the kselftest
# framework, checkpatch, the YNL generator. Only the named members are
# extracted, into a fresh directory first, so that a concurrent user never
# sees a half-extracted tree.
#
# usage: linux-source.sh DIR STAMP MEMBER...
#   DIR     the cache; it holds the members under their tree paths
#   STAMP   what DIR was extracted for: a different one extracts anew
#   MEMBER  a path in the kernel tree (shell wildcards allowed)
set -euo pipefail

[ $# -ge 3 ] || { sed -n 's/^# \{0,1\}//; /^usage:/,/^$/p' "$0" >&2; exit 2; }
dir=$1 stamp=$2
shift 2
tarball=/usr/src/linux-source-6.12.tar.xz

[ "$(cat "$dir/.extracted" 2>/dev/null)" != "$stamp" ] || exit 0
[ -r "$tarball" ] || { echo "linux-source.sh: $tarball missing: run tools/testing/deps.sh (package linux-source-6.12)" >&2; exit 1; }
members=()
for m in "$@"; do
	members+=("linux-source-6.12/$m")
done
new=$dir.new.$$
rm -rf "$new"
mkdir -p "$new"
tar -xJf "$tarball" -C "$new" --strip-components=1 --wildcards "${members[@]}"
echo "$stamp" > "$new/.extracted"
rm -rf "$dir"
mv "$new" "$dir"
