#!/usr/bin/env bash
# Runs .clusterfuzzlite/build.sh outside Docker, the way ClusterFuzzLite's
# docs say to test a build script, and checks what it leaves in $OUT:
#
#   fuzz/cflite_test.sh            ASan + libFuzzer, as ClusterFuzzLite's address build
#   KAKOI_JOBS=1 fuzz/cflite_test.sh
#   KAKOI_JSONC_SRC=DIR fuzz/cflite_test.sh   json-c's source as $SRC/json-c, as the
#                                  Dockerfile has it (built and linked statically)
#
# Checks that fuzz/BUILD and fuzz/targets.sh (which the scripts use) name
# the same targets, and that every one is built,
# with its dictionary (but those fuzz_dict_of gives none) and a
# non-empty seed corpus zip, and that each binary runs its seed corpus
# once (libFuzzer -runs=0) without a finding. Prints one line, "cflite: ok
# N targets in Ss" or "cflite: FAIL <why>", and exits non-zero on failure.
# scripts/test.sh runs it after the fuzz step (a few minutes on two cores;
# KAKOI_TEST_CFLITE=0 leaves it out).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
T=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-cflite.XXXXXX")
trap 'rm -rf "$T"' EXIT
start=$SECONDS

fail() {
	echo "cflite: FAIL $*"
	exit 1
}

# The targets fuzz/BUILD defines: FUZZ_TARGETS' keys, and the binaries
# named outright.
bazel_targets() {
	{
		sed -n '/^FUZZ_TARGETS = {/,/^}/p' fuzz/BUILD | sed -nE 's/^    "([a-z_]+)": .*/\1_fuzz/p'
		sed -nE 's/^    name = "([a-z_]+_fuzz)",$/\1/p' fuzz/BUILD
	} | sort -u
}

# fuzz/targets.sh's, which the scripts build and run.
script_targets() {
	printf '%s_fuzz\n' "${FUZZ_TARGETS[@]}" | sort -u
}

# shellcheck source=fuzz/targets.sh
source fuzz/targets.sh
mapfile -t TARGETS < <(bazel_targets)
((${#TARGETS[@]} > 0)) || fail "no targets found in fuzz/BUILD"
[[ "$(script_targets)" == "$(printf '%s\n' "${TARGETS[@]}")" ]] ||
	fail "fuzz/targets.sh's FUZZ_TARGETS differ from fuzz/BUILD's targets"

# $SRC/kakoi is this checkout; without $SRC/json-c, the system's json-c.
mkdir -p "$T/src" "$T/out" "$T/work"
ln -s "$ROOT" "$T/src/kakoi"
if [[ -n "${KAKOI_JSONC_SRC:-}" ]]; then
	cp -r "$KAKOI_JSONC_SRC" "$T/src/json-c"
fi
FLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
if ! SRC="$T/src" OUT="$T/out" WORK="$T/work" CC=clang CXX=clang++ CFLAGS="$FLAGS" \
	CXXFLAGS="$FLAGS" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
	.clusterfuzzlite/build.sh >"$T/build.log" 2>&1; then
	tail -20 "$T/build.log" >&2
	fail "build.sh failed"
fi

for t in "${TARGETS[@]}"; do
	[[ -x "$T/out/$t" ]] || fail "$t not built"
	[[ -s "$T/out/${t}_seed_corpus.zip" ]] || fail "$t has no seed corpus"
	if [[ -n "$(fuzz_dict_of "$t")" && ! -s "$T/out/$t.dict" ]]; then
		fail "$t has no dictionary"
	fi
	mkdir -p "$T/seeds/$t" "$T/tmp/$t"
	unzip -q "$T/out/${t}_seed_corpus.zip" -d "$T/seeds/$t"
	if ! TMPDIR="$T/tmp/$t" "$T/out/$t" -runs=0 "$T/seeds/$t" >"$T/$t.log" 2>&1; then
		tail -20 "$T/$t.log" >&2
		fail "$t failed on its seed corpus"
	fi
done
[[ -z "$(find "$T/out" -mindepth 1 -maxdepth 1 -type d)" ]] ||
	fail "build.sh left directories in \$OUT (ClusterFuzzLite uploads \$OUT)"
echo "cflite: ok ${#TARGETS[@]} targets in $((SECONDS - start))s"
