/* events: runc's `events` verb. The container's cgroup numbers as runc's
 * types.Event/types.Stats JSON (runc 1.1, the version Debian's managers
 * drive), one object per line: once (--stats), or every interval together
 * with an "oom" event whenever the kernel OOM-kills in the container,
 * until the container's init exits.
 *
 * runc encodes with Go's encoding/json, so the omitempty rules are Go's:
 * numbers and slices tagged omitempty are left out when zero or empty,
 * structs never are, and maps come out sorted by key. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "base/cleanup.h"
#include "parser/vocab.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/stats.h"
#include "runtime/container/container.h"
#include "runtime/container/internal.h"
#include "runtime/container/open.h"

/* How often the OOM counter is read while waiting for the next stats:
 * the kernel offers no wake-up for v1's counter without registering an
 * eventfd (a cgroupfs write), and 10 small reads a second cost nothing. */
#define OOM_POLL_MS 100

static void jput(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

/* An omitempty number. */
static void put_nz(json_object *o, const char *key, uint64_t v)
{
	if (v != 0)
		jput(o, key, json_object_new_uint64(v));
}

static void put_u64s(json_object *o, const char *key, const uint64_t *v, size_t n)
{
	json_object *a;

	if (n == 0)
		return;
	a = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_uint64(v[i]));
	jput(o, key, a);
}

static void put_u16s(json_object *o, const char *key, const struct kk_stats_u16s *l)
{
	json_object *a;

	if (l->n == 0)
		return;
	a = json_object_new_array_ext((int)l->n);
	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(a, json_object_new_uint64(l->v[i]));
	jput(o, key, a);
}

static json_object *cpu_json(const struct kk_cgroup_stats *s)
{
	json_object *cpu = json_object_new_object();
	json_object *usage = json_object_new_object();
	json_object *thr = json_object_new_object();

	put_nz(usage, "total", s->cpu.total);
	put_u64s(usage, "percpu", s->cpu.percpu.v, s->cpu.percpu.n);
	put_u64s(usage, "percpu_kernel", s->cpu.percpu_kernel.v, s->cpu.percpu_kernel.n);
	put_u64s(usage, "percpu_user", s->cpu.percpu_user.v, s->cpu.percpu_user.n);
	jput(usage, "kernel", json_object_new_uint64(s->cpu.kernel));
	jput(usage, "user", json_object_new_uint64(s->cpu.user));
	put_nz(thr, "periods", s->cpu.periods);
	put_nz(thr, "throttledPeriods", s->cpu.throttled_periods);
	put_nz(thr, "throttledTime", s->cpu.throttled_time);
	jput(cpu, "usage", usage);
	jput(cpu, "throttling", thr);
	return cpu;
}

static json_object *cpuset_json(const struct kk_cgroup_stats *s)
{
	json_object *o = json_object_new_object();

	put_u16s(o, "cpus", &s->cpuset.cpus);
	jput(o, "cpu_exclusive", json_object_new_uint64(s->cpuset.cpu_exclusive));
	put_u16s(o, "mems", &s->cpuset.mems);
	jput(o, "mem_hardwall", json_object_new_uint64(s->cpuset.mem_hardwall));
	jput(o, "mem_exclusive", json_object_new_uint64(s->cpuset.mem_exclusive));
	jput(o, "memory_migrate", json_object_new_uint64(s->cpuset.memory_migrate));
	jput(o, "memory_spread_page", json_object_new_uint64(s->cpuset.memory_spread_page));
	jput(o, "memory_spread_slab", json_object_new_uint64(s->cpuset.memory_spread_slab));
	jput(o, "memory_pressure", json_object_new_uint64(s->cpuset.memory_pressure));
	jput(o, "sched_load_balance", json_object_new_uint64(s->cpuset.sched_load_balance));
	jput(o, "sched_relax_domain_level",
	     json_object_new_int64(s->cpuset.sched_relax_domain_level));
	return o;
}

static json_object *memory_entry_json(const struct kk_stats_memory_entry *e)
{
	json_object *o = json_object_new_object();

	jput(o, "limit", json_object_new_uint64(e->limit));
	put_nz(o, "usage", e->usage);
	put_nz(o, "max", e->max);
	jput(o, "failcnt", json_object_new_uint64(e->failcnt));
	return o;
}

static json_object *memory_json(const struct kk_cgroup_stats *s)
{
	json_object *o = json_object_new_object();

	put_nz(o, "cache", s->memory.cache);
	jput(o, "usage", memory_entry_json(&s->memory.usage));
	jput(o, "swap", memory_entry_json(&s->memory.swap));
	jput(o, "kernel", memory_entry_json(&s->memory.kernel));
	jput(o, "kernelTCP", memory_entry_json(&s->memory.kernel_tcp));
	if (s->memory.n_raw > 0) {
		json_object *raw = json_object_new_object();

		for (size_t i = 0; i < s->memory.n_raw; i++)
			jput(raw, s->memory.raw[i].key,
			     json_object_new_uint64(s->memory.raw[i].value));
		jput(o, "raw", raw);
	}
	return o;
}

static json_object *pids_json(const struct kk_cgroup_stats *s)
{
	json_object *o = json_object_new_object();

	put_nz(o, "current", s->pids.current);
	put_nz(o, "limit", s->pids.limit);
	return o;
}

static json_object *blkio_json(const struct kk_cgroup_stats *s)
{
	/* runc's tags, in the order of enum kk_stats_blkio_kind. */
	static const char *const names[KK_BLKIO_KIND_COUNT] = {
		"ioServiceBytesRecursive", "ioServicedRecursive", "ioQueueRecursive",
		"ioServiceTimeRecursive",  "ioWaitTimeRecursive", "ioMergedRecursive",
		"ioTimeRecursive",	   "sectorsRecursive",
	};
	json_object *o = json_object_new_object();

	for (size_t k = 0; k < KK_BLKIO_KIND_COUNT; k++) {
		json_object *a;

		if (s->blkio.n[k] == 0)
			continue;
		a = json_object_new_array_ext((int)s->blkio.n[k]);
		for (size_t i = 0; i < s->blkio.n[k]; i++) {
			const struct kk_stats_blkio_entry *e = &s->blkio.e[k][i];
			json_object *j = json_object_new_object();

			put_nz(j, "major", e->major);
			put_nz(j, "minor", e->minor);
			if (e->op[0] != '\0')
				jput(j, "op", json_object_new_string(e->op));
			put_nz(j, "value", e->value);
			json_object_array_add(a, j);
		}
		jput(o, names[k], a);
	}
	return o;
}

static json_object *hugetlb_json(const struct kk_cgroup_stats *s)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < s->n_hugetlb; i++) {
		json_object *h = json_object_new_object();

		put_nz(h, "usage", s->hugetlb[i].usage);
		put_nz(h, "max", s->hugetlb[i].max);
		jput(h, "failcnt", json_object_new_uint64(s->hugetlb[i].failcnt));
		jput(o, s->hugetlb[i].size, h);
	}
	return o;
}

static json_object *stats_json(const struct kk_cgroup_stats *s)
{
	json_object *data = json_object_new_object();

	jput(data, "cpu", cpu_json(s));
	jput(data, "cpuset", cpuset_json(s));
	jput(data, "memory", memory_json(s));
	jput(data, "pids", pids_json(s));
	jput(data, "blkio", blkio_json(s));
	jput(data, "hugetlb", hugetlb_json(s));
	/* Not collected by kakoi; runc prints these empty on hosts without
	 * Intel RDT and for containers it did not give interfaces. */
	jput(data, "intel_rdt", json_object_new_object());
	jput(data, "network_interfaces", NULL);
	return data;
}

/* One event line; data NULL leaves "data" out (runc's omitempty). */
static int emit(FILE *out, const char *type, const char *id, json_object *data,
		struct kk_error *err)
{
	json_object *ev = json_object_new_object();
	int rc = 0;

	jput(ev, "type", json_object_new_string(type));
	jput(ev, "id", json_object_new_string(id));
	if (data != NULL)
		jput(ev, "data", data);
	if (fprintf(out, "%s\n",
		    json_object_to_json_string_ext(
			    ev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 ||
	    fflush(out) != 0)
		rc = kk_error_sys(err, errno ? errno : EIO, "events: write");
	json_object_put(ev);
	return rc;
}

/* One stats line. A read that fails is skipped, as runc logs it and
 * goes on (the cgroup may be going away with the container); only a
 * failed write (the reader gone) is an error. */
static int emit_stats(FILE *out, const char *id, struct kk_cgroup *cg, bool once,
		      struct kk_error *err)
{
	struct kk_error read_err = {0};
	struct kk_cgroup_stats s;
	json_object *data;

	if (kk_cgroup_stats(cg, &s, &read_err) < 0) {
		if (once)
			*err = read_err;
		return once ? -1 : 0;
	}
	data = stats_json(&s);
	kk_cgroup_stats_free(&s);
	return emit(out, "stats", id, data, err);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An "oom" line when the kill counter went up since *seen. A counter that
 * cannot be read (the cgroup going away with the container) is skipped. */
static int check_oom(FILE *out, const char *id, struct kk_cgroup *cg, uint64_t *seen,
		     struct kk_error *err)
{
	struct kk_error ignored = {0};
	uint64_t now;

	if (kk_cgroup_oom_kills(cg, &now, &ignored) < 0 || now <= *seen)
		return 0;
	*seen = now;
	return emit(out, "oom", id, NULL, err);
}

static int not_running(const char *id, struct kk_error *err)
{
	kk_error_clear(err);
	return kk_error_set(err, KK_ERR_INVALID, "container with id %s is not running", id);
}

static int next_wait(int64_t next)
{
	int64_t wait = next - now_ms();

	return (int)(wait < 0 ? 0 : wait < OOM_POLL_MS ? wait : OOM_POLL_MS);
}

/* Until the init exits (its pidfd turns readable); the OOM counter is
 * checked once more after that, as an OOM kill is what often ends it. */
static int stream(const struct kk_record *rec, struct kk_cgroup *cg,
		  const struct kk_events_opts *opts, struct kk_error *err)
{
	KK_AUTOCLOSE int pidfd = kk_record_pidfd(rec, err);
	int64_t next = now_ms() + opts->interval_ms;
	struct kk_error ignored = {0};
	uint64_t seen = 0;

	if (pidfd < 0)
		return err->code == KK_ERR_INVALID ? not_running(rec->id, err) : -1;
	kk_cgroup_oom_kills(cg, &seen, &ignored);
	for (;;) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		int n = poll(&p, 1, next_wait(next));

		if (n < 0 && errno != EINTR)
			return kk_error_sys(err, errno, "events: poll");
		if (check_oom(opts->out, rec->id, cg, &seen, err) < 0)
			return -1;
		if (n > 0)
			return 0;
		if (now_ms() < next)
			continue;
		next += opts->interval_ms;
		if (next < now_ms())
			next = now_ms() + opts->interval_ms; /* never a burst after a stall */
		if (emit_stats(opts->out, rec->id, cg, false, err) < 0)
			return -1;
	}
}

int kk_container_events(const char *root, const char *id, const struct kk_events_opts *opts,
			struct kk_error *err)
{
	KK_AUTOHANDLE struct kk_handle h;
	struct kk_cgroup *cg = NULL;
	int rc;

	if (opts->interval_ms == 0)
		return kk_error_set(err, KK_ERR_USAGE,
				    "events: --interval: duration interval must be greater than 0");
	if (kk_handle_open(root, id, 0, &h, err) < 0)
		return -1;
	if (h.status == KK_STATUS_STOPPED || h.rec.pid <= 0 || h.rec.cgroup_path[0] == '\0')
		return not_running(id, err);
	if (kk_record_cgroup(&h.rec, &cg, err) < 0)
		return -1;
	if (opts->stats_once)
		rc = emit_stats(opts->out, h.rec.id, cg, true, err);
	else
		rc = stream(&h.rec, cg, opts, err);
	kk_cgroup_free(cg);
	return rc;
}
