#!/usr/bin/env bash
# Benchmark (not a test): how long kakoi takes to run /bin/true in a busybox
# container, next to crun and runc, and how much memory it uses doing so.
#
#   scripts/bench.sh                 # N=50 iterations
#   BENCH_N=30 scripts/bench.sh
#   BENCH_KAKOI=/path/to/kakoi scripts/bench.sh   # skip the bazel build
#   BENCH_PAUSE=0.1      # seconds of idle before each timed command (0: none)
#   BENCH_STATE=tmpfs    # where the --root dirs live: tmpfs (like /run on
#                        # most hosts) or disk (the temp dir's filesystem)
#   BENCH_RUNTIMES="crun runc"   # what kakoi is compared with; a runtime
#                        # that is not installed is skipped with a note
#   BENCH_LIST=100       # also: K created containers per runtime, then
#                        # `list` timed N times (op "list"); 0: skipped
#   BENCH_SECCOMP=podman # also op "run+sc": `run` of a second bundle that
#                        # has Podman's default seccomp profile
#                        # (/usr/share/containers/seccomp.json as Podman
#                        # turns it into linux.seccomp for x86_64 with the
#                        # default capabilities); a path: that OCI
#                        # linux.seccomp object. Prints each runtime's
#                        # profile cost (run+sc - run) and kakoi's ratio
#   BENCH_PARALLEL=200   # also op "par": K runs in two parallel streams of
#                        # K/2, timed whole, BENCH_ROUNDS (3) rounds per
#                        # runtime, interleaved; 0: skipped
#
# Per runtime and iteration, interleaved (kakoi, crun, runc, kakoi, ...):
#   run     `run ID` of /bin/true, wall time and peak RSS (/usr/bin/time %M)
#   create  `create ID`, then start, then (untimed) poll `state` until the
#   start   process is "stopped", then delete: each command timed alone
#   delete
#   run+sc  (BENCH_SECCOMP) `run` of the bundle with the profile
#   par     (BENCH_PARALLEL) K runs, two at a time, per round
# and prints median, p10 and p90 in ms, the median peak RSS in KB, and the
# ratios kakoi/crun and kakoi/runc of each median. See docs/benchmarks.md.
#
# Every runtime runs inside ONE private mount namespace (unshare -m) in which
# the cgroup2 mount at /sys/fs/cgroup/unified is replaced by an empty tmpfs:
# crun 1.8 refuses this host's hybrid layout otherwise, and the tmpfs soaks
# up the directories crun would leave there. Each runtime gets its own --root
# under a temp dir; all of it, the containers and their cgroups are removed on
# exit, including Ctrl-C. Needs root.
set -euo pipefail

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
REPO=$(dirname "$(dirname "$SCRIPT")")

die() {
	echo "bench: $*" >&2
	exit 1
}

# EPOCHREALTIME (bash >= 5, "s.µs") as integer microseconds. The clock is
# read inline, never in $(...), which would fork inside the timed interval.
us() {
	echo $((10#${1/./}))
}

# ---------------------------------------------------------------- inner ---
# Runs inside `unshare -m`. Reads BENCH_TMP, BENCH_TAG, BENCH_N, BENCH_PAUSE,
# BENCH_STATE and $BENCH_TMP/runtimes (name, binary, bundle per line); appends
# "runtime op iteration value" lines to $BENCH_TMP/results.

rt_cmd() { # NAME -> the runtime's argv prefix in RT
	local name=$1 bin bundle sc
	read -r bin bundle sc < <(awk -v n="$name" '$1 == n { print $2, $3, $4 }' "$BENCH_TMP/runtimes")
	RT=("$bin" --root "$BENCH_TMP/state/$name")
	BUNDLE=$bundle
	SC_BUNDLE=$sc # "-" without BENCH_SECCOMP
}

inner_cleanup() {
	local name id
	trap - EXIT INT TERM
	while read -r name _; do
		rt_cmd "$name"
		for id in $("${RT[@]}" list -q </dev/null 2>/dev/null | grep "^$BENCH_TAG-" || true); do
			"${RT[@]}" delete --force "$id" </dev/null >/dev/null 2>&1 || true
		done
	done <"$BENCH_TMP/runtimes"
}

# Time one runtime command (stdin/stdout from /dev/null, stderr to the
# runtime's log) and store the microseconds as "name op i us". The pause
# first lets the previous command's kernel work settle: the first cgroup
# attach after a quiet spell waits for an RCU grace period (~10 ms here),
# one right after another runtime's attach often does not, so without it
# the runtime that comes second in the interleaving gets a discount.
timed() {
	local name=$1 op=$2 i=$3 t0 t1 rc=0
	shift 3
	[[ $BENCH_PAUSE == 0 ]] || sleep "$BENCH_PAUSE"
	t0=$EPOCHREALTIME
	"$@" </dev/null >/dev/null 2>>"$BENCH_TMP/log-$name" || rc=$?
	t1=$EPOCHREALTIME
	((rc == 0)) || die "$name $op (iteration $i) exited $rc; see $BENCH_TMP/log-$name: $(tail -n 3 "$BENCH_TMP/log-$name")"
	echo "$name $op $i $(($(us "$t1") - $(us "$t0")))" >>"$BENCH_TMP/results"
}

wait_stopped() { # ID: poll `state` until the container's process has exited
	local id=$1 out tries
	for ((tries = 0; tries < 2000; tries++)); do
		out=$("${RT[@]}" state "$id" 2>/dev/null) || true
		[[ $out =~ \"status\":\ *\"stopped\" ]] && return 0
		sleep 0.002
	done
	die "$id did not stop within ~5 s (last state: $out)"
}

measure_run() {
	local name=$1 i=$2 id="$BENCH_TAG-$1-run-$2" rss
	rt_cmd "$name"
	timed "$name" run "$i" /usr/bin/time -f %M -o "$BENCH_TMP/rss" \
		"${RT[@]}" run --bundle "$BUNDLE" "$id"
	read -r rss <"$BENCH_TMP/rss"
	echo "$name rss $i $rss" >>"$BENCH_TMP/results"
	# run without --detach deletes the container itself; make sure.
	"${RT[@]}" delete --force "$id" </dev/null >/dev/null 2>&1 || true
}

# The same `run` of the bundle with the seccomp profile (BENCH_SECCOMP).
measure_run_sc() {
	local name=$1 i=$2 id="$BENCH_TAG-$1-runsc-$2"
	rt_cmd "$name"
	[[ $SC_BUNDLE != - ]] || return 0
	# Under /usr/bin/time like the plain run, so the difference is the profile's.
	timed "$name" run+sc "$i" /usr/bin/time -f %M -o /dev/null \
		"${RT[@]}" run --bundle "$SC_BUNDLE" "$id"
	"${RT[@]}" delete --force "$id" </dev/null >/dev/null 2>&1 || true
}

# One stream of the parallel row: runs $3 containers one after another.
par_stream() {
	local name=$1 tag=$2 k=$3 j
	for ((j = 1; j <= k; j++)); do
		"${RT[@]}" run --bundle "$BUNDLE" "$tag-$j" </dev/null >/dev/null \
			2>>"$BENCH_TMP/log-$name" || return 1
	done
}

# BENCH_PARALLEL runs in two streams of half each, started together and
# timed until both end: how a busy host (a CI farm, a kubelet starting a
# node's pods) sees the runtime. BENCH_ROUNDS rounds, interleaved.
measure_parallel() {
	local name round t0 t1 a b rc
	local -a names=("$@")
	((BENCH_PARALLEL > 0)) || return 0
	for ((round = 1; round <= BENCH_ROUNDS; round++)); do
		for name in "${names[@]}"; do
			rt_cmd "$name"
			[[ $BENCH_PAUSE == 0 ]] || sleep "$BENCH_PAUSE"
			t0=$EPOCHREALTIME
			par_stream "$name" "$BENCH_TAG-$name-par$round-a" $((BENCH_PARALLEL / 2)) &
			a=$!
			par_stream "$name" "$BENCH_TAG-$name-par$round-b" $((BENCH_PARALLEL - BENCH_PARALLEL / 2)) &
			b=$!
			rc=0
			wait "$a" || rc=1
			wait "$b" || rc=1
			t1=$EPOCHREALTIME
			((rc == 0)) || die "$name: a parallel run failed; see $BENCH_TMP/log-$name: $(tail -n 3 "$BENCH_TMP/log-$name")"
			echo "$name par $round $(($(us "$t1") - $(us "$t0")))" >>"$BENCH_TMP/results"
		done
		echo "bench: parallel round $round/$BENCH_ROUNDS" >&2
	done
}

measure_split() {
	local name=$1 i=$2 id="$BENCH_TAG-$1-split-$2"
	rt_cmd "$name"
	timed "$name" create "$i" "${RT[@]}" create --bundle "$BUNDLE" "$id"
	timed "$name" start "$i" "${RT[@]}" start "$id"
	wait_stopped "$id"
	timed "$name" delete "$i" "${RT[@]}" delete "$id"
}

# BENCH_LIST containers created (untimed) under each runtime, then `list`
# timed N times, interleaved; they are deleted afterwards.
measure_list() {
	local name j i
	local -a names=("$@")
	((BENCH_LIST > 0)) || return 0
	for name in "${names[@]}"; do
		rt_cmd "$name"
		for ((j = 1; j <= BENCH_LIST; j++)); do
			"${RT[@]}" create --bundle "$BUNDLE" "$BENCH_TAG-$name-list-$j" \
				</dev/null >/dev/null 2>>"$BENCH_TMP/log-$name" ||
				die "$name: create for the list benchmark failed"
		done
	done
	for ((i = 1; i <= BENCH_N; i++)); do
		for name in "${names[@]}"; do
			rt_cmd "$name"
			timed "$name" list "$i" "${RT[@]}" list
		done
	done
	for name in "${names[@]}"; do
		rt_cmd "$name"
		for ((j = 1; j <= BENCH_LIST; j++)); do
			"${RT[@]}" delete --force "$BENCH_TAG-$name-list-$j" </dev/null >/dev/null 2>&1 || true
		done
	done
}

# One untimed `run` and one create/start/delete per runtime: abort with the
# runtime's own message if it cannot run the bundle at all.
preflight() {
	local name rc=0
	for name in "$@"; do
		rt_cmd "$name"
		"${RT[@]}" run --bundle "$BUNDLE" "$BENCH_TAG-$name-check" \
			</dev/null >/dev/null 2>"$BENCH_TMP/check-$name" || rc=$?
		if ((rc != 0)); then
			echo "bench: $name run of /bin/true failed (exit $rc):" >&2
			sed 's/^/  /' "$BENCH_TMP/check-$name" >&2
			exit 1
		fi
		"${RT[@]}" delete --force "$BENCH_TAG-$name-check" </dev/null >/dev/null 2>&1 || true
		measure_split "$name" 0
	done
	# The preflight's split is a warm-up, not a sample.
	: >"$BENCH_TMP/results"
}

# The floor of the harness itself: a fork+exec of /bin/true, bare and under
# /usr/bin/time, timed the same way as the runtimes.
measure_floor() {
	local i=$1
	timed floor exec "$i" /bin/true
	timed floor time "$i" /usr/bin/time -f %M -o "$BENCH_TMP/rss" /bin/true
}

inner_main() {
	local names i name
	trap inner_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if mountpoint -q /sys/fs/cgroup/unified; then
		umount /sys/fs/cgroup/unified
	fi
	# crun leaves a directory with a written cgroup.procs (a page each) per
	# container here: room for the par rows' hundreds of runs.
	if [[ -d /sys/fs/cgroup/unified ]]; then
		mount -t tmpfs -o size=64m,mode=755 kakoi-bench /sys/fs/cgroup/unified
	fi
	# Lives and dies with this namespace, like the runtimes' own /run.
	if [[ $BENCH_STATE == tmpfs ]]; then
		mount -t tmpfs -o size=64m,mode=700 kakoi-bench-state "$BENCH_TMP/state"
	fi
	mapfile -t names < <(awk '{ print $1 }' "$BENCH_TMP/runtimes")
	for name in "${names[@]}"; do
		mkdir -p "$BENCH_TMP/state/$name"
	done
	preflight "${names[@]}"
	for ((i = 1; i <= BENCH_N; i++)); do
		measure_floor "$i"
		for name in "${names[@]}"; do
			measure_run "$name" "$i"
		done
		for name in "${names[@]}"; do
			measure_run_sc "$name" "$i"
		done
		for name in "${names[@]}"; do
			measure_split "$name" "$i"
		done
		if ((i % 10 == 0 || i == BENCH_N)); then
			echo "bench: $i/$BENCH_N iterations" >&2
		fi
	done
	measure_list "${names[@]}"
	measure_parallel "${names[@]}"
}

if [[ ${1-} == --inner ]]; then
	inner_main
	exit 0
fi

# ---------------------------------------------------------------- outer ---

N=${BENCH_N:-50}
[[ $N =~ ^[1-9][0-9]*$ ]] || die "BENCH_N must be a positive integer, got '$N'"
PAUSE=${BENCH_PAUSE:-0.1}
[[ $PAUSE =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "BENCH_PAUSE must be seconds (e.g. 0.1), got '$PAUSE'"
STATE=${BENCH_STATE:-tmpfs}
[[ $STATE == tmpfs || $STATE == disk ]] || die "BENCH_STATE must be tmpfs or disk, got '$STATE'"
((EUID == 0)) || die "needs root (namespaces, mounts, cgroups)"
((BASH_VERSINFO[0] >= 5)) || die "needs bash >= 5 (EPOCHREALTIME)"
for tool in jq unshare /usr/bin/time mountpoint; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install jq util-linux time)"
done
[[ -x /bin/busybox ]] || die "/bin/busybox not found (apt-get install busybox-static)"

TAG=kkbench-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-bench.XXXXXX")
# cgroup parents kakoi creates (/sys/fs/cgroup/*/kakoi): remove only those
# that did not exist before the benchmark, and only if empty.
PRE_PARENTS=$(ls -d /sys/fs/cgroup/*/kakoi 2>/dev/null || true)

cleanup() {
	local rc=$? d
	trap - EXIT INT TERM
	# The inner namespace has deleted its containers; catch any cgroup a
	# killed runtime left behind (deepest first), then the temp dir.
	find /sys/fs/cgroup -depth -mindepth 2 -type d -name "$TAG-*" \
		-exec rmdir {} + 2>/dev/null || true
	for d in /sys/fs/cgroup/*/kakoi; do
		[[ -d $d ]] || continue
		grep -qxF "$d" <<<"$PRE_PARENTS" || rmdir "$d" 2>/dev/null || true
	done
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "bench: interrupted, cleaning up" >&2; exit 130' INT
trap 'exit 143' TERM

# kakoi: the DEFAULT build (not ASan), copied so a concurrent build cannot
# swap the binary under us.
if [[ -n ${BENCH_KAKOI-} ]]; then
	src=$BENCH_KAKOI
else
	echo "bench: bazel build //runtime:kakoi" >&2
	(cd "$REPO" && bazel build //runtime:kakoi) >"$TMP/bazel.log" 2>&1 ||
		{ cat "$TMP/bazel.log" >&2; die "bazel build //runtime:kakoi failed"; }
	src=$REPO/bazel-bin/runtime/kakoi
fi
[[ -x $src ]] || die "kakoi binary not found at $src"
mkdir -p "$TMP/bin"
cp "$src" "$TMP/bin/kakoi"
KAKOI=$TMP/bin/kakoi
if { nm "$KAKOI" 2>/dev/null; nm -D "$KAKOI" 2>/dev/null; } | grep -q __asan; then
	die "$src is an ASan build; run 'bazel build //runtime:kakoi' (no --config=asan)"
fi

# Rootfs: a static busybox with just the two applets the benchmark needs.
ROOTFS=$TMP/rootfs
mkdir -p "$ROOTFS/bin" "$ROOTFS/proc" "$ROOTFS/dev" "$ROOTFS/sys" "$ROOTFS/tmp"
cp /bin/busybox "$ROOTFS/bin/busybox"
ln -s busybox "$ROOTFS/bin/true"
ln -s busybox "$ROOTFS/bin/sh"

# One bundle per runtime, all from `kakoi spec`: /bin/true, no terminal, the
# shared rootfs by absolute path (runc refuses a symlinked rootfs). crun 1.8
# and runc 1.1 do not know ociVersion 1.3.0; 1.0.2 means the same here.
"$KAKOI" spec --bundle "$TMP" >/dev/null
# Podman's default profile as linux.seccomp: the entries for x86_64 and no
# capability beyond kakoi spec's default set (what Podman keeps for an
# unprivileged container).
podman_seccomp() {
	jq '{defaultAction, defaultErrnoRet,
	     architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
	     syscalls: [.syscalls[]
		| select((.includes.arches // ["amd64"]) | index("amd64"))
		| select((.includes.caps // []) - ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE",
			"CAP_AUDIT_WRITE", "CAP_SETUID", "CAP_SETGID"] | length == 0)
		| select((.excludes.arches // []) | index("amd64") | not)
		| select((.excludes.caps // []) - ((.excludes.caps // []) - ["CAP_CHOWN",
			"CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE", "CAP_SETUID",
			"CAP_SETGID"]) | length == 0)
		| {names, action} + (if .errnoRet then {errnoRet} else {} end)
		  + (if (.args // []) | length > 0 then {args} else {} end)]}' \
		/usr/share/containers/seccomp.json
}

SECCOMP=null
case ${BENCH_SECCOMP-} in
'') ;;
podman) SECCOMP=$(podman_seccomp) || die "cannot read /usr/share/containers/seccomp.json" ;;
*) SECCOMP=$(jq -c . "$BENCH_SECCOMP") || die "BENCH_SECCOMP: not JSON: $BENCH_SECCOMP" ;;
esac

make_bundle() { # DIR OCIVERSION SECCOMP-JSON
	mkdir -p "$1" "$TMP/state"
	jq --arg root "$ROOTFS" --arg v "$2" --argjson seccomp "$3" \
		'.ociVersion = $v | .process.args = ["/bin/true"]
		 | .process.terminal = false | .root.path = $root
		 | if $seccomp != null then .linux.seccomp = $seccomp else . end' \
		"$TMP/config.json" >"$1/config.json"
}

# The runtime's plain bundle and, with BENCH_SECCOMP, one with the profile:
# prints "BUNDLE SC-BUNDLE" ("-" for none) for the runtimes file.
make_bundles() { # NAME OCIVERSION
	local sc=-
	make_bundle "$TMP/bundle-$1" "$2" null
	if [[ $SECCOMP != null ]]; then
		sc=$TMP/bundle-$1-seccomp
		make_bundle "$sc" "$2" "$SECCOMP"
	fi
	: >"$TMP/log-$1"
	echo "$TMP/bundle-$1 $sc"
}

: >"$TMP/runtimes"
echo "kakoi $KAKOI $(make_bundles kakoi "$(jq -r .ociVersion "$TMP/config.json")")" >>"$TMP/runtimes"
NOTES=()
for name in ${BENCH_RUNTIMES-crun runc}; do
	[[ $name =~ ^[a-z0-9_-]+$ && $name != kakoi ]] || die "BENCH_RUNTIMES: bad runtime name '$name'"
	if bin=$(PATH=$PATH:/usr/sbin:/sbin command -v "$name"); then
		echo "$name $bin $(make_bundles "$name" 1.0.2)" >>"$TMP/runtimes"
	else
		NOTES+=("$name is not installed: skipped (apt-get install $name)")
		echo "bench: ${NOTES[-1]}" >&2
	fi
done
: >"$TMP/log-floor"

read -r LOAD_BEFORE _ </proc/loadavg
echo "bench: N=$N, runtimes: $(awk '{ printf "%s ", $1 }' "$TMP/runtimes")" >&2
LIST=${BENCH_LIST:-0}
[[ $LIST =~ ^[0-9]+$ ]] || die "BENCH_LIST must be a number, got '$LIST'"
PARALLEL=${BENCH_PARALLEL:-0}
[[ $PARALLEL =~ ^[0-9]+$ && $PARALLEL != 1 ]] || die "BENCH_PARALLEL must be 0 or a number >= 2, got '$PARALLEL'"
ROUNDS=${BENCH_ROUNDS:-3}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer, got '$ROUNDS'"
BENCH_TMP=$TMP BENCH_TAG=$TAG BENCH_N=$N BENCH_PAUSE=$PAUSE BENCH_STATE=$STATE BENCH_LIST=$LIST \
	BENCH_PARALLEL=$PARALLEL BENCH_ROUNDS=$ROUNDS unshare -m --propagation private -- \
	bash "$SCRIPT" --inner
read -r LOAD_AFTER _ </proc/loadavg

# ---------------------------------------------------------------- report ---

# stats RUNTIME OP -> "median p10 p90" of the samples (values in the file's
# unit); nearest-rank percentiles, median of an even count is the mean of the
# two middle samples.
stats() {
	awk -v n="$1" -v o="$2" '$1 == n && $2 == o { print $4 }' "$TMP/results" | sort -n |
		awk '{ v[NR] = $1 }
		function rank(p,  r) { r = int(p * NR + 0.999999); if (r < 1) r = 1; return v[r] }
		END {
			if (NR == 0) { print "- - -"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			print m, rank(0.10), rank(0.90)
		}'
}

# Derived per-iteration sum create+start+delete.
awk '$2 == "create" || $2 == "start" || $2 == "delete" { s[$1 " " $3] += $4 }
	END { for (k in s) { split(k, a, " "); print a[1], "c+s+d", a[2], s[k] } }' \
	"$TMP/results" >"$TMP/results.sum"
cat "$TMP/results.sum" >>"$TMP/results"

mapfile -t NAMES < <(awk '{ print $1 }' "$TMP/runtimes")
declare -A MED
OPS=(run create start delete c+s+d)
((LIST == 0)) || OPS+=(list)
[[ $SECCOMP == null ]] || OPS+=(run+sc)
((PARALLEL == 0)) || OPS+=(par)

echo
echo "kakoi benchmark: /bin/true in a busybox rootfs, N=$N interleaved iterations"
((LIST == 0)) || echo "list: $LIST created containers per runtime"
[[ -z ${BENCH_SECCOMP-} ]] || echo "run+sc: run of a bundle with the ${BENCH_SECCOMP} seccomp profile"
((PARALLEL == 0)) || echo "par: $PARALLEL runs in two parallel streams, timed whole, $ROUNDS rounds"
where=tmpfs
[[ $STATE == tmpfs ]] || where="disk ($(df --output=fstype "$TMP" | tail -n 1))"
echo "pause ${PAUSE}s before each timed command; --root dirs on $where"
echo "host: $(nproc) CPUs, $(uname -r), load avg $LOAD_BEFORE before / $LOAD_AFTER after"
for name in "${NAMES[@]}"; do
	case $name in
	kakoi) ver="kakoi $("$KAKOI" --version 2>/dev/null | head -n 1 | awk '{ print $NF }')" ;;
	*) ver=$("$(awk -v n="$name" '$1 == n { print $2 }' "$TMP/runtimes")" --version | head -n 1) ;;
	esac
	echo "  $name: $ver"
done
echo
printf '%-9s %-7s %10s %10s %10s\n' operation runtime "median ms" "p10 ms" "p90 ms"
for op in "${OPS[@]}"; do
	for name in "${NAMES[@]}"; do
		read -r m p10 p90 < <(stats "$name" "$op")
		MED[$name.$op]=$m
		awk -v op="$op" -v n="$name" -v m="$m" -v a="$p10" -v b="$p90" \
			'BEGIN { printf "%-9s %-7s %10.2f %10.2f %10.2f\n", op, n, m / 1000, a / 1000, b / 1000 }'
	done
done
printf '%-9s %-7s %10s %10s %10s\n' "peak RSS" runtime "median KB" "p10 KB" "p90 KB"
for name in "${NAMES[@]}"; do
	read -r m p10 p90 < <(stats "$name" rss)
	MED[$name.rss]=$m
	printf '%-9s %-7s %10d %10d %10d\n' run "$name" "${m%.*}" "$p10" "$p90"
done
read -r fe _ < <(stats floor exec)
read -r ft _ < <(stats floor time)
awk -v e="$fe" -v t="$ft" 'BEGIN {
	printf "harness floor (included above): fork+exec of /bin/true %.2f ms, under /usr/bin/time %.2f ms\n", e / 1000, t / 1000 }'

ratio() { # A B -> A/B with two decimals, or "-"
	awk -v a="$1" -v b="${2:--}" 'BEGIN { if (b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'
}
echo
others=("${NAMES[@]:1}")
if ((${#others[@]} > 0)); then
	printf '%-10s' "median"
	for o in "${others[@]}"; do printf ' %11s' "kakoi/$o"; done
	echo
	for op in "${OPS[@]}" rss; do
		label=$op
		[[ $op == rss ]] && label="peak RSS"
		printf '%-10s' "$label"
		for o in "${others[@]}"; do printf ' %11s' "$(ratio "${MED[kakoi.$op]}" "${MED[$o.$op]}")"; done
		echo
	done
	echo
fi

for note in "${NOTES[@]}"; do echo "note: $note"; done
ms() { awk -v u="$1" 'BEGIN { printf "%.1f\n", u / 1000 }'; }
summary="summary: run of /bin/true, median: kakoi $(ms "${MED[kakoi.run]}") ms"
for o in "${others[@]}"; do
	summary+=", $o $(ms "${MED[$o.run]}") ms (kakoi/$o $(ratio "${MED[kakoi.run]}" "${MED[$o.run]}")x)"
done
echo "$summary"
if [[ $SECCOMP != null ]]; then
	summary="summary: seccomp profile cost over a plain run, median:"
	for name in "${NAMES[@]}"; do
		summary+=" $name +$(ms "$(awk -v a="${MED[$name.run+sc]}" -v b="${MED[$name.run]}" 'BEGIN { print a - b }')") ms,"
	done
	echo "${summary%,}; kakoi run+sc/run $(ratio "${MED[kakoi.run+sc]}" "${MED[kakoi.run]}")x"
fi
summary="summary: peak RSS of run, median: kakoi ${MED[kakoi.rss]%.*} KB"
for o in "${others[@]}"; do
	summary+=", $o ${MED[$o.rss]%.*} KB (kakoi/$o $(ratio "${MED[kakoi.rss]}" "${MED[$o.rss]}")x)"
done
echo "$summary"
