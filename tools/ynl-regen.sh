#!/bin/bash
# The netlink API's header, include/uapi/linux/tcptrail_genl.h, generated
# from its YNL spec, Documentation/netlink/specs/tcptrail.yaml, by the
# kernel's own generator (tools/net/ynl/ynl-gen-c.py --mode uapi), as the
# kernel generates its families' headers. The generator and the spec
# schemas come from Debian's linux-source-6.12 (extracted once into
# build/ynl-src).
#
# usage: ynl-regen.sh          rewrite the header (make regen)
#        ynl-regen.sh --check  fail if the committed header differs from
#                              what the spec gives (make check)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/build/ynl-src
spec=$root/Documentation/netlink/specs/tcptrail.yaml
header=$root/include/uapi/linux/tcptrail_genl.h

check=0
case ${1:-} in
--check) check=1 ;;
"") ;;
*) sed -n 's/^# \{0,1\}//; /^usage:/,/^$/p' "$0" >&2; exit 2 ;;
esac

"$root/tools/linux-source.sh" "$src" 1 tools/net/ynl/ynl-gen-c.py \
	'tools/net/ynl/lib/*.py' 'Documentation/netlink/*.yaml'

# The generator names the spec by its path in a kernel tree (one with a
# MAINTAINERS file) and finds the schema beside it: a scratch tree so.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Documentation/netlink/specs"
: > "$work/MAINTAINERS"
cp "$src"/Documentation/netlink/*.yaml "$work/Documentation/netlink/"
cp "$spec" "$work/Documentation/netlink/specs/"
python3 "$src/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
	--spec "$work/Documentation/netlink/specs/tcptrail.yaml" -o "$work/out.h" > "$work/log" 2>&1 ||
	{ echo "ynl-regen.sh: ynl-gen-c.py failed on $spec:" >&2; cat "$work/log" >&2; exit 1; }

if [ $check = 1 ]; then
	if ! diff -u "$header" "$work/out.h" > "$work/diff"; then
		echo "ynl-regen.sh: $header is not what $spec gives; run 'make regen' and commit both:" >&2
		cat "$work/diff" >&2
		exit 1
	fi
	echo "ynl-regen.sh: $header matches the spec"
else
	cp "$work/out.h" "$header"
	echo "ynl-regen.sh: wrote $header"
fi
