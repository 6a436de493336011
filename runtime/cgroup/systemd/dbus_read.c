/* The D-Bus reader: a whole message checked before anything in it is used,
 * and a cursor over its body. Pure: no I/O. The bytes come from whoever
 * answers on systemd's socket, so every length, offset and type is
 * checked against the message's bounds and signature (fuzz/dbus_fuzz.c). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/cgroup/systemd/dbus.h"

/* Container nesting, variants included: the spec allows 32 arrays and 32
 * structs; a value deeper than 64 is refused before the stack notices. */
#define DEPTH_MAX 64

struct cur {
	const uint8_t *d;
	size_t pos, end;
	bool swap;
};

/* A refusal, naming the byte where reading stopped. */
static int KK_PRINTF(3, 4) bad(struct kk_error *err, const struct cur *c, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return kk_error_set(err, KK_ERR_INVALID, "D-Bus: malformed message at byte %zu: %s", c->pos,
			    what);
}

static int skip_to(struct cur *c, size_t align, struct kk_error *err)
{
	size_t to = c->pos + (align - c->pos % align) % align;

	if (to > c->end)
		return bad(err, c, "truncated (padding)");
	for (; c->pos < to; c->pos++)
		if (c->d[c->pos] != 0)
			return bad(err, c, "padding is not zero");
	return 0;
}

static int need(struct cur *c, size_t n, struct kk_error *err)
{
	if (n > c->end - c->pos)
		return bad(err, c, "truncated (%zu bytes needed, %zu left)", n, c->end - c->pos);
	return 0;
}

static uint64_t get_n(struct cur *c, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		size_t at = c->swap ? i : n - 1 - i;

		v = (v << 8) | c->d[c->pos + at];
	}
	c->pos += n;
	return v;
}

/* An unsigned integer of n bytes (1, 2, 4, 8), aligned to n. */
static int get_uint(struct cur *c, size_t n, uint64_t *v, struct kk_error *err)
{
	if (skip_to(c, n, err) < 0 || need(c, n, err) < 0)
		return -1;
	*v = get_n(c, n);
	return 0;
}

static bool basic(char t)
{
	return t != '\0' && strchr("ybnqiuxtdhsog", t) != NULL;
}

/* The end of the complete type starting at s, or NULL if there is none. */
static const char *type_end(const char *s, int arrays, int structs)
{
	if (basic(*s) || *s == 'v')
		return s + 1;
	if (*s == 'a' && s[1] == '{') {
		if (arrays >= 32 || structs >= 32 || !basic(s[2]))
			return NULL;
		s = type_end(s + 3, arrays + 1, structs + 1);
		return s != NULL && *s == '}' ? s + 1 : NULL;
	}
	if (*s == 'a')
		return arrays >= 32 ? NULL : type_end(s + 1, arrays + 1, structs);
	if (*s != '(' || structs >= 32 || s[1] == ')')
		return NULL;
	for (s++; s != NULL && *s != ')';)
		s = *s == '\0' ? NULL : type_end(s, arrays, structs + 1);
	return s != NULL ? s + 1 : NULL;
}

/* A signature of complete types; one when single. */
static bool sig_valid(const char *s, bool single)
{
	size_t n = 0;

	while (*s != '\0') {
		s = type_end(s, 0, 0);
		if (s == NULL)
			return false;
		n++;
	}
	return single ? n == 1 : true;
}

/* "/" or "/a/b_c": elements of [A-Za-z0-9_], none empty, no trailing /. */
static bool path_valid(const char *p)
{
	if (p[0] != '/')
		return false;
	if (p[1] == '\0')
		return true;
	for (p++;; p++) {
		size_t n = strspn(
			p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

		if (n == 0)
			return false;
		p += n;
		if (*p == '\0')
			return true;
		if (*p != '/')
			return false;
	}
}

/* s, o (u32 length) or g (u8 length): the bytes, then a NUL, none inside. */
static int get_str(struct cur *c, char t, const char **out, struct kk_error *err)
{
	uint64_t n;
	const char *s;

	/* n < what is left, not n + 1 <= it: n + 1 wraps where size_t is 32 bits. */
	if (get_uint(c, t == 'g' ? 1 : 4, &n, err) < 0)
		return -1;
	if (n >= c->end - c->pos)
		return bad(err, c, "truncated (a string of %llu bytes, %zu left)",
			   (unsigned long long)n, c->end - c->pos);
	s = (const char *)c->d + c->pos;
	if (s[n] != '\0' || memchr(s, '\0', n) != NULL)
		return bad(err, c, "string of %llu bytes is not NUL-terminated or holds a NUL",
			   (unsigned long long)n);
	if (t == 'o' && !path_valid(s))
		return bad(err, c, "not an object path");
	if (t == 'g' && !sig_valid(s, false))
		return bad(err, c, "not a signature");
	c->pos += n + 1;
	*out = s;
	return 0;
}

static size_t alignment(char t)
{
	switch (t) {
	case 'y':
	case 'g':
	case 'v':
		return 1;
	case 'n':
	case 'q':
		return 2;
	case 'x':
	case 't':
	case 'd':
	case '(':
	case '{':
		return 8;
	default:
		return 4;
	}
}

static int skip_value(struct cur *c, const char **sig, int depth, struct kk_error *err);

/* The elements of an array of type *sig (past the 'a'). */
static int skip_array(struct cur *c, const char **sig, int depth, struct kk_error *err)
{
	uint64_t n;
	struct cur sub;
	const char *elem = *sig;

	/* From the 'a': a dict entry is a complete type only in its array. */
	*sig = type_end(elem - 1, 0, 0);
	if (get_uint(c, 4, &n, err) < 0 || skip_to(c, alignment(*elem), err) < 0 ||
	    need(c, n, err) < 0)
		return -1;
	sub = *c;
	sub.end = c->pos + n;
	while (sub.pos < sub.end) {
		const char *s = elem;

		if (skip_value(&sub, &s, depth + 1, err) < 0)
			return -1;
	}
	c->pos = sub.end; /* the elements' reads were bounded by it */
	return 0;
}

static int skip_value(struct cur *c, const char **sig, int depth, struct kk_error *err)
{
	char t = *(*sig)++;
	uint64_t v;
	const char *s;

	if (depth > DEPTH_MAX)
		return bad(err, c, "nested deeper than %d", DEPTH_MAX);
	switch (t) {
	case 's':
	case 'o':
	case 'g':
		return get_str(c, t, &s, err);
	case 'b':
		if (get_uint(c, 4, &v, err) < 0)
			return -1;
		return v <= 1 ? 0 : bad(err, c, "boolean %llu", (unsigned long long)v);
	case 'v':
		if (get_str(c, 'g', &s, err) < 0)
			return -1;
		if (!sig_valid(s, true))
			return bad(err, c, "variant signature \"%s\" is not one type", s);
		return skip_value(c, &s, depth + 1, err);
	case 'a':
		return skip_array(c, sig, depth, err);
	case '(':
	case '{':
		if (skip_to(c, 8, err) < 0)
			return -1;
		while (**sig != ')' && **sig != '}')
			if (skip_value(c, sig, depth + 1, err) < 0)
				return -1;
		(*sig)++;
		return 0;
	default:
		return get_uint(c, alignment(t), &v, err);
	}
}

int kk_dbus_msg_size(const uint8_t head[16], size_t *size, struct kk_error *err)
{
	struct cur c = {.d = head, .pos = 4, .end = 16, .swap = head[0] == 'B'};
	uint64_t body, fields, total;

	if (head[0] != 'l' && head[0] != 'B')
		return bad(err, &c, "byte order '%c' is neither 'l' nor 'B'",
			   head[0] >= 0x20 && head[0] < 0x7f ? head[0] : '?');
	if (head[3] != 1)
		return bad(err, &c, "protocol version %u, not 1", head[3]);
	body = get_n(&c, 4);
	c.pos = 12;
	fields = get_n(&c, 4);
	total = ((16 + fields + 7) & ~(uint64_t)7) + body;
	if (total > KK_DBUS_MSG_MAX)
		return kk_error_set(err, KK_ERR_LIMIT,
				    "D-Bus: a message of %llu bytes is larger than %u",
				    (unsigned long long)total, KK_DBUS_MSG_MAX);
	*size = (size_t)total;
	return 0;
}

/* The header field code at c: its value, which must be of type want
 * (checked in the variant's signature), into m. */
static int known_field(struct cur *c, uint8_t code, const char *vsig, struct kk_dbus_msg *m,
		       struct kk_error *err)
{
	static const char types[] = {0, 'o', 's', 's', 's', 'u', 's', 's', 'g', 'u'};
	const char **str[] = {NULL, &m->path, &m->iface,  &m->member, &m->error_name,
			      NULL, &m->dest, &m->sender, &m->sig};
	uint64_t v;

	if (vsig[0] != types[code] || vsig[1] != '\0')
		return bad(err, c, "header field %u has type \"%s\", not \"%c\"", code, vsig,
			   types[code]);
	if (code == KK_DBUS_REPLY_SERIAL || code == KK_DBUS_UNIX_FDS) {
		if (get_uint(c, 4, &v, err) < 0)
			return -1;
		if (code == KK_DBUS_UNIX_FDS && v != 0)
			return bad(err, c, "carries %llu file descriptors; none were asked for",
				   (unsigned long long)v);
		if (code == KK_DBUS_REPLY_SERIAL && (v == 0 || m->reply_serial != 0))
			return bad(err, c, "reply serial 0, or twice");
		m->reply_serial = code == KK_DBUS_REPLY_SERIAL ? (uint32_t)v : m->reply_serial;
		return 0;
	}
	if (*str[code] != NULL)
		return bad(err, c, "header field %u twice", code);
	return get_str(c, types[code], str[code], err);
}

static int parse_fields(struct cur *c, struct kk_dbus_msg *m, struct kk_error *err)
{
	while (c->pos < c->end) {
		uint64_t code;
		const char *vsig;

		if (skip_to(c, 8, err) < 0 || get_uint(c, 1, &code, err) < 0 ||
		    get_str(c, 'g', &vsig, err) < 0)
			return -1;
		if (!sig_valid(vsig, true))
			return bad(err, c, "header field %u: \"%s\" is not one type",
				   (unsigned)code, vsig);
		if (code == 0)
			return bad(err, c, "header field code 0");
		if (code <= KK_DBUS_UNIX_FDS ? known_field(c, (uint8_t)code, vsig, m, err) < 0
					     : skip_value(c, &vsig, 1, err) < 0)
			return -1;
	}
	return 0;
}

/* The fields each type must carry. */
static int required(const struct kk_dbus_msg *m, struct cur *c, struct kk_error *err)
{
	const char *missing = NULL;

	if ((m->type == KK_DBUS_METHOD_CALL || m->type == KK_DBUS_SIGNAL) && m->path == NULL)
		missing = "PATH";
	else if ((m->type == KK_DBUS_METHOD_CALL || m->type == KK_DBUS_SIGNAL) && m->member == NULL)
		missing = "MEMBER";
	else if (m->type == KK_DBUS_SIGNAL && m->iface == NULL)
		missing = "INTERFACE";
	else if (m->type == KK_DBUS_ERROR && m->error_name == NULL)
		missing = "ERROR_NAME";
	else if ((m->type == KK_DBUS_ERROR || m->type == KK_DBUS_METHOD_RETURN) &&
		 m->reply_serial == 0)
		missing = "REPLY_SERIAL";
	return missing ? bad(err, c, "message of type %u without %s", m->type, missing) : 0;
}

int kk_dbus_msg_parse(const uint8_t *data, size_t len, struct kk_dbus_msg *m, struct kk_error *err)
{
	struct cur c = {.d = data, .pos = 0, .end = len};
	size_t size;
	uint64_t v;
	const char *sig;

	memset(m, 0, sizeof(*m));
	if (need(&c, 16, err) < 0 || kk_dbus_msg_size(data, &size, err) < 0)
		return -1;
	if (size != len)
		return bad(err, &c, "%zu bytes, but its header says %zu", len, size);
	c.swap = data[0] == 'B';
	m->data = data;
	m->len = len;
	m->swap = c.swap;
	m->type = data[1];
	m->flags = data[2];
	c.pos = 4;
	m->body_len = (size_t)get_n(&c, 4);
	m->serial = (uint32_t)get_n(&c, 4);
	if (m->type == 0 || m->serial == 0)
		return bad(err, &c, "type or serial 0");
	v = get_n(&c, 4);
	c.end = 16 + (size_t)v;
	if (parse_fields(&c, m, err) < 0 || required(m, &c, err) < 0)
		return -1;
	c.end = len;
	if (skip_to(&c, 8, err) < 0)
		return -1;
	m->body = c.pos;
	sig = m->sig != NULL ? m->sig : "";
	m->sig = sig;
	while (*sig != '\0' && c.pos <= c.end)
		if (skip_value(&c, &sig, 0, err) < 0)
			return -1;
	if (c.pos != len)
		return bad(err, &c, "%zu bytes of body left over after signature \"%s\"",
			   len - c.pos, m->sig);
	return 0;
}

void kk_dbus_r_init(struct kk_dbus_reader *r, const struct kk_dbus_msg *m)
{
	r->m = m;
	r->sig = m->sig;
	r->pos = m->body;
	r->end = m->len;
}

/* The next value must be of type t. */
static int expect(struct kk_dbus_reader *r, char t, struct kk_error *err)
{
	if (r->sig[0] != t)
		return kk_error_set(err, KK_ERR_INVALID,
				    "D-Bus: the reply holds \"%s\" where '%c' was expected", r->sig,
				    t);
	r->sig++;
	return 0;
}

int kk_dbus_r_string(struct kk_dbus_reader *r, char t, const char **out, struct kk_error *err)
{
	struct cur c = {.d = r->m->data, .pos = r->pos, .end = r->end, .swap = r->m->swap};

	if (expect(r, t, err) < 0 || get_str(&c, t, out, err) < 0)
		return -1;
	r->pos = c.pos;
	return 0;
}

int kk_dbus_r_u32(struct kk_dbus_reader *r, uint32_t *out, struct kk_error *err)
{
	struct cur c = {.d = r->m->data, .pos = r->pos, .end = r->end, .swap = r->m->swap};
	uint64_t v;

	if (expect(r, 'u', err) < 0 || get_uint(&c, 4, &v, err) < 0)
		return -1;
	r->pos = c.pos;
	*out = (uint32_t)v;
	return 0;
}

int kk_dbus_r_variant(struct kk_dbus_reader *r, const char *sig, struct kk_error *err)
{
	const char *got;

	struct cur c = {.d = r->m->data, .pos = r->pos, .end = r->end, .swap = r->m->swap};

	if (expect(r, 'v', err) < 0 || get_str(&c, 'g', &got, err) < 0)
		return -1;
	r->pos = c.pos;
	if (strcmp(got, sig) != 0)
		return kk_error_set(err, KK_ERR_INVALID,
				    "D-Bus: the reply's variant holds \"%s\", not \"%s\"", got,
				    sig);
	r->sig = got;
	return 0;
}
