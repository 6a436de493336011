/* Signal names, the one table (kill, and later events and run's relay). */
#define _GNU_SOURCE
#include "runtime/cli/signals.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{"HUP", SIGHUP},       {"INT", SIGINT},	  {"QUIT", SIGQUIT},	 {"ILL", SIGILL},
	{"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},	 {"BUS", SIGBUS},
	{"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},	 {"SEGV", SIGSEGV},
	{"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},	 {"TERM", SIGTERM},
	{"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},	 {"STOP", SIGSTOP},
	{"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},	 {"URG", SIGURG},
	{"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
	{"WINCH", SIGWINCH},   {"IO", SIGIO},	  {"POLL", SIGPOLL},	 {"PWR", SIGPWR},
	{"SYS", SIGSYS},
};

static int parse_number(const char *s, int *sig)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < 0 || v > SIGRTMAX)
		return -1;
	*sig = (int)v;
	return 0;
}

/* RTMIN, RTMIN+3, RTMAX-2 */
static int parse_realtime(const char *s, int *sig)
{
	int base, off = 0;
	const char *rest;

	if (strncasecmp(s, "RTMIN", 5) == 0)
		base = SIGRTMIN;
	else if (strncasecmp(s, "RTMAX", 5) == 0)
		base = SIGRTMAX;
	else
		return -1;
	rest = s + 5;
	if (*rest != '\0' && (parse_number(rest + 1, &off) < 0 || (*rest != '+' && *rest != '-')))
		return -1;
	*sig = *rest == '-' ? base - off : base + off;
	return *sig >= SIGRTMIN && *sig <= SIGRTMAX ? 0 : -1;
}

int kk_signal_parse(const char *s, int *sig, struct kk_error *err)
{
	const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;

	if (s[0] >= '0' && s[0] <= '9') {
		if (parse_number(s, sig) == 0)
			return 0;
	} else {
		for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
			if (strcasecmp(name, signals[i].name) == 0) {
				*sig = signals[i].sig;
				return 0;
			}
		}
		if (parse_realtime(name, sig) == 0)
			return 0;
	}
	return kk_error_set(err, KK_ERR_USAGE, "kill: invalid signal \"%s\"", s);
}
