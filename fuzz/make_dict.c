/* Prints a libFuzzer dictionary (one "token" a line) for the fuzz targets.
 *
 *   make_dict          JSON targets: punctuation, the spec's JSON keys, and
 *                      every name of every closed vocabulary (kk_vocab_all)
 *                      as a JSON string, plus boundary numbers.
 *   make_dict --image  image target: the header magic, and every vocabulary
 *                      value as the little-endian integer the decoder checks.
 *
 * The vocabulary part comes from the parser's own tables, so a name added
 * there reaches the fuzzer without anyone editing a dictionary. The JSON
 * keys are listed here because nothing in parser/ names them as data (the
 * builders spell them in code). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "parser/image.h"
#include "parser/vocab.h"

/* Every object key of config.json, state.json and a process object (OCI
 * runtime-spec v1.3.0, Linux, plus other platforms' top-level keys). */
/* Kept compact: one entry per line would make the lists ten times longer. */
/* clang-format off */
static const char *const json_keys[] = {
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

/* JSON syntax, and values at the edges of what the readers convert. */
static const char *const json_tokens[] = {
	"{", "}", "[", "]", ":", ",", "\"", "\"\"", "{}", "[]", "\\\"", "\\\\", "\\u0000",
	"\\ud800", "\\udc00", "\\u00e9", "true", "false", "null", "0", "-0", "1", "-1", "0.0",
	"1e1", "1E400", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295",
	"4294967296", "65535", "65536", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "-9223372036854775809", "18446744073709551615",
	"18446744073709551616", "\"1.3.0\"", "\"2.0.0\"", "\"/\"", "\"rwm\"", "\"a\"", "\"c\"",
	"\"b\"", "\"u\"", "\"p\"", "\"MB:0=100\"", "\"L3:0=ffff\"", "\"0-3\"",
};
/* clang-format on */

/* libFuzzer's dictionary syntax: "..." with \\, \" and \xNN escapes (also
 * used for spaces, which would read as padding around the token). */
static void put_entry(const void *bytes, size_t len)
{
	const unsigned char *p = bytes;

	putchar('"');
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\\' || p[i] == '"')
			printf("\\%c", p[i]);
		else if (p[i] > 0x20 && p[i] < 0x7f)
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	puts("\"");
}

static void put_text(const char *s)
{
	put_entry(s, strlen(s));
}

/* A JSON string literal, e.g. "\"CAP_CHOWN\"": the unit the parser sees. */
static void put_json_string(const char *s, const char *suffix)
{
	char buf[128];

	if (snprintf(buf, sizeof(buf), "\"%s\"%s", s, suffix) < (int)sizeof(buf))
		put_text(buf);
}

static void json_dict(void)
{
	puts("# JSON syntax and boundary numbers");
	for (size_t i = 0; i < sizeof(json_tokens) / sizeof(json_tokens[0]); i++)
		put_text(json_tokens[i]);
	puts("# JSON keys of the spec");
	for (size_t i = 0; i < sizeof(json_keys) / sizeof(json_keys[0]); i++)
		put_json_string(json_keys[i], ":");
	for (size_t v = 0; v < kk_vocab_all_count; v++) {
		const struct kk_vocab *vocab = kk_vocab_all[v];

		printf("# vocabulary: %s\n", vocab->what);
		for (size_t i = 0; i < vocab->n; i++)
			put_json_string(vocab->entries[i].name, "");
	}
}

/* Many vocabularies share small values; each token once is enough. */
static bool seen_before(uint64_t value, size_t width)
{
	static struct {
		uint64_t value;
		size_t width;
	} seen[512];
	static size_t n;

	for (size_t i = 0; i < n; i++)
		if (seen[i].value == value && seen[i].width == width)
			return true;
	if (n < sizeof(seen) / sizeof(seen[0])) {
		seen[n].value = value;
		seen[n++].width = width;
	}
	return false;
}

static void put_le(uint64_t value, size_t width)
{
	unsigned char b[8];

	if (seen_before(value, width))
		return;
	for (size_t i = 0; i < width; i++)
		b[i] = (unsigned char)(value >> (8 * i));
	put_entry(b, width);
}

/* Enums are stored as int, flag sets as uint64_t (see layout.h). */
static void image_dict(void)
{
	puts("# image header");
	put_text(KK_IMAGE_MAGIC);
	put_le(KK_IMAGE_VERSION, 4);
	put_le(KK_IMAGE_ROOT_OFFSET, 8);
	put_le(UINT64_MAX, 8);
	put_le(UINT32_MAX, 4);
	for (size_t v = 0; v < kk_vocab_all_count; v++) {
		const struct kk_vocab *vocab = kk_vocab_all[v];

		printf("# vocabulary values: %s\n", vocab->what);
		if (vocab == &kk_vocab_capability) { /* stored as a mask of bit numbers */
			put_le((UINT64_C(1) << vocab->n) - 1, 8);
			continue;
		}
		for (size_t i = 0; i < vocab->n; i++)
			put_le((uint64_t)vocab->entries[i].value, vocab->is_flags ? 8 : 4);
	}
}

int main(int argc, char **argv)
{
	puts("# Generated by //fuzz:make_dict from parser/vocab.c; do not edit.");
	if (argc > 1 && strcmp(argv[1], "--image") == 0)
		image_dict();
	else
		json_dict();
	return ferror(stdout) ? 1 : 0;
}
