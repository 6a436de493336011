/* Resolving process.args[0] at create, so a missing executable fails
 * `create` as with runc. Messages keep runc's wording (they are Go's
 * exec.LookPath errors) because engines such as Podman match them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

/* Go's findExecutable: stat, not a directory, executable for us. */
static int check_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return -errno;
	return 0;
}

/* runc's init starts with an empty environment and takes PATH from
 * process.env only; with none (or an empty one) Go's LookPath finds
 * nothing, and so do we: no default PATH a manager could tell apart. */
static const char *env_path(const struct kk_process *p)
{
	for (size_t i = 0; i < p->env.n; i++)
		if (strncmp(p->env.v[i], "PATH=", 5) == 0)
			return p->env.v[i] + 5;
	return "";
}

/* A relative name is taken from process.cwd: the process runs there. */
static int join(char *out, size_t len, const char *cwd, const char *dir, const char *name)
{
	int n;

	if (dir[0] == '/')
		n = snprintf(out, len, "%s/%s", dir, name);
	else
		n = snprintf(out, len, "%s/%s/%s", cwd, dir, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int lookup_path(const struct kk_process *p, char *out, size_t len, struct kk_error *err)
{
	const char *name = p->args.v[0];
	const char *path = env_path(p);

	if (path[0] == '\0')
		path = NULL; /* filepath.SplitList("") is empty */
	while (path != NULL) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		char dir[PATH_MAX];

		/* An empty PATH entry means the current directory. */
		snprintf(dir, sizeof(dir), "%.*s", n ? (int)n : 1, n ? path : ".");
		if (n < sizeof(dir) && join(out, len, p->cwd, dir, name) == 0 &&
		    check_executable(out) == 0) {
			if (dir[0] != '/')
				return kk_error_set(err, KK_ERR_INVALID,
						    "exec: \"%s\": cannot run executable found "
						    "relative to current directory",
						    name);
			return 0;
		}
		path = colon ? colon + 1 : NULL;
	}
	return kk_error_set(err, KK_ERR_INVALID, "exec: \"%s\": executable file not found in $PATH",
			    name);
}

static int lookup_file(const struct kk_process *p, char *out, size_t len, struct kk_error *err)
{
	const char *name = p->args.v[0];
	int r;

	if (snprintf(out, len, "%s%s%s", name[0] == '/' ? "" : p->cwd, name[0] == '/' ? "" : "/",
		     name) >= (int)len)
		return kk_error_set(err, KK_ERR_INVALID, "exec: \"%s\": file name too long", name);
	r = check_executable(out);
	if (r == -EISDIR || r == -EACCES || r == -EPERM)
		return kk_proc_go_error(err, -r, "exec: \"%s\"", name);
	if (r < 0)
		return kk_proc_go_error(err, -r, "exec: \"%s\": stat %s", name, name);
	return 0;
}

static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_process *p = op->ref;
	char path[PATH_MAX];

	if (strchr(p->args.v[0], '/') != NULL) {
		if (lookup_file(p, path, sizeof(path), err) < 0)
			return -1;
	} else if (lookup_path(p, path, sizeof(path), err) < 0) {
		return -1;
	}
	snprintf(ctx->exec_path, sizeof(ctx->exec_path), "%s", path);
	/* HOME too while still root and before any seccomp filter: the lookup
	 * reads the container's /etc/passwd, which neither the user nor the
	 * filter may allow later (runc resolves it this early as well). */
	kk_proc_home("/etc/passwd", p->user != NULL ? p->user->uid : 0, ctx->home,
		     sizeof(ctx->home));
	return 0;
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_process *p = op->ref;

	if (strchr(p->args.v[0], '/') != NULL)
		snprintf(buf, len, "executable %s", p->args.v[0]);
	else
		snprintf(buf, len, "executable %s in PATH=%s", p->args.v[0], env_path(p));
}

static const struct kk_op_type lookup_op = {
	.name = "lookup",
	.phase = KK_PHASE_INIT_CREATED,
	.apply = apply,
	.describe = describe,
};

int kk_proc_plan_lookup(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op op = {.type = &lookup_op, .ref = p};

	return kk_plan_add(plan, &op, err);
}
