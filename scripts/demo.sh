#!/usr/bin/env bash
# Builds kakoi and shows what it does today: write a default config, check
# it through the isolated parser, and refuse a broken one with an error that
# names the field. This is the README's first command.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
bazel build //runtime:kakoi
kakoi=bazel-bin/runtime/kakoi
bundle=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-demo.XXXXXX")
trap 'rm -rf "$bundle"' EXIT

echo "\$ kakoi --version"
"$kakoi" --version
echo
echo "\$ kakoi spec --bundle $bundle"
"$kakoi" spec --bundle "$bundle"
echo "\$ kakoi validate --bundle $bundle"
"$kakoi" validate --bundle "$bundle"
echo
echo "\$ kakoi validate docs/examples/bad-bundle/config.json"
if "$kakoi" validate docs/examples/bad-bundle/config.json; then
	echo "demo: the bad example was accepted" >&2
	exit 1
fi
