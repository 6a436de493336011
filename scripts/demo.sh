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

# A real container, as root: a busybox rootfs from Debian's busybox-static.
if [ "$(id -u)" -ne 0 ]; then
	echo "(run as root to see a container run)"
	exit 0
fi
root="$bundle/state"
mkdir -p "$bundle/rootfs/bin"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
ln -s busybox "$bundle/rootfs/bin/sh"
jq '.process.args = ["/bin/sh", "-c", "echo hello from $(busybox hostname), pid $$; busybox grep CapEff /proc/self/status"]' \
	"$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
# kakoi leaves its own /kakoi cgroup parent for the next container
# (docs/cgroups.md): remove the ones this demo made, while empty.
pre_parents=$(ls -d /sys/fs/cgroup/*/kakoi 2>/dev/null || true)
cleanup() {
	"$kakoi" --root "$root" delete --force demo >/dev/null 2>&1 || true
	for d in /sys/fs/cgroup/*/kakoi; do
		[[ -d $d ]] || continue
		grep -qxF "$d" <<<"$pre_parents" || rmdir "$d" 2>/dev/null || true
	done
	rm -rf "$bundle"
}
trap cleanup EXIT
echo
echo "\$ kakoi plan --bundle $bundle demo | head"
"$kakoi" plan --bundle "$bundle" demo >"$bundle/plan.txt"
head "$bundle/plan.txt"
echo
echo "\$ kakoi run --bundle $bundle demo"
"$kakoi" --root "$root" run --bundle "$bundle" demo
