/* Resource limits of the parser, each with a name so an error can cite it.
 * Sized for real configs: a Podman or Docker config with the full default
 * seccomp profile is 50-100 KB, a few hundred syscall names in one array. */
#ifndef KK_PARSER_LIMITS_H
#define KK_PARSER_LIMITS_H

/* Largest config.json / process.json / state.json accepted, in bytes. */
#define KK_LIMIT_INPUT_BYTES (4u * 1024 * 1024)
/* Deepest JSON nesting accepted (the spec itself needs 6). */
#define KK_LIMIT_JSON_DEPTH 32
/* Most elements in one JSON array. */
#define KK_LIMIT_ARRAY_ITEMS 16384
/* Most members in one JSON object used as a map (annotations, sysctl, ...). */
#define KK_LIMIT_MAP_ENTRIES 16384
/* Most entries in one uidMappings/gidMappings list: the kernel accepts at
 * most 340 lines in uid_map / gid_map (user_namespaces(7)); the cap also
 * bounds the quadratic overlap check. */
#define KK_LIMIT_ID_MAPPINGS 340
/* Most warnings one document carries (a config listing thousands of
 * unknown capabilities gets this many, then one saying the rest was cut). */
#define KK_LIMIT_WARNINGS 32
/* Largest flattened image a child may hand back, in bytes. */
#define KK_LIMIT_IMAGE_BYTES (64u * 1024 * 1024)

#endif
