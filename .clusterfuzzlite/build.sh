#!/usr/bin/env bash
# ClusterFuzzLite / OSS-Fuzz build of kakoi's libFuzzer targets, under the
# usual contract: $CC, $CXX, $CFLAGS, $CXXFLAGS, $LIB_FUZZING_ENGINE in,
# $OUT/<target> out, with $SRC the sources and $WORK scratch space.
#
# Writes, per target: $OUT/<target> (fuzz/build.sh), $OUT/<target>.dict,
# and $OUT/<target>_seed_corpus.zip from fuzz/corpus/. json-c is built
# from $SRC/json-c (the Dockerfile clones it) with the same flags and
# linked statically; without that directory the system's -ljson-c is
# used, as when fuzz/cflite_test.sh runs this script outside Docker.
set -euo pipefail

KAKOI=$SRC/kakoi
# shellcheck source=fuzz/targets.sh
source "$KAKOI/fuzz/targets.sh"

# json-c's own build, into $WORK/json-c: static, no apps or tests, and no
# -Werror (a newer clang's new warning must not break the build).
build_json_c() {
	cmake -S "$SRC/json-c" -B "$WORK/json-c-build" -DCMAKE_C_COMPILER="$CC" \
		-DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_INSTALL_PREFIX="$WORK/json-c" \
		-DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON \
		-DBUILD_TESTING=OFF -DBUILD_APPS=OFF -DDISABLE_WERROR=ON >/dev/null
	cmake --build "$WORK/json-c-build" -j"$(nproc)" >/dev/null
	cmake --install "$WORK/json-c-build" >/dev/null
}

if [[ -d "$SRC/json-c" ]]; then
	build_json_c
	export JSONC_PREFIX=$WORK/json-c
fi
KAKOI_BUILD_DIR=$WORK/kakoi-build "$KAKOI/fuzz/build.sh"

# The seed corpus of each target (gen/ and campaign/ included): the same
# directories scripts/fuzz.sh starts from.
for bin in "$OUT"/*_fuzz; do
	t=$(basename "$bin" _fuzz)
	corpus=$KAKOI/$(fuzz_corpus_of "$t")
	rm -f "$OUT/${t}_fuzz_seed_corpus.zip"
	(cd "$corpus" && zip -q -r "$OUT/${t}_fuzz_seed_corpus.zip" .)
done
