#!/bin/bash
# Runs inside the VM (tools/testing/qemu/vm.sh), called by bench.sh:
#   guest-bench.sh icount N REPS [OBSERVERS]
#                                  instruction cost per observer, ablations, memory
#   guest-bench.sh wall N REPS [OBSERVERS]
#                                  connections/s (baseline and observer interleaved),
#                                  then completeness at one worker per CPU
#   guest-bench.sh profile N       one run each of no observer and tcptrail with
#                                  churn -M: the insn-profile plugin's marks
# OBSERVERS (space-separated) narrows the observers a phase measures.
# Every result is one line on stdout starting with "BENCH "; bench.sh parses them.
set -euo pipefail
# Job control: background observers then take SIGINT (without it, bash
# starts them with SIGINT ignored and `cat trace_pipe` never stops).
set -m

mode=$1 n=$2 reps=$3 only=${4:-}
root=$TCPTRAIL_ROOT
bin=$root/build/bench
churn=$bin/churn
tool=$root/user/tcptrail
ko=$TCPTRAIL_KO
T=/sys/kernel/tracing
EV=$T/events/sock/inet_sock_set_state
out=/tmp/bench-out
obs_pid=

log() { echo "bench: $*" >&2; }
fail() { echo "BENCH error $*"; log "$*"; exit 1; }

# The observer being attached could not start: say why (its last error
# line), on a BENCH line the report shows, and stop it.
gone() {
	local why
	why=$(grep -v '^$' "$obs_err" 2>/dev/null | tail -n 1 | tr -s ' \t' ' ' | cut -c1-200)
	echo "BENCH unavailable obs=$obs_name why=$1: ${why:-no message}"
	log "$obs_name $1: ${why:-no message}"
	kill -KILL "$obs_pid" 2>/dev/null || true
	wait "$obs_pid" 2>/dev/null || true
	obs_pid=
}

# Blocked (S state) in a wait, twice in a row: done with its set-up.
wait_blocked() {
	local pid=$1 i seen=0
	for ((i = 0; i < 6000; i++)); do
		kill -0 "$pid" 2>/dev/null || { gone "exited before it was ready"; return 1; }
		if [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = S ]; then
			seen=$((seen + 1))
			[ $seen -ge 3 ] && return 0
		else
			seen=0
		fi
		sleep 0.2
	done
	gone "never settled"; return 1
}

# An eBPF program of $1 is attached to the tracepoint (bpftool perf show).
wait_bpf() {
	local pid=$1 i
	for ((i = 0; i < 6000; i++)); do
		kill -0 "$pid" 2>/dev/null || { gone "exited before attaching"; return 1; }
		bpftool perf show 2>/dev/null | grep -E "^pid $pid .*inet_sock_set_state" >/dev/null && return 0
		sleep 0.5
	done
	gone "never attached"; return 1
}

# "1", or "1*" while a trigger (the hist) is attached too.
ftrace_enabled() { case $(cat $EV/enable) in 1*) return 0 ;; *) return 1 ;; esac; }

tt_load() {
	lsmod | grep -q '^tcptrail ' && rmmod tcptrail
	insmod "$ko" "$@"
	[ "$(cat /sys/module/tcptrail/initstate)" = live ] || fail "tcptrail not live"
}

tt_unload() { rmmod tcptrail; }

# Records written since tcptrail was loaded.
written() { "$tool" stats --json | sed -n 's/.*"written":\([0-9]*\).*/\1/p'; }

# attach OBSERVER DEST: DEST is /dev/null (cost runs) or a file (completeness).
attach() {
	local obs=$1 dest=$2
	obs_pid= obs_name=$obs obs_err=$dest.err
	[ "$dest" = /dev/null ] && obs_err=/tmp/bench-$obs.err
	case $obs in
	base) ;;
	tcptrail) tt_load ;;
	tcptrail-off) tt_load; "$tool" config set disable >/dev/null ;;
	tcptrail-tp-off)	# the tracepoint probe alone, recording off
		tt_load disable=child-cookie,accept-owner,reset-sent,reset-received,timewait,timewait-segment,timewait-expiry,timewait-abort
		"$tool" config set disable >/dev/null ;;
	tcptrail-filtered) tt_load; "$tool" config set ports 1 >/dev/null ;;
	tcptrail-events)
		tt_load
		TCPTRAIL_DEBUG_DUMPS=1 "$tool" events --follow --json > "$dest" 2> "$obs_err" &
		obs_pid=$!; wait_blocked $obs_pid || return 1 ;;
	tcptrail-events-text)
		tt_load
		TCPTRAIL_DEBUG_DUMPS=1 "$tool" events --follow > "$dest" 2> "$obs_err" &
		obs_pid=$!; wait_blocked $obs_pid || return 1 ;;
	tcptrail-timeline)
		tt_load
		TCPTRAIL_DEBUG_DUMPS=1 "$tool" timeline --follow --json > "$dest" 2> "$obs_err" &
		obs_pid=$!; wait_blocked $obs_pid || return 1 ;;
	ftrace-noreader)
		echo 1 > $EV/enable
		ftrace_enabled || fail "ftrace event not enabled" ;;
	ftrace)
		echo 0 > $T/tracing_on; echo > $T/trace; echo 1 > $T/tracing_on
		echo 1 > $EV/enable
		ftrace_enabled || fail "ftrace event not enabled"
		cat $T/trace_pipe > "$dest" &
		obs_pid=$!; wait_blocked $obs_pid || return 1 ;;
	bpftrace)
		BPFTRACE_PERF_RB_PAGES=${BPFTRACE_PERF_RB_PAGES:-64} \
			bpftrace "$root/tools/testing/bench/tcpstates.bt" > "$dest" 2> "$obs_err" &
		obs_pid=$!; { wait_bpf $obs_pid && wait_blocked $obs_pid; } || return 1 ;;
	bcc)
		python3 -u "$root/tools/testing/bench/tcpstates-bcc.py" > "$dest" 2> "$obs_err" &
		obs_pid=$!; { wait_bpf $obs_pid && wait_blocked $obs_pid; } || return 1 ;;
	*) fail "unknown observer $obs" ;;
	esac
}

# A reader's CPU time so far, user and system ticks: "U S".
reader_ticks() {
	if [ -n "$obs_pid" ] && [ -r "/proc/$obs_pid/stat" ]; then
		awk '{print $14, $15}' "/proc/$obs_pid/stat"
	else
		echo "0 0"
	fi
}

# No TIME_WAIT socket left from earlier runs: their expiry would land in
# the next run's window.
wait_no_timewait() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(awk '/^TCP:/ {for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1)}' /proc/net/sockstat)" = 0 ] && return 0
		sleep 1
	done
	log "TIME_WAIT sockets still there after 300 s"
}

detach() {
	local obs=$1
	if [ -n "$obs_pid" ]; then
		# SIGINT, again each second: bcc's Python loses a SIGINT that
		# lands in its perf-buffer callback. SIGKILL after a minute.
		for ((i = 0; i < 60; i++)); do
			kill -INT "$obs_pid" 2>/dev/null || break
			for ((j = 0; j < 10; j++)); do
				kill -0 "$obs_pid" 2>/dev/null || break 2
				sleep 0.1
			done
		done
		kill -KILL "$obs_pid" 2>/dev/null && log "$obs did not stop on SIGINT: killed"
		wait "$obs_pid" 2>/dev/null || true
	fi
	case $obs in
	ftrace*) echo 0 > $EV/enable ;;
	tcptrail*) tt_unload ;;
	esac
}

run() {	# run TAG CHURN-ARGS...: one measurement
	local tag=$1; shift
	local line
	line=$("$churn" "$@") || fail "churn $* failed"
	echo "BENCH $tag $line"
}

hist_on() { echo 'hist:keys=protocol if protocol == 6' > $EV/trigger; }
hist_off() { echo '!hist:keys=protocol if protocol == 6' > $EV/trigger; }

echo "BENCH info kernel=$(uname -r) cpus=$(nproc) clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
mkdir -p $out
# Warm up: page cache, slabs, the port space.
"$churn" -n 2000 > /dev/null; "$churn" -n 2000 -w 0 > /dev/null

case $mode in
icount)
	# Transitions one run causes, counted by the kernel (tracefs hist).
	hist_on
	run "count mode=icount obs=hist rep=1" -n "$n" -H $EV/hist
	run "count mode=icount obs=hist rep=2" -n "$n" -H $EV/hist
	hist_off
	observers=${only:-base tcptrail tcptrail-off tcptrail-tp-off tcptrail-filtered tcptrail-events tcptrail-events-text tcptrail-timeline ftrace-noreader ftrace bpftrace bcc base}
	for obs in $observers; do
		log "icount: $obs"
		attach "$obs" /dev/null || { detach "$obs"; continue; }
		"$churn" -n 200 -s 200 > /dev/null	# warm the observer's path
		# Its hooks: kprobes (the only ones in the guest) and whether
		# ftrace runs them, and the functions ftrace calls it from.
		if [ "$obs" = tcptrail ]; then
			sed 's/^[0-9a-f]* */BENCH kprobe /' /sys/kernel/debug/kprobes/list
			sed 's/^/BENCH ftrace /' $T/enabled_functions
		fi
		read -r u0 s0 <<< "$(reader_ticks)"
		[ "$obs" = tcptrail ] && w0=$(written)
		for ((r = 1; r <= reps; r++)); do
			wait_no_timewait
			# The 62 s after the run take in its TIME_WAIT ends too.
			run "cost mode=icount obs=$obs rep=$r" -n "$n" -s 62000
		done
		# Records per run (taken outside the measured windows).
		[ "$obs" = tcptrail ] && echo "BENCH records obs=$obs runs=$reps written=$(($(written) - w0))"
		# The reader's own CPU time over the measured runs.
		read -r u1 s1 <<< "$(reader_ticks)"
		[ -n "$obs_pid" ] && echo "BENCH reader mode=$mode obs=$obs utime_ticks=$((u1 - u0)) stime_ticks=$((s1 - s0)) hz=$(getconf CLK_TCK)"
		detach "$obs"
	done
	# Memory: the module's code and data, its vmalloc areas (the ring),
	# and slab, at the default and at a 1M-record ring.
	for size in default 1048576; do
		sync; echo 3 > /proc/sys/vm/drop_caches
		s0=$(awk '/^Slab:/ {print $2 * 1024}' /proc/meminfo)
		if [ $size = default ]; then tt_load; else tt_load ring_size=$size; fi
		s1=$(awk '/^Slab:/ {print $2 * 1024}' /proc/meminfo)
		vm=$(awk '/\[tcptrail\]/ {s += $2} END {print s + 0}' /proc/vmallocinfo)
		ring=$("$tool" stats --json | sed -n 's/.*"ring_size":\([0-9]*\).*/\1/p')
		echo "BENCH mem ring_size=$ring coresize=$(cat /sys/module/tcptrail/coresize) vmalloc=$vm slab_delta=$((s1 - s0))"
		grep '\[tcptrail\]' /proc/vmallocinfo | sed 's/^/BENCH vmallocinfo /'
		tt_unload
	done
	;;
wall)
	observers=${only:-tcptrail tcptrail-events tcptrail-timeline ftrace bpftrace bcc}
	for ((r = 1; r <= reps; r++)); do
		for obs in $observers; do
			log "wall rep $r: base / $obs"
			run "wall mode=tcg obs=base pair=$obs rep=$r" -n "$n"
			attach "$obs" /dev/null || { detach "$obs"; continue; }
			run "wall mode=tcg obs=$obs pair=$obs rep=$r" -n "$n"
			detach "$obs"
		done
	done
	# Completeness at the top rate: one worker per CPU, the kernel's own
	# count (hist) against what each observer delivered.
	hist_on
	run "top mode=tcg obs=base rep=1" -n "$n" -w 0 -H $EV/hist
	for obs in $observers; do
		log "completeness: $obs"
		f=$out/$obs.out
		attach "$obs" "$f" || { detach "$obs"; continue; }
		[ "$obs" = tcptrail ] && w0=$("$tool" stats --json)
		line=$("$churn" -n "$n" -w 0 -s 3000 -H $EV/hist) || fail "churn failed"
		[ "$obs" = tcptrail ] && w1=$("$tool" stats --json)
		# Let a slow reader finish what it was given: until its output
		# stops growing for 3 s (at most 5 minutes).
		if [ -n "$obs_pid" ]; then
			last=-1 same=0
			for ((i = 0; i < 300 && same < 3; i++)); do
				size=$(stat -c %s "$f")
				if [ "$size" = "$last" ]; then same=$((same + 1)); else same=0; fi
				last=$size
				sleep 1
			done
		fi
		detach "$obs"
		# Wake-ups: the reader's own count of dumps, messages and records.
		wake=$({ sed -n 's/^tcptrail: dumps \([0-9]*\) messages \([0-9]*\) records \([0-9]*\)$/dumps=\1 messages=\2 records_read=\3/p' "$f.err" 2>/dev/null || true; } | tail -n 1)
		case $obs in
		tcptrail)	# no reader: what the probe recorded and the ring kept
			st() { echo "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(v for k,v in d["states"].items()), d["written"], d["overwritten"])'; }
			read -r e0 _ _ <<< "$(st "$w0")"; read -r e1 wr ov <<< "$(st "$w1")"
			delivered=$((e1 - e0)); missed=0; extra="ring_overwritten=$ov" ;;
		tcptrail-events)
			delivered=$(grep -c '"kind":"state"' "$f" || true)
			missed=$(sed -n 's/^{"missed":\([0-9]*\)}$/\1/p' "$f" | awk '{s += $1} END {print s + 0}')
			extra="records=$(wc -l < "$f")" ;;
		tcptrail-timeline)	# connections print when over; only losses are countable
			delivered=-1
			missed=$(sed -n 's/^{"missed":\([0-9]*\)}$/\1/p' "$f" | awk '{s += $1} END {print s + 0}')
			extra="lines=$(wc -l < "$f")" ;;
		ftrace)
			delivered=$(grep -c 'inet_sock_set_state:' "$f" || true)
			missed=$({ grep -h -E '^(overrun|dropped events):' $T/per_cpu/cpu*/stats || true; } | awk '{s += $NF} END {print s + 0}')
			extra= ;;
		bpftrace)
			delivered=$(grep -c -E '^[0-9a-f]{8,} ' "$f" || true)
			missed=$({ grep -ho 'Lost [0-9]* events' "$f" "$f.err" || true; } | awk '{s += $2} END {print s + 0}')
			extra= ;;
		bcc)
			delivered=$(grep -c -E '^[0-9a-f]{8,} ' "$f" || true)
			missed=$({ grep -ho 'Possibly lost [0-9]* samples' "$f" "$f.err" || true; } | awk '{s += $3} END {print s + 0}')
			extra= ;;
		esac
		echo "BENCH top mode=tcg obs=$obs rep=1 $line delivered=$delivered missed=$missed $extra $wake"
	done
	hist_off
	;;
profile)
	# Two marks per run, in this order: the plugin's files 2i and 2i+1
	# bound run i. The kernel's symbols are listed while tcptrail is
	# loaded, so its functions are named too.
	for obs in base tcptrail; do
		log "profile: $obs"
		attach "$obs" /dev/null
		"$churn" -n 200 -s 200 > /dev/null
		wait_no_timewait
		run "profile obs=$obs" -n "$n" -s 62000 -M
		[ "$obs" = tcptrail ] && awk '$2 == "t" || $2 == "T" {print "BENCH ksym", $0}' /proc/kallsyms
		detach "$obs"
	done
	;;
esac
echo "BENCH done"
