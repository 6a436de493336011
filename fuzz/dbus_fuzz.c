/* Fuzz target: the D-Bus reader of the systemd driver
 * (runtime/cgroup/systemd/dbus.h). The input is one message as it would
 * arrive on systemd's socket: kk_dbus_msg_size() of its first 16 bytes,
 * then kk_dbus_msg_parse() of the whole, then the reads the driver makes
 * (an object path, a variant holding a string, an error's first string).
 * The bytes are copied into an exact-size heap block, so ASan sees any
 * read past them. Properties: a refusal sets an invalid or limit error; an
 * accepted message has a type, a serial, a body inside the message that
 * ends it, the fields its type requires, and strings terminated inside
 * the message; the size says what the header says. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_check.h"
#include "runtime/cgroup/systemd/dbus.h"

#define FAILURES (FZ_CODE(KK_ERR_INVALID) | FZ_CODE(KK_ERR_LIMIT))

static _Noreturn void violated(const char *what)
{
	fprintf(stderr, "fuzz property violated: %s\n", what);
	abort();
}

/* s lies inside the message and ends there. */
static void check_string(const struct kk_dbus_msg *m, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;

	if (s == NULL)
		return;
	if (p < m->data || p >= m->data + m->len ||
	    memchr(s, '\0', (size_t)(m->data + m->len - p)) == NULL)
		violated("a string of the message is not inside it");
}

static void check_accepted(const struct kk_dbus_msg *m, size_t size)
{
	const char *strs[] = {m->path, m->iface, m->member, m->error_name, m->dest, m->sender};

	if (m->type == 0 || m->serial == 0 || m->sig == NULL)
		violated("accepted a message without type, serial or signature");
	/* An absent signature is "", which is not in the message. */
	if (m->sig[0] != '\0')
		check_string(m, m->sig);
	if (m->body > size || m->body_len != size - m->body || m->body % 8 != 0)
		violated("the body is not the 8-aligned end of the message");
	if ((m->type == KK_DBUS_METHOD_RETURN || m->type == KK_DBUS_ERROR) && m->reply_serial == 0)
		violated("a reply without REPLY_SERIAL");
	if (m->type == KK_DBUS_ERROR && m->error_name == NULL)
		violated("an error without ERROR_NAME");
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		check_string(m, strs[i]);
}

/* What the driver reads from a reply, whatever the signature: refusals
 * must be errors, reads must stay inside the message. */
static void read_like_the_driver(const struct kk_dbus_msg *m)
{
	struct kk_dbus_reader r;
	struct kk_error err = {0};
	const char *s;
	uint32_t u;

	kk_dbus_r_init(&r, m);
	if (kk_dbus_r_string(&r, 'o', &s, &err) == 0)
		check_string(m, s);
	else
		fz_check_failure("read an object path", &err, FAILURES);
	kk_dbus_r_init(&r, m);
	err = (struct kk_error){0};
	if (kk_dbus_r_variant(&r, "s", &err) == 0 && kk_dbus_r_string(&r, 's', &s, &err) == 0)
		check_string(m, s);
	else
		fz_check_failure("read a variant string", &err, FAILURES);
	kk_dbus_r_init(&r, m);
	err = (struct kk_error){0};
	if (kk_dbus_r_u32(&r, &u, &err) < 0)
		fz_check_failure("read a u32", &err, FAILURES);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct kk_dbus_msg m;
	struct kk_error err = {0};
	size_t want;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (size >= 16) {
		if (kk_dbus_msg_size(copy, &want, &err) < 0)
			fz_check_failure("kk_dbus_msg_size", &err, FAILURES);
		else if (want < 16)
			violated("a message size below the fixed header");
		err = (struct kk_error){0};
	}
	if (kk_dbus_msg_parse(copy, size, &m, &err) < 0) {
		fz_check_failure("kk_dbus_msg_parse", &err, FAILURES);
	} else {
		if (kk_dbus_msg_size(copy, &want, &err) < 0 || want != size)
			violated("accepted a message whose header gives another size");
		check_accepted(&m, size);
		read_like_the_driver(&m);
	}
	free(copy);
	return 0;
}
