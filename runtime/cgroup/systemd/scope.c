/* The D-Bus side of the systemd driver: start the container's transient
 * scope, change its properties, stop it. systemd is reached on its private
 * socket (what systemctl uses as root: no dbus-daemon needed), else on the
 * system bus. The calls that change something go through kk_sys()->sd_call
 * so the fault campaign and tests can fail them; the reads (the unit's
 * state while waiting for a job) do not. sd-bus is libsystemd's, loaded on
 * the first call (sdbus_api.h): each entry point takes the table first. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "runtime/cgroup/systemd/sdbus_api.h"
#include "runtime/cgroup/systemd/systemd.h"
#include "runtime/sys/sys.h"

#define PRIVATE_ADDRESS "unix:path=/run/systemd/private"
#define DEST "org.freedesktop.systemd1"
#define PATH "/org/freedesktop/systemd1"
#define MANAGER "org.freedesktop.systemd1.Manager"
#define FLAG "--systemd-cgroup"
#define WAIT_MS 30000

/* The sd-bus functions; set by api() at each entry point, before any bus,
 * message or error holds something to free. */
static const struct kk_sdbus *sd;

static int api(struct kk_error *err)
{
	sd = kk_sdbus(err);
	return sd != NULL ? 0 : -1;
}

static void bus_unrefp(sd_bus **b)
{
	if (*b != NULL)
		sd->bus_flush_close_unref(*b);
}

static void msg_unrefp(sd_bus_message **m)
{
	if (*m != NULL)
		sd->bus_message_unref(*m);
}

/* An error the library never loaded for is still SD_BUS_ERROR_NULL. */
static void error_freep(sd_bus_error *e)
{
	if (sd != NULL)
		sd->bus_error_free(e);
}

#define AUTOBUS __attribute__((cleanup(bus_unrefp)))
#define AUTOMSG __attribute__((cleanup(msg_unrefp)))
#define AUTOERR __attribute__((cleanup(error_freep)))

static int connect_private(sd_bus **out)
{
	sd_bus *b = NULL;
	int r = sd->bus_new(&b);

	if (r < 0)
		return r;
	r = sd->bus_set_address(b, PRIVATE_ADDRESS);
	if (r >= 0)
		r = sd->bus_start(b);
	if (r < 0) {
		sd->bus_unref(b);
		return r;
	}
	*out = b;
	return 0;
}

static int bus_open(sd_bus **bus, struct kk_error *err)
{
	int r = connect_private(bus), r2;

	if (r >= 0)
		return 0;
	r2 = sd->bus_open_system(bus);
	if (r2 >= 0)
		return 0;
	return kk_error_sys(err, -r2,
			    FLAG ": cannot reach systemd on /run/systemd/private (%s) or the "
				 "system bus",
			    strerror(-r));
}

/* Why a call failed: systemd's own message when it answered. */
static int call_error(const sd_bus_error *e, int errnum, const char *what, const char *unit,
		      struct kk_error *err)
{
	if (sd->bus_error_is_set(e))
		return kk_error_set(err, KK_ERR_SYS, FLAG ": %s %s: %s", what, unit,
				    e->message ? e->message : e->name);
	return kk_error_sys(err, errnum, FLAG ": %s %s", what, unit);
}

static int append_prop(sd_bus_message *m, const struct kk_sd_prop *p)
{
	int r = sd->bus_message_open_container(m, 'r', "sv");

	if (r < 0)
		return r;
	if ((r = sd->bus_message_append_basic(m, 's', p->name)) < 0)
		return r;
	switch (p->type) {
	case KK_SD_BOOL:
		r = sd->bus_message_append(m, "v", "b", (int)(p->u64 != 0));
		break;
	case KK_SD_U64:
		r = sd->bus_message_append(m, "v", "t", p->u64);
		break;
	case KK_SD_STR:
		r = sd->bus_message_append(m, "v", "s", p->str);
		break;
	case KK_SD_PIDS:
		r = sd->bus_message_append(m, "v", "au", 1, (uint32_t)p->u64);
		break;
	case KK_SD_BYTES:
		r = sd->bus_message_open_container(m, 'v', "ay");
		if (r >= 0)
			r = sd->bus_message_append_array(m, 'y', p->bytes, p->n_bytes);
		if (r >= 0)
			r = sd->bus_message_close_container(m);
		break;
	}
	return r < 0 ? r : sd->bus_message_close_container(m);
}

static int append_props(sd_bus_message *m, const struct kk_sd_props *props)
{
	int r = sd->bus_message_open_container(m, 'a', "(sv)");

	for (size_t i = 0; r >= 0 && i < props->n; i++)
		r = append_prop(m, &props->v[i]);
	return r < 0 ? r : sd->bus_message_close_container(m);
}

static int new_call(sd_bus *bus, const char *method, sd_bus_message **m, const char *unit,
		    struct kk_error *err)
{
	int r = sd->bus_message_new_method_call(bus, m, DEST, PATH, MANAGER, method);

	if (r < 0)
		return kk_error_sys(err, -r, FLAG ": %s %s", method, unit);
	return 0;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The unit's ActiveState, or "" when systemd has no such unit loaded. */
static int active_state(sd_bus *bus, const char *unit, char *out, size_t len)
{
	AUTOERR sd_bus_error e = SD_BUS_ERROR_NULL;
	AUTOMSG sd_bus_message *reply = NULL;
	const char *path;
	char *state = NULL;
	int r = sd->bus_call_method(bus, DEST, PATH, MANAGER, "GetUnit", &e, &reply, "s", unit);

	out[0] = '\0';
	if (r < 0)
		return sd->bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit") ? 0 : r;
	if ((r = sd->bus_message_read(reply, "o", &path)) < 0)
		return r;
	r = sd->bus_get_property_string(bus, DEST, path, "org.freedesktop.systemd1.Unit",
					"ActiveState", &e, &state);
	if (r < 0)
		return sd->bus_error_has_name(&e, "org.freedesktop.DBus.Error.UnknownObject") ? 0
											      : r;
	snprintf(out, len, "%s", state);
	free(state);
	return 0;
}

/* Whether systemd still has the job (its object goes when it finishes). */
static bool job_pending(sd_bus *bus, const char *job)
{
	AUTOERR sd_bus_error e = SD_BUS_ERROR_NULL;
	char *state = NULL;

	if (sd->bus_get_property_string(bus, DEST, job, "org.freedesktop.systemd1.Job", "State", &e,
					&state) < 0)
		return false;
	free(state);
	return true;
}

/* Polls until the unit is up (active) or down (inactive, failed or gone);
 * a scope's start is a single step, so polling costs little and needs no
 * signal subscription. job (when up): the start job; once it is gone and
 * the unit is not active, the start failed. */
static int wait_state(sd_bus *bus, const char *unit, bool up, const char *job, struct kk_error *err)
{
	char state[64];
	long long end = now_ms() + WAIT_MS;

	for (;;) {
		bool done = up && !job_pending(bus, job);
		int r = active_state(bus, unit, state, sizeof(state));

		if (r < 0)
			return kk_error_sys(err, -r, FLAG ": read the state of %s", unit);
		if (up && strcmp(state, "active") == 0)
			return 0;
		if (up && (done || strcmp(state, "failed") == 0 || state[0] == '\0'))
			return kk_error_set(err, KK_ERR_SYS, FLAG ": %s did not start (%s)", unit,
					    state[0] ? state : "gone");
		if (!up && (state[0] == '\0' || strcmp(state, "inactive") == 0 ||
			    strcmp(state, "failed") == 0))
			return 0;
		if (now_ms() > end)
			return kk_error_set(err, KK_ERR_SYS, FLAG ": %s is still %s after %d s",
					    unit, state, WAIT_MS / 1000);
		usleep(10000);
	}
}

/* One manager method on the unit (StopUnit, KillUnit) through the seam; an
 * unknown unit is done already. */
static int unit_call(sd_bus *bus, const char *method, const char *what, const char *unit,
		     const char *arg, int sig, struct kk_error *err)
{
	AUTOERR sd_bus_error e = SD_BUS_ERROR_NULL;
	AUTOMSG sd_bus_message *m = NULL;
	AUTOMSG sd_bus_message *reply = NULL;
	int r;

	if (new_call(bus, method, &m, unit, err) < 0)
		return -1;
	r = sig ? sd->bus_message_append(m, "ssi", unit, arg, sig)
		: sd->bus_message_append(m, "ss", unit, arg);
	if (r < 0)
		return kk_error_sys(err, -r, FLAG ": %s %s", what, unit);
	if (kk_sys()->sd_call(bus, m, &e, &reply) == 0 ||
	    sd->bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
		return 0;
	return call_error(&e, errno, what, unit, err);
}

/* SIGKILL first: a stop sends SIGTERM and waits TimeoutStopSec (90 s by
 * default) for processes that ignore it, such as a container init still
 * waiting for `start`. Whoever stops the unit (a failed create's rollback,
 * delete) wants its processes gone. */
static int stop_on(sd_bus *bus, const char *unit, struct kk_error *err)
{
	if (unit_call(bus, "KillUnit", "kill", unit, "all", SIGKILL, err) < 0 ||
	    unit_call(bus, "StopUnit", "stop", unit, "replace", 0, err) < 0 ||
	    wait_state(bus, unit, false, NULL, err) < 0)
		return -1;
	/* A failed scope would stay listed (and its name taken) until reset. */
	sd->bus_call_method(bus, DEST, PATH, MANAGER, "ResetFailedUnit", NULL, NULL, "s", unit);
	return 0;
}

bool kk_sd_reachable(struct kk_error *why)
{
	AUTOBUS sd_bus *bus = NULL;

	return api(why) == 0 && bus_open(&bus, why) == 0;
}

int kk_sd_start(const struct kk_sd_unit *u, const struct kk_sd_props *props, struct kk_error *err)
{
	AUTOBUS sd_bus *bus = NULL;
	AUTOERR sd_bus_error e = SD_BUS_ERROR_NULL;
	AUTOMSG sd_bus_message *m = NULL;
	AUTOMSG sd_bus_message *reply = NULL;
	struct kk_error ignored = {0};
	const char *job;
	int r;

	if (api(err) < 0 || bus_open(&bus, err) < 0 ||
	    new_call(bus, "StartTransientUnit", &m, u->unit, err) < 0)
		return -1;
	r = sd->bus_message_append(m, "ss", u->unit, "replace");
	if (r >= 0)
		r = append_props(m, props);
	if (r >= 0)
		r = sd->bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0)
		return kk_error_sys(err, -r, FLAG ": start %s: build the call", u->unit);
	if (kk_sys()->sd_call(bus, m, &e, &reply) < 0)
		return call_error(&e, errno, "start", u->unit, err);
	r = sd->bus_message_read(reply, "o", &job);
	if (r < 0)
		kk_error_sys(err, -r, FLAG ": start %s: read the job", u->unit);
	else if (wait_state(bus, u->unit, true, job, err) == 0)
		return 0;
	/* The job ran but the unit is not up: leave no unit behind. */
	stop_on(bus, u->unit, &ignored);
	return -1;
}

int kk_sd_set(const char *unit, const struct kk_sd_props *props, struct kk_error *err)
{
	AUTOBUS sd_bus *bus = NULL;
	AUTOERR sd_bus_error e = SD_BUS_ERROR_NULL;
	AUTOMSG sd_bus_message *m = NULL;
	AUTOMSG sd_bus_message *reply = NULL;
	int r;

	if (api(err) < 0 || bus_open(&bus, err) < 0 ||
	    new_call(bus, "SetUnitProperties", &m, unit, err) < 0)
		return -1;
	r = sd->bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = append_props(m, props);
	if (r < 0)
		return kk_error_sys(err, -r, FLAG ": set properties of %s: build the call", unit);
	if (kk_sys()->sd_call(bus, m, &e, &reply) < 0)
		return call_error(&e, errno, "set properties of", unit, err);
	return 0;
}

int kk_sd_stop(const char *unit, struct kk_error *err)
{
	AUTOBUS sd_bus *bus = NULL;

	if (api(err) < 0 || bus_open(&bus, err) < 0)
		return -1;
	return stop_on(bus, unit, err);
}
