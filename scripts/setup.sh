#!/usr/bin/env bash
# Install the Debian packages needed to build and test kakoi, and bring them
# to Debian 12's current versions.
#
# CI must build against what a fresh machine gets tomorrow, not against what
# the image happened to ship: a security update of linux-libc-dev once broke
# the C++ tests (issue 19) on machines that had it and not on those that did
# not. So every run refreshes the package lists (at most once an hour) and
# upgrades the listed packages that have a newer candidate. Prints nothing
# when everything is installed and current. Run as root (or with sudo).
#
#   KAKOI_SETUP_NO_UPGRADE=1   install what is missing, upgrade nothing (a
#                              live host whose podman or containerd must not
#                              be restarted under its containers)
set -euo pipefail

# Everything a fresh Debian 12 machine needs, in one place.
#   bazel-bootstrap          Bazel 4.2.3 (pulls in a JDK and build-essential)
#   gcc g++                  default toolchain (C and the C++ gtest tests)
#   clang libclang-rt-14-dev --config=fuzz: clang, libFuzzer, ASan/UBSan runtimes
#   llvm-14                  llvm-profdata-14, llvm-cov-14 for scripts/coverage.sh
#                            (clang only recommends it)
#   libseccomp-dev libcap-dev libjson-c-dev   //third_party:{seccomp,cap,jsonc}
#   systemd                  the systemd the driver's test boots as PID 1 in a container
#   googletest libgtest-dev libgmock-dev      //third_party:{gtest,gmock}[_main]
#   busybox-static           static userland for test container rootfs
#   uidmap                   newuidmap/newgidmap: rootless kakoi's multi-range id maps
#   slirp4netns fuse-overlayfs   rootless Podman's network and overlay storage (docs/managers.md)
#   crun runc                reference OCI runtimes for comparison tests
#   jq                       JSON processing in scripts/tests
#   podman conmon catatonit containernetworking-plugins
#                            Podman 4.3 driving kakoi in tests/managers
#   containerd               containerd 1.6 (+ ctr, the runc v2 shim) in tests/managers
#   curl                     containerd's gRPC Tasks/Update in tests/managers (ctr 1.6 has no task update)
#   python3-grpcio python3-grpc-tools
#                            the CRI client of tests/managers/cri_test.py (no crictl in Debian 12)
#   git ca-certificates      source checkout
#   scdoc                    the man pages (docs/man, rendered by Bazel)
#   debhelper                the Debian package (debian/, scripts/package-test.sh)
#   linux-libc-dev           the uapi headers: named so that it is kept current
PACKAGES=(
	bazel-bootstrap
	gcc
	g++
	clang
	clang-format
	libclang-rt-14-dev
	llvm-14
	libseccomp-dev
	libcap-dev
	libjson-c-dev
	systemd
	libssl-dev
	googletest
	libgtest-dev
	libgmock-dev
	busybox-static
	uidmap
	slirp4netns
	fuse-overlayfs
	crun
	runc
	jq
	podman
	conmon
	catatonit
	containernetworking-plugins
	containerd
	curl
	python3-grpcio
	python3-grpc-tools
	git
	ca-certificates
	scdoc
	debhelper
	linux-libc-dev
)

SUDO=()
if ((EUID != 0)) && command -v sudo >/dev/null 2>&1; then
	SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# Two test runs on one machine (scripts/test-concurrent.sh) set up one at a
# time, and apt waits for a dpkg lock another program of the host holds.
if ((EUID == 0)); then
	exec 9>/var/lock/kakoi-setup.lock && flock 9
fi
APT_WAIT=(-o DPkg::Lock::Timeout=600)

missing=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [[ "$status" != "installed" ]]; then
		missing+=("$pkg")
	fi
done

# Refresh the lists when they are older than an hour (or something is
# missing): a run of scripts/test.sh right after another does not ask again.
lists_fresh() {
	[[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mmin -60 -print -quit 2>/dev/null)" ]]
}
if ((${#missing[@]} > 0)) || { [[ "${KAKOI_SETUP_NO_UPGRADE:-}" != 1 ]] && ! lists_fresh; }; then
	if ((EUID != 0)) && ((${#SUDO[@]} == 0)); then
		echo "setup.sh: not root and no sudo; missing packages: ${missing[*]:-none}" >&2
		exit 1
	fi
	if ! "${SUDO[@]}" apt-get "${APT_WAIT[@]}" update -qq; then
		# Without the lists nothing can be installed; with everything
		# installed the build can still go on, on the versions at hand.
		((${#missing[@]} == 0)) || exit 1
		echo "setup.sh: warning: apt-get update failed; keeping the installed versions" >&2
	fi
fi

# The listed packages whose candidate is newer than what is installed (apt
# brings their dependencies along; those stay marked automatic).
outdated() {
	LC_ALL=C apt-get -s -qq install --only-upgrade "${PACKAGES[@]}" 2>/dev/null |
		sed -nE 's/^Inst ([^ :]+).*/\1/p' | grep -Fxf <(printf '%s\n' "${PACKAGES[@]}")
}
upgrade=()
if [[ "${KAKOI_SETUP_NO_UPGRADE:-}" != 1 ]]; then
	mapfile -t upgrade < <(outdated)
fi

if ((${#missing[@]} == 0 && ${#upgrade[@]} == 0)); then
	exit 0
fi
((${#missing[@]} == 0)) || echo "setup.sh: installing missing packages: ${missing[*]}" >&2
((${#upgrade[@]} == 0)) || echo "setup.sh: upgrading to Debian's current: ${upgrade[*]}" >&2
"${SUDO[@]}" apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "${missing[@]}" "${upgrade[@]}"
