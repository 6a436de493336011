#!/usr/bin/env bash
# Two runs of the whole suite at the same time on this machine, as two users
# or two CI jobs on one runner would (issue 14): each in its own clone of
# HEAD, so each has its own Bazel output base, and each with its own canary
# guard. Both must pass.
#
#   scripts/test-concurrent.sh          (KAKOI_TEST_CONFIGS, FUZZ_SECONDS as
#                                        for scripts/test.sh)
#
# Not part of scripts/test.sh: on 2 cores it takes about twice as long.
# Prints each run's closing line and exits non-zero unless both passed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-concurrent.XXXXXX")
echo "test-concurrent.sh: clones and logs in $work"
for n in 1 2; do
	git clone -q --no-hardlinks . "$work/clone$n" || exit 1
done
started=$SECONDS
for n in 1 2; do
	(cd "$work/clone$n" && scripts/test.sh >"$work/run$n.log" 2>&1) &
	pids[n]=$!
done
status=0
for n in 1 2; do
	wait "${pids[n]}" || status=1
	echo "test-concurrent.sh: run $n: $(tail -n 1 "$work/run$n.log")"
done
echo "test-concurrent.sh: both ran in $((SECONDS - started)) s"
# The clones' Bazel output bases are big; the logs stay.
for n in 1 2; do
	(cd "$work/clone$n" && bazel clean --expunge >/dev/null 2>&1)
	rm -rf "$work/clone$n"
done
((status == 0)) && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $status
