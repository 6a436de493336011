/* runtime/cgroup/systemd: the systemd cgroup driver (`--systemd-cgroup`).
 * The container's cgroup is a transient scope unit that systemd creates
 * over D-Bus; limits are unit properties, mapped from linux.resources as
 * runc maps them. Three parts, one file each:
 *   unit_name.c   cgroupsPath "slice:prefix:name" -> slice, unit, cgroup path
 *   properties.c  linux.resources -> unit properties (pure)
 *   scope.c       the D-Bus calls: start, set, stop, through kk_sys()
 * dbus.h is the D-Bus client scope.c speaks through (no libsystemd).
 * See README.md in this folder. */
#ifndef KK_RUNTIME_CGROUP_SYSTEMD_H
#define KK_RUNTIME_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "parser/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* systemd's limit on unit names, the terminating NUL included. */
#define KK_SD_UNIT_MAX 256
/* What an absent slice means, and the prefix of the default unit name. */
#define KK_SD_DEFAULT_SLICE "system.slice"
#define KK_SD_DEFAULT_PREFIX "kakoi"

struct kk_sd_unit {
	char slice[KK_SD_UNIT_MAX]; /* "system.slice" */
	char unit[KK_SD_UNIT_MAX];  /* "kakoi-<id>.scope" */
	char path[1024];	    /* "/system.slice/kakoi-<id>.scope" */
};

/* Parses cgroupsPath in systemd's form "slice:prefix:name" (runc's): an
 * empty slice is system.slice, the unit is "prefix-name.scope" ("name.scope"
 * when prefix is empty), and the path is the expanded slice plus the unit.
 * NULL or "" means ":kakoi:<id>". Errors name linux.cgroupsPath. */
int kk_sd_parse_path(const char *cgroups_path, const char *id, struct kk_sd_unit *out,
		     struct kk_error *err);

/* systemd's slice nesting: "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice",
 * "-.slice" (the root slice) -> "". Errors name linux.cgroupsPath. */
int kk_sd_expand_slice(const char *slice, char *out, size_t len, struct kk_error *err);

/* Whether name is a unit name systemd accepts with this suffix: letters,
 * digits, ":-_." only, not empty before the suffix, shorter than
 * KK_SD_UNIT_MAX. */
bool kk_sd_unit_name_ok(const char *name, const char *suffix);

/* One unit property (D-Bus type "(sv)"). */
enum kk_sd_type {
	KK_SD_BOOL,  /* b */
	KK_SD_U64,   /* t */
	KK_SD_STR,   /* s */
	KK_SD_BYTES, /* ay: a CPU or NUMA node bitmask, byte 0 holding 0-7 */
	KK_SD_PIDS,  /* au: one pid */
};

#define KK_SD_MASK_MAX 128 /* bytes: CPUs and nodes 0-1023 */
#define KK_SD_PROPS_MAX 32

struct kk_sd_prop {
	const char *name;
	enum kk_sd_type type;
	uint64_t u64; /* b, t, and the pid of au */
	const char *str;
	uint8_t bytes[KK_SD_MASK_MAX];
	size_t n_bytes;
	const char *field; /* the spec field it comes from, for errors */
};

struct kk_sd_props {
	struct kk_sd_prop v[KK_SD_PROPS_MAX];
	size_t n;
};

/* Which property names to use: systemd's cgroup v2 ones (MemoryMax,
 * CPUWeight, IOWeight) on a v2 host, the legacy ones (MemoryLimit,
 * CPUShares, BlockIOWeight) where the controllers are v1 (as runc). */
enum kk_sd_dialect {
	KK_SD_LEGACY,
	KK_SD_UNIFIED,
};

/* The properties for res (NULL: none), appended to out: memory limit,
 * reservation (unified), swap (unified), cpu shares or weight, quota and
 * period, cpus and mems, pids limit, blockIO weight. Values are runc's:
 * -1 is "infinity", 0 and absent are left out, the quota is rounded up to
 * systemd's 10 ms per second. A value systemd cannot take (a cpu list that
 * does not parse, a swap below the limit) is an error naming its field. */
int kk_sd_resource_props(const struct kk_resources *res, enum kk_sd_dialect d,
			 struct kk_sd_props *out, struct kk_error *err);

/* Every property of the container's scope: Description, Slice, Delegate=yes,
 * DefaultDependencies=no, PIDs (pid; 0 prints as the init's), the
 * accounting switches runc turns on, then kk_sd_resource_props(res). */
int kk_sd_scope_props(const struct kk_sd_unit *u, pid_t pid, enum kk_sd_dialect d,
		      const struct kk_resources *res, struct kk_sd_props *out,
		      struct kk_error *err);

/* Parses a cpuset list ("0-3,8") into a bitmask. */
int kk_sd_cpu_mask(const char *list, uint8_t *mask, size_t *n, const char *field,
		   struct kk_error *err);

/* Appends a property; false when the list is full. */
bool kk_sd_props_add(struct kk_sd_props *p, const struct kk_sd_prop *prop);

/* "Name=value" for `kakoi plan` and errors. */
void kk_sd_prop_format(const struct kk_sd_prop *p, char *buf, size_t len);

/* --- the D-Bus side (scope.c) --------------------------------------------
 * Each call connects to systemd (its private socket /run/systemd/private,
 * as systemctl does as root, else the system bus), makes its calls through
 * kk_sys()->sd_call and waits for the job. Errors name --systemd-cgroup
 * and, when systemd refused, carry its message. */

/* Whether systemd answers on either socket; why says why not. */
bool kk_sd_reachable(struct kk_error *why);
/* Starts the scope u->unit with props (kk_sd_scope_props); returns once
 * systemd reports it active (at most 30 s). A unit that did not come up
 * is stopped again before the error returns. */
int kk_sd_start(const struct kk_sd_unit *u, const struct kk_sd_props *props, struct kk_error *err);
/* Changes the running unit's properties (runtime only, not persisted). */
int kk_sd_set(const char *unit, const struct kk_sd_props *props, struct kk_error *err);
/* Stops the unit and waits until it is gone; an unknown unit is fine. */
int kk_sd_stop(const char *unit, struct kk_error *err);

/* For tests: the sockets tried, systemd's private one (no Hello) and the
 * system bus (NULL: /run/systemd/private, /run/dbus/system_bus_socket). */
void kk_sd_set_sockets(const char *private_path, const char *bus_path);
/* For tests: each call's deadline in ms on the connections opened next
 * (0: KK_DBUS_TIMEOUT_MS). */
void kk_sd_set_call_timeout(int ms);

#ifdef __cplusplus
}
#endif

#endif
