#!/usr/bin/env bash
# Regenerates fuzz/corpus/<target>/gen/: the small documents of
# make_variant_seeds.c (one value of a good seed changed, then shrunk) that
# reach code the other seeds of the target do not.
#
#   fuzz/make_variant_seeds.sh [TARGET...]   (default: config process state policy resources)
#
# The generator writes a candidate for each refusal or warning it has not
# seen; libFuzzer's -merge=1 (edges only, -use_counters=0; smaller inputs
# first) then keeps the candidates that add an edge to the target's other
# seeds, and those are copied to gen/ under the generator's names. Run it
# when a seed or the parser's checks change; commit gen/ like any seed.
# Builds with fuzz/build.sh (clang, ASan) in a temporary directory.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if (($# > 0)); then
	TARGETS=("$@")
else
	TARGETS=(config process state policy resources)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-variants.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FLAGS=(-O1 -g "-fsanitize=address,fuzzer-no-link")
OUT="$WORK/bin" KAKOI_BUILD_DIR="$WORK/build" CFLAGS="${FLAGS[*]}" CXXFLAGS="${FLAGS[*]}" \
	fuzz/build.sh "${TARGETS[@]}" >"$WORK/build.log" 2>&1 || {
	cat "$WORK/build.log" >&2
	exit 1
}
# The generator links the same library (and its instrumentation).
clang -std=gnu11 -I. "${FLAGS[@]}" fuzz/make_variant_seeds.c "$WORK/build/libkakoi.a" -ljson-c \
	-o "$WORK/make_variant_seeds"

for t in "${TARGETS[@]}"; do
	corpus=fuzz/corpus/$t
	rm -rf "$corpus/gen"
	mkdir -p "$WORK/cand/$t" "$WORK/merged/$t"
	"$WORK/make_variant_seeds" "$WORK/cand/$t" "$t" "$corpus"/*.json 2>"$WORK/$t.log"
	find "$corpus" -maxdepth 1 -type f -exec cp {} "$WORK/merged/$t/" \;
	"$WORK/bin/${t}_fuzz" -merge=1 -use_counters=0 "$WORK/merged/$t" "$WORK/cand/$t" \
		>>"$WORK/$t.log" 2>&1
	# -merge=1 names what it adds by the SHA-1 of its bytes.
	mkdir -p "$corpus/gen"
	for f in "$WORK/cand/$t"/*; do
		sha=$(sha1sum <"$f" | cut -d' ' -f1)
		if [[ -e "$WORK/merged/$t/$sha" ]]; then
			cp "$f" "$corpus/gen/"
		fi
	done
	kept=$(find "$corpus/gen" -type f | wc -l)
	tried=$(find "$WORK/cand/$t" -type f | wc -l)
	echo "make_variant_seeds.sh: $t: $kept of $tried candidates add edges"
done
