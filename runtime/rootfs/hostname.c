/* hostname and domainname, set in the container's uts namespace. Without
 * one (or with a path to the host's) they would change the host's names,
 * so the plan refuses them, as runc's validator does for a missing one. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

enum { HOSTNAME, DOMAINNAME };

static const char *const fields[] = {"hostname", "domainname"};

static int name_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	size_t len = strlen(op->path);
	int r = op->num == HOSTNAME ? kk_sys()->sethostname(op->path, len)
				    : kk_sys()->setdomainname(op->path, len);

	(void)ctx;
	if (r < 0)
		return kk_error_sys(err, errno, "%s: set %s", fields[op->num], op->path);
	return 0;
}

static void name_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "set%s %s", fields[op->num], op->path);
}

static const struct kk_op_type name_op = {
	.name = "uts-name",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = name_apply,
	.describe = name_describe,
};

static int plan_name(struct kk_plan *plan, const struct kk_spec *spec, const char *name,
		     uint64_t which, struct kk_error *err)
{
	struct kk_op op = {.type = &name_op, .path = name, .num = which};
	char whose[KK_OWN_NS_WHY_MAX];

	if (name == NULL || name[0] == '\0')
		return 0;
	if (!kk_rootfs_own_ns(spec, CLONE_NEWUTS, whose, sizeof(whose)))
		return kk_error_set(err, KK_ERR_INVALID,
				    "%s: unable to set the %s without a private UTS namespace%s%s",
				    fields[which], fields[which], whose[0] != '\0' ? ": " : "",
				    whose);
	return kk_plan_add(plan, &op, err);
}

int kk_rootfs_plan_hostname(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	if (plan_name(plan, spec, spec->hostname, HOSTNAME, err) < 0)
		return -1;
	return plan_name(plan, spec, spec->domainname, DOMAINNAME, err);
}
