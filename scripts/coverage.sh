#!/usr/bin/env bash
# How much of the code the fuzz corpora reach: builds every fuzz target
# with clang's source-based coverage (-fprofile-instr-generate
# -fcoverage-mapping), replays each fuzz/corpus/<target> through it once,
# merges the profiles and prints line and branch coverage per file.
#
#   scripts/coverage.sh                   parser/, runtime/loader/, hooks/policy*
#   scripts/coverage.sh --markdown        the same as the table in docs/fuzzing.md
#   scripts/coverage.sh --uncovered FILE...  each FILE's lines no input ran,
#                                         and its branches one way never taken
#   scripts/coverage.sh --html DIR        llvm-cov's browsable report in DIR
#   COVERAGE_CORPUS=DIR                   replay DIR/<target> instead (e.g. a
#                                         campaign's grown corpora)
#
# Not `bazel coverage`, which needs to download its tools: fuzz/build.sh
# builds with plain clang commands, linking third_party/fuzzer_main.c (run
# each file once) instead of libFuzzer, so the profile counts the corpus
# and nothing else. Needs clang and the matching llvm-profdata / llvm-cov
# (Debian's llvm-<N>, which scripts/setup.sh installs). The work directory
# (objects, profiles) is printed and removed at the end.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

MODE=text
ARGS=()
case "${1:-}" in
--markdown) MODE=markdown ;;
--uncovered | --html)
	MODE=${1#--}
	ARGS=("${@:2}")
	((${#ARGS[@]} > 0)) || {
		echo "coverage.sh: $1 needs an argument" >&2
		exit 2
	}
	;;
"") ;;
*)
	sed -n '2,/^set /p' "$0" | sed 's/^# \{0,1\}//;$d' >&2
	exit 2
	;;
esac

# The files the report covers (issue 17): the parser, the loader, the
# hook policy.
REPORT_FILES=(parser/*.c runtime/loader/*.c hooks/policy*.c)
CORPUS=${COVERAGE_CORPUS:-fuzz/corpus}

# llvm-profdata / llvm-cov of clang's own version: the profile format
# changes between LLVM releases.
llvm_tool() {
	local major
	major=$(clang -dumpversion | cut -d. -f1)
	if command -v "$1-$major" >/dev/null; then
		echo "$1-$major"
	elif command -v "$1" >/dev/null; then
		echo "$1"
	else
		echo "coverage.sh: $1-$major not found (Debian: apt-get install llvm-$major)" >&2
		exit 1
	fi
}
PROFDATA=$(llvm_tool llvm-profdata)
COV=$(llvm_tool llvm-cov)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-coverage.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "coverage.sh: building in $WORK" >&2

# The replay main is not instrumented: its own lines are not the question.
clang -O1 -c third_party/fuzzer_main.c -o "$WORK/replay_main.o"
PROFILE_FLAGS="-fprofile-instr-generate -fcoverage-mapping"
CC=clang CXX=clang++ OUT="$WORK/bin" KAKOI_BUILD_DIR="$WORK/build" \
	CFLAGS="-O0 -g $PROFILE_FLAGS" CXXFLAGS="$PROFILE_FLAGS" \
	LIB_FUZZING_ENGINE="$WORK/replay_main.o" \
	fuzz/build.sh >"$WORK/build.log" 2>&1 || {
	cat "$WORK/build.log" >&2
	exit 1
}

# Replays each corpus; every process writes its own profile (%p), and the
# targets' temporary trees go to a directory removed with $WORK.
BINS=()
mkdir -p "$WORK/tmp"
for bin in "$WORK"/bin/*_fuzz; do
	t=$(basename "$bin" _fuzz)
	dir=$CORPUS/$t
	# config_structured shares config's corpus (scripts/fuzz.sh).
	[[ -d "$dir" ]] || dir=$CORPUS/${t%_structured}
	[[ -d "$dir" ]] || continue
	BINS+=("$bin")
	# The replay main reads a directory's files but not its subdirectories
	# (gen/): name every file.
	find "$dir" -type f -print0 | sort -z |
		LLVM_PROFILE_FILE="$WORK/prof/$t-%p.profraw" TMPDIR="$WORK/tmp" \
			xargs -0 "$bin" >>"$WORK/replay.log" 2>&1 || {
		echo "coverage.sh: $t failed replaying $dir (see below)" >&2
		tail -20 "$WORK/replay.log" >&2
		exit 1
	}
done
"$PROFDATA" merge -sparse "$WORK"/prof/*.profraw -o "$WORK/all.profdata"

# llvm-cov takes one binary and the others as -object.
OBJECTS=("${BINS[0]}")
for bin in "${BINS[@]:1}"; do
	OBJECTS+=(-object "$bin")
done
COV_ARGS=("${OBJECTS[@]}" -instr-profile="$WORK/all.profdata")

# One line per file: path, lines covered/total and %, branches likewise,
# from llvm-cov's JSON summary (the text report's columns vary by version).
summary() {
	"$COV" export -summary-only "${COV_ARGS[@]}" "${REPORT_FILES[@]/#/$ROOT/}" |
		jq -r --arg root "$ROOT/" '
		  def pct(c; n): if n == 0 then "-" else (c * 1000 / n | floor / 10 | tostring) end;
		  (.data[0].files | sort_by(.filename)[] | [
		    (.filename | ltrimstr($root)),
		    .summary.lines.covered, .summary.lines.count, pct(.summary.lines.covered; .summary.lines.count),
		    .summary.branches.covered, .summary.branches.count, pct(.summary.branches.covered; .summary.branches.count)
		  ]), (.data[0].totals | ["total",
		    .lines.covered, .lines.count, pct(.lines.covered; .lines.count),
		    .branches.covered, .branches.count, pct(.branches.covered; .branches.count)])
		  | @tsv'
}

case "$MODE" in
text)
	printf '%-34s %15s %8s %15s %8s\n' file lines % branches %
	summary | while IFS=$'\t' read -r f lc ln lp bc bn bp; do
		printf '%-34s %15s %8s %15s %8s\n' "$f" "$lc/$ln" "$lp" "$bc/$bn" "$bp"
	done
	;;
markdown)
	echo "| file | lines | % | branches | % |"
	echo "| --- | ---: | ---: | ---: | ---: |"
	summary | while IFS=$'\t' read -r f lc ln lp bc bn bp; do
		echo "| \`$f\` | $lc/$ln | $lp | $bc/$bn | $bp |"
	done
	;;
uncovered)
	# llvm-cov show's line format is "  LINE|  COUNT|source"; a count of 0
	# is a line no input ran. Branches print as "Branch (L:C): [True: N,
	# False: M]" under their line; one side 0 is a way never taken.
	"$COV" show "${COV_ARGS[@]}" -show-branches=count -show-line-counts \
		"${ARGS[@]/#/$ROOT/}" | awk '
		/^\/.*:$/ { print; next }
		/^ *[0-9]+\| *0\|/ { print "line " $0; next }
		/Branch \(/ && (/True: 0,/ || /False: 0\]/) { print "  branch " $0 }'
	;;
html)
	"$COV" show "${COV_ARGS[@]}" -format=html -show-branches=count \
		-output-dir="${ARGS[0]}" "${REPORT_FILES[@]/#/$ROOT/}"
	echo "coverage.sh: report in ${ARGS[0]}/index.html" >&2
	;;
esac
