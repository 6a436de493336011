/* The verbs, in the order `kakoi --help` and kakoi(8) list them. */
#include <string.h>

#include "runtime/cli/cli.h"

const struct kk_verb *const kk_cli_verbs[] = {
	&kk_verb_create,   &kk_verb_start,  &kk_verb_run,   &kk_verb_state,    &kk_verb_kill,
	&kk_verb_delete,   &kk_verb_list,   &kk_verb_plan,  &kk_verb_validate, &kk_verb_spec,
	&kk_verb_features, &kk_verb_ps,	    &kk_verb_pause, &kk_verb_resume,   &kk_verb_exec,
	&kk_verb_update,   &kk_verb_events, &kk_verb_help,
};

const size_t kk_cli_n_verbs = sizeof(kk_cli_verbs) / sizeof(kk_cli_verbs[0]);

const struct kk_verb *kk_cli_find_verb(const char *name)
{
	for (size_t i = 0; i < kk_cli_n_verbs; i++)
		if (strcmp(kk_cli_verbs[i]->name, name) == 0)
			return kk_cli_verbs[i];
	return NULL;
}
