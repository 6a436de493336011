#!/usr/bin/env bash
# clang-format owns the style of kakoi's C and C++ (.clang-format).
#   scripts/format.sh           reformat every tracked source file
#   scripts/format.sh --check   list files that differ; exit 1 if any do
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mapfile -t files < <(git ls-files '*.c' '*.h' '*.cc' | grep -v '^third_party/')
if [[ "${1:-}" != "--check" ]]; then
	clang-format -i "${files[@]}"
	exit 0
fi
bad=0
for f in "${files[@]}"; do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "format: $f differs from clang-format (run scripts/format.sh)"
		bad=1
	fi
done
exit $bad
