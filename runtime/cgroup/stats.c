/* kk_cgroup_stats: each hierarchy's directory read in its dialect (v1
 * controllers, the v2 or hybrid unified hierarchy), into one struct. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cgroup/stats_read.h"

/* Makes room for element n of an array of n: capacity is 8, then doubles
 * (full when n is 8, 16, 32, ...). A hostile file cannot make one exceed
 * what KK_STATS_FILE_MAX bytes of text describe. */
static int grow(void **v, size_t n, size_t size, struct kk_error *err)
{
	void *nv;

	if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
		return 0;
	nv = reallocarray(*v, n ? n * 2 : 8, size);
	if (nv == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup stats");
	*v = nv;
	return 0;
}

int st_u64s_add(struct kk_stats_u64s *a, uint64_t v, struct kk_error *err)
{
	if (grow((void **)&a->v, a->n, sizeof(*a->v), err) < 0)
		return -1;
	a->v[a->n++] = v;
	return 0;
}

int st_kv_add(struct kk_cgroup_stats *s, const char *key, uint64_t v, struct kk_error *err)
{
	struct kk_stats_kv *kv;

	if (grow((void **)&s->memory.raw, s->memory.n_raw, sizeof(*kv), err) < 0)
		return -1;
	kv = &s->memory.raw[s->memory.n_raw++];
	snprintf(kv->key, sizeof(kv->key), "%s", key);
	kv->value = v;
	return 0;
}

int st_blkio_add(struct kk_cgroup_stats *s, enum kk_stats_blkio_kind k,
		 const struct kk_stats_blkio_entry *e, struct kk_error *err)
{
	size_t n = s->blkio.n[k];

	if (grow((void **)&s->blkio.e[k], n, sizeof(*e), err) < 0)
		return -1;
	s->blkio.e[k][s->blkio.n[k]++] = *e;
	return 0;
}

struct kk_stats_hugetlb *st_hugetlb(struct kk_cgroup_stats *s, const char *size,
				    struct kk_error *err)
{
	struct kk_stats_hugetlb *h;

	for (size_t i = 0; i < s->n_hugetlb; i++)
		if (strcmp(s->hugetlb[i].size, size) == 0)
			return &s->hugetlb[i];
	if (grow((void **)&s->hugetlb, s->n_hugetlb, sizeof(*h), err) < 0)
		return NULL;
	h = memset(&s->hugetlb[s->n_hugetlb++], 0, sizeof(*h));
	snprintf(h->size, sizeof(h->size), "%s", size);
	return h;
}

void kk_cgroup_stats_free(struct kk_cgroup_stats *s)
{
	free(s->cpu.percpu.v);
	free(s->cpu.percpu_kernel.v);
	free(s->cpu.percpu_user.v);
	free(s->cpuset.cpus.v);
	free(s->cpuset.mems.v);
	free(s->memory.raw);
	for (size_t k = 0; k < KK_BLKIO_KIND_COUNT; k++)
		free(s->blkio.e[k]);
	free(s->hugetlb);
	memset(s, 0, sizeof(*s));
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct kk_stats_kv *)a)->key, ((const struct kk_stats_kv *)b)->key);
}

static int by_size(const void *a, const void *b)
{
	return strcmp(((const struct kk_stats_hugetlb *)a)->size,
		      ((const struct kk_stats_hugetlb *)b)->size);
}

static int read_hier(const struct kk_cgroup *cg, const struct cg_hier *h, struct kk_cgroup_stats *s,
		     struct kk_error *err)
{
	struct st_dir d;
	bool present;
	int rc;

	if (st_dir_open(cg, h, &d, &present, err) < 0)
		return -1;
	if (!present)
		return 0;
	rc = h->v2 ? st_read_v2(cg, h, &d, s, err) : st_read_v1(cg, h, &d, s, err);
	close(d.fd);
	return rc;
}

int kk_cgroup_stats(struct kk_cgroup *cg, struct kk_cgroup_stats *out, struct kk_error *err)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < cg->n; i++) {
		if (read_hier(cg, &cg->h[i], out, err) < 0) {
			kk_cgroup_stats_free(out);
			return -1;
		}
	}
	/* Go's encoder writes maps sorted by key; runc's raw and hugetlb are maps. */
	if (out->memory.n_raw > 1)
		qsort(out->memory.raw, out->memory.n_raw, sizeof(*out->memory.raw), by_key);
	if (out->n_hugetlb > 1)
		qsort(out->hugetlb, out->n_hugetlb, sizeof(*out->hugetlb), by_size);
	return 0;
}

static int take_oom_kill(void *arg, const char *key, uint64_t v, struct kk_error *err)
{
	(void)err;
	if (strcmp(key, "oom_kill") == 0)
		*(uint64_t *)arg = v;
	return 0;
}

int kk_cgroup_oom_kills(struct kk_cgroup *cg, uint64_t *count, struct kk_error *err)
{
	*count = 0;
	for (size_t i = 0; i < cg->n; i++) {
		const struct cg_hier *h = &cg->h[i];
		struct st_dir d;
		bool present;
		int rc;

		if (!cg_hier_has(h, "memory"))
			continue;
		if (st_dir_open(cg, h, &d, &present, err) < 0)
			return -1;
		if (!present)
			continue;
		rc = st_each_kv(&d, h->v2 ? "memory.events" : "memory.oom_control", take_oom_kill,
				count, &present, err);
		close(d.fd);
		return rc;
	}
	return 0;
}
