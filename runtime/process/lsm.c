/* process.apparmorProfile and process.selinuxLabel: the label the process
 * gets at execve. Whether the LSM is enabled is checked at create (the
 * check reads the container's /sys, after pivot_root), so a host without it
 * fails `create` with a clear message instead of an EINVAL at start; the
 * label itself is written after start, just before the user change.
 *
 * Detection follows runc: AppArmor is on when /sys/kernel/security/apparmor
 * exists and /sys/module/apparmor/parameters/enabled reads "Y"; SELinux is
 * on when selinuxfs is mounted on /sys/fs/selinux (its "enforce" file). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

#define APPARMOR_FS "/sys/kernel/security/apparmor"
#define APPARMOR_ENABLED "/sys/module/apparmor/parameters/enabled"
#define SELINUX_ENFORCE "/sys/fs/selinux/enforce"

enum lsm { LSM_APPARMOR, LSM_SELINUX };

static bool apparmor_enabled(void)
{
	KK_AUTOCLOSE int fd = -1;
	char c = 0;

	if (access(APPARMOR_FS, F_OK) < 0)
		return false;
	fd = open(APPARMOR_ENABLED, O_RDONLY | O_CLOEXEC);
	return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

static bool selinux_enabled(void)
{
	return access(SELINUX_ENFORCE, F_OK) == 0;
}

static int check(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	(void)ctx;
	if (op->num == LSM_APPARMOR && !apparmor_enabled())
		return kk_error_set(
			err, KK_ERR_INVALID,
			"process.apparmorProfile: AppArmor is not enabled on this host");
	if (op->num == LSM_SELINUX && !selinux_enabled())
		return kk_error_set(err, KK_ERR_INVALID,
				    "process.selinuxLabel: SELinux is not enabled on this host");
	return 0;
}

/* Since Linux 5.8 each LSM has its own attr directory; the shared
 * /proc/self/attr/exec is the older interface. */
static int set_apparmor(const char *profile, struct kk_error *err)
{
	const char *path = "/proc/self/attr/apparmor/exec";
	char text[4096];

	if (snprintf(text, sizeof(text), "exec %s", profile) >= (int)sizeof(text))
		return kk_error_set(err, KK_ERR_INVALID, "process.apparmorProfile: too long");
	if (access(path, F_OK) < 0)
		path = "/proc/self/attr/exec";
	return kk_proc_write_file("process.apparmorProfile", path, text, err);
}

static int label(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	(void)ctx;
	if (op->num == LSM_APPARMOR)
		return set_apparmor(op->path, err);
	return kk_proc_write_file("process.selinuxLabel", "/proc/self/attr/exec", op->path, err);
}

static void describe_check(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "%s must be enabled (for %s)",
		 op->num == LSM_APPARMOR ? "AppArmor" : "SELinux", op->path);
}

static void describe_label(const struct kk_op *op, char *buf, size_t len)
{
	if (op->num == LSM_APPARMOR)
		snprintf(buf, len, "apparmor exec profile %s", op->path);
	else
		snprintf(buf, len, "selinux exec label %s", op->path);
}

static const struct kk_op_type check_op = {
	.name = "lsm-check",
	.phase = KK_PHASE_INIT_CREATED,
	.apply = check,
	.describe = describe_check,
};

static const struct kk_op_type label_op = {
	.name = "lsm-label",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = label,
	.describe = describe_label,
};

static int plan_both(struct kk_plan *plan, const struct kk_op_type *type,
		     const struct kk_process *p, struct kk_error *err)
{
	struct kk_op aa = {
		.type = type, .ref = p, .path = p->apparmor_profile, .num = LSM_APPARMOR};
	struct kk_op se = {.type = type, .ref = p, .path = p->selinux_label, .num = LSM_SELINUX};

	if (p->apparmor_profile != NULL && p->apparmor_profile[0] != '\0' &&
	    kk_plan_add(plan, &aa, err) < 0)
		return -1;
	if (p->selinux_label != NULL && p->selinux_label[0] != '\0' &&
	    kk_plan_add(plan, &se, err) < 0)
		return -1;
	return 0;
}

int kk_proc_plan_lsm_check(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	return plan_both(plan, &check_op, p, err);
}

int kk_proc_plan_lsm(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	return plan_both(plan, &label_op, p, err);
}
