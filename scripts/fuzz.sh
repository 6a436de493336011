#!/usr/bin/env bash
# Fuzz every target in fuzz/ for a fixed time, with libFuzzer + ASan + UBSan.
#
#   FUZZ_SECONDS=60 scripts/fuzz.sh [TARGET...]     (default: all targets)
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
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
read -r -a EXTRA_FLAGS <<<"${FUZZ_BAZEL_FLAGS:-}"
ALL_TARGETS=(config_fuzz process_fuzz resources_fuzz state_fuzz image_fuzz policy_fuzz plan_fuzz record_fuzz cli_fuzz devices_bpf_fuzz)
if (($# > 0)); then
	TARGETS=("$@")
else
	TARGETS=("${ALL_TARGETS[@]}")
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-fuzz.XXXXXX")
echo "fuzz.sh: working directory (logs, corpora, artifacts): $WORK"

# corpus dir and dictionary of each target (none: libFuzzer's comparison
# tracing finds the few words of the record and CLI inputs by itself; the
# device rules are raw bytes)
corpus_of() { echo "fuzz/corpus/${1%_fuzz}"; }
dict_of() {
	case "$1" in
	image_fuzz) echo image.dict ;;
	record_fuzz | cli_fuzz | devices_bpf_fuzz) ;;
	*) echo oci.dict ;;
	esac
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

# Runs one target; prints its result line; returns non-zero on failure.
run_target() {
	local t=$1 bin=$2 dict=$3
	local dir="$WORK/$t" log="$WORK/$t/fuzz.log" rc dict_flag=()
	mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/tmp"
	cp -r "$(corpus_of "$t")/." "$dir/corpus/"
	chmod -R u+w "$dir/corpus"
	[[ -n "$dict" ]] && dict_flag=(-dict="$dict")
	# TMPDIR: targets that need files (fuzz/temp_tree.h) make them there;
	# a crash skips their cleanup, so it stays with the artifacts.
	TMPDIR="$dir/tmp" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:symbolize=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" "$dir/corpus" \
		"${dict_flag[@]}" \
		-max_total_time="$FUZZ_SECONDS" \
		-timeout=10 \
		-rss_limit_mb=2048 \
		-detect_leaks=1 \
		-print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/" \
		>"$log" 2>&1
	rc=$?
	report "$t" "$log" "$rc" "$dir/artifacts"
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
