#!/bin/bash
# PID 1 inside the test VM (exec'd by the initramfs after switch_root onto the
# host's / with a tmpfs overlay). Sets up a minimal system, runs the job the
# host wrote to $job/args, then reports on the result channel:
#   /dev/ttyS0  kernel console (host: console.log)
#   /dev/ttyS1  the job's stdout+stderr (host: output.log, streamed)
#   /dev/ttyS2  result channel, written only here, last (host: result)
#   /dev/ttyS3  full dmesg at the end (host: dmesg.log)
# The success token is written only if the job exited 0 and the kernel log is
# clean, so a crash, WARN (panic_on_warn), hang or timeout never passes.
set -uo pipefail

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8

msg() { echo "tcptrail-vm: $*" > /dev/console; }
poweroff_now() {
	# reboot(2) doesn't return. Nothing may be exec'd after the sysrq
	# fallback (9p goes away during shutdown) and PID 1 must not exit, or
	# "Attempted to kill init" would panic: so builtins only.
	/bin/busybox poweroff -f
	echo o > /proc/sysrq-trigger
	while :; do :; done
}
trap poweroff_now EXIT

# /proc, /sys and /dev come already mounted from the initramfs.
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	tcptrail.root=*) root=${arg#*=} ;;
	tcptrail.job=*)  job=${arg#*=} ;;
	tcptrail.kmods=*) kmods=${arg#*=} ;;
	esac
done
: "${root:?no tcptrail.root= on the kernel command line}" "${job:?no tcptrail.job= on the kernel command line}"

# Fresh /run: the host's pid files and sockets must not leak in. If the
# overlay root failed (read-only 9p), the usual write targets get a tmpfs too.
# Never cover the repo or the job directory (a clone may live in /tmp).
dirs="/run"
touch /.tcptrail-rw 2>/dev/null || dirs+=" /tmp /var/tmp /var/log /var/cache /root /mnt"
for d in $dirs; do
	case "$root/ $job/" in "$d"/*|*" $d"/*) continue ;; esac
	mount -t tmpfs -o mode=0755 tmpfs "$d" || msg "cannot mount tmpfs on $d"
done
chmod 1777 /tmp /var/tmp 2>/dev/null
# devtmpfs lacks the symlinks udev makes; kselftest's runner writes to /dev/stdout.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
ln -sf pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || true
# A foreign kernel (tools/testing/foreign-kernel.sh) has its modules in the
# repo's build/kernels/KVER, not in the host's /lib/modules: point the
# overlay's /lib/modules/KVER there, so modprobe and the kernel's module
# autoload (netem, inet_diag, veth, ...) find them.
if [ -n "${kmods:-}" ]; then
	kv=$(uname -r)
	if ! ln -sfn "$kmods" "/lib/modules/$kv" 2>/dev/null; then
		# Read-only root (no overlay): a tmpfs /lib/modules of our own.
		mount -t tmpfs -o mode=0755 tmpfs /lib/modules && ln -sfn "$kmods" "/lib/modules/$kv" ||
			msg "cannot point /lib/modules/$kv at $kmods"
	fi
fi
hostname tcptrail-vm
ip link set lo up

export KVER=$(uname -r)
export TCPTRAIL_ROOT=$root
export TCPTRAIL_KO=$root/build/$KVER/kmod/tcptrail.ko
# Writable scratch space (tmpfs /run, or the overlay if the repo is there).
export TCPTRAIL_SCRATCH=/run/tcptrail-scratch
mkdir -p "$TCPTRAIL_SCRATCH"

# Raw ttys: no \r\n translation, no echo.
for t in /dev/ttyS1 /dev/ttyS2 /dev/ttyS3; do stty -F "$t" raw -echo 2>/dev/null; done

cmd=()
mapfile -d '' -t cmd < "$job/args"
cd "$root"
if [ ${#cmd[@]} -eq 0 ]; then
	echo "tcptrail-vm: cannot read the job from $job/args" > /dev/ttyS1
	rc=127
else
	"${cmd[@]}" < /dev/null > /dev/ttyS1 2>&1
	rc=$?
fi

# Settle: let late printk (e.g. from rmmod) reach the ring buffer.
sleep 0.2
# A kmemleak kernel (make check-debug): look for leaks now the job is done.
# kmemleak skips objects younger than 5 s and, on a first scan, those whose
# contents it has not seen yet: so wait, scan twice. Leaks print "kmemleak: N
# new suspected memory leaks" to dmesg; their details go to the console.
if [ -w /sys/kernel/debug/kmemleak ]; then
	sleep 5
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	[ -z "$leaks" ] || msg "kmemleak report:"$'\n'"$leaks"
fi
bad_re=$(grep -v -e '^#' -e '^$' "$root/tools/testing/qemu/bad-patterns" | paste -sd'|')
bad=$(dmesg | grep -E -- "$bad_re")
# Taint W (bit 9) or D (bit 7): a warning or an oops happened, whatever printed.
tainted=$(cat /proc/sys/kernel/tainted)
(( tainted & (1 << 9 | 1 << 7) )) && bad+=$'\n'"kernel tainted with W/D: $tainted"

dmesg > /dev/ttyS3
{
	echo "TCPTRAIL-VM-EXIT: $rc"
	if [ -n "$bad" ]; then
		echo "TCPTRAIL-VM-RESULT: kernel-log-dirty"
	elif [ "$rc" -ne 0 ]; then
		echo "TCPTRAIL-VM-RESULT: command-failed"
	else
		echo "TCPTRAIL-VM-RESULT: success"
	fi
} > /dev/ttyS2
[ -n "$bad" ] && msg "bad kernel log lines:"$'\n'"$bad"
exit 0
