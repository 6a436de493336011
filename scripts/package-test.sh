#!/usr/bin/env bash
# The Debian package, end to end (issue 16): build it from this tree with
# `dpkg-buildpackage -us -uc -b` (Bazel, from the workspace's cache), install
# it on this machine with dpkg -i, run `kakoi --version` and one busybox
# container from /usr/sbin/kakoi, then `dpkg --purge` it and check that
# nothing of it is left.
#
#   scripts/package-test.sh     (root; scripts/test.sh runs it)
#
# Safe on a live host: the container has its own --root under a temp dir
# and its own cgroup parent /kakoi-test-<pid>; the .deb and dpkg's other
# outputs go to the temp dir, not to the tree's parent. A kakoi already on
# this machine (/usr/sbin/kakoi, or a kakoi package in any state) is not
# this test's to replace: the test then skips (exit 77) and touches nothing.
# Two runs at once (scripts/test-concurrent.sh) take turns on a lock.
#
# Exit status: 0 passed, 77 skipped, anything else failed. Prints
# "package-test: ok" or "package-test: FAIL: why" last.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SKIP=77
ID=kakoi-pkgtest-$$
PARENT=/kakoi-test-$$
T=
installed=0

say() { echo "package-test: $*" >&2; }
fail() {
	say "FAIL: $*"
	exit 1
}

# Whatever happens, leave the machine as it was: the container, its
# cgroups, the package if this run installed it, the temp dir.
cleanup() {
	if [[ -n "$T" && -x /usr/sbin/kakoi ]] && ((installed)); then
		/usr/sbin/kakoi --root "$T/state" delete --force "$ID" >/dev/null 2>&1
	fi
	find /sys/fs/cgroup -maxdepth 3 -depth -type d \( -path "*$PARENT" -o -path "*$PARENT/*" \) \
		-exec rmdir {} + 2>/dev/null
	if ((installed)); then
		dpkg --purge kakoi >/dev/null 2>&1 || say "could not purge the package"
	fi
	[[ -z "$T" ]] || rm -rf "$T"
}

# Something of kakoi this run did not install: leave it alone.
already_there() {
	local status
	status=$(dpkg-query -W -f='${db:Status-Status}' kakoi 2>/dev/null)
	if [[ -n "$status" && "$status" != not-installed ]]; then
		echo "a kakoi package is on this machine (status: $status)"
	elif [[ -e /usr/sbin/kakoi || -L /usr/sbin/kakoi ]]; then
		echo "/usr/sbin/kakoi exists and is no package's"
	fi
}

build() {
	local out=$T/out
	mkdir -p "$out"
	# -tc: debian/rules clean afterwards, so the tree keeps no debian/kakoi.
	KAKOI_DEB_DIR=$out dpkg-buildpackage -us -uc -b -tc \
		--buildinfo-option="-u$out" --buildinfo-file="$out/kakoi.buildinfo" \
		--changes-option="-u$out" --changes-file="$out/kakoi.changes" \
		>"$T/build.log" 2>&1 || {
		tail -n 30 "$T/build.log" >&2
		fail "dpkg-buildpackage failed (log above)"
	}
	DEB=$(echo "$out"/kakoi_*.deb)
	[[ -f "$DEB" ]] || fail "no .deb in $out: $(ls "$out")"
}

# The .deb holds what the issue lists, and depends on the exact libraries.
check_deb() {
	local contents depends
	contents=$(dpkg-deb -c "$DEB" | awk '{print $6}')
	for f in ./usr/sbin/kakoi ./usr/share/man/man8/kakoi.8 ./usr/share/man/man8/kakoi-run.8 \
		./usr/share/bash-completion/completions/kakoi ./usr/share/doc/kakoi/managers.md \
		./usr/share/doc/kakoi/examples/containers.conf \
		./usr/share/doc/kakoi/examples/containerd-config.toml \
		./usr/share/doc/kakoi/examples/runtimeclass.yaml; do
		# dh_compress gzips the larger docs and every page.
		grep -qxE "${f//./\\.}(\\.gz)?" <<<"$contents" || fail "the package lacks $f"
	done
	# kakoi is a static PIE (runtime/BUILD): Depends names no library, and
	# Built-Using names the source packages whose code the binary carries
	# (glibc, libseccomp, json-c, libcap), each at the version built with.
	depends=$(dpkg-deb -f "$DEB" Depends)
	! grep -qE "(^|, )lib" <<<"$depends" || fail "Depends names a library of a static binary: $depends"
	built_using=$(dpkg-deb -f "$DEB" Built-Using)
	for src in glibc libseccomp json-c libcap2; do
		grep -qE "(^|, )$src \(= [^)]+\)" <<<"$built_using" ||
			fail "Built-Using lacks $src: $built_using"
	done
}

check_version() {
	local out version
	out=$(/usr/sbin/kakoi --version) || fail "kakoi --version failed"
	version=$(dpkg-parsechangelog -S Version)
	[[ "$(head -n1 <<<"$out")" == "kakoi version $version" ]] ||
		fail "kakoi --version says \"$(head -n1 <<<"$out")\"; debian/changelog says $version"
	grep -qE '^commit: ([0-9a-f]{40}|unknown)$' <<<"$out" || fail "no commit line: $out"
	man -w kakoi-exec >/dev/null 2>&1 || fail "man kakoi-exec finds no page"
}

# One busybox container from the installed binary, in the foreground.
run_container() {
	local k=/usr/sbin/kakoi b=$T/bundle out
	mkdir -p "$b/rootfs/bin" "$T/state"
	cp /bin/busybox "$b/rootfs/bin/" && ln -s busybox "$b/rootfs/bin/sh" || fail "no busybox"
	(cd "$b" && "$k" spec) || fail "kakoi spec failed"
	jq --arg cg "$PARENT/x" '.process.args = ["/bin/sh", "-c", "echo hello from $(hostname)"]
		| .linux.cgroupsPath = $cg' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	out=$("$k" --root "$T/state" run --bundle "$b" "$ID" 2>&1) || fail "kakoi run: $out"
	[[ "$out" == "hello from kakoi" ]] || fail "the container said \"$out\""
	[[ -z "$("$k" --root "$T/state" list -q)" ]] || fail "run left the container behind"
}

# Every file and directory of the package's own is gone after the purge.
check_purged() {
	local files=$1 left=()
	[[ -z "$(already_there)" ]] || fail "after the purge: $(already_there)"
	while read -r f; do
		[[ -d "$f" && "$f" != /usr/share/doc/kakoi* ]] && continue # /usr, /usr/sbin, ...
		[[ -e "$f" || -L "$f" ]] && left+=("$f")
	done <<<"$files"
	((${#left[@]} == 0)) || fail "left after the purge: ${left[*]}"
}

main() {
	local start=$SECONDS files why
	((EUID == 0)) || fail "must run as root (dpkg -i)"
	for tool in dpkg-buildpackage dh scdoc jq; do
		command -v "$tool" >/dev/null || fail "$tool is missing (scripts/setup.sh installs it)"
	done
	exec 9>/var/lock/kakoi-package-test.lock && flock 9
	why=$(already_there)
	if [[ -n "$why" ]]; then
		say "SKIP: $why; not this test's to replace (if a crashed run left it: dpkg --purge kakoi)"
		exit $SKIP
	fi
	T=$(mktemp -d "${TMPDIR:-/tmp}/kakoi-pkg.XXXXXX") || fail "mktemp"
	trap cleanup EXIT
	build
	check_deb
	installed=1
	dpkg -i "$DEB" >"$T/install.log" 2>&1 || fail "dpkg -i: $(cat "$T/install.log")"
	files=$(dpkg -L kakoi)
	check_version
	run_container
	dpkg --purge kakoi >"$T/purge.log" 2>&1 || fail "dpkg --purge: $(cat "$T/purge.log")"
	installed=0
	check_purged "$files"
	say "ok ($((SECONDS - start)) s)"
}

main "$@"
