/* Private to parser/: strict UTF-8 (RFC 3629). json-c's own check lets
 * overlong forms, surrogates and code points above U+10FFFF through; kakoi
 * refuses them in the parser and, with the same function, in the image
 * decoder, so both accept exactly the same strings. */
#ifndef KK_PARSER_UTF8_H
#define KK_PARSER_UTF8_H

#include <stdbool.h>
#include <stddef.h>

bool kk_utf8_valid(const char *s, size_t len);

#endif
