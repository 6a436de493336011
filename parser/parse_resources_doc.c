/* resources.json: the LinuxResources object `kakoi update --resources`
 * reads (runc's format: exactly config.json's linux.resources). The model
 * and its reader are linux.resources'; what differs is that an unknown key
 * is an error here. config.json must ignore unknown keys (the spec says
 * so), but an update is a request to change a limit now: a misspelt
 * "memroy" silently ignored would report success and change nothing. */
#include <string.h>

#include "parser/parse.h"

/* The keys of one object of the document, NULL-terminated. */
struct known {
	const char *object; /* NULL: the top level */
	const char *const *keys;
	const char *list; /* for the message */
};

static const char *const top_keys[] = {
	"devices",	  "memory",  "cpu",  "pids",	"blockIO",
	"hugepageLimits", "network", "rdma", "unified", NULL,
};
static const char *const memory_keys[] = {
	"limit",
	"reservation",
	"swap",
	"kernel",
	"kernelTCP",
	"swappiness",
	"disableOOMKiller",
	"useHierarchy",
	"checkBeforeUpdate",
	NULL,
};
static const char *const cpu_keys[] = {
	"shares",	  "quota", "burst", "period", "realtimeRuntime",
	"realtimePeriod", "cpus",  "mems",  "idle",   NULL,
};
static const char *const pids_keys[] = {"limit", NULL};
static const char *const block_io_keys[] = {
	"weight",
	"leafWeight",
	"weightDevice",
	"throttleReadBpsDevice",
	"throttleWriteBpsDevice",
	"throttleReadIOPSDevice",
	"throttleWriteIOPSDevice",
	NULL,
};
static const char *const network_keys[] = {"classID", "priorities", NULL};

static const struct known objects[] = {
	{NULL, top_keys,
	 "devices, memory, cpu, pids, blockIO, hugepageLimits, network, rdma, unified"},
	{"memory", memory_keys,
	 "limit, reservation, swap, kernel, kernelTCP, swappiness, disableOOMKiller, "
	 "useHierarchy, checkBeforeUpdate"},
	{"cpu", cpu_keys,
	 "shares, quota, burst, period, realtimeRuntime, realtimePeriod, cpus, mems, idle"},
	{"pids", pids_keys, "limit"},
	{"blockIO", block_io_keys,
	 "weight, leafWeight, weightDevice, throttleReadBpsDevice, throttleWriteBpsDevice, "
	 "throttleReadIOPSDevice, throttleWriteIOPSDevice"},
	{"network", network_keys, "classID, priorities"},
};

static bool listed(const char *const *keys, const char *key)
{
	for (; *keys != NULL; keys++)
		if (strcmp(*keys, key) == 0)
			return true;
	return false;
}

/* jv is the object k names (the path already points at it). A value of
 * the wrong type is left for the reader, which names it. */
static int check_keys(struct kp_ctx *ctx, json_object *jv, const struct known *k)
{
	if (!json_object_is_type(jv, json_type_object))
		return 0;
	json_object_object_foreach(jv, key, val) {
		size_t mark;

		(void)val;
		if (listed(k->keys, key))
			continue;
		mark = kp_push_key(ctx, key);
		kp_fail(ctx, "unknown key (known: %s)", k->list);
		kp_pop(ctx, mark);
		return -1;
	}
	return 0;
}

static int check_all(struct kp_ctx *ctx, json_object *jv)
{
	if (check_keys(ctx, jv, &objects[0]) < 0)
		return -1;
	for (size_t i = 1; i < sizeof(objects) / sizeof(objects[0]); i++) {
		json_object *sub = NULL;
		size_t mark;
		int r;

		if (!json_object_object_get_ex(jv, objects[i].object, &sub))
			continue;
		mark = kp_push_key(ctx, objects[i].object);
		r = check_keys(ctx, sub, &objects[i]);
		kp_pop(ctx, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}

int kp_parse_resources_doc(struct kp_ctx *ctx, json_object *jv, void *out)
{
	if (kp_as_object(ctx, jv) < 0 || check_all(ctx, jv) < 0)
		return -1;
	return kp_parse_resources(ctx, jv, out);
}
