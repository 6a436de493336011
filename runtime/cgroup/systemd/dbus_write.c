/* The D-Bus marshalling writer: values appended little-endian at their
 * alignment, and whole method-call messages. Pure: no I/O. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/systemd/dbus.h"

void kk_dbus_w_free(struct kk_dbus_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

static bool reserve(struct kk_dbus_writer *w, size_t n)
{
	size_t cap;
	uint8_t *buf;

	if (w->failed)
		return false;
	if (n > KK_DBUS_MSG_MAX || w->len > KK_DBUS_MSG_MAX - n) {
		w->failed = EMSGSIZE;
		return false;
	}
	if (w->len + n <= w->cap)
		return true;
	cap = w->cap ? w->cap : 256;
	while (cap < w->len + n)
		cap *= 2;
	buf = realloc(w->buf, cap);
	if (buf == NULL) {
		w->failed = ENOMEM;
		return false;
	}
	w->buf = buf;
	w->cap = cap;
	return true;
}

static void put(struct kk_dbus_writer *w, const void *p, size_t n)
{
	if (n > 0 && reserve(w, n)) {
		memcpy(w->buf + w->len, p, n);
		w->len += n;
	}
}

void kk_dbus_w_pad(struct kk_dbus_writer *w, size_t align)
{
	static const uint8_t zeros[8];
	size_t pad = (align - w->len % align) % align;

	put(w, zeros, pad);
}

void kk_dbus_w_byte(struct kk_dbus_writer *w, uint8_t v)
{
	put(w, &v, 1);
}

void kk_dbus_w_u32(struct kk_dbus_writer *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

	kk_dbus_w_pad(w, 4);
	put(w, b, 4);
}

void kk_dbus_w_bool(struct kk_dbus_writer *w, bool v)
{
	kk_dbus_w_u32(w, v ? 1 : 0);
}

void kk_dbus_w_i32(struct kk_dbus_writer *w, int32_t v)
{
	kk_dbus_w_u32(w, (uint32_t)v);
}

void kk_dbus_w_u64(struct kk_dbus_writer *w, uint64_t v)
{
	kk_dbus_w_pad(w, 8);
	kk_dbus_w_u32(w, (uint32_t)v);
	kk_dbus_w_u32(w, (uint32_t)(v >> 32));
}

void kk_dbus_w_string(struct kk_dbus_writer *w, const char *s)
{
	size_t n = strlen(s);

	if (n > UINT32_MAX) {
		w->failed = w->failed ? w->failed : EMSGSIZE;
		return;
	}
	kk_dbus_w_u32(w, (uint32_t)n);
	put(w, s, n + 1);
}

void kk_dbus_w_signature(struct kk_dbus_writer *w, const char *sig)
{
	size_t n = strlen(sig);

	if (n > 255) {
		w->failed = w->failed ? w->failed : EMSGSIZE;
		return;
	}
	kk_dbus_w_byte(w, (uint8_t)n);
	put(w, sig, n + 1);
}

struct kk_dbus_mark kk_dbus_w_array_begin(struct kk_dbus_writer *w, size_t elem_align)
{
	struct kk_dbus_mark m;

	kk_dbus_w_pad(w, 4);
	m.slot = w->len;
	kk_dbus_w_u32(w, 0);
	kk_dbus_w_pad(w, elem_align);
	m.start = w->len;
	return m;
}

void kk_dbus_w_array_end(struct kk_dbus_writer *w, struct kk_dbus_mark m)
{
	size_t n;

	if (w->failed)
		return;
	n = w->len - m.start;
	w->buf[m.slot] = (uint8_t)n;
	w->buf[m.slot + 1] = (uint8_t)(n >> 8);
	w->buf[m.slot + 2] = (uint8_t)(n >> 16);
	w->buf[m.slot + 3] = (uint8_t)(n >> 24);
}

int kk_dbus_w_check(const struct kk_dbus_writer *w, struct kk_error *err)
{
	if (w->failed == EMSGSIZE)
		return kk_error_set(err, KK_ERR_LIMIT, "D-Bus: message larger than %u bytes",
				    KK_DBUS_MSG_MAX);
	if (w->failed)
		return kk_error_sys(err, w->failed, "D-Bus: build a message");
	return 0;
}

/* One header field: (y v), the variant holding a string, path or
 * signature. */
static void field(struct kk_dbus_writer *w, uint8_t code, const char *sig, const char *value)
{
	kk_dbus_w_pad(w, 8);
	kk_dbus_w_byte(w, code);
	kk_dbus_w_signature(w, sig);
	if (sig[0] == 'g')
		kk_dbus_w_signature(w, value);
	else
		kk_dbus_w_string(w, value);
}

int kk_dbus_msg_encode(const struct kk_dbus_request *call, uint32_t serial,
		       struct kk_dbus_writer *out, struct kk_error *err)
{
	struct kk_dbus_mark fields;

	if (call->body_len > UINT32_MAX)
		return kk_error_set(err, KK_ERR_LIMIT, "D-Bus: message body too long");
	kk_dbus_w_byte(out, 'l');
	kk_dbus_w_byte(out, call->type ? call->type : KK_DBUS_METHOD_CALL);
	kk_dbus_w_byte(out, 0); /* flags: a reply is expected */
	kk_dbus_w_byte(out, 1); /* protocol version */
	kk_dbus_w_u32(out, (uint32_t)call->body_len);
	kk_dbus_w_u32(out, serial);
	fields = kk_dbus_w_array_begin(out, 8);
	if (call->path != NULL)
		field(out, KK_DBUS_PATH, "o", call->path);
	if (call->iface != NULL)
		field(out, KK_DBUS_INTERFACE, "s", call->iface);
	if (call->member != NULL)
		field(out, KK_DBUS_MEMBER, "s", call->member);
	if (call->error_name != NULL)
		field(out, KK_DBUS_ERROR_NAME, "s", call->error_name);
	if (call->reply_serial != 0) {
		kk_dbus_w_pad(out, 8);
		kk_dbus_w_byte(out, KK_DBUS_REPLY_SERIAL);
		kk_dbus_w_signature(out, "u");
		kk_dbus_w_u32(out, call->reply_serial);
	}
	if (call->dest != NULL)
		field(out, KK_DBUS_DESTINATION, "s", call->dest);
	if (call->sig != NULL && call->sig[0] != '\0')
		field(out, KK_DBUS_SIGNATURE, "g", call->sig);
	kk_dbus_w_array_end(out, fields);
	kk_dbus_w_pad(out, 8);
	if (call->body_len > 0)
		put(out, call->body, call->body_len);
	return kk_dbus_w_check(out, err);
}
