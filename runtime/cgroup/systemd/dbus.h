/* runtime/cgroup/systemd: a small D-Bus client, enough for the systemd
 * driver's seven calls (scope.c). Three parts, one file each:
 *   dbus_write.c  the marshalling writer (pure)
 *   dbus_read.c   the bounds-checked reader of a whole message (pure: this
 *                 is what fuzz/dbus_fuzz feeds with untrusted bytes)
 *   dbus_conn.c   a connection: unix socket, SASL EXTERNAL, one call at a
 *                 time, every wait bounded
 * Only little-endian messages are written; both byte orders are read. No
 * fd passing, no signals subscribed (a signal that arrives is skipped), no
 * introspection. See README.md in this folder. */
#ifndef KK_RUNTIME_CGROUP_SYSTEMD_DBUS_H
#define KK_RUNTIME_CGROUP_SYSTEMD_DBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest message read or written: systemd's replies to the driver's
 * calls are a few hundred bytes. */
#define KK_DBUS_MSG_MAX (1u << 20)
/* How long a call waits for its reply (sd-bus's default). */
#define KK_DBUS_TIMEOUT_MS 25000

/* Header field codes. */
enum kk_dbus_field {
	KK_DBUS_PATH = 1,	  /* o */
	KK_DBUS_INTERFACE = 2,	  /* s */
	KK_DBUS_MEMBER = 3,	  /* s */
	KK_DBUS_ERROR_NAME = 4,	  /* s */
	KK_DBUS_REPLY_SERIAL = 5, /* u */
	KK_DBUS_DESTINATION = 6,  /* s */
	KK_DBUS_SENDER = 7,	  /* s */
	KK_DBUS_SIGNATURE = 8,	  /* g */
	KK_DBUS_UNIX_FDS = 9,	  /* u */
};

enum kk_dbus_type {
	KK_DBUS_METHOD_CALL = 1,
	KK_DBUS_METHOD_RETURN = 2,
	KK_DBUS_ERROR = 3,
	KK_DBUS_SIGNAL = 4,
};

/* ---- writer (dbus_write.c) ----------------------------------------------
 * Appends values at the alignment the spec gives them, counted from the
 * buffer's start (a body always starts 8-aligned in its message, so a
 * body written alone is aligned as in the message). Errors (no memory,
 * past KK_DBUS_MSG_MAX, a string too long) stick: check once at the end. */
struct kk_dbus_writer {
	uint8_t *buf;
	size_t len, cap;
	int failed; /* 0, or the errno of the first failure */
};

void kk_dbus_w_free(struct kk_dbus_writer *w);
#define KK_AUTOWRITER __attribute__((cleanup(kk_dbus_w_free)))

void kk_dbus_w_pad(struct kk_dbus_writer *w, size_t align);
void kk_dbus_w_byte(struct kk_dbus_writer *w, uint8_t v);
void kk_dbus_w_bool(struct kk_dbus_writer *w, bool v);
void kk_dbus_w_u32(struct kk_dbus_writer *w, uint32_t v);
void kk_dbus_w_i32(struct kk_dbus_writer *w, int32_t v);
void kk_dbus_w_u64(struct kk_dbus_writer *w, uint64_t v);
/* s and o: u32 length, bytes, NUL. */
void kk_dbus_w_string(struct kk_dbus_writer *w, const char *s);
/* g: u8 length, bytes, NUL. */
void kk_dbus_w_signature(struct kk_dbus_writer *w, const char *sig);
/* An array: begin writes the length slot and the padding to the element
 * alignment (there even when the array stays empty) and returns where
 * both are, for end to fill the length in (the padding not counted). */
struct kk_dbus_mark {
	size_t slot, start;
};
struct kk_dbus_mark kk_dbus_w_array_begin(struct kk_dbus_writer *w, size_t elem_align);
void kk_dbus_w_array_end(struct kk_dbus_writer *w, struct kk_dbus_mark m);
/* Whether everything was written; err says what failed. */
int kk_dbus_w_check(const struct kk_dbus_writer *w, struct kk_error *err);

/* A message to send, a method call unless type says otherwise (tests and
 * seeds write replies too): NULL fields and a 0 reply_serial are left
 * out. The body is written with the writer above and sig is its
 * signature ("" or NULL for none). */
struct kk_dbus_request {
	const char *dest, *path, *iface, *member;
	const char *sig;
	const uint8_t *body;
	size_t body_len;
	uint8_t type; /* 0: KK_DBUS_METHOD_CALL */
	uint32_t reply_serial;
	const char *error_name;
};

/* The whole message (fixed header, fields, padding, body) into out. */
int kk_dbus_msg_encode(const struct kk_dbus_request *call, uint32_t serial,
		       struct kk_dbus_writer *out, struct kk_error *err);

/* ---- reader (dbus_read.c) ----------------------------------------------- */

/* A checked message. The strings point into the bytes given to
 * kk_dbus_msg_parse (NUL-terminated there); absent fields are NULL, an
 * absent signature "". */
struct kk_dbus_msg {
	const uint8_t *data;
	size_t len;
	bool swap; /* 'B': big-endian */
	uint8_t type, flags;
	uint32_t serial, reply_serial; /* reply_serial 0: absent */
	const char *path, *iface, *member, *error_name, *dest, *sender;
	const char *sig;
	size_t body, body_len; /* offset and length of the body */
};

/* The length of the whole message whose first 16 bytes are head, or an
 * error when the fixed header is malformed or the message would be larger
 * than KK_DBUS_MSG_MAX. */
int kk_dbus_msg_size(const uint8_t head[16], size_t *size, struct kk_error *err);

/* Checks the whole message: fixed header, every header field (unknown
 * codes skipped), the fields its type requires, and every body value
 * against the signature (bounds, alignment and zero padding, string
 * terminators, booleans 0 or 1, valid object paths and signatures, array
 * lengths, nesting depth). len must be exactly the message. */
int kk_dbus_msg_parse(const uint8_t *data, size_t len, struct kk_dbus_msg *m, struct kk_error *err);

/* A cursor over the body of a parsed message, following its signature. */
struct kk_dbus_reader {
	const struct kk_dbus_msg *m;
	const char *sig; /* what is left to read */
	size_t pos;	 /* offset in m->data */
	size_t end;
};

void kk_dbus_r_init(struct kk_dbus_reader *r, const struct kk_dbus_msg *m);
/* The next value, which must be of type t ('s', 'o' or 'g'): *out points
 * into the message. */
int kk_dbus_r_string(struct kk_dbus_reader *r, char t, const char **out, struct kk_error *err);
/* The next value, a 'u'. */
int kk_dbus_r_u32(struct kk_dbus_reader *r, uint32_t *out, struct kk_error *err);
/* The next value, a 'v' whose content must have signature sig: r then
 * reads the content (and nothing after it). */
int kk_dbus_r_variant(struct kk_dbus_reader *r, const char *sig, struct kk_error *err);

/* ---- connection (dbus_conn.c) ------------------------------------------- */

struct kk_dbus;

/* Connects to the unix socket path (SOCK_STREAM, close-on-exec), then
 * authenticates (SASL EXTERNAL as this euid) and, when hello, calls
 * org.freedesktop.DBus.Hello (a bus daemon wants it first; systemd's
 * private socket does not). */
int kk_dbus_open_path(const char *path, bool hello, struct kk_dbus **out, struct kk_error *err);
/* The same over a connected socket fd (taken over: closed by
 * kk_dbus_close, or here on failure). For tests. */
int kk_dbus_open_fd(int fd, bool hello, struct kk_dbus **out, struct kk_error *err);
void kk_dbus_close(struct kk_dbus *b);
void kk_dbus_closep(struct kk_dbus **b);
#define KK_AUTODBUS __attribute__((cleanup(kk_dbus_closep)))

/* For tests: how long calls on b wait (default KK_DBUS_TIMEOUT_MS). */
void kk_dbus_set_timeout(struct kk_dbus *b, int ms);

/* A reply: the message (owned) and, for an ERROR, its name and first
 * string. why: what went wrong when there is no answer from the peer
 * (send, timeout, a malformed message); empty otherwise. */
struct kk_dbus_reply {
	uint8_t *data;
	struct kk_dbus_msg msg;
	char error_name[256];
	char error_msg[512];
	struct kk_error why;
};

void kk_dbus_reply_free(struct kk_dbus_reply *r);
#define KK_AUTOREPLY __attribute__((cleanup(kk_dbus_reply_free)))

/* Sends call and reads until its METHOD_RETURN or ERROR, skipping other
 * messages (signals, other replies), at most the timeout in all. 0 on a
 * METHOD_RETURN; -1 with errno on an ERROR (reply->error_name set, errno
 * EREMOTEIO) or no answer (reply->why set). reply is freed first. */
int kk_dbus_call(struct kk_dbus *b, const struct kk_dbus_request *call,
		 struct kk_dbus_reply *reply);

#ifdef __cplusplus
}
#endif

#endif
