#include "fuzz/oci_keys.h"

/* Every object key of config.json, state.json and a process object (OCI
 * runtime-spec v1.3.0, Linux, plus other platforms' top-level keys). */
/* Kept compact: one entry per line would make the list ten times longer. */
/* clang-format off */
const char *const fz_oci_keys[] = {
	"access", "action", "additionalGids", "allow", "ambient", "annotations",
	"apparmorProfile", "architectures", "args", "blockIO", "boottime", "bounding", "bundle",
	"burst", "capabilities", "cgroupsPath", "checkBeforeUpdate", "class", "classID", "closID",
	"commandLine", "consoleSize", "containerID", "cpu", "cpus", "createContainer",
	"createRuntime", "cwd", "deadline", "defaultAction", "defaultErrnoRet", "destination",
	"devices", "disableOOMKiller", "domain", "domainname", "effective", "enableMonitoring",
	"env", "errnoRet", "execCPUAffinity", "fileMode", "final", "flags", "freebsd", "gid",
	"gidMappings", "hard", "hcaHandles", "hcaObjects", "height", "hooks", "hostID", "hostname",
	"hugepageLimits", "id", "idle", "index", "inheritable", "initial", "intelRdt", "ioPriority",
	"kernel", "kernelTCP", "l3CacheSchema", "leafWeight", "limit", "linux", "listenerMetadata",
	"listenerPath", "major", "maskedPaths", "memBwSchema", "memory", "memoryPolicy", "mems",
	"minor", "mode", "monotonic", "mountLabel", "mounts", "name", "names", "namespaces",
	"nanosecs", "netDevices", "network", "nice", "noNewPrivileges", "nodes", "ociVersion",
	"oomScoreAdj", "op", "options", "pageSize", "path", "period", "permitted", "personality",
	"pid", "pids", "policy", "poststart", "poststop", "prestart", "priorities", "priority",
	"process", "quota", "rate", "rdma", "readonly", "readonlyPaths", "realtimePeriod",
	"realtimeRuntime", "reservation", "resources", "rlimits", "root", "rootfsPropagation",
	"runtime", "scheduler", "schemata", "seccomp", "secs", "selinuxLabel", "shares", "size",
	"soft", "solaris", "source", "startContainer", "status", "swap", "swappiness", "syscalls",
	"sysctl", "terminal", "throttleReadBpsDevice", "throttleReadIOPSDevice",
	"throttleWriteBpsDevice", "throttleWriteIOPSDevice", "timeOffsets", "timeout", "type",
	"uid", "uidMappings", "umask", "unified", "useHierarchy", "user", "username", "value",
	"valueTwo", "vm", "weight", "weightDevice", "width", "windows", "zos",
};
/* clang-format on */

const size_t fz_oci_keys_count = sizeof(fz_oci_keys) / sizeof(fz_oci_keys[0]);
