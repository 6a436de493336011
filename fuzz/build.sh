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
# would. The targets are fuzz/targets.sh's; fuzz/cflite_test.sh checks
# them against fuzz/BUILD.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${OUT:?OUT must name the output directory}"
CC=${CC:-clang}
CXX=${CXX:-clang++}
JOBS=${KAKOI_JOBS:-$(nproc)}
read -r -a USER_CFLAGS <<<"${CFLAGS:-}"
read -r -a USER_CXXFLAGS <<<"${CXXFLAGS:-}"
read -r -a ENGINE <<<"${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}"

# The targets, their dictionaries and sources: fuzz/targets.sh.
# shellcheck source=fuzz/targets.sh
source "$ROOT/fuzz/targets.sh"
# The library folders the targets link (fuzz/BUILD's deps, transitively),
# and the harness helpers.
LIB_DIRS=(base parser hooks runtime/loader runtime/sys runtime/exec runtime/cgroup runtime/cgroup/bpf
	runtime/cgroup/systemd runtime/state runtime/rootfs runtime/process runtime/userdb runtime/container
	runtime/cli)
HARNESS=(fuzz/fuzz_check.c fuzz/temp_tree.c fuzz/host_trap.c fuzz/oci_keys.c)

# .bazelrc's flags for every compile, minus -Werror and the hardening: a
# newer compiler's new warning must not break another team's CI, and the
# caller's CFLAGS choose optimization and instrumentation.
COMMON=(-std=gnu11 -Wall -Wextra -I"$ROOT" -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
LIBS=(-ljson-c -lseccomp -lcap)
if [[ -n "${JSONC_PREFIX:-}" ]]; then
	COMMON+=(-isystem "$JSONC_PREFIX/include")
	LIBS=("$JSONC_PREFIX/lib/libjson-c.a" -lseccomp -lcap)
fi

if (($# > 0)); then
	TARGETS=("${@%_fuzz}")
else
	TARGETS=("${FUZZ_TARGETS[@]}")
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
BUILD=${KAKOI_BUILD_DIR:-$OUT/.kakoi-build}
cd "$ROOT"

# Compiles one source (relative to ROOT) to $BUILD/obj/<path>.o: C, or
# the one C++ file of the library, runtime/build_info.cc (Bazel's
# linkstamp; built here without a commit, it says "unknown").
compile() {
	local obj="$BUILD/obj/${1%.*}.o"
	mkdir -p "${obj%/*}"
	case "$1" in
	*.cc) "$CXX" -I"$ROOT" "${USER_CXXFLAGS[@]}" -c "$1" -o "$obj" ;;
	*) "$CC" "${COMMON[@]}" "${USER_CFLAGS[@]}" -c "$1" -o "$obj" ;;
	esac
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
		echo "$BUILD/obj/${src%.*}.o"
	done
}

# Prints a dictionary with make_dict, built plainly: it runs at build time,
# where the caller's instrumentation (MSan without instrumented libc
# callers, coverage writing profiles) has no business.
write_dicts() {
	"$CC" -O1 -I"$ROOT" fuzz/make_dict.c fuzz/oci_keys.c parser/vocab.c -o "$BUILD/make_dict"
	"$BUILD/make_dict" >"$BUILD/oci.dict"
	"$BUILD/make_dict" --image >"$BUILD/image.dict"
}

mapfile -t LIB_SRCS < <(for d in "${LIB_DIRS[@]}"; do ls "$d"/*.c; done)
LIB_SRCS+=(runtime/build_info.cc)
TARGET_SRCS=()
for t in "${TARGETS[@]}"; do
	read -r -a srcs <<<"$(fuzz_sources_of "$t")"
	if [[ ! -f "${srcs[0]}" ]]; then
		echo "fuzz/build.sh: no target ${t}_fuzz" >&2
		exit 2
	fi
	TARGET_SRCS+=("${srcs[@]}")
done

# A source two targets share is compiled once.
mapfile -t TARGET_SRCS < <(printf '%s\n' "${TARGET_SRCS[@]}" | sort -u)
compile_all "${LIB_SRCS[@]}" "${HARNESS[@]}" "${TARGET_SRCS[@]}"
rm -f "$BUILD/libkakoi.a" "$BUILD/libharness.a"
mapfile -t lib_objs < <(objects_of "${LIB_SRCS[@]}")
mapfile -t harness_objs < <(objects_of "${HARNESS[@]}")
ar rcs "$BUILD/libkakoi.a" "${lib_objs[@]}"
ar rcs "$BUILD/libharness.a" "${harness_objs[@]}"
write_dicts

# libFuzzer is C++: the contract links with CXX. A target's own sources
# are linked as objects, not from an archive: libFuzzer refers to the
# mutator's hooks only weakly, which would not pull them out of one.
for t in "${TARGETS[@]}"; do
	read -r -a srcs <<<"$(fuzz_sources_of "$t")"
	mapfile -t objs < <(objects_of "${srcs[@]}")
	mapfile -t ldflags < <(fuzz_ldflags_of "$t")
	"$CXX" "${USER_CXXFLAGS[@]}" "${ldflags[@]}" "${objs[@]}" "$BUILD/libharness.a" \
		"$BUILD/libkakoi.a" "${LIBS[@]}" "${ENGINE[@]}" -o "$OUT/${t}_fuzz"
	dict=$(fuzz_dict_of "$t")
	if [[ -n "$dict" ]]; then
		cp "$BUILD/$dict.dict" "$OUT/${t}_fuzz.dict"
	fi
done
echo "fuzz/build.sh: built ${TARGETS[*]/%/_fuzz} in $OUT"
