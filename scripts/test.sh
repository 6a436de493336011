#!/usr/bin/env bash
# Run all of kakoi's tests. This is the command the README and .ci/run use.
#
#   scripts/test.sh [TARGET_PATTERN...]     (default pattern: //...)
#
# Steps:
#   1. scripts/setup.sh (installs missing Debian packages; silent otherwise)
#   2. bazel test for each configuration in $KAKOI_TEST_CONFIGS
#      (default: "default asan"; "default" means no --config; set it to
#      the empty string to skip bazel)
#   3. scripts/fuzz.sh, if present and executable, with FUZZ_SECONDS
#      (default 10) -- skipped when FUZZ_SECONDS=0
#   4. fuzz/cflite_test.sh: the ClusterFuzzLite build (.clusterfuzzlite/
#      build.sh) outside Docker, about a minute on two cores -- one test;
#      skipped when KAKOI_TEST_CFLITE=0
#
# After step 2, scripts/package-test.sh builds, installs, runs and purges the
# Debian package (one test; KAKOI_TEST_PACKAGE=0 leaves it out).
#
# Around step 2, the live-host guard (scripts/canary.sh, issue 14): a kakoi
# container under /run/kakoi and a Podman one under Podman's defaults run
# through the whole suite, while others start and stop beside them; after
# it, both must still run unchanged. It counts as one test. Set
# KAKOI_TEST_CANARY=0 to leave it out.
#
# Every test target counts once per configuration, every fuzz target once.
# The last line printed is always exactly "N passed, M failed"; the exit
# status is non-zero if anything failed, including a build failure or a
# setup/fuzz script that fails without reporting a result.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CONFIGS=${KAKOI_TEST_CONFIGS-default asan}
export FUZZ_SECONDS=${FUZZ_SECONDS:-10}
if (($# > 0)); then
	TARGETS=("$@")
else
	TARGETS=(//...)
fi

LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-test.XXXXXX")
echo "test.sh: logs in $LOGDIR"

passed=0
failed=0
flaky=0

finish() {
	if ((flaky > 0)); then
		echo "test.sh: note: $flaky test(s) were FLAKY (counted as passed)"
	fi
	echo "$passed passed, $failed failed"
	if ((failed > 0)); then
		exit 1
	fi
	exit 0
}

# --- 1. setup ---------------------------------------------------------------
if ! scripts/setup.sh 2>&1 | tee "$LOGDIR/setup.log"; then
	echo "test.sh: scripts/setup.sh failed" >&2
	failed=$((failed + 1))
	finish
fi

# --- 1b. the live-host guard --------------------------------------------------
canary_dir=$LOGDIR/canary
canary=${KAKOI_TEST_CANARY:-1}
[[ -n "${CONFIGS// /}" ]] || canary=0
if [[ "$canary" == 1 ]]; then
	trap 'scripts/canary.sh stop "$canary_dir"' EXIT
	if bazel build --curses=no --color=no //runtime:kakoi >"$LOGDIR/canary-build.log" 2>&1 &&
		scripts/canary.sh start "$canary_dir"; then
		scripts/canary.sh churn "$canary_dir" >"$LOGDIR/churn.log" 2>&1 &
	else
		echo "test.sh: [canary] cannot start the canaries (see $LOGDIR/canary-build.log)" >&2
		canary=failed
	fi
fi

# --- 2. bazel test ----------------------------------------------------------
# Parse Bazel's test summary lines, e.g.
#   //parser:spec_test                  PASSED in 0.1s
#   //parser:spec_test         (cached) PASSED in 0.1s
#   //runtime:run_test      (1/2 cached) FLAKY, failed in 1 out of 2 in 0.1s
#   //runtime:run_test                  FAILED in 2.0s
#   //runtime:run_test                  FAILED TO BUILD
#   //runtime:run_test                  TIMEOUT in 60.0s
#   //runtime:run_test                  NO STATUS
#   //runtime:run_test                  FLAKY, failed in 1 out of 2 in 0.1s
# PASSED and FLAKY count as passed (as Bazel does), SKIPPED (incompatible
# target) is ignored, anything else counts as failed.
count_bazel_results() {
	local log=$1 status
	local p=0 f=0 fl=0
	while read -r status; do
		case "$status" in
		PASSED) p=$((p + 1)) ;;
		FLAKY) p=$((p + 1)) fl=$((fl + 1)) ;;
		SKIPPED) ;;
		*) f=$((f + 1)) ;;
		esac
	done < <(
		# Only the summary after the last "INFO: Elapsed time" line; test
		# output printed earlier (--test_output=errors) is ignored.
		awk '/^INFO: Elapsed time/ { n = NR } { line[NR] = $0 }
		     END { for (i = n + 1; n && i <= NR; i++) print line[i] }' "$log" |
			sed -nE 's/^(\/\/|@)[^[:space:]]+[[:space:]]+(\([^)]*\)[[:space:]]+)?([A-Z][A-Z ]*[A-Z]).*$/\3/p'
	)
	echo "$p $f $fl"
}

for config in $CONFIGS; do
	args=()
	if [[ "$config" != "default" ]]; then
		args+=("--config=$config")
	fi
	log="$LOGDIR/bazel-test-$config.log"
	echo "test.sh: bazel test ${args[*]} ${TARGETS[*]}"
	bazel test "${args[@]}" --keep_going --test_output=errors --test_summary=short \
		--curses=no --color=no \
		-- "${TARGETS[@]}" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}

	read -r p f fl < <(count_bazel_results "$log")
	case "$rc" in
	0) ;;
	4) echo "test.sh: [$config] no test targets found" ;; # build OK, no tests
	*)
		# 1: build failed, 3: tests failed, other: bazel itself failed.
		# A build failure outside any test's dependencies produces no
		# summary line, so make sure it still counts.
		if ((f == 0)); then
			echo "test.sh: [$config] bazel exited with status $rc" >&2
			f=1
		fi
		;;
	esac
	echo "test.sh: [$config] $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
	flaky=$((flaky + fl))
done

# --- 2a. the guard's verdict ---------------------------------------------------
if [[ "$canary" != 0 ]]; then
	if [[ "$canary" == 1 ]] && scripts/canary.sh check "$canary_dir"; then
		echo "test.sh: [canary] 1 passed, 0 failed"
		passed=$((passed + 1))
	else
		echo "test.sh: [canary] 0 passed, 1 failed"
		failed=$((failed + 1))
	fi
	scripts/canary.sh stop "$canary_dir"
fi

# --- 2b. formatting: clang-format owns the style -----------------------------
if scripts/format.sh --check; then
	echo "test.sh: [format] 1 passed, 0 failed"
	passed=$((passed + 1))
else
	echo "test.sh: [format] 0 passed, 1 failed"
	failed=$((failed + 1))
fi

# --- 2c. the Debian package ---------------------------------------------------
# Builds the .deb (from Bazel's cache, warm by now), installs it, runs a
# container from /usr/sbin/kakoi and purges it; skipped (exit 77) when a
# kakoi is already installed on this machine. KAKOI_TEST_PACKAGE=0 leaves
# it out; so does an empty KAKOI_TEST_CONFIGS (no bazel).
if [[ -n "${CONFIGS// /}" && "${KAKOI_TEST_PACKAGE:-1}" != 0 ]]; then
	log="$LOGDIR/package.log"
	echo "test.sh: scripts/package-test.sh"
	scripts/package-test.sh >"$log" 2>&1
	rc=$?
	tail -n 1 "$log"
	case "$rc" in
	0)
		echo "test.sh: [package] 1 passed, 0 failed"
		passed=$((passed + 1))
		;;
	77) echo "test.sh: [package] skipped (see $log)" ;;
	*)
		echo "test.sh: [package] 0 passed, 1 failed (see $log)"
		failed=$((failed + 1))
		;;
	esac
fi

# --- 3. fuzzing -------------------------------------------------------------
if [[ -x scripts/fuzz.sh && "$FUZZ_SECONDS" != "0" ]]; then
	log="$LOGDIR/fuzz.log"
	echo "test.sh: scripts/fuzz.sh (FUZZ_SECONDS=$FUZZ_SECONDS)"
	scripts/fuzz.sh 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^fuzz [^[:space:]]+: ok' "$log")
	f=$(grep -cE '^fuzz [^[:space:]]+: FAIL' "$log")
	if ((rc != 0 && f == 0)); then
		echo "test.sh: scripts/fuzz.sh exited with status $rc" >&2
		f=1
	fi
	echo "test.sh: [fuzz] $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
fi

# --- 4. ClusterFuzzLite build -----------------------------------------------
if [[ "${KAKOI_TEST_CFLITE:-1}" != 0 ]]; then
	if fuzz/cflite_test.sh 2>&1 | tee "$LOGDIR/cflite.log" | tail -1 | grep -q '^cflite: ok'; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	tail -1 "$LOGDIR/cflite.log"
fi

finish
