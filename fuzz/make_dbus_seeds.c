/* Seeds for //fuzz:dbus_fuzz: messages written by kakoi's own D-Bus writer
 * (runtime/cgroup/systemd/dbus.h) as systemd would send them to the
 * driver, and copies that each break one rule of the reader.
 *
 *   make_dbus_seeds OUTDIR
 *       Writes OUTDIR/good-*.msg (replies, an error, a signal, the
 *       driver's own StartTransientUnit with every property type) and
 *       OUTDIR/bad-*.msg (truncated, byte order, version, padding,
 *       boolean, signature, object path, NUL in a string, nesting, file
 *       descriptors, size past the limit, a reply without its serial).
 * The wire format does not change, so the seeds do not go stale; run it
 * again only to add seeds (fuzz/README.md). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/systemd/dbus.h"

static const char *outdir;
static int failures;

static void save(const char *name, const uint8_t *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.msg", outdir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "make_dbus_seeds: cannot write %s\n", path);
		failures++;
	}
}

/* A message of type with body w (signature sig); damage, when not NULL,
 * changes the encoded bytes before they are saved. */
static void message(const char *name, uint8_t type, const char *sig, struct kk_dbus_writer *w,
		    const char *error_name, void (*damage)(struct kk_dbus_writer *m))
{
	struct kk_dbus_request c = {
		.type = type,
		.sig = sig,
		.body = w->buf,
		.body_len = w->len,
		.reply_serial = type == KK_DBUS_METHOD_RETURN || type == KK_DBUS_ERROR ? 7 : 0,
		.error_name = error_name,
	};
	struct kk_dbus_writer m = {0};
	struct kk_error err = {0};

	if (type == KK_DBUS_METHOD_CALL || type == KK_DBUS_SIGNAL) {
		c.path = "/org/freedesktop/systemd1";
		c.iface = "org.freedesktop.systemd1.Manager";
		c.member = type == KK_DBUS_SIGNAL ? "UnitNew" : "StartTransientUnit";
		c.dest = type == KK_DBUS_SIGNAL ? NULL : "org.freedesktop.systemd1";
	}
	if (kk_dbus_msg_encode(&c, 1, &m, &err) < 0) {
		fprintf(stderr, "make_dbus_seeds: %s: %s\n", name, err.msg);
		failures++;
	} else {
		if (damage != NULL)
			damage(&m);
		save(name, m.buf, m.len);
	}
	kk_dbus_w_free(&m);
	kk_dbus_w_free(w);
}

static void one_string(const char *name, uint8_t type, char t, const char *v,
		       void (*damage)(struct kk_dbus_writer *m))
{
	struct kk_dbus_writer w = {0};
	const char sig[2] = {t, 0};

	kk_dbus_w_string(&w, v);
	message(name, type, sig, &w, NULL, damage);
}

static void variant_string(const char *name, const char *v)
{
	struct kk_dbus_writer w = {0};

	kk_dbus_w_signature(&w, "s");
	kk_dbus_w_string(&w, v);
	message(name, KK_DBUS_METHOD_RETURN, "v", &w, NULL, NULL);
}

/* The name and variant signature of one (sv) property. */
static void prop(struct kk_dbus_writer *w, const char *name, const char *sig)
{
	kk_dbus_w_pad(w, 8);
	kk_dbus_w_string(w, name);
	kk_dbus_w_signature(w, sig);
}

/* The driver's StartTransientUnit, every property type once. */
static void start_call(void)
{
	struct kk_dbus_writer w = {0};
	struct kk_dbus_mark props, a;

	kk_dbus_w_string(&w, "kakoi-c1.scope");
	kk_dbus_w_string(&w, "replace");
	props = kk_dbus_w_array_begin(&w, 8);
	prop(&w, "Delegate", "b");
	kk_dbus_w_bool(&w, true);
	prop(&w, "TasksMax", "t");
	kk_dbus_w_u64(&w, 64);
	prop(&w, "Slice", "s");
	kk_dbus_w_string(&w, "system.slice");
	prop(&w, "AllowedCPUs", "ay");
	a = kk_dbus_w_array_begin(&w, 1);
	kk_dbus_w_byte(&w, 0x0b);
	kk_dbus_w_array_end(&w, a);
	prop(&w, "PIDs", "au");
	a = kk_dbus_w_array_begin(&w, 4);
	kk_dbus_w_u32(&w, 4242);
	kk_dbus_w_array_end(&w, a);
	kk_dbus_w_array_end(&w, props);
	kk_dbus_w_array_end(&w, kk_dbus_w_array_begin(&w, 8));
	message("good-start-call", KK_DBUS_METHOD_CALL, "ssa(sv)a(sa(sv))", &w, NULL, NULL);
}

static void cut(struct kk_dbus_writer *m)
{
	m->len -= 3;
}
static void endian(struct kk_dbus_writer *m)
{
	m->buf[0] = 'X';
}
static void version(struct kk_dbus_writer *m)
{
	m->buf[3] = 2;
}
/* The last byte before the body (header padding). */
static void padding(struct kk_dbus_writer *m)
{
	m->buf[m->len - 38] = 0xff;
}
static void nul_inside(struct kk_dbus_writer *m)
{
	m->buf[m->len - 10] = 0;
}
static void huge(struct kk_dbus_writer *m)
{
	m->buf[7] = 0x7f;
}
static void no_reply_serial(struct kk_dbus_writer *m)
{
	m->buf[16] = 200; /* REPLY_SERIAL becomes an unknown field */
}
static void swapped(struct kk_dbus_writer *m)
{
	m->buf[0] = 'B';
}

int main(int argc, char **argv)
{
	static const char job[] = "/org/freedesktop/systemd1/job/42";
	struct kk_dbus_writer w = {0};

	if (argc != 2) {
		fprintf(stderr, "usage: make_dbus_seeds OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	one_string("good-start-reply", KK_DBUS_METHOD_RETURN, 'o', job, NULL);
	one_string("good-getunit-reply", KK_DBUS_METHOD_RETURN, 'o',
		   "/org/freedesktop/systemd1/unit/kakoi_2dc1_2escope", NULL);
	one_string("good-hello-reply", KK_DBUS_METHOD_RETURN, 's', ":1.42", NULL);
	variant_string("good-get-activestate", "active");
	variant_string("good-get-job-state", "running");
	kk_dbus_w_string(&w, "Unit kakoi-c1.scope not loaded.");
	message("good-error-nosuchunit", KK_DBUS_ERROR, "s", &w,
		"org.freedesktop.systemd1.NoSuchUnit", NULL);
	message("good-empty-reply", KK_DBUS_METHOD_RETURN, "", &w, NULL, NULL);
	kk_dbus_w_string(&w, "kakoi-c1.scope");
	kk_dbus_w_string(&w, "/org/freedesktop/systemd1/unit/kakoi_2dc1_2escope");
	message("good-signal-unitnew", KK_DBUS_SIGNAL, "so", &w, NULL, NULL);
	start_call();
	/* PropertiesChanged, which systemd sends between replies. */
	kk_dbus_w_string(&w, "org.freedesktop.systemd1.Unit");
	{
		struct kk_dbus_mark d = kk_dbus_w_array_begin(&w, 8), inv;

		prop(&w, "ActiveState", "s");
		kk_dbus_w_string(&w, "active");
		kk_dbus_w_array_end(&w, d);
		inv = kk_dbus_w_array_begin(&w, 4);
		kk_dbus_w_string(&w, "Job");
		kk_dbus_w_array_end(&w, inv);
	}
	message("good-signal-propertieschanged", KK_DBUS_SIGNAL, "sa{sv}as", &w, NULL, NULL);

	one_string("bad-truncated", KK_DBUS_METHOD_RETURN, 'o', job, cut);
	one_string("bad-byte-order", KK_DBUS_METHOD_RETURN, 'o', job, endian);
	one_string("bad-swapped", KK_DBUS_METHOD_RETURN, 'o', job, swapped);
	one_string("bad-version", KK_DBUS_METHOD_RETURN, 'o', job, version);
	one_string("bad-padding", KK_DBUS_METHOD_RETURN, 'o', job, padding);
	one_string("bad-nul-in-string", KK_DBUS_METHOD_RETURN, 'o', job, nul_inside);
	one_string("bad-too-large", KK_DBUS_METHOD_RETURN, 'o', job, huge);
	one_string("bad-no-reply-serial", KK_DBUS_METHOD_RETURN, 'o', job, no_reply_serial);
	one_string("bad-object-path", KK_DBUS_METHOD_RETURN, 'o', "job/42/", NULL);
	one_string("bad-signature", KK_DBUS_METHOD_RETURN, 'a', job, NULL);
	kk_dbus_w_u32(&w, 2);
	message("bad-boolean", KK_DBUS_METHOD_RETURN, "b", &w, NULL, NULL);
	for (int i = 0; i < 70; i++)
		kk_dbus_w_signature(&w, "v");
	kk_dbus_w_signature(&w, "y");
	kk_dbus_w_byte(&w, 1);
	message("bad-deep-variants", KK_DBUS_METHOD_RETURN, "v", &w, NULL, NULL);
	return failures ? 1 : 0;
}
