#!/usr/bin/env bash
# Replays the fuzz corpora under a sanitizer the fuzz builds do not use.
#
#   scripts/sanitize.sh integer [TARGET...]   UBSan's -fsanitize=integer
#   scripts/sanitize.sh memory [TARGET...]    MemorySanitizer
#
# Builds with fuzz/build.sh and third_party/fuzzer_main.c (each file once,
# no libFuzzer), runs every file of each target's corpus, and prints each
# distinct finding once (kind, place, how many inputs hit it, one input),
# then "sanitize: N finding(s)". Exits non-zero if there was any.
#
# integer: unsigned wrap-around, implicit truncations and sign changes,
# shifts and divisions, which -fsanitize=undefined leaves alone because C
# allows most of them. Findings that are meant (hashes that wrap on
# purpose) are suppressed, each with its reason, in
# fuzz/ubsan_integer.supp. Default targets: the parser's (config process
# state image policy resources) and record, which reads state records.
#
# memory: every library the code calls must be built with MSan too, or
# its writes look uninitialized. The parser's targets need json-c only:
# set KAKOI_JSONC_SRC to json-c 0.16's source (Debian 12's, e.g. from
# `apt-get source json-c` with a deb-src line; docs/fuzzing.md), which is
# built with MSan first (needs cmake). plan and cli also link libseccomp,
# libcap and OpenSSL, which stay uninstrumented: name them to replay them
# anyway (MSan then cannot see what those libraries write).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=fuzz/targets.sh
source fuzz/targets.sh
MODE=${1:-}
shift || true
if (($# > 0)); then
	TARGETS=("${@%_fuzz}")
else
	TARGETS=(config process state image policy resources record)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-sanitize.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

case "$MODE" in
integer)
	FLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=integer -fsanitize-recover=integer"
	MAIN_FLAGS="-O1"
	export UBSAN_OPTIONS="print_stacktrace=1:report_error_type=1:suppressions=$PWD/fuzz/ubsan_integer.supp"
	;;
memory)
	if [[ -z "${KAKOI_JSONC_SRC:-}" ]]; then
		echo "sanitize.sh: memory needs KAKOI_JSONC_SRC (json-c 0.16 source, see the header)" >&2
		exit 2
	fi
	FLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=memory -fsanitize-memory-track-origins"
	MAIN_FLAGS=$FLAGS
	export MSAN_OPTIONS="halt_on_error=0:print_stats=0"
	;;
*)
	sed -n '2,/^set /p' "$0" | sed 's/^# \{0,1\}//;$d' >&2
	exit 2
	;;
esac

# json-c with MSan, static, into $WORK/json-c.
build_json_c() {
	cmake -S "$KAKOI_JSONC_SRC" -B "$WORK/json-c-build" -DCMAKE_C_COMPILER=clang \
		-DCMAKE_C_FLAGS="$FLAGS" -DCMAKE_INSTALL_PREFIX="$WORK/json-c" \
		-DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON \
		-DBUILD_TESTING=OFF -DBUILD_APPS=OFF -DDISABLE_WERROR=ON >"$WORK/json-c.log" 2>&1
	cmake --build "$WORK/json-c-build" -j"${KAKOI_JOBS:-$(nproc)}" >>"$WORK/json-c.log" 2>&1
	cmake --install "$WORK/json-c-build" >>"$WORK/json-c.log" 2>&1
}

if [[ "$MODE" == memory ]]; then
	build_json_c || {
		tail -20 "$WORK/json-c.log" >&2
		exit 1
	}
	export JSONC_PREFIX=$WORK/json-c
fi
# The replay main is not the code under test, but MSan wants it
# instrumented too: it reads the files the targets are given.
read -r -a main_flags <<<"$MAIN_FLAGS"
clang "${main_flags[@]}" -c third_party/fuzzer_main.c -o "$WORK/replay_main.o"
CC=clang CXX=clang++ OUT="$WORK/bin" KAKOI_BUILD_DIR="$WORK/build" CFLAGS="$FLAGS" \
	CXXFLAGS="$FLAGS" LIB_FUZZING_ENGINE="$WORK/replay_main.o" \
	fuzz/build.sh "${TARGETS[@]}" >"$WORK/build.log" 2>&1 || {
	tail -20 "$WORK/build.log" >&2
	exit 1
}

# Each file in its own run, so every finding names its input. A finding is
# the first line of a report: UBSan's "FILE:LINE:COL: runtime error: ...",
# MSan's "WARNING: MemorySanitizer: ..." with its first frame in kakoi.
finding_of() {
	local log=$1
	if [[ "$MODE" == integer ]]; then
		# The values in the message differ per input; the place and kind do not.
		grep -aoE '[^ ]+:[0-9]+:[0-9]+: runtime error: [^:]*' "$log" | sed "s|^$PWD/||" || true
	elif grep -aq 'MemorySanitizer' "$log"; then
		echo "$(grep -aoE 'MemorySanitizer: [a-z-]+' "$log" | head -1) at" \
			"$(grep -aoE 'in [a-z_0-9]+ [^ ]+:[0-9]+' "$log" | head -1 | sed "s|$PWD/||")"
	fi
}

: >"$WORK/findings"
for t in "${TARGETS[@]}"; do
	corpus=$(fuzz_corpus_of "$t")
	mkdir -p "$WORK/tmp"
	while IFS= read -r -d '' f; do
		rc=0
		TMPDIR="$WORK/tmp" "$WORK/bin/${t}_fuzz" "$f" >"$WORK/run.log" 2>&1 || rc=$?
		what=$(finding_of "$WORK/run.log")
		# A run that failed without a report is a finding too (a crash,
		# or a sanitizer that could not start).
		if [[ -z "$what" && $rc != 0 ]]; then
			what="$t: exit status $rc: $(grep -a -m1 -E 'ERROR|error|failed' "$WORK/run.log" || true)"
		fi
		while IFS= read -r line; do
			[[ -z "$line" ]] || echo "$line @$f" >>"$WORK/findings"
		done <<<"$what"
	done < <(find "$corpus" -type f -print0 | sort -z)
	echo "sanitize: $MODE: $t: replayed $(find "$corpus" -type f | wc -l) inputs"
done

# Distinct findings, the number of inputs that hit each, one of them.
n=$(sed 's/ @.*//' "$WORK/findings" | sort -u | grep -c . || true)
sed 's/ @.*//' "$WORK/findings" | sort | uniq -c | sort -rn | while read -r count what; do
	echo "sanitize: $what ($count inputs, e.g. $(grep -aF -m1 "$what @" "$WORK/findings" | sed 's/.* @//'))"
done
echo "sanitize: $n finding(s)"
((n == 0))
