/* The D-Bus side of the systemd driver: start the container's transient
 * scope, change its properties, stop it. systemd is reached on its private
 * socket (what systemctl uses as root: no dbus-daemon needed), else on the
 * system bus, with kakoi's own client (dbus.h). The calls that change
 * something go through kk_sys()->sd_call so the fault campaign and tests
 * can fail them; the reads (the unit's state while waiting for a job, and
 * ResetFailedUnit, which only forgets a failed unit) do not. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup/systemd/dbus.h"
#include "runtime/cgroup/systemd/systemd.h"
#include "runtime/sys/sys.h"

#define PRIVATE_SOCKET "/run/systemd/private"
#define SYSTEM_BUS_SOCKET "/run/dbus/system_bus_socket"
#define DEST "org.freedesktop.systemd1"
#define PATH "/org/freedesktop/systemd1"
#define MANAGER "org.freedesktop.systemd1.Manager"
#define PROPERTIES "org.freedesktop.DBus.Properties"
#define NO_SUCH_UNIT "org.freedesktop.systemd1.NoSuchUnit"
#define NO_SUCH_PROCESS "org.freedesktop.systemd1.NoSuchProcess"
#define FLAG "--systemd-cgroup"
#define WAIT_MS 30000

static const char *private_socket = PRIVATE_SOCKET;
static const char *bus_socket = SYSTEM_BUS_SOCKET;

void kk_sd_set_sockets(const char *private_path, const char *bus_path)
{
	private_socket = private_path != NULL ? private_path : PRIVATE_SOCKET;
	bus_socket = bus_path != NULL ? bus_path : SYSTEM_BUS_SOCKET;
}

static int call_timeout_ms;

void kk_sd_set_call_timeout(int ms)
{
	call_timeout_ms = ms;
}

static int bus_open(struct kk_dbus **bus, struct kk_error *err)
{
	struct kk_error private_err = {0};

	if (kk_dbus_open_path(private_socket, false, bus, &private_err) == 0 ||
	    kk_dbus_open_path(bus_socket, true, bus, err) == 0) {
		if (call_timeout_ms > 0)
			kk_dbus_set_timeout(*bus, call_timeout_ms);
		return 0;
	}
	kk_error_prefix(err, FLAG ": cannot reach systemd on %s (%s) or the system bus",
			private_socket, private_err.msg);
	return -1;
}

/* Why a call failed: systemd's own message when it answered, else what
 * the client saw (no answer, a malformed one), else errno (the seam). */
static int call_error(const struct kk_dbus_reply *reply, int errnum, const char *what,
		      const char *unit, struct kk_error *err)
{
	if (reply->error_name[0] != '\0') {
		kk_error_set(err, KK_ERR_SYS, FLAG ": %s %s: %s", what, unit,
			     reply->error_msg[0] ? reply->error_msg : reply->error_name);
		kk_error_make_printable(err);
		return -1;
	}
	if (reply->why.msg[0] == '\0')
		return kk_error_sys(err, errnum, FLAG ": %s %s", what, unit);
	*err = reply->why;
	kk_error_prefix(err, FLAG ": %s %s", what, unit);
	return -1;
}

static bool has_name(const struct kk_dbus_reply *reply, const char *name)
{
	return strcmp(reply->error_name, name) == 0;
}

/* A method of path's iface with the body in w (signature sig); through
 * the seam when it changes systemd. */
static int call(struct kk_dbus *bus, bool seam, const char *path, const char *iface,
		const char *method, const char *sig, const struct kk_dbus_writer *w,
		struct kk_dbus_reply *reply)
{
	const struct kk_dbus_request c = {
		.dest = DEST,
		.path = path,
		.iface = iface,
		.member = method,
		.sig = sig,
		.body = w->buf,
		.body_len = w->len,
	};

	if (kk_dbus_w_check(w, &reply->why) < 0) {
		errno = EMSGSIZE;
		return -1;
	}
	return seam ? kk_sys()->sd_call(bus, &c, reply) : kk_dbus_call(bus, &c, reply);
}

static void append_prop(struct kk_dbus_writer *w, const struct kk_sd_prop *p)
{
	static const char *const sigs[] = {
		[KK_SD_BOOL] = "b",   [KK_SD_U64] = "t",   [KK_SD_STR] = "s",
		[KK_SD_BYTES] = "ay", [KK_SD_PIDS] = "au",
	};
	struct kk_dbus_mark m;

	kk_dbus_w_pad(w, 8);
	kk_dbus_w_string(w, p->name);
	kk_dbus_w_signature(w, sigs[p->type]);
	switch (p->type) {
	case KK_SD_BOOL:
		kk_dbus_w_bool(w, p->u64 != 0);
		break;
	case KK_SD_U64:
		kk_dbus_w_u64(w, p->u64);
		break;
	case KK_SD_STR:
		kk_dbus_w_string(w, p->str);
		break;
	case KK_SD_BYTES:
		m = kk_dbus_w_array_begin(w, 1);
		for (size_t i = 0; i < p->n_bytes; i++)
			kk_dbus_w_byte(w, p->bytes[i]);
		kk_dbus_w_array_end(w, m);
		break;
	case KK_SD_PIDS:
		m = kk_dbus_w_array_begin(w, 4);
		kk_dbus_w_u32(w, (uint32_t)p->u64);
		kk_dbus_w_array_end(w, m);
		break;
	}
}

/* a(sv) */
static void append_props(struct kk_dbus_writer *w, const struct kk_sd_props *props)
{
	struct kk_dbus_mark m = kk_dbus_w_array_begin(w, 8);

	for (size_t i = 0; i < props->n; i++)
		append_prop(w, &props->v[i]);
	kk_dbus_w_array_end(w, m);
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Properties.Get of a string property (sd_bus_get_property_string). */
static int get_string(struct kk_dbus *bus, const char *path, const char *iface, const char *prop,
		      char *out, size_t len, struct kk_dbus_reply *reply)
{
	KK_AUTOWRITER struct kk_dbus_writer w = {0};
	struct kk_dbus_reader r;
	const char *value;

	kk_dbus_w_string(&w, iface);
	kk_dbus_w_string(&w, prop);
	if (call(bus, false, path, PROPERTIES, "Get", "ss", &w, reply) < 0)
		return -1;
	kk_dbus_r_init(&r, &reply->msg);
	if (kk_dbus_r_variant(&r, "s", &reply->why) < 0 ||
	    kk_dbus_r_string(&r, 's', &value, &reply->why) < 0) {
		errno = EBADMSG;
		return -1;
	}
	snprintf(out, len, "%s", value);
	return 0;
}

/* The unit's ActiveState, or "" when systemd has no such unit loaded. */
static int active_state(struct kk_dbus *bus, const char *unit, char *out, size_t len,
			struct kk_error *err)
{
	KK_AUTOWRITER struct kk_dbus_writer w = {0};
	KK_AUTOREPLY struct kk_dbus_reply reply = {0};
	KK_AUTOREPLY struct kk_dbus_reply get = {0};
	struct kk_dbus_reader r;
	const char *path;

	out[0] = '\0';
	kk_dbus_w_string(&w, unit);
	if (call(bus, false, PATH, MANAGER, "GetUnit", "s", &w, &reply) < 0)
		return has_name(&reply, NO_SUCH_UNIT)
			       ? 0
			       : call_error(&reply, errno, "read the state of", unit, err);
	kk_dbus_r_init(&r, &reply.msg);
	if (kk_dbus_r_string(&r, 'o', &path, &reply.why) < 0)
		return call_error(&reply, EBADMSG, "read the state of", unit, err);
	if (get_string(bus, path, "org.freedesktop.systemd1.Unit", "ActiveState", out, len, &get) <
	    0)
		return has_name(&get, "org.freedesktop.DBus.Error.UnknownObject")
			       ? 0
			       : call_error(&get, errno, "read the state of", unit, err);
	return 0;
}

/* Whether systemd still has the job (its object goes when it finishes). */
static bool job_pending(struct kk_dbus *bus, const char *job)
{
	KK_AUTOREPLY struct kk_dbus_reply reply = {0};
	char state[64];

	return get_string(bus, job, "org.freedesktop.systemd1.Job", "State", state, sizeof(state),
			  &reply) == 0;
}

/* Polls until the unit is up (active) or down (inactive, failed or gone);
 * a scope's start is a single step, so polling costs little and needs no
 * signal subscription. job (when up): the start job; once it is gone and
 * the unit is not active, the start failed. */
static int wait_state(struct kk_dbus *bus, const char *unit, bool up, const char *job,
		      struct kk_error *err)
{
	char state[64];
	long long end = now_ms() + WAIT_MS;

	for (;;) {
		bool done = up && !job_pending(bus, job);

		if (active_state(bus, unit, state, sizeof(state), err) < 0)
			return -1;
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

/* One manager method on the unit (StopUnit "ss", KillUnit "ssi") through
 * the seam; an unknown unit is done already, and so is a kill of a scope
 * whose processes are gone (systemd answers NoSuchProcess while the
 * emptied scope is still loaded). */
static int unit_call(struct kk_dbus *bus, const char *method, const char *what, const char *unit,
		     const char *arg, int sig, struct kk_error *err)
{
	KK_AUTOWRITER struct kk_dbus_writer w = {0};
	KK_AUTOREPLY struct kk_dbus_reply reply = {0};

	kk_dbus_w_string(&w, unit);
	kk_dbus_w_string(&w, arg);
	if (sig)
		kk_dbus_w_i32(&w, sig);
	if (call(bus, true, PATH, MANAGER, method, sig ? "ssi" : "ss", &w, &reply) == 0 ||
	    has_name(&reply, NO_SUCH_UNIT) || (sig && has_name(&reply, NO_SUCH_PROCESS)))
		return 0;
	return call_error(&reply, errno, what, unit, err);
}

/* SIGKILL first: a stop sends SIGTERM and waits TimeoutStopSec (90 s by
 * default) for processes that ignore it, such as a container init still
 * waiting for `start`. Whoever stops the unit (a failed create's rollback,
 * delete) wants its processes gone. */
static int stop_on(struct kk_dbus *bus, const char *unit, struct kk_error *err)
{
	KK_AUTOWRITER struct kk_dbus_writer w = {0};
	KK_AUTOREPLY struct kk_dbus_reply reply = {0};

	if (unit_call(bus, "KillUnit", "kill", unit, "all", SIGKILL, err) < 0 ||
	    unit_call(bus, "StopUnit", "stop", unit, "replace", 0, err) < 0 ||
	    wait_state(bus, unit, false, NULL, err) < 0)
		return -1;
	/* A failed scope would stay listed (and its name taken) until reset. */
	kk_dbus_w_string(&w, unit);
	call(bus, false, PATH, MANAGER, "ResetFailedUnit", "s", &w, &reply);
	return 0;
}

static int stop_fresh(const char *unit, struct kk_error *err)
{
	KK_AUTODBUS struct kk_dbus *bus = NULL;

	if (bus_open(&bus, err) < 0)
		return -1;
	return stop_on(bus, unit, err);
}

bool kk_sd_reachable(struct kk_error *why)
{
	KK_AUTODBUS struct kk_dbus *bus = NULL;

	return bus_open(&bus, why) == 0;
}

int kk_sd_start(const struct kk_sd_unit *u, const struct kk_sd_props *props, struct kk_error *err)
{
	KK_AUTODBUS struct kk_dbus *bus = NULL;
	KK_AUTOWRITER struct kk_dbus_writer w = {0};
	KK_AUTOREPLY struct kk_dbus_reply reply = {0};
	struct kk_error ignored = {0};
	struct kk_dbus_reader r;
	const char *job;

	if (bus_open(&bus, err) < 0)
		return -1;
	kk_dbus_w_string(&w, u->unit);
	kk_dbus_w_string(&w, "replace");
	append_props(&w, props);
	kk_dbus_w_array_end(&w, kk_dbus_w_array_begin(&w, 8)); /* no auxiliary units */
	if (call(bus, true, PATH, MANAGER, "StartTransientUnit", "ssa(sv)a(sa(sv))", &w, &reply) <
	    0) {
		call_error(&reply, errno, "start", u->unit, err);
		/* Refused (an ERROR from systemd): nothing was started, and a
		 * unit of that name may be someone else's. No answer: systemd
		 * may have started it all the same. */
		kk_dbus_closep(&bus);
		if (reply.error_name[0] == '\0')
			stop_fresh(u->unit, &ignored);
		return -1;
	}
	kk_dbus_r_init(&r, &reply.msg);
	if (kk_dbus_r_string(&r, 'o', &job, &reply.why) < 0)
		call_error(&reply, EBADMSG, "start", u->unit, err);
	else if (wait_state(bus, u->unit, true, job, err) == 0)
		return 0;
	/* The job ran but the unit is not up: leave no unit behind, on a
	 * fresh connection (a failure above may have left this one out of
	 * step). */
	kk_dbus_closep(&bus);
	stop_fresh(u->unit, &ignored);
	return -1;
}

int kk_sd_set(const char *unit, const struct kk_sd_props *props, struct kk_error *err)
{
	KK_AUTODBUS struct kk_dbus *bus = NULL;
	KK_AUTOWRITER struct kk_dbus_writer w = {0};
	KK_AUTOREPLY struct kk_dbus_reply reply = {0};

	if (bus_open(&bus, err) < 0)
		return -1;
	kk_dbus_w_string(&w, unit);
	kk_dbus_w_bool(&w, true); /* runtime only */
	append_props(&w, props);
	if (call(bus, true, PATH, MANAGER, "SetUnitProperties", "sba(sv)", &w, &reply) < 0)
		return call_error(&reply, errno, "set properties of", unit, err);
	return 0;
}

int kk_sd_stop(const char *unit, struct kk_error *err)
{
	return stop_fresh(unit, err);
}
