# shellcheck shell=bash
# The fuzz targets and what each starts from, for the scripts that build
# and run them outside Bazel (fuzz/build.sh, scripts/fuzz.sh,
# scripts/coverage.sh, scripts/sanitize.sh, .clusterfuzzlite/build.sh).
# Sourced, not run. fuzz/BUILD is the build of record; fuzz/cflite_test.sh
# checks that it defines exactly these targets.

# Short names: the binary is <name>_fuzz.
# shellcheck disable=SC2034 # used by the scripts that source this
FUZZ_TARGETS=(config config_structured loader process resources state image policy plan record cli devices_bpf alloc dbus
	passwd)

# The corpus directory of a target, from the repository root: its own,
# but config_structured (config's target with another mutator) and loader
# (config.json through the isolation boundary) read config.json.
fuzz_corpus_of() {
	local t=${1%_fuzz}
	case "$t" in
	config_structured | loader) t=config ;;
	esac
	echo "fuzz/corpus/$t"
}

# The dictionary of a target: oci (JSON) or image; none for record, cli,
# dbus and passwd, whose few words libFuzzer's comparison tracing finds by
# itself, nor for devices_bpf, whose input is raw rule bytes.
fuzz_dict_of() {
	case "${1%_fuzz}" in
	image) echo image ;;
	record | cli | devices_bpf | dbus | passwd) ;;
	*) echo oci ;;
	esac
}

# A target's sources besides the library: <name>_fuzz.c, but
# config_structured is config_fuzz.c with the structure-aware mutator.
fuzz_sources_of() {
	case "${1%_fuzz}" in
	config_structured) echo fuzz/config_fuzz.c fuzz/json_mutator.c ;;
	*) echo "fuzz/${1%_fuzz}_fuzz.c" ;;
	esac
}

# A target's own link flags: alloc routes the parser's allocations through
# its failing stand-ins (fuzz/BUILD's ALLOC_WRAPS says the same for Bazel).
fuzz_ldflags_of() {
	local f
	case "${1%_fuzz}" in
	alloc)
		for f in malloc calloc realloc strdup mmap mprotect json_tokener_new_ex \
			json_object_new_object json_object_new_string json_object_new_int64 \
			json_object_object_add json_object_to_json_string_ext; do
			echo "-Wl,--wrap=$f"
		done
		;;
	esac
}
