#ifndef KK_RUNTIME_VERSION_H
#define KK_RUNTIME_VERSION_H

#define KK_VERSION "0.1.0"
/* The OCI runtime-spec version kakoi implements. */
#define KK_SPEC_VERSION "1.3.0"

#endif
