/* kakoi update ID [--resources FILE|-] [flags]: new limits for a live
 * container (runc's update). --resources is runc's LinuxResources JSON
 * (Podman and containerd's shim send it on stdin with `-`), parsed only in
 * the isolated loader. The per-field flags override the same field of the
 * document (runc ignores them when -r is given; kakoi applies both). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "parser/parser.h"
#include "runtime/cli/cli.h"
#include "runtime/cli/update_values.h"
#include "runtime/loader/loader.h"

/* The flags, as the fields of a resources document they set. */
struct update_flags {
	const char *resources;
	const char *id;
	struct kk_memory memory;
	struct kk_cpu cpu;
	struct kk_pids pids;
	struct kk_blkio block_io;
};

enum {
	OPT_MEMORY = 256,
	OPT_MEMORY_RESERVATION,
	OPT_MEMORY_SWAP,
	OPT_KERNEL_MEMORY,
	OPT_KERNEL_MEMORY_TCP,
	OPT_CPU_SHARES,
	OPT_CPU_QUOTA,
	OPT_CPU_PERIOD,
	OPT_CPU_BURST,
	OPT_CPU_RT_PERIOD,
	OPT_CPU_RT_RUNTIME,
	OPT_CPU_IDLE,
	OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS,
	OPT_PIDS_LIMIT,
	OPT_BLKIO_WEIGHT,
	OPT_L3_CACHE_SCHEMA,
	OPT_MEM_BW_SCHEMA,
};

static const struct kk_flag flags[] = {
	{"resources", required_argument, 'r', "FILE|-",
	 "the new limits, as an OCI LinuxResources JSON (- reads stdin)"},
	{"memory", required_argument, OPT_MEMORY, "BYTES",
	 "memory.limit (k, m, g suffixes; -1: none)"},
	{"memory-reservation", required_argument, OPT_MEMORY_RESERVATION, "BYTES",
	 "memory.reservation"},
	{"memory-swap", required_argument, OPT_MEMORY_SWAP, "BYTES",
	 "memory.swap: memory plus swap"},
	{"kernel-memory", required_argument, OPT_KERNEL_MEMORY, "BYTES",
	 "ignored with a warning, as runc does"},
	{"kernel-memory-tcp", required_argument, OPT_KERNEL_MEMORY_TCP, "BYTES",
	 "ignored with a warning, as runc does"},
	{"cpu-shares", required_argument, OPT_CPU_SHARES, "N", "cpu.shares"},
	{"cpu-share", required_argument, OPT_CPU_SHARES, "N", NULL}, /* runc's spelling */
	{"cpu-quota", required_argument, OPT_CPU_QUOTA, "MICROSECONDS", "cpu.quota"},
	{"cpu-period", required_argument, OPT_CPU_PERIOD, "MICROSECONDS", "cpu.period"},
	{"cpu-burst", required_argument, OPT_CPU_BURST, "MICROSECONDS", "cpu.burst"},
	{"cpu-rt-period", required_argument, OPT_CPU_RT_PERIOD, "MICROSECONDS",
	 "cpu.realtimePeriod"},
	{"cpu-rt-runtime", required_argument, OPT_CPU_RT_RUNTIME, "MICROSECONDS",
	 "cpu.realtimeRuntime"},
	{"cpu-idle", required_argument, OPT_CPU_IDLE, "0|1", "cpu.idle"},
	{"cpuset-cpus", required_argument, OPT_CPUSET_CPUS, "LIST", "cpu.cpus (\"0-2,7\")"},
	{"cpuset-mems", required_argument, OPT_CPUSET_MEMS, "LIST", "cpu.mems"},
	{"pids-limit", required_argument, OPT_PIDS_LIMIT, "N", "pids.limit"},
	{"blkio-weight", required_argument, OPT_BLKIO_WEIGHT, "N", "blockIO.weight (10 to 1000)"},
	{"l3-cache-schema", required_argument, OPT_L3_CACHE_SCHEMA, "SCHEMA",
	 "refused: kakoi does not support Intel RDT"},
	{"mem-bw-schema", required_argument, OPT_MEM_BW_SCHEMA, "SCHEMA",
	 "refused: kakoi does not support Intel RDT"},
	{0},
};

static void warn_ignored(const char *flag)
{
	kk_warn("Setting --%s is ignored and will be removed", flag);
}

/* Intel RDT is not implemented: say so rather than pretend (runc words it
 * "... schema is not enabled" on hosts without it). */
static int no_rdt(const char *flag, const char *what, struct kk_error *err)
{
	return kk_error_set(err, KK_ERR_INVALID,
			    "update: --%s: Intel RDT/%s is not enabled (kakoi does not support "
			    "Intel RDT)",
			    flag, what);
}

static int set_flag(struct update_flags *f, int c, char **argv, struct kk_error *err)
{
	switch (c) {
	case 'r':
		f->resources = optarg;
		return 0;
	case OPT_MEMORY:
		return kk_update_size("memory", optarg, &f->memory.limit, err);
	case OPT_MEMORY_RESERVATION:
		return kk_update_size("memory-reservation", optarg, &f->memory.reservation, err);
	case OPT_MEMORY_SWAP:
		return kk_update_size("memory-swap", optarg, &f->memory.swap, err);
	case OPT_KERNEL_MEMORY:
		warn_ignored("kernel-memory");
		return 0;
	case OPT_KERNEL_MEMORY_TCP:
		warn_ignored("kernel-memory-tcp");
		return 0;
	case OPT_CPU_SHARES:
		return kk_update_u64("cpu-shares", optarg, &f->cpu.shares, err);
	case OPT_CPU_QUOTA:
		return kk_update_opt_i64("cpu-quota", optarg, &f->cpu.quota, err);
	case OPT_CPU_PERIOD:
		return kk_update_u64("cpu-period", optarg, &f->cpu.period, err);
	case OPT_CPU_BURST:
		return kk_update_u64("cpu-burst", optarg, &f->cpu.burst, err);
	case OPT_CPU_RT_PERIOD:
		return kk_update_u64("cpu-rt-period", optarg, &f->cpu.realtime_period, err);
	case OPT_CPU_RT_RUNTIME:
		return kk_update_opt_i64("cpu-rt-runtime", optarg, &f->cpu.realtime_runtime, err);
	case OPT_CPU_IDLE:
		return kk_update_opt_i64("cpu-idle", optarg, &f->cpu.idle, err);
	case OPT_CPUSET_CPUS:
		f->cpu.cpus = optarg;
		return 0;
	case OPT_CPUSET_MEMS:
		f->cpu.mems = optarg;
		return 0;
	case OPT_PIDS_LIMIT:
		return kk_update_i64("pids-limit", optarg, &f->pids.limit, err);
	case OPT_BLKIO_WEIGHT:
		return kk_update_weight(optarg, &f->block_io.weight, err);
	case OPT_L3_CACHE_SCHEMA:
		return no_rdt("l3-cache-schema", "CAT: l3 cache schema", err);
	case OPT_MEM_BW_SCHEMA:
		return no_rdt("mem-bw-schema", "MBA: memory bandwidth schema", err);
	}
	return kk_cli_bad_flag(err, &kk_verb_update, argv);
}

static int parse(struct update_flags *f, int argc, char **argv, struct kk_error *err)
{
	struct kk_getopt opts;
	int c;

	kk_cli_getopt(&opts, &kk_verb_update, argc, argv);
	while ((c = kk_getopt_next(&opts)) != -1)
		if (set_flag(f, c, argv, err) < 0)
			return -1;
	if (optind != argc - 1)
		return kk_cli_usage(err, &kk_verb_update, "give exactly one container ID");
	f->id = argv[optind];
	return 0;
}

/* Podman and containerd pipe the document in; the loader refuses one over
 * its input limit, so reading stops a little past it. */
static int read_stdin(char **buf, size_t *len, struct kk_error *err)
{
	const size_t cap = (size_t)8 << 20;
	KK_AUTOFREE char *data = malloc(cap);
	size_t got = 0;

	if (data == NULL)
		return kk_error_sys(err, ENOMEM, "update: reading --resources from stdin");
	while (got < cap) {
		ssize_t n = read(STDIN_FILENO, data + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kk_error_sys(err, errno, "update: reading --resources from stdin");
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*buf = kk_steal_ptr(&data);
	*len = got;
	return 0;
}

static const struct kk_resources *load(const char *path, struct kk_error *err)
{
	KK_AUTOFREE char *buf = NULL;
	size_t len = 0;

	if (strcmp(path, "-") == 0 ? read_stdin(&buf, &len, err) < 0
				   : kk_loader_read_file(path, &buf, &len, err) < 0)
		return NULL;
	return kk_loader_parse(KK_DOC_RESOURCES, buf, len, NULL, err);
}

#define OVERRIDE(dst, src, field)                                                                  \
	do {                                                                                       \
		if ((src)->field.set)                                                              \
			(dst)->field = (src)->field;                                               \
	} while (0)

/* The document's memory, cpu, pids and blockIO, with the flags on top. */
struct merged {
	struct kk_resources res;
	struct kk_memory memory;
	struct kk_cpu cpu;
	struct kk_pids pids;
	struct kk_blkio block_io;
};

static void merge(struct merged *m, const struct kk_resources *doc, const struct update_flags *f)
{
	m->res = doc ? *doc : (struct kk_resources){0};
	m->memory = doc && doc->memory ? *doc->memory : (struct kk_memory){0};
	m->cpu = doc && doc->cpu ? *doc->cpu : (struct kk_cpu){0};
	m->pids = doc && doc->pids ? *doc->pids : (struct kk_pids){0};
	m->block_io = doc && doc->block_io ? *doc->block_io : (struct kk_blkio){0};
	OVERRIDE(&m->memory, &f->memory, limit);
	OVERRIDE(&m->memory, &f->memory, reservation);
	OVERRIDE(&m->memory, &f->memory, swap);
	OVERRIDE(&m->cpu, &f->cpu, shares);
	OVERRIDE(&m->cpu, &f->cpu, quota);
	OVERRIDE(&m->cpu, &f->cpu, period);
	OVERRIDE(&m->cpu, &f->cpu, burst);
	OVERRIDE(&m->cpu, &f->cpu, realtime_period);
	OVERRIDE(&m->cpu, &f->cpu, realtime_runtime);
	OVERRIDE(&m->cpu, &f->cpu, idle);
	if (f->cpu.cpus && f->cpu.cpus[0])
		m->cpu.cpus = f->cpu.cpus;
	if (f->cpu.mems && f->cpu.mems[0])
		m->cpu.mems = f->cpu.mems;
	if (f->pids.limit != 0)
		m->pids.limit = f->pids.limit;
	OVERRIDE(&m->block_io, &f->block_io, weight);
	m->res.memory = &m->memory;
	m->res.cpu = &m->cpu;
	m->res.pids = &m->pids;
	m->res.block_io = &m->block_io;
}

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct update_flags f = {0};
	KK_AUTODOC const struct kk_resources *doc = NULL;
	struct merged m;

	if (parse(&f, argc, argv, err) < 0)
		return -1;
	if (f.resources != NULL && (doc = load(f.resources, err)) == NULL)
		return -1;
	merge(&m, doc, &f);
	/* The flags join after the document was checked: check the whole
	 * again, so a flag gets the same rules (cpuset lists, burst <= quota)
	 * as the same field in --resources. */
	if (kk_resources_validate(&m.res, err) < 0)
		return -1;
	return kk_container_update(g->root, f.id, &m.res, err);
}

const struct kk_verb kk_verb_update = {
	.name = "update",
	.operands = "ID",
	.summary = "set new resource limits on a running container",
	.flags = flags,
	.first = KK_OPERAND_CONTAINER,
	.run = run,
};
