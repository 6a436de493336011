#ifndef KK_RUNTIME_VERSION_H
#define KK_RUNTIME_VERSION_H

#define KK_VERSION "0.1.0"
/* The OCI runtime-spec version kakoi implements. */
#define KK_SPEC_VERSION "1.3.0"

#ifdef __cplusplus
extern "C" {
#endif

/* The git commit the binary was built from, "unknown" when it was built
 * outside git or unstamped (build_info.cc, a Bazel linkstamp). */
const char *kk_build_commit(void);

#ifdef __cplusplus
}
#endif

#endif
