#!/usr/bin/env bash
# Fuzz every target in fuzz/ for a fixed time, with libFuzzer + ASan + UBSan.
#
#   FUZZ_SECONDS=60 scripts/fuzz.sh [TARGET...]     (default: all targets)
#   scripts/fuzz.sh --campaign HOURS [TARGET...]    a long run, see below
#
# FUZZ_BAZEL_FLAGS adds flags to the bazel build (e.g. --copt=... while
# investigating); word-split on spaces.
#
# Builds with `bazel build --config=fuzz`, then runs each target on a copy
# of its seed corpus (new units never go into the repository) with its
# dictionary, in a temporary directory that is kept: logs, the grown corpus
# and any crash / leak / timeout artifact stay there for inspection.
#
# Prints exactly one line per target, which scripts/test.sh counts:
#   fuzz <target>: ok <N> execs in <S>s (<R> exec/s)
#   fuzz <target>: FAIL <reason> (artifact: <path>)
# and exits non-zero if any target failed. To turn an artifact into a
# regression seed, see fuzz/README.md.
#
# --campaign HOURS: every target at once for HOURS of wall time, bounded to
# FUZZ_CORES (default: the machine's cores). Each target runs libFuzzer's
# -fork mode, which goes on after a crash, a leak, a timeout or an OOM
# and keeps each input; with more cores than targets each target gets
# several workers, with fewer the targets take turns in equal slices. At
# the end each target's grown corpus is merged (-merge=1) into its
# fuzz/corpus/<target>/campaign/, keeping only inputs that reach an edge
# the corpus does not, and a report (CPU-minutes, execs, exec/s, cov and
# ft from libFuzzer's last stats line, new inputs, crashes) is
# written to FUZZ_REPORT (default: report.md in the working directory)
# and printed. Exits non-zero if any target crashed or did not build.
# docs/fuzzing.md says how long a campaign should run.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
read -r -a EXTRA_FLAGS <<<"${FUZZ_BAZEL_FLAGS:-}"
CAMPAIGN_HOURS=
if [[ "${1:-}" == --campaign ]]; then
	CAMPAIGN_HOURS=${2:-}
	if ! [[ "$CAMPAIGN_HOURS" =~ ^[0-9]*\.?[0-9]+$ ]]; then
		echo "usage: scripts/fuzz.sh --campaign HOURS [TARGET...]" >&2
		exit 2
	fi
	shift 2
fi
# The targets, their corpora and dictionaries: fuzz/targets.sh.
# shellcheck source=fuzz/targets.sh
source fuzz/targets.sh
if (($# > 0)); then
	TARGETS=("$@")
else
	TARGETS=("${FUZZ_TARGETS[@]/%/_fuzz}")
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-fuzz.XXXXXX")
echo "fuzz.sh: working directory (logs, corpora, artifacts): $WORK"

corpus_of() { fuzz_corpus_of "$1"; }
dict_of() {
	local d
	d=$(fuzz_dict_of "$1")
	echo "${d:+$d.dict}"
}

# Builds the dictionaries and the given targets; log in $WORK/build[-X].log.
build() {
	local log=$1 labels=(//fuzz:oci_dict //fuzz:image_dict) t
	shift
	for t in "$@"; do
		labels+=("//fuzz:$t")
	done
	bazel build --config=fuzz "${EXTRA_FLAGS[@]}" --curses=no --color=no "${labels[@]}" \
		>"$log" 2>&1
}

# The first line matching a sanitizer / libFuzzer error report, shortened.
failure_reason() {
	local log=$1 line
	line=$(grep -a -m1 -E '^(==[0-9]+==ERROR: |SUMMARY: |.*runtime error: |fuzz property violated|==[0-9]+== ERROR: libFuzzer)' "$log")
	if [[ -z "$line" ]]; then
		line=$(grep -a -m1 -E 'ERROR|WARNING: .*Sanitizer|deadly signal' "$log")
	fi
	line=${line#*==ERROR: }
	line=${line#*== ERROR: }
	echo "${line:-exit status $2}" | cut -c1-160
}

# Fuzzes target t (binary bin, dictionary dict or "") on a copy of its
# corpus in $WORK/t, with libFuzzer flags beyond the common ones; its
# output goes to $WORK/t/fuzz.log. Returns libFuzzer's status.
fuzz_target() {
	local t=$1 bin=$2 dict=$3 dir="$WORK/$1" dict_flag=()
	shift 3
	mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/tmp"
	cp -r "$(corpus_of "$t")/." "$dir/corpus/"
	chmod -R u+w "$dir/corpus"
	[[ -n "$dict" ]] && dict_flag=(-dict="$dict")
	# TMPDIR: targets that need files (fuzz/temp_tree.h) make them there;
	# a crash skips their cleanup, so it stays with the artifacts.
	TMPDIR="$dir/tmp" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:symbolize=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" "$dir/corpus" "${dict_flag[@]}" "$@" \
		-timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
		-artifact_prefix="$dir/artifacts/" >"$dir/fuzz.log" 2>&1
}

# Runs one target; prints its result line; returns non-zero on failure.
run_target() {
	local t=$1 rc
	fuzz_target "$@" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1
	rc=$?
	report "$t" "$WORK/$t/fuzz.log" "$rc" "$WORK/$t/artifacts"
}

# Turns a libFuzzer log into the one result line.
report() {
	local t=$1 log=$2 rc=$3 artifacts=$4 execs secs artifact
	execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
	secs=$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "$log" | tail -1)
	artifact=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -1)
	if ((rc == 0)) && [[ -n "$execs" && -n "$secs" && -z "$artifact" ]] &&
		! grep -aqE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:' "$log"; then
		((secs > 0)) || secs=1
		echo "fuzz $t: ok $execs execs in ${secs}s ($((execs / secs)) exec/s)"
		return 0
	fi
	echo "fuzz $t: FAIL $(failure_reason "$log" "$rc") (artifact: ${artifact:-$log})"
	return 1
}

# --- campaign ----------------------------------------------------------------

# Sets WORKERS (per target), SLOTS (targets at once) and SLICE (seconds
# each target runs) for N targets in HOURS on CORES.
plan_campaign() {
	local n=$1 cores=$2 total
	total=$(awk -v h="$CAMPAIGN_HOURS" 'BEGIN { printf "%d", h * 3600 }')
	WORKERS=$((cores / n > 1 ? cores / n : 1))
	SLOTS=$((cores / WORKERS))
	SLOTS=$((SLOTS > n ? n : SLOTS))
	# Targets that take turns share the hours: ceil(n / SLOTS) turns.
	SLICE=$((total / ((n + SLOTS - 1) / SLOTS)))
	SLICE=$((SLICE > 0 ? SLICE : 1))
}

# Runs one target for SLICE seconds in fork mode: a finding does not end
# the run, and every crashing input is kept. Run in a subshell of its own,
# it then writes the CPU seconds libFuzzer and its workers used (the
# children's user + system time of `times`: libFuzzer waits for each
# worker) to <target>/cpu. Measured, not SLICE x WORKERS: a campaign that
# shares the machine, or runs under nice, gets less than its wall time.
campaign_target() {
	local rc
	fuzz_target "$@" -fork="$WORKERS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time="$SLICE"
	rc=$?
	# `times` itself, not in a pipeline: a pipeline's subshell has no children.
	times >"$WORK/$1/times"
	tail -1 "$WORK/$1/times" | awk '{ s = 0
		for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] }
		printf "%.0f\n", s }' >"$WORK/$1/cpu"
	return "$rc"
}

# Merges what the campaign found into fuzz/corpus/<target>/campaign/:
# -merge=1 into a copy of the whole corpus adds only inputs with coverage
# the corpus lacks, named by their SHA-1; those are the new ones. Prints
# how many. -use_counters=0: an input must reach a new edge, not just pass
# one more often (hit-count buckets keep hundreds of inputs per target
# after a few seconds, which the repository should not grow by);
# FUZZ_MERGE_FLAGS replaces it.
merge_back() {
	local t=$1 bin=$2 dest m="$WORK/$1/merge" f n=0 flags
	dest=$(corpus_of "$t")
	mkdir -p "$m"
	cp -r "$dest/." "$m/"
	read -r -a flags <<<"${FUZZ_MERGE_FLAGS:--use_counters=0}"
	TMPDIR="$WORK/$t/tmp" "$bin" -merge=1 "${flags[@]}" "$m" "$WORK/$t/corpus" \
		>"$WORK/$t/merge.log" 2>&1
	mkdir -p "$dest/campaign"
	for f in "$m"/*; do
		if [[ -f "$f" && ! -e "$dest/${f##*/}" && ! -e "$dest/campaign/${f##*/}" ]]; then
			cp "$f" "$dest/campaign/"
			n=$((n + 1))
		fi
	done
	rmdir "$dest/campaign" 2>/dev/null
	echo "$n"
}

# One report row from a fork-mode log: its last "#N: cov: C ft: F corp: K
# exec/s E oom/timeout/crash: O/T/X time: Ss ..." line.
report_row() {
	local t=$1 new=$2 log="$WORK/$1/fuzz.log" last found cpu
	last=$(grep -aE '^#[0-9]+: cov: ' "$log" | tail -1)
	found=$(find "$WORK/$t/artifacts" -type f | wc -l)
	cpu=$(awk '{ printf "%.1f", $1 / 60 }' "$WORK/$t/cpu" 2>/dev/null)
	if [[ -z "$last" ]]; then
		printf '| %s | %s | - | - | - | - | - | %s | %s (no stats: %s) |\n' "$t" "$cpu" \
			"$new" "$found" "$(failure_reason "$log" "?")"
		return
	fi
	echo "$last" | awk -v t="$t" -v cpu="$cpu" -v new="$new" -v found="$found" '
		{ for (i = 1; i <= NF; i++) v[$i] = $(i + 1); sub(/^#/, "", $1); sub(/:$/, "", $1)
		  printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s (oom/timeout/crash %s) |\n",
			t, cpu, $1, v["exec/s"], v["cov:"], v["ft:"], v["corp:"], new, found,
			v["oom/timeout/crash:"] }'
}

campaign() {
	local t dict running=0 new crashed=0 report=${FUZZ_REPORT:-$WORK/report.md}
	plan_campaign $# "${FUZZ_CORES:-$(nproc)}"
	echo "fuzz.sh: campaign of ${CAMPAIGN_HOURS}h: $# targets, $SLOTS at once," \
		"$WORKERS worker(s) each, ${SLICE}s per target"
	for t in "$@"; do
		dict=$(dict_of "$t")
		campaign_target "$t" "$BIN/fuzz/$t" "${dict:+$BIN/fuzz/$dict}" &
		if ((++running >= SLOTS)); then
			wait -n
			running=$((running - 1))
		fi
	done
	wait
	{
		echo "Campaign of ${CAMPAIGN_HOURS} h on ${FUZZ_CORES:-$(nproc)} cores ($(date -u +%F))," \
			"working directory $WORK"
		echo
		echo "| target | CPU-min | execs | exec/s | cov | ft | corpus | new inputs | crashes |"
		echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
		for t in "$@"; do
			new=$(merge_back "$t" "$BIN/fuzz/$t")
			report_row "$t" "$new"
		done
	} >"$report"
	cat "$report"
	for t in "$@"; do
		# The grown corpora are large and merged; logs and artifacts stay.
		rm -rf "${WORK:?}/$t/corpus" "${WORK:?}/$t/merge"
		if [[ -n "$(find "$WORK/$t/artifacts" -type f)" ]]; then
			crashed=$((crashed + 1))
			echo "fuzz.sh: $t: artifacts in $WORK/$t/artifacts (fuzz/README.md: a crash becomes a regression seed)"
		fi
	done
	echo "fuzz.sh: report in $report"
	return $((crashed > 0))
}

# One build for all; if it fails, each target alone, so a target whose
# code does not build under clang fails by itself and the others still run.
BUILT=()
if build "$WORK/build.log" "${TARGETS[@]}"; then
	BUILT=("${TARGETS[@]}")
else
	tail -20 "$WORK/build.log" >&2
	for t in "${TARGETS[@]}"; do
		if build "$WORK/build-$t.log" "$t"; then
			BUILT+=("$t")
		else
			echo "fuzz $t: FAIL build failed (artifact: $WORK/build-$t.log)"
		fi
	done
fi
BIN=$(bazel info --config=fuzz "${EXTRA_FLAGS[@]}" bazel-bin 2>/dev/null)

failed=$((${#TARGETS[@]} - ${#BUILT[@]}))
if [[ -n "$CAMPAIGN_HOURS" ]]; then
	campaign "${BUILT[@]}" || failed=$((failed + 1))
	exit $((failed > 0))
fi
for t in "${BUILT[@]}"; do
	dict=$(dict_of "$t")
	if ! run_target "$t" "$BIN/fuzz/$t" "${dict:+$BIN/fuzz/$dict}"; then
		failed=$((failed + 1))
	fi
done
# The grown corpora are large and reproducible; artifacts and logs stay.
for t in "${TARGETS[@]}"; do
	rm -rf "${WORK:?}/$t/corpus"
done
echo "fuzz.sh: $failed target(s) failed; logs and artifacts in $WORK"
exit $((failed > 0))
