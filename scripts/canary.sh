#!/usr/bin/env bash
# The live-host guard of issue 14: containers that are not the test suite's,
# running under the host's defaults while the suite runs, must come through
# it untouched.
#
#   scripts/canary.sh start DIR   start the canaries, record what they are
#   scripts/canary.sh churn DIR   (background) start and remove containers
#                                 under the same defaults, until `stop`
#   scripts/canary.sh check DIR   both canaries still running, unchanged
#   scripts/canary.sh stop DIR    stop the churn, remove the canaries and
#                                 what start made (nothing else)
#
# The canaries stand for other people's containers:
#   - kakoi's, under its default root /run/kakoi and default cgroup
#     /kakoi/<id> (where a host's real kakoi containers live);
#   - Podman's, with Podman's default storage (/var/lib/containers, overlay
#     mounts on the host), its default cgroup parent libpod_parent, and
#     runc as its runtime (Debian's crun 1.8 refuses this hybrid host).
# check compares each one's init pid and start time, its cgroups
# (/proc/PID/cgroup, and the pid still in each cgroup.procs), its mount
# table seen from inside (/proc/PID/mountinfo) and its manager's status with
# what start recorded. Everything is named kakoi-canary-<pid of start>, and
# stop removes only what DIR/made lists.
set -uo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
	echo "usage: scripts/canary.sh start|churn|check|stop DIR" >&2
	exit 2
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# A copy: bazel-bin follows the last build's configuration (asan), and a
# rebuild must not change the binary under the canary.
KAKOI=$dir/kakoi
PODMAN=(podman --runtime /usr/sbin/runc)
# No CAP_SYS_RESOURCE on these VMs: Podman's default NOFILE/NPROC of
# 1048576 cannot be granted by any runtime.
PODMAN_RUN=(--network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

say() { echo "canary: $*" >&2; }

# Sets process.args of the config.json in bundle $1 (and more jq, $2).
edit_config() {
	jq "$2" "$1/config.json" >"$1/c" && mv "$1/c" "$1/config.json"
}

# A busybox bundle for kakoi (config from `kakoi spec`, no cgroupsPath: the
# default /kakoi/<id>), one for the churn's short runs on the same read-only
# rootfs, and a tar of that rootfs for `podman import`.
make_bundles() {
	local built=${KAKOI_BUILT:-bazel-bin/runtime/kakoi}
	cp "$built" "$KAKOI" || return 1
	mkdir -p "$dir/bundle/rootfs/bin" "$dir/churn" || return 1
	cp /bin/busybox "$dir/bundle/rootfs/bin/" || return 1
	for a in sh sleep true cat; do ln -sf busybox "$dir/bundle/rootfs/bin/$a"; done
	(cd "$dir/bundle" && "$KAKOI" spec) || return 1
	cp "$dir/bundle/config.json" "$dir/churn/"
	edit_config "$dir/bundle" '.process.args=["/bin/sleep","86400"] | .process.terminal=false' &&
		edit_config "$dir/churn" ".process.args=[\"/bin/true\"] | .process.terminal=false
			| .root.path=\"$dir/bundle/rootfs\" | .root.readonly=true" || return 1
	tar -C "$dir/bundle/rootfs" -cf "$dir/rootfs.tar" .
}

# What check compares: the process, its cgroups, its mounts seen from inside,
# and $2, a path on the host that must stay (kakoi's state dir, Podman's
# overlay mount of the rootfs).
fingerprint() {
	local pid=$1 host_path=$2
	echo "pid $pid start $(cut -d' ' -f22 "/proc/$pid/stat" 2>/dev/null)"
	if grep -q " $host_path " /proc/self/mountinfo; then
		echo "host mount $host_path"
	elif [[ -e "$host_path" ]]; then
		echo "host path $host_path"
	fi
	cat "/proc/$pid/cgroup" 2>/dev/null
	sed -E 's/^[0-9]+ [0-9]+ //' "/proc/$pid/mountinfo" 2>/dev/null
	# The pid is still in each of its v1 cgroups' cgroup.procs.
	while IFS=: read -r _ ctrls path; do
		local c=${ctrls#name=}
		[[ -n "$c" && -d "/sys/fs/cgroup/$c$path" ]] || continue
		grep -qx "$pid" "/sys/fs/cgroup/$c$path/cgroup.procs" && echo "in $c$path"
	done <"/proc/$pid/cgroup"
}

kakoi_pid() { "$KAKOI" state "$1" 2>/dev/null | jq -r 'select(.status=="running") | .pid'; }
podman_pid() { "${PODMAN[@]}" inspect -f '{{if .State.Running}}{{.State.Pid}}{{end}}' "$1" 2>/dev/null; }
kakoi_host_path() { echo "/run/kakoi/$1"; }
podman_host_path() { "${PODMAN[@]}" inspect -f '{{.GraphDriver.Data.MergedDir}}' "$1" 2>/dev/null; }

start() {
	local name
	name=kakoi-canary-$$
	mkdir -p "$dir" && : >"$dir/made" || return 1
	echo "$name" >"$dir/name"
	[[ -d /sys/fs/cgroup/memory/libpod_parent ]] || echo "cgroup libpod_parent" >>"$dir/made"
	[[ -d /sys/fs/cgroup/memory/kakoi ]] || echo "cgroup kakoi" >>"$dir/made"
	make_bundles || { say "cannot make the bundles"; return 1; }
	echo "kakoi $name" >>"$dir/made"
	"$KAKOI" run --detach --bundle "$dir/bundle" "$name" </dev/null >/dev/null 2>"$dir/kakoi.err" ||
		{ say "kakoi run: $(cat "$dir/kakoi.err")"; return 1; }
	echo "image localhost/$name:latest" >>"$dir/made"
	"${PODMAN[@]}" import -q "$dir/rootfs.tar" "localhost/$name:latest" >/dev/null || return 1
	echo "podman $name" >>"$dir/made"
	"${PODMAN[@]}" run -d --name "$name" "${PODMAN_RUN[@]}" "localhost/$name:latest" \
		/bin/sleep 86400 >/dev/null || { say "podman run failed"; return 1; }
	fingerprint "$(kakoi_pid "$name")" "$(kakoi_host_path "$name")" >"$dir/kakoi.before"
	fingerprint "$(podman_pid "$name")" "$(podman_host_path "$name")" >"$dir/podman.before"
	say "started $name under /run/kakoi and Podman's defaults"
}

# Other people's containers coming and going: one short-lived container of
# each kind every few seconds, for at most three hours.
churn() {
	local name n=0 deadline=$((SECONDS + 3 * 3600))
	name=$(cat "$dir/name")
	echo $$ >"$dir/churn.pid"
	while [[ ! -e "$dir/churn.stop" ]] && ((SECONDS < deadline)); do
		n=$((n + 1))
		"$KAKOI" run --bundle "$dir/churn" "$name-churn" </dev/null >/dev/null 2>&1
		"$KAKOI" delete --force "$name-churn" >/dev/null 2>&1
		"${PODMAN[@]}" run --rm --name "$name-churn" "${PODMAN_RUN[@]}" \
			"localhost/$name:latest" /bin/true >/dev/null 2>&1
		echo "$n" >"$dir/churn.count"
		sleep 5
	done
}

check() {
	local name bad=0 kind pid
	name=$(cat "$dir/name" 2>/dev/null) || { say "not started"; return 1; }
	for kind in kakoi podman; do
		pid=$("${kind}_pid" "$name")
		if [[ -z "$pid" ]]; then
			say "FAIL: the $kind canary $name is not running"
			bad=1
			continue
		fi
		fingerprint "$pid" "$("${kind}_host_path" "$name")" >"$dir/$kind.after"
		if ! diff -u "$dir/$kind.before" "$dir/$kind.after" >"$dir/$kind.diff"; then
			say "FAIL: the $kind canary $name changed:"
			cat "$dir/$kind.diff" >&2
			bad=1
		fi
	done
	((bad == 0)) && say "ok: both canaries running and unchanged ($(cat "$dir/churn.count" 2>/dev/null || echo 0) churn rounds)"
	return $bad
}

stop() {
	local name what arg
	name=$(cat "$dir/name" 2>/dev/null) || return 0
	touch "$dir/churn.stop"
	if [[ -f "$dir/churn.pid" ]]; then
		for _ in $(seq 100); do kill -0 "$(cat "$dir/churn.pid")" 2>/dev/null || break; sleep 0.1; done
	fi
	# Last made, first removed.
	tac "$dir/made" | while read -r what arg; do
		case "$what" in
		podman) "${PODMAN[@]}" rm -f -t 0 "$arg" >/dev/null 2>&1 ;;
		image) "${PODMAN[@]}" rmi "$arg" >/dev/null 2>&1 ;;
		kakoi)
			"$KAKOI" delete --force "$arg" >/dev/null 2>&1
			"$KAKOI" delete --force "$arg-churn" >/dev/null 2>&1
			;;
		cgroup) # the parents start made; only while empty (rmdir)
			for h in /sys/fs/cgroup/*/; do
				[[ -d "$h$arg/conmon" ]] && rmdir "$h$arg/conmon" 2>/dev/null
				[[ -d "$h$arg" ]] && rmdir "$h$arg" 2>/dev/null
			done
			;;
		esac
	done
	rm -rf "$dir"
}

case "$cmd" in
start | churn | check | stop) "$cmd" ;;
*)
	echo "canary.sh: unknown command $cmd" >&2
	exit 2
	;;
esac
