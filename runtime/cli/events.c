/* kakoi events [--stats] [--interval D] ID: runc's `events`. The container's
 * cgroup stats as JSON lines, once with --stats, else every D (a Go
 * duration, default 5s) with OOM notices, until the container stops. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>

#include "runtime/cli/cli.h"
#include "runtime/cli/duration.h"

enum { OPT_STATS = 256, OPT_INTERVAL };

static const struct kk_flag flags[] = {
	{"stats", no_argument, OPT_STATS, NULL, "print the stats once and return"},
	{"interval", required_argument, OPT_INTERVAL, "DURATION",
	 "the time between two samples, a Go duration (default 5s)"},
	{0},
};

/* The interval in ms: runc refuses 0 and negative ones; a sub-millisecond
 * one is rounded up, and one beyond ~49 days is capped (no caller waits
 * that long between two samples). */
static int interval_ms(const char *text, unsigned *ms, struct kk_error *err)
{
	int64_t ns;

	if (kk_duration_parse(text, &ns, err) < 0) {
		kk_error_prefix(err, "events: --interval");
		return -1;
	}
	if (ns <= 0)
		return kk_cli_usage(err, &kk_verb_events,
				    "--interval: duration interval must be greater than 0");
	*ms = ns / 1000000 >= UINT_MAX ? UINT_MAX : (unsigned)((ns + 999999) / 1000000);
	return 0;
}

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_getopt opts;
	struct kk_events_opts o = {.interval_ms = 5000, .out = stdout};
	int c;

	kk_cli_getopt(&opts, &kk_verb_events, argc, argv);
	while ((c = kk_getopt_next(&opts)) != -1) {
		if (c == OPT_STATS)
			o.stats_once = true;
		else if (c != OPT_INTERVAL)
			return kk_cli_bad_flag(err, &kk_verb_events, argv);
		else if (interval_ms(optarg, &o.interval_ms, err) < 0)
			return -1;
	}
	if (argc - optind != 1)
		return kk_cli_usage(err, &kk_verb_events, "give exactly one container ID");
	return kk_container_events(g->root, argv[optind], &o, err);
}

const struct kk_verb kk_verb_events = {
	.name = "events",
	.operands = "ID",
	.summary = "display a container's cgroup stats and OOM events as JSON lines",
	.flags = flags,
	.first = KK_OPERAND_CONTAINER,
	.run = run,
};
