/* The systemd driver inside runtime/cgroup: opening a cgroup as a systemd
 * scope, the systemd-scope op (host-attach: start the unit holding the
 * init; its undo stops it), and the remove and update steps. The rest of
 * the module works on the scope's directories as on any cgroup: the limits
 * are written to the files after the unit starts (as runc's driver does),
 * pids, freeze, kill and stats read and write them directly. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "runtime/cgroup/cgroup_backend.h"
#include "runtime/cgroup/systemd/systemd.h"
#include "runtime/exec/ctx.h"

int kk_cgroup_open_systemd(const char *mount_root, const char *cgroups_path, const char *id,
			   struct kk_cgroup **out, struct kk_error *err)
{
	struct kk_sd_unit *u = calloc(1, sizeof(*u));

	if (u == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup");
	if (kk_sd_parse_path(cgroups_path, id, u, err) < 0 ||
	    kk_cgroup_open(mount_root, u->path, id, out, err) < 0) {
		free(u);
		return -1;
	}
	(*out)->sd = u;
	return 0;
}

int kk_cgroup_use_systemd(struct kk_cgroup *cg, struct kk_error *err)
{
	const char *unit = strrchr(cg->path, '/');
	struct kk_sd_unit *u;
	size_t parent;

	if (unit == NULL || !kk_sd_unit_name_ok(unit + 1, ".scope"))
		return kk_error_set(err, KK_ERR_INVALID,
				    "state: cgroup %s is not a systemd scope's", cg->path);
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup");
	snprintf(u->unit, sizeof(u->unit), "%s", unit + 1);
	snprintf(u->path, sizeof(u->path), "%s", cg->path);
	/* The slice is the parent directory's name; none is the root slice. */
	parent = (size_t)(unit - cg->path);
	while (parent > 0 && cg->path[parent - 1] != '/')
		parent--;
	snprintf(u->slice, sizeof(u->slice), "%.*s", (int)(unit - cg->path - parent),
		 cg->path + parent);
	if (u->slice[0] == '\0')
		snprintf(u->slice, sizeof(u->slice), "-.slice");
	free(cg->sd);
	cg->sd = u;
	return 0;
}

const char *kk_cgroup_unit(const struct kk_cgroup *cg)
{
	return cg->sd != NULL ? cg->sd->unit : NULL;
}

static enum kk_sd_dialect dialect(const struct kk_cgroup *cg)
{
	return cg->layout == KK_CGROUP_V2 ? KK_SD_UNIFIED : KK_SD_LEGACY;
}

/* ---- systemd-scope (host-attach) ------------------------------------------
 * path: "<slice>/<unit>"; ref: the resources; num2: the dialect. */

static int stop_unit(const void *arg, struct kk_error *err)
{
	return kk_sd_stop(arg, err);
}

static int scope_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_cgroup *cg = ctx->cgroup;
	KK_AUTOFREE struct kk_sd_props *props = calloc(1, sizeof(*props));

	if (cg == NULL || cg->sd == NULL)
		return kk_error_set(err, KK_ERR_INTERNAL, "systemd-scope: no unit in the context");
	if (props == NULL)
		return kk_error_sys(err, ENOMEM, "systemd-scope");
	if (kk_sd_scope_props(cg->sd, ctx->init_pid, (enum kk_sd_dialect)op->num2, op->ref, props,
			      err) < 0 ||
	    kk_sd_start(cg->sd, props, err) < 0)
		return -1;
	return kk_undo_push(ctx->undo, "stop the systemd unit", stop_unit, cg->sd->unit,
			    strlen(cg->sd->unit) + 1, err);
}

static void scope_describe(const struct kk_op *op, char *buf, size_t len)
{
	KK_AUTOFREE struct kk_sd_props *props = calloc(1, sizeof(*props));
	struct kk_sd_unit u = {0};
	const char *slash = strchr(op->path, '/');
	struct kk_error err = {0};
	size_t at;

	snprintf(u.slice, sizeof(u.slice), "%.*s", (int)(slash - op->path), op->path);
	snprintf(u.unit, sizeof(u.unit), "%s", slash + 1);
	at = (size_t)snprintf(buf, len, "start transient unit %s in %s:", u.unit, u.slice);
	if (props == NULL ||
	    kk_sd_scope_props(&u, 0, (enum kk_sd_dialect)op->num2, op->ref, props, &err) < 0) {
		snprintf(buf + (at < len ? at : len), len - (at < len ? at : len), " (%s)",
			 props ? err.msg : "out of memory");
		return;
	}
	for (size_t i = 0; i < props->n && at < len; i++) {
		char one[KK_SD_MASK_MAX * 2 + 64];

		kk_sd_prop_format(&props->v[i], one, sizeof(one));
		at += (size_t)snprintf(buf + at, len - at, " %s", one);
	}
	cg_printable(buf);
}

static const struct kk_op_type systemd_scope = {
	.name = "systemd-scope",
	.phase = KK_PHASE_HOST_ATTACH,
	.apply = scope_apply,
	.describe = scope_describe,
};

int cg_sd_plan(struct kk_plan *plan, const struct kk_cgroup *cg, const struct kk_resources *res,
	       struct kk_error *err)
{
	KK_AUTOFREE struct kk_sd_props *props = calloc(1, sizeof(*props));
	struct kk_op op = {.type = &systemd_scope, .ref = res, .num2 = dialect(cg)};

	if (props == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup");
	/* Mapped once here so a value systemd cannot take fails the plan. */
	if (kk_sd_scope_props(cg->sd, 0, dialect(cg), res, props, err) < 0)
		return -1;
	op.path = kk_plan_printf(plan, err, "%s/%s", cg->sd->slice, cg->sd->unit);
	return op.path == NULL ? -1 : kk_plan_add(plan, &op, err);
}

/* ---- remove and update --------------------------------------------------- */

int cg_sd_remove(const struct kk_cgroup *cg, struct kk_error *err)
{
	struct kk_error why = {0};

	/* A systemd that is gone took its units with it; the directories it
	 * left are removed like any cgroup's: a container must stay
	 * deletable. */
	if (!kk_sd_reachable(&why)) {
		kk_warn("%s; unit %s not stopped", why.msg, cg->sd->unit);
		return 0;
	}
	return kk_sd_stop(cg->sd->unit, err);
}

int cg_sd_update(const struct kk_cgroup *cg, const struct kk_resources *res, struct kk_error *err)
{
	KK_AUTOFREE struct kk_sd_props *props = calloc(1, sizeof(*props));

	if (props == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup update");
	if (kk_sd_resource_props(res, dialect(cg), props, err) < 0)
		return -1;
	return props->n == 0 ? 0 : kk_sd_set(cg->sd->unit, props, err);
}
