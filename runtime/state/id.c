/* Container IDs: the one check every entry point makes before an ID becomes
 * a directory name under the root. */
#include <string.h>

#include "runtime/state/state.h"

/* The ID is untrusted input quoted in the message: show at most this much. */
#define ID_SHOWN 64
#define STR_(x) #x
#define STR(x) STR_(x)

static bool id_char_ok(char c, bool first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	/* A leading '.' would make "." and ".." (and hidden names); a leading
	 * '-' reads as a flag to whoever runs a tool on the path. */
	return !first && (c == '_' || c == '.' || c == '+' || c == '-');
}

static int id_invalid(const char *id, const char *why, struct kk_error *err)
{
	kk_error_set(err, KK_ERR_INVALID, "invalid container id \"%.*s\"%s: %s", ID_SHOWN, id,
		     strlen(id) > ID_SHOWN ? "..." : "", why);
	kk_error_make_printable(err);
	return -1;
}

int kk_id_check(const char *id, struct kk_error *err)
{
	size_t len = strnlen(id, KK_ID_MAX + 1);

	if (len == 0)
		return kk_error_set(err, KK_ERR_INVALID, "invalid container id: empty");
	if (len > KK_ID_MAX)
		return id_invalid(id, "longer than " STR(KK_ID_MAX) " bytes", err);
	if (!id_char_ok(id[0], true))
		return id_invalid(id, "must start with a letter or a digit", err);
	for (size_t i = 1; i < len; i++)
		if (!id_char_ok(id[i], false))
			return id_invalid(
				id, "only letters, digits and the characters _ . + - are allowed",
				err);
	return 0;
}
