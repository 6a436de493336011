#!/usr/bin/env bash
# Writes alloc_fuzz candidate seeds to DIR: each well-formed seed of the
# document corpora (config, process, state, policy, resources; the bad-*
# ones fail before they allocate much) behind the 3-byte header
#   [n: 2 bytes, little-endian][kind: 1 byte]
# for the first N_MAX failing allocations. Too many to commit: merge them
# into fuzz/corpus/alloc, which keeps those that reach new code:
#
#   fuzz/make_alloc_seeds.sh /tmp/alloc-cand
#   bazel build --config=fuzz //fuzz:alloc_fuzz
#   bazel-bin/fuzz/alloc_fuzz -merge=1 fuzz/corpus/alloc /tmp/alloc-cand
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIR=${1:?usage: fuzz/make_alloc_seeds.sh DIR}
N_MAX=${N_MAX:-64}
mkdir -p "$DIR"

# The kinds as parser/parser.h numbers them (enum kk_doc_kind).
declare -A KIND=([config]=1 [process]=2 [state]=3 [policy]=4 [resources]=5)
for corpus in "${!KIND[@]}"; do
	for f in fuzz/corpus/"$corpus"/*; do
		[[ -f "$f" && "${f##*/}" != bad-* ]] || continue
		for ((n = 1; n <= N_MAX; n++)); do
			printf -v header '\\x%02x\\x%02x\\x%02x' $((n & 255)) $((n >> 8)) "${KIND[$corpus]}"
			{
				printf '%b' "$header"
				cat "$f"
			} >"$DIR/$corpus-${f##*/}-$n"
		done
	done
done
