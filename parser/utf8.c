#include "parser/utf8.h"

/* Length of the sequence starting with lead byte c and the allowed range of
 * its second byte (which rules out overlongs, surrogates and > U+10FFFF). */
static size_t sequence(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c == 0xe0)
		*lo = 0xa0;
	else if (c == 0xed)
		*hi = 0x9f;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c == 0xf0)
		*lo = 0x90;
	else if (c == 0xf4)
		*hi = 0x8f;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

bool kk_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned char lo, hi;
		size_t n = sequence(*p, &lo, &hi);

		if (n == 0 || (size_t)(end - p) < n)
			return false;
		if (n > 1 && (p[1] < lo || p[1] > hi))
			return false;
		for (size_t i = 2; i < n; i++)
			if (p[i] < 0x80 || p[i] > 0xbf)
				return false;
		p += n;
	}
	return true;
}
