#!/usr/bin/env bash
# Checks the generated libFuzzer dictionaries: every line is a comment or
# one "token" in libFuzzer's syntax (libFuzzer refuses to start on a bad
# line), and the vocabularies made it in.
#   dict_test.sh OCI_DICT IMAGE_DICT
set -euo pipefail

oci=$1
image=$2
status=0

check_syntax() {
	local bad
	bad=$(grep -vE '^(#.*)?$' "$1" |
		grep -vE '^"([^"\\]|\\\\|\\"|\\x[0-9a-fA-F]{2})+"$' || true)
	if [[ -n "$bad" ]]; then
		echo "$1: lines libFuzzer would refuse:" >&2
		echo "$bad" >&2
		status=1
	fi
}

expect() {
	if ! grep -qF -- "$2" "$1"; then
		echo "$1: missing $2" >&2
		status=1
	fi
}

check_syntax "$oci"
check_syntax "$image"
expect "$oci" '"\"ociVersion\":"'
expect "$oci" '"\"CAP_CHOWN\""'
expect "$oci" '"\"SCMP_ACT_ERRNO\""'
expect "$oci" '"\"createRuntime\""'
expect "$image" '"KAKOIIMG"'
echo "dict_test: $(grep -cvE '^(#.*)?$' "$oci") JSON and" \
	"$(grep -cvE '^(#.*)?$' "$image") image tokens"
exit "$status"
