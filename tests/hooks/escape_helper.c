/* A static hook that tries to escape, for the tests of an image's hook
 * (tests/hooks/confine_test.cc, tests/integration/hooks_confine_test.cc).
 * Hooks' stdout is not kept, so every answer goes to the file OUT:
 *
 *   escape_helper status OUT       Uid, Gid, Groups and the Cap*, NoNewPrivs
 *                                  lines of /proc/self/status
 *   escape_helper handle OUT MNT TYPE HEX DATA
 *                                  open_by_handle_at(TYPE, HEX) through MNT
 *                                  (the Shocker escape) to read the file,
 *                                  then again to write DATA to it:
 *                                  "open ok|ERRNO", "read <first line>",
 *                                  "write ok|ERRNO"
 *   escape_helper sysctl OUT DIR NAME VALUE
 *                                  writes VALUE to /proc/sys/NAME, then
 *                                  mounts a fresh procfs on DIR and writes
 *                                  VALUE to DIR/sys/NAME: "proc ok|ERRNO",
 *                                  "mount ok|ERRNO", "fresh ok|ERRNO"
 *   escape_helper env OUT          the environment, one entry per line */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static FILE *out;

static void result(const char *what, long r)
{
	fprintf(out, "%s %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

static void status(void)
{
	static const char *const keys[] = {"Uid:",    "Gid:",	 "Groups:", "CapInh:",	  "CapPrm:",
					   "CapEff:", "CapBnd:", "CapAmb:", "NoNewPrivs:"};
	FILE *f = fopen("/proc/self/status", "r");
	char line[512];

	while (f && fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strncmp(line, keys[i], strlen(keys[i])))
				fputs(line, out);
	if (f)
		fclose(f);
}

/* hex: the handle's f_handle bytes, as the test got them from
 * name_to_handle_at on the host; mnt: any directory on the same
 * filesystem (a writable mount of it lets the write through). */
static void handle(const char *mnt, const char *type, const char *hex, const char *data)
{
	size_t n = strlen(hex) / 2;
	struct file_handle *h = calloc(1, sizeof(*h) + n);
	int root = open(mnt, O_RDONLY | O_DIRECTORY); /* not O_PATH: the kernel wants a file */
	char buf[256] = "";
	int fd;

	if (h == NULL)
		exit(4);
	h->handle_bytes = (unsigned)n;
	h->handle_type = atoi(type);
	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &h->f_handle[i]);
	fd = open_by_handle_at(root, h, O_RDONLY);
	result("open", fd);
	if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0)
		fprintf(out, "read %.*s\n", (int)strcspn(buf, "\n"), buf);
	if (fd >= 0)
		close(fd);
	fd = open_by_handle_at(root, h, O_WRONLY);
	free(h);
	if (fd >= 0 && pwrite(fd, data, strlen(data), 0) != (ssize_t)strlen(data))
		fd = -1;
	result("write", fd);
	if (fd >= 0)
		close(fd);
}

static long write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	long r;

	if (fd < 0)
		return -1;
	r = write(fd, value, strlen(value)) == (ssize_t)strlen(value) ? 0 : -1;
	close(fd);
	return r;
}

static void sysctl(const char *dir, const char *name, const char *value)
{
	char path[4096];

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	result("proc", write_file(path, value));
	result("mount", mount("proc", dir, "proc", 0, NULL));
	snprintf(path, sizeof(path), "%s/sys/%s", dir, name);
	result("fresh", write_file(path, value));
	umount2(dir, MNT_DETACH);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	out = fopen(argv[2], "w");
	if (out == NULL)
		return 3;
	setvbuf(out, NULL, _IONBF, 0);
	if (!strcmp(argv[1], "status"))
		status();
	else if (!strcmp(argv[1], "handle") && argc == 7)
		handle(argv[3], argv[4], argv[5], argv[6]);
	else if (!strcmp(argv[1], "sysctl") && argc == 6)
		sysctl(argv[3], argv[4], argv[5]);
	else if (!strcmp(argv[1], "env"))
		for (char **e = environ; *e; e++)
			fprintf(out, "%s\n", *e);
	else
		return 2;
	return 0;
}
