/* A new session keyring for the container, so it does not share the
 * runtime's (and the host's) session keys; skipped with --no-new-keyring.
 * Named "_ses.<id>" and made searchable by the container's user, as runc
 * does. A kernel without keys (ENOSYS) is not an error. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

/* KEY_POS_SEARCH's siblings: "user may search" and "other may search". */
#define KEY_USR_SEARCH 0x00080000u
#define KEY_OTH_SEARCH 0x00000008u

static long keyctl(int cmd, unsigned long a2, unsigned long a3, unsigned long a4)
{
	return syscall(SYS_keyctl, cmd, a2, a3, a4, 0UL);
}

/* KEYCTL_DESCRIBE gives "type;uid;gid;perm;description", perm in hex. */
static int add_search(long key, uint32_t bits, struct kk_error *err)
{
	char desc[512];
	long n = keyctl(KEYCTL_DESCRIBE, (unsigned long)key, (unsigned long)desc, sizeof(desc));
	unsigned long perm;
	char *p = desc;

	if (n < 0)
		return kk_error_sys(err, errno, "session keyring: describe");
	desc[sizeof(desc) - 1] = '\0';
	for (int i = 0; i < 3 && p != NULL; i++)
		p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL;
	if (p == NULL)
		return kk_error_set(err, KK_ERR_SYS, "session keyring: unexpected description");
	perm = strtoul(p, NULL, 16);
	if (keyctl(KEYCTL_SETPERM, (unsigned long)key, perm | bits, 0) < 0)
		return kk_error_sys(err, errno, "session keyring: setperm");
	return 0;
}

static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	char name[256];
	long key;

	(void)op;
	if (ctx->no_new_keyring)
		return 0;
	snprintf(name, sizeof(name), "_ses.%s", ctx->id != NULL ? ctx->id : "");
	key = keyctl(KEYCTL_JOIN_SESSION_KEYRING, (unsigned long)name, 0, 0);
	if (key < 0 && errno == ENOSYS)
		return 0;
	if (key < 0)
		return kk_error_sys(err, errno, "session keyring: join %s", name);
	/* Without a user namespace the process's uid owns the key; with one
	 * it may be mapped to another, which falls under "other". */
	return add_search(key, ctx->userns ? KEY_OTH_SEARCH : KEY_USR_SEARCH, err);
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	(void)op;
	snprintf(buf, len, "join a new session keyring _ses.<id> (unless --no-new-keyring)");
}

static const struct kk_op_type keyring_op = {
	.name = "session-keyring",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = apply,
	.describe = describe,
};

int kk_proc_plan_keyring(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	struct kk_op op = {.type = &keyring_op, .ref = spec};

	return kk_plan_add(plan, &op, err);
}
