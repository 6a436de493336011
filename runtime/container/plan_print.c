/* plan: the auditor's view. Builds exactly the plan create would run and
 * prints it; touches nothing on the host. */
#include <stdio.h>

#include "base/cleanup.h"
#include "parser/parser.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/internal.h"
#include "runtime/loader/loader.h"

int kk_container_plan(const char *bundle, const char *id, bool systemd, FILE *out,
		      struct kk_error *err)
{
	char config[4200];
	KK_AUTODOC const struct kk_spec *spec = NULL;
	KK_AUTOPLAN struct kk_plan plan = KK_PLAN_INIT;
	struct kk_cgroup *cg = NULL;
	int rc;

	snprintf(config, sizeof(config), "%s/config.json", bundle != NULL ? bundle : ".");
	spec = kk_loader_load_config(config, err);
	if (spec == NULL)
		return -1;
	if (kk_container_cgroup(spec, id, systemd, &cg, err) < 0)
		return -1;
	rc = kk_container_build_plan(&plan, spec, cg, err);
	if (rc == 0)
		kk_plan_print(&plan, out);
	kk_cgroup_free(cg);
	return rc;
}
