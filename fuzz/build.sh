#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with plain compiler commands, no
# Bazel, under the OSS-Fuzz / ClusterFuzzLite contract:
#
#   CC, CXX              compilers (default clang, clang++)
#   CFLAGS, CXXFLAGS     instrumentation (sanitizers, -fsanitize=fuzzer-no-link, coverage)
#   LIB_FUZZING_ENGINE   what provides main() at link time (default -fsanitize=fuzzer)
#   OUT                  where <target>_fuzz and <target>_fuzz.dict go (required)
#
#   OUT=/tmp/out fuzz/build.sh [TARGET...]      (default: every target)
#
# Optional:
#   KAKOI_BUILD_DIR   objects and archives (default: $OUT/.kakoi-build)
#   KAKOI_JOBS        parallel compiles (default: the machine's cores)
#   JSONC_PREFIX      a json-c install (include/, lib/libjson-c.a) linked
#                     instead of the system's -ljson-c: an instrumented one
#                     for MSan, or a newer one than the build image has
#
# Used by .clusterfuzzlite/build.sh (the contract), scripts/coverage.sh
# (coverage flags, a replay main) and scripts/sanitize.sh (MSan, UBSan).
# fuzz/BUILD stays the build of record; this mirrors it without listing
# each target's sources a second time: every library folder goes into one
# archive and the linker takes the objects a target needs, as Bazel's deps
# would. fuzz/build_test.sh checks the target list against fuzz/BUILD.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${OUT:?OUT must name the output directory}"
CC=${CC:-clang}
CXX=${CXX:-clang++}
JOBS=${KAKOI_JOBS:-$(nproc)}
read -r -a USER_CFLAGS <<<"${CFLAGS:-}"
read -r -a USER_CXXFLAGS <<<"${CXXFLAGS:-}"
read -r -a ENGINE <<<"${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}"

# FUZZ_TARGETS of fuzz/BUILD, and the dictionary each is fuzzed with
# (scripts/fuzz.sh's choice; record and cli need none).
ALL_TARGETS=(config process resources state image policy plan record cli)
dict_of() {
	case "$1" in
	image) echo image ;;
	record | cli) ;;
	*) echo oci ;;
	esac
}
# The library folders the targets link (fuzz/BUILD's deps, transitively),
# and the harness helpers.
LIB_DIRS=(base parser hooks runtime/loader runtime/sys runtime/exec runtime/cgroup
	runtime/cgroup/bpf runtime/cgroup/systemd runtime/state runtime/rootfs runtime/process
	runtime/container runtime/cli)
HARNESS=(fuzz/fuzz_check.c fuzz/temp_tree.c fuzz/host_trap.c)

# .bazelrc's flags for every compile, minus -Werror and the hardening: a
# newer compiler's new warning must not break another team's CI, and the
# caller's CFLAGS choose optimization and instrumentation.
COMMON=(-std=gnu11 -Wall -Wextra -I"$ROOT" -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
LIBS=(-ljson-c -lseccomp -lcap -lcrypto -lsystemd)
if [[ -n "${JSONC_PREFIX:-}" ]]; then
	COMMON+=(-isystem "$JSONC_PREFIX/include")
	LIBS=("$JSONC_PREFIX/lib/libjson-c.a" -lseccomp -lcap -lcrypto -lsystemd)
fi

if (($# > 0)); then
	TARGETS=("${@%_fuzz}")
else
	TARGETS=("${ALL_TARGETS[@]}")
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
BUILD=${KAKOI_BUILD_DIR:-$OUT/.kakoi-build}
cd "$ROOT"

# Compiles one source (relative to ROOT) to $BUILD/obj/<path>.o.
compile() {
	local obj="$BUILD/obj/${1%.c}.o"
	mkdir -p "${obj%/*}"
	"$CC" "${COMMON[@]}" "${USER_CFLAGS[@]}" -c "$1" -o "$obj"
}

# Compiles the arguments, JOBS at a time; fails if any compile failed.
compile_all() {
	local src running=0 failed=0
	for src in "$@"; do
		compile "$src" &
		if ((++running >= JOBS)); then
			wait -n || failed=1
			running=$((running - 1))
		fi
	done
	while ((running > 0)); do
		wait -n || failed=1
		running=$((running - 1))
	done
	return "$failed"
}

objects_of() {
	local src
	for src in "$@"; do
		echo "$BUILD/obj/${src%.c}.o"
	done
}

# Prints a dictionary with make_dict, built plainly: it runs at build time,
# where the caller's instrumentation (MSan without instrumented libc
# callers, coverage writing profiles) has no business.
write_dicts() {
	"$CC" -O1 -I"$ROOT" fuzz/make_dict.c parser/vocab.c -o "$BUILD/make_dict"
	"$BUILD/make_dict" >"$BUILD/oci.dict"
	"$BUILD/make_dict" --image >"$BUILD/image.dict"
}

mapfile -t LIB_SRCS < <(for d in "${LIB_DIRS[@]}"; do ls "$d"/*.c; done)
TARGET_SRCS=()
for t in "${TARGETS[@]}"; do
	if [[ ! -f "fuzz/${t}_fuzz.c" ]]; then
		echo "fuzz/build.sh: no target ${t}_fuzz" >&2
		exit 2
	fi
	TARGET_SRCS+=("fuzz/${t}_fuzz.c")
done

compile_all "${LIB_SRCS[@]}" "${HARNESS[@]}" "${TARGET_SRCS[@]}"
rm -f "$BUILD/libkakoi.a" "$BUILD/libharness.a"
mapfile -t lib_objs < <(objects_of "${LIB_SRCS[@]}")
mapfile -t harness_objs < <(objects_of "${HARNESS[@]}")
ar rcs "$BUILD/libkakoi.a" "${lib_objs[@]}"
ar rcs "$BUILD/libharness.a" "${harness_objs[@]}"
write_dicts

# libFuzzer is C++: the contract links with CXX.
for t in "${TARGETS[@]}"; do
	"$CXX" "${USER_CXXFLAGS[@]}" "$BUILD/obj/fuzz/${t}_fuzz.o" "$BUILD/libharness.a" \
		"$BUILD/libkakoi.a" "${LIBS[@]}" "${ENGINE[@]}" -o "$OUT/${t}_fuzz"
	dict=$(dict_of "$t")
	if [[ -n "$dict" ]]; then
		cp "$BUILD/$dict.dict" "$OUT/${t}_fuzz.dict"
	fi
done
echo "fuzz/build.sh: built ${TARGETS[*]/%/_fuzz} in $OUT"
