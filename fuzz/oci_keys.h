/* The JSON keys of the OCI documents kakoi reads: for the dictionary
 * (make_dict.c) and the structure-aware mutator (json_mutator.c), which
 * inserts them. Listed by hand because nothing in parser/ names them as
 * data (the builders spell them in code). */
#ifndef KK_FUZZ_OCI_KEYS_H
#define KK_FUZZ_OCI_KEYS_H

#include <stddef.h>

extern const char *const fz_oci_keys[];
extern const size_t fz_oci_keys_count;

#endif
