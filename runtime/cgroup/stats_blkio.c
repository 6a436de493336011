/* Block I/O stats: v1 blkio files (runc's order of preference: bfq, cfq,
 * throttle recursive, throttle) and v2 io.stat, as runc maps them. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/cgroup/stats_read.h"

struct blkio_file {
	const char *name;
	enum kk_stats_blkio_kind kind;
};

/* A group is used when its first file exists and has entries. */
static const struct blkio_file bfq_debug[] = {
	{"blkio.bfq.sectors_recursive", KK_BLKIO_SECTORS},
	{"blkio.bfq.io_service_time_recursive", KK_BLKIO_SERVICE_TIME},
	{"blkio.bfq.io_wait_time_recursive", KK_BLKIO_WAIT_TIME},
	{"blkio.bfq.io_merged_recursive", KK_BLKIO_MERGED},
	{"blkio.bfq.io_queued_recursive", KK_BLKIO_QUEUED},
	{"blkio.bfq.time_recursive", KK_BLKIO_TIME},
	{"blkio.bfq.io_serviced_recursive", KK_BLKIO_SERVICED},
	{"blkio.bfq.io_service_bytes_recursive", KK_BLKIO_SERVICE_BYTES},
	{NULL, 0},
};
static const struct blkio_file bfq[] = {
	{"blkio.bfq.io_serviced_recursive", KK_BLKIO_SERVICED},
	{"blkio.bfq.io_service_bytes_recursive", KK_BLKIO_SERVICE_BYTES},
	{NULL, 0},
};
static const struct blkio_file cfq[] = {
	{"blkio.sectors_recursive", KK_BLKIO_SECTORS},
	{"blkio.io_service_time_recursive", KK_BLKIO_SERVICE_TIME},
	{"blkio.io_wait_time_recursive", KK_BLKIO_WAIT_TIME},
	{"blkio.io_merged_recursive", KK_BLKIO_MERGED},
	{"blkio.io_queued_recursive", KK_BLKIO_QUEUED},
	{"blkio.time_recursive", KK_BLKIO_TIME},
	{"blkio.io_serviced_recursive", KK_BLKIO_SERVICED},
	{"blkio.io_service_bytes_recursive", KK_BLKIO_SERVICE_BYTES},
	{NULL, 0},
};
static const struct blkio_file throttle_recursive[] = {
	{"blkio.throttle.io_serviced_recursive", KK_BLKIO_SERVICED},
	{"blkio.throttle.io_service_bytes_recursive", KK_BLKIO_SERVICE_BYTES},
	{NULL, 0},
};
static const struct blkio_file throttle[] = {
	{"blkio.throttle.io_serviced", KK_BLKIO_SERVICED},
	{"blkio.throttle.io_service_bytes", KK_BLKIO_SERVICE_BYTES},
	{NULL, 0},
};

/* "8:0 Read 4096" or "8:0 4096"; a "Total N" line is skipped. */
static int blkio_line(const char *line, struct kk_stats_blkio_entry *e, bool *skip)
{
	const char *p = line;
	int n = 0;

	*skip = strncmp(line, "Total ", 6) == 0 || line[0] == '\0';
	if (*skip)
		return 0;
	memset(e, 0, sizeof(*e));
	if (st_parse_u64(&p, &e->major) < 0 || *p++ != ':' || st_parse_u64(&p, &e->minor) < 0 ||
	    *p++ != ' ')
		return -1;
	if (*p < '0' || *p > '9') {
		if (sscanf(p, "%15[A-Za-z]%n", e->op, &n) != 1 || p[n] != ' ')
			return -1;
		p += n + 1;
	}
	return st_parse_u64(&p, &e->value) < 0 || *p != '\0' ? -1 : 0;
}

/* Adds the file's entries; *found says whether it had any. */
static int blkio_file(const struct st_dir *d, const struct blkio_file *f, struct kk_cgroup_stats *s,
		      bool *found, struct kk_error *err)
{
	KK_AUTOFREE char *text = NULL;
	char *save = NULL;

	*found = false;
	if (st_read(d, f->name, &text, err) < 0)
		return -1;
	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		struct kk_stats_blkio_entry e;
		bool skip;

		if (blkio_line(l, &e, &skip) < 0)
			return st_malformed(d, f->name, "not \"major:minor [op] value\" lines",
					    err);
		if (!skip && st_blkio_add(s, f->kind, &e, err) < 0)
			return -1;
		*found = *found || !skip;
	}
	return 0;
}

int st_v1_blkio(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err)
{
	static const struct blkio_file *const groups[] = {bfq_debug, bfq, cfq, throttle_recursive,
							  throttle};

	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		bool found;

		if (blkio_file(d, &groups[g][0], s, &found, err) < 0)
			return -1;
		if (!found)
			continue;
		for (const struct blkio_file *f = &groups[g][1]; f->name != NULL; f++)
			if (blkio_file(d, f, s, &found, err) < 0)
				return -1;
		return 0;
	}
	return 0;
}

/* One "key=value" of an io.stat line, mapped as runc's fs2 does. */
static int io_field(struct kk_cgroup_stats *s, const struct kk_stats_blkio_entry *dev,
		    const char *key, uint64_t v, struct kk_error *err)
{
	static const struct {
		const char *key, *op;
		enum kk_stats_blkio_kind kind;
	} map[] = {
		{"rbytes", "Read", KK_BLKIO_SERVICE_BYTES},
		{"wbytes", "Write", KK_BLKIO_SERVICE_BYTES},
		{"rios", "Read", KK_BLKIO_SERVICED},
		{"wios", "Write", KK_BLKIO_SERVICED},
	};
	struct kk_stats_blkio_entry e = *dev;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(key, map[i].key) != 0)
			continue;
		snprintf(e.op, sizeof(e.op), "%s", map[i].op);
		e.value = v;
		return st_blkio_add(s, map[i].kind, &e, err);
	}
	return 0; /* dbytes, dios and newer keys: runc 1.1 drops them */
}

/* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
static int io_line(const struct st_dir *d, char *line, struct kk_cgroup_stats *s,
		   struct kk_error *err)
{
	struct kk_stats_blkio_entry dev = {0};
	const char *p = line;
	char *save = NULL;

	if (st_parse_u64(&p, &dev.major) < 0 || *p++ != ':' || st_parse_u64(&p, &dev.minor) < 0)
		return st_malformed(d, "io.stat", "not \"major:minor key=value...\" lines", err);
	for (char *w = strtok_r((char *)p, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');
		const char *num = eq ? eq + 1 : NULL;
		uint64_t v;

		if (eq == NULL || st_parse_u64(&num, &v) < 0 || *num != '\0')
			return st_malformed(d, "io.stat", "not \"key=value\" fields", err);
		*eq = '\0';
		if (io_field(s, &dev, w, v, err) < 0)
			return -1;
	}
	return 0;
}

int st_v2_io(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err)
{
	KK_AUTOFREE char *text = NULL;
	char *save = NULL;

	if (st_read(d, "io.stat", &text, err) < 0)
		return -1;
	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save))
		if (io_line(d, l, s, err) < 0)
			return -1;
	return 0;
}
