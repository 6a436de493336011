/* Emitting state.json (runtime.md "State"): what `kakoi state` prints and
 * what hooks read on stdin. */
#include <string.h>

#include "base/cleanup.h"
#include "parser/parse.h"
#include "parser/parser.h"

/* Adds value (taken) at key. json-c leaves a value it failed to add to
 * the caller, and adds a NULL one as JSON null: neither may happen here. */
static int add_value(json_object *obj, const char *key, json_object *value)
{
	if (value == NULL || json_object_object_add(obj, key, value) < 0) {
		json_object_put(value);
		return -1;
	}
	return 0;
}

static int add_string(json_object *obj, const char *key, const char *value)
{
	return add_value(obj, key, json_object_new_string(value));
}

static int add_annotations(json_object *obj, const struct kk_map *map)
{
	json_object *a;

	if (map->n == 0)
		return 0;
	a = json_object_new_object();
	if (a == NULL || json_object_object_add(obj, "annotations", a) < 0) {
		json_object_put(a);
		return -1;
	}
	for (size_t i = 0; i < map->n; i++)
		if (add_string(a, map->v[i].key, map->v[i].value) < 0)
			return -1;
	return 0;
}

static int fill(json_object *obj, const struct kk_state *st)
{
	const char *status = kk_vocab_name(&kk_vocab_status, st->status);

	if (status == NULL || add_string(obj, "ociVersion", st->oci_version) < 0 ||
	    add_string(obj, "id", st->id) < 0 || add_string(obj, "status", status) < 0)
		return -1;
	if (st->pid.set && add_value(obj, "pid", json_object_new_int64(st->pid.value)) < 0)
		return -1;
	if (add_string(obj, "bundle", st->bundle) < 0)
		return -1;
	return add_annotations(obj, &st->annotations);
}

char *kk_state_to_json(const struct kk_state *state, struct kk_error *err)
{
	KK_CLEANUP(kp_json_putp) json_object *obj = json_object_new_object();
	const char *text;
	char *copy;

	if (obj == NULL || fill(obj, state) < 0) {
		kk_error_set(err, KK_ERR_INVALID, "state.json: cannot represent this state");
		return NULL;
	}
	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE);
	copy = text ? strdup(text) : NULL;
	if (copy == NULL)
		kk_error_sys(err, ENOMEM, "state.json");
	return copy;
}
