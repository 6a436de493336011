#!/usr/bin/env bash
# Install the Debian packages needed to build and test kakoi.
#
# Idempotent: installs only what is missing (apt-get update runs at most once,
# and only if something is missing). Prints nothing when everything is
# already installed. Run as root (or with sudo available).
set -euo pipefail

# Everything a fresh Debian 12 machine needs, in one place.
#   bazel-bootstrap          Bazel 4.2.3 (pulls in a JDK and build-essential)
#   gcc g++                  default toolchain (C and the C++ gtest tests)
#   clang libclang-rt-14-dev --config=fuzz: clang, libFuzzer, ASan/UBSan runtimes
#   libseccomp-dev libcap-dev libjson-c-dev   //third_party:{seccomp,cap,jsonc}
#   googletest libgtest-dev libgmock-dev      //third_party:{gtest,gmock}[_main]
#   busybox-static           static userland for test container rootfs
#   crun runc                reference OCI runtimes for comparison tests
#   jq                       JSON processing in scripts/tests
#   podman conmon catatonit containernetworking-plugins
#                            Podman 4.3 driving kakoi in tests/managers
#   containerd               containerd 1.6 (+ ctr, the runc v2 shim) in tests/managers
#   curl                     containerd's gRPC Tasks/Update in tests/managers (ctr 1.6 has no task update)
#   git ca-certificates      source checkout
PACKAGES=(
	bazel-bootstrap
	gcc
	g++
	clang
	clang-format
	libclang-rt-14-dev
	libseccomp-dev
	libcap-dev
	libjson-c-dev
	libssl-dev
	googletest
	libgtest-dev
	libgmock-dev
	busybox-static
	crun
	runc
	jq
	podman
	conmon
	catatonit
	containernetworking-plugins
	containerd
	curl
	git
	ca-certificates
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [[ "$status" != "installed" ]]; then
		missing+=("$pkg")
	fi
done

if ((${#missing[@]} == 0)); then
	exit 0
fi

SUDO=()
if ((EUID != 0)); then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo)
	else
		echo "setup.sh: missing packages (${missing[*]}) and not running as root" >&2
		exit 1
	fi
fi

echo "setup.sh: installing missing packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
