/* linux.resources.blockIO: the v1 blkio controller's files, and the v2 io
 * controller's (io.weight with runc's weight conversion, io.max). */
#define _GNU_SOURCE
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "base/warn.h"
#include "runtime/cgroup/cgroup_backend.h"

struct throttle_kind {
	enum cg_field field;
	const char *v1_file;
	const char *v2_key;
};

static const struct throttle_kind throttle_kinds[] = {
	{CGF_BLKIO_READ_BPS, "blkio.throttle.read_bps_device", "rbps"},
	{CGF_BLKIO_WRITE_BPS, "blkio.throttle.write_bps_device", "wbps"},
	{CGF_BLKIO_READ_IOPS, "blkio.throttle.read_iops_device", "riops"},
	{CGF_BLKIO_WRITE_IOPS, "blkio.throttle.write_iops_device", "wiops"},
};

static const struct kk_blkio_throttles *throttles(const struct kk_blkio *b, size_t kind)
{
	const struct kk_blkio_throttles *all[] = {&b->throttle_read_bps, &b->throttle_write_bps,
						  &b->throttle_read_iops, &b->throttle_write_iops};
	return all[kind];
}

static int emit_throttles(struct cg_writes *w, const struct kk_blkio *b, bool v2,
			  struct kk_error *err)
{
	for (size_t k = 0; k < 4; k++) {
		const struct kk_blkio_throttles *t = throttles(b, k);
		const struct throttle_kind *tk = &throttle_kinds[k];

		for (size_t i = 0; i < t->n; i++) {
			char value[96];

			if (v2)
				snprintf(value, sizeof(value),
					 "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->v[i].major,
					 t->v[i].minor, tk->v2_key, t->v[i].rate);
			else
				snprintf(value, sizeof(value), "%" PRId64 ":%" PRId64 " %" PRIu64,
					 t->v[i].major, t->v[i].minor, t->v[i].rate);
			if (cg_emit(w, tk->field, (uint32_t)i, v2 ? "io.max" : tk->v1_file, value,
				    err) < 0)
				return -1;
		}
	}
	return 0;
}

/* Kernels with BFQ only have blkio.bfq.weight (which also takes the
 * "major:minor weight" form); older ones blkio.weight and
 * blkio.weight_device. Decided by what the hierarchy root offers. */
static bool has_plain_weight(const struct cg_hier *h)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/blkio.bfq.weight", h->root);
	if (access(p, F_OK) != 0)
		return true;
	snprintf(p, sizeof(p), "%s/blkio.weight", h->root);
	return access(p, F_OK) == 0;
}

static int v1_weight_device(struct cg_writes *w, const struct kk_blkio *b, bool plain,
			    struct kk_error *err)
{
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct kk_blkio_weight_device *d = &b->weight_device[i];
		char value[96];

		if (d->weight.set) {
			snprintf(value, sizeof(value), "%" PRId64 ":%" PRId64 " %" PRIu32, d->major,
				 d->minor, d->weight.value);
			if (cg_emit(w, CGF_BLKIO_WEIGHT_DEVICE, (uint32_t)i,
				    plain ? "blkio.weight_device" : "blkio.bfq.weight", value,
				    err) < 0)
				return -1;
		}
		if (d->leaf_weight.set) {
			snprintf(value, sizeof(value), "%" PRId64 ":%" PRId64 " %" PRIu32, d->major,
				 d->minor, d->leaf_weight.value);
			if (cg_emit(w, CGF_BLKIO_WEIGHT_DEVICE, (uint32_t)i,
				    "blkio.leaf_weight_device", value, err) < 0)
				return -1;
		}
	}
	return 0;
}

int cg_v1_blkio(struct cg_writes *w, const struct cg_hier *h, const struct kk_blkio *b,
		struct kk_error *err)
{
	bool plain = has_plain_weight(h);

	if (b->weight.set &&
	    cg_emit_i64(w, CGF_BLKIO_WEIGHT, plain ? "blkio.weight" : "blkio.bfq.weight",
			(int64_t)b->weight.value, err) < 0)
		return -1;
	if (b->leaf_weight.set && cg_emit_i64(w, CGF_BLKIO_LEAF_WEIGHT, "blkio.leaf_weight",
					      (int64_t)b->leaf_weight.value, err) < 0)
		return -1;
	if (v1_weight_device(w, b, plain, err) < 0)
		return -1;
	return emit_throttles(w, b, false, err);
}

/* runc's ConvertBlkIOToIOWeightValue: [10, 1000] onto [1, 10000]. */
static uint64_t io_weight(uint32_t blkio)
{
	if (blkio <= 10)
		return 1;
	if (blkio >= 1000)
		return 10000;
	return 1 + ((uint64_t)blkio - 10) * 9999 / 990;
}

int cg_v2_io(struct cg_writes *w, const struct kk_blkio *b, struct kk_error *err)
{
	if (b->leaf_weight.set)
		return kk_error_set(
			err, KK_ERR_INVALID,
			"linux.resources.blockIO.leafWeight: not supported on cgroup v2");
	if (b->weight.set && b->weight.value != 0 &&
	    cg_emit_i64(w, CGF_BLKIO_WEIGHT, "io.weight", (int64_t)io_weight(b->weight.value),
			err) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct kk_blkio_weight_device *d = &b->weight_device[i];
		char value[96];

		/* v2 has no leaf weight: runc and crun leave it out, so does kakoi. */
		if (d->leaf_weight.set)
			kk_warn("linux.resources.blockIO.weightDevice[%zu].leafWeight: cgroup v2 "
				"has no leaf weight, ignored",
				i);
		if (!d->weight.set)
			continue;
		snprintf(value, sizeof(value), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
			 d->minor, io_weight(d->weight.value));
		if (cg_emit(w, CGF_BLKIO_WEIGHT_DEVICE, (uint32_t)i, "io.weight", value, err) < 0)
			return -1;
	}
	return emit_throttles(w, b, true, err);
}
