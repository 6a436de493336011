/* Fuzz target: config.json bytes -> kk_spec_parse() -> the whole plan, as
 * `kakoi plan` builds it (runtime/container/plan_print.c), against each
 * fake cgroup tree of temp_tree.h in turn (hybrid like this host, and pure
 * v2), then every op described and the plan printed. Each tree is planned
 * with both drivers: cgroupfs, and systemd (`--systemd-cgroup`, where
 * cgroupsPath is "slice:prefix:name": a refusal must name
 * linux.cgroupsPath, an accepted one must give a scope unit whose name
 * systemd takes and a path that ends in it).
 *
 * Planning must not touch the host: the kk_sys table aborts on any call
 * (host_trap.h), and the cgroup layout is read from the fake trees only.
 * Besides "no crash", each description must fit any buffer it is given
 * and be one printable line (plan.h: "One line, no newline"; like error
 * messages, base/error.h: a newline or an ESC from the config could forge
 * lines of the auditor's view), and the plan must print one line per op. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/host_trap.h"
#include "fuzz/temp_tree.h"
#include "parser/parser.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/systemd/systemd.h"
#include "runtime/container/internal.h"
#include "runtime/exec/plan.h"

/* A config the planners refuse is invalid or over a limit; anything else
 * (a system error reading the fake tree, internal) is a bug. */
#define FZ_PLAN_FAILURES (FZ_CODE(KK_ERR_INVALID) | FZ_CODE(KK_ERR_LIMIT))

static _Noreturn void violated(const struct kk_op *op, const char *what)
{
	fprintf(stderr, "fuzz property violated: op %s: %s\n",
		op->type && op->type->name ? op->type->name : "(no type)", what);
	abort();
}

/* Describes op into an exact-size heap block of len bytes, so ASan sees a
 * write past it; the result must be terminated inside. */
static void describe_into(const struct kk_op *op, size_t len, char *out)
{
	KK_AUTOFREE char *buf = malloc(len);

	if (buf == NULL)
		abort();
	memset(buf, 'X', len);
	kk_op_describe(op, buf, len);
	if (memchr(buf, '\0', len) == NULL)
		violated(op, "description not terminated");
	if (out != NULL)
		memcpy(out, buf, len);
}

static void check_op(const struct kk_op *op)
{
	char full[1024];

	if (op->type == NULL || op->type->name == NULL || op->type->name[0] == '\0' ||
	    op->type->apply == NULL || op->type->phase >= KK_PHASE_COUNT)
		violated(op, "incomplete op type");
	describe_into(op, sizeof(full), full);
	describe_into(op, 1, NULL);
	describe_into(op, 17, NULL);
	for (const char *p = full; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			violated(op, "description holds a control character");
}

/* kk_plan_print: one header per phase used, then one line per op. */
static void check_print(const struct kk_plan *plan)
{
	KK_AUTOFREE char *text = NULL;
	size_t len = 0, lines = 0, phases = 0;
	FILE *f = open_memstream(&text, &len);
	bool used[KK_PHASE_COUNT] = {false};

	if (f == NULL)
		abort();
	kk_plan_print(plan, f);
	if (fclose(f) != 0)
		abort();
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	for (size_t i = 0; i < plan->n; i++)
		used[plan->ops[i].type->phase] = true;
	for (int p = 0; p < KK_PHASE_COUNT; p++)
		phases += used[p];
	if (lines != plan->n + phases || (len > 0 && text[len - 1] != '\n')) {
		fprintf(stderr, "fuzz property violated: kk_plan_print: %zu lines for %zu ops\n",
			lines, plan->n);
		abort();
	}
}

/* FZ_SHOW_PLAN=1 prints each plan (or why there is none) to stderr: for
 * looking at a reproducer, never while fuzzing. */
static void show(enum fz_cgroup_tree tree, const struct kk_error *err, const struct kk_plan *plan)
{
	static const char *const names[] = {[FZ_CGROUP_HYBRID] = "hybrid", [FZ_CGROUP_V2] = "v2"};

	if (getenv("FZ_SHOW_PLAN") == NULL)
		return;
	if (err != NULL)
		fprintf(stderr, "%s: no plan: %s\n", names[tree], err->msg);
	else {
		fprintf(stderr, "%s: %zu ops\n", names[tree], plan->n);
		kk_plan_print(plan, stderr);
	}
}

/* The systemd driver's promises about the cgroupsPath it accepted or not. */
static void check_systemd_open(int rc, const struct kk_cgroup *cg, const struct kk_error *err)
{
	const char *unit, *path;
	size_t n, u;

	if (rc < 0) {
		if (strncmp(err->msg, "linux.cgroupsPath: ", 19) != 0) {
			fprintf(stderr,
				"fuzz property violated: systemd refusal \"%s\" does not "
				"name linux.cgroupsPath\n",
				err->msg);
			abort();
		}
		return;
	}
	unit = kk_cgroup_unit(cg);
	path = kk_cgroup_path(cg);
	n = strlen(path);
	u = unit != NULL ? strlen(unit) : 0;
	if (unit == NULL || !kk_sd_unit_name_ok(unit, ".scope") || n <= u ||
	    strcmp(path + n - u, unit) != 0 || path[n - u - 1] != '/') {
		fprintf(stderr, "fuzz property violated: systemd unit \"%s\" at \"%s\"\n",
			unit ? unit : "(none)", path);
		abort();
	}
}

static void plan_one(const struct kk_spec *spec, enum fz_cgroup_tree tree, bool systemd)
{
	KK_AUTOPLAN struct kk_plan plan = KK_PLAN_INIT;
	struct kk_cgroup *cg = NULL;
	struct kk_error err;
	int rc;

	kk_error_clear(&err);
	rc = systemd ? kk_cgroup_open_systemd(fz_cgroup_root(tree), spec->linux_->cgroups_path,
					      "fuzz", &cg, &err)
		     : kk_cgroup_open(fz_cgroup_root(tree), spec->linux_->cgroups_path, "fuzz", &cg,
				      &err);
	if (systemd)
		check_systemd_open(rc, cg, &err);
	if (rc < 0) {
		fz_check_failure("kk_cgroup_open", &err, FZ_PLAN_FAILURES);
		return;
	}
	if (kk_container_build_plan(&plan, spec, cg, &err) < 0) {
		show(tree, &err, NULL);
		fz_check_failure("kk_container_build_plan", &err, FZ_PLAN_FAILURES);
	} else {
		show(tree, NULL, &plan);
		for (size_t i = 0; i < plan.n; i++)
			check_op(&plan.ops[i]);
		check_print(&plan);
	}
	kk_cgroup_free(cg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_temp_dir();
	fz_forbid_host_changes();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	const struct kk_spec *spec;
	struct kk_error err;

	/* The replay driver does not call LLVMFuzzerInitialize. */
	if (!ready)
		ready = LLVMFuzzerInitialize(NULL, NULL) == 0;
	kk_error_clear(&err);
	spec = kk_spec_parse((const char *)data, size, &err);
	if (spec == NULL) {
		fz_check_failure("kk_spec_parse", &err, FZ_PARSE_FAILURES);
		return 0;
	}
	/* kakoi plan refuses a config without linux first (plan_print.c). */
	if (spec->linux_ != NULL)
		for (int t = 0; t < FZ_CGROUP_TREES; t++)
			for (int systemd = 0; systemd < 2; systemd++)
				plan_one(spec, (enum fz_cgroup_tree)t, systemd);
	kk_doc_free(spec);
	return 0;
}
