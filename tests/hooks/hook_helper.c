/* A static helper run as a hook by run_test.cc. Hooks' stdout is not kept,
 * so every answer goes to the file named by argv[2]:
 *
 *   hook_helper fds OUT          open fds of the hook, one per line
 *   hook_helper env OUT          the environment, one entry per line
 *   hook_helper syscalls OUT     errno names of init_module, bpf, ptrace
 *                                (PEEKDATA of the parent), "ok" if it worked
 *   hook_helper status OUT       CapBnd, CapEff and NoNewPrivs of /proc/self/status
 *   hook_helper daemon OUT       forks a setsid daemon (pid to OUT), exits 0
 *   hook_helper bind OUT SRC DST bind-mounts SRC on DST; "ok" or the errno
 *   hook_helper open OUT PATH    opens PATH read-only; "ok" or the errno
 *   hook_helper sysctl OUT       writes kernel.core_pattern's own value back
 *   hook_helper hostname OUT     sets the hostname to its own value */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

static FILE *out;

static void fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			fprintf(out, "%s\n", e->d_name);
	if (d)
		closedir(d);
}

static void result(const char *what, long r)
{
	fprintf(out, "%s %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

static void syscalls(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	result("init_module", syscall(SYS_init_module, NULL, 0, ""));
	result("bpf", syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)));
	errno = 0;
	result("ptrace", ptrace(PTRACE_PEEKDATA, getppid(), NULL, NULL) == -1 && errno ? -1 : 0);
}

static void status(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapBnd:", 7) || !strncmp(line, "CapEff:", 7) ||
		    !strncmp(line, "NoNewPrivs:", 11))
			fputs(line, out);
	if (f)
		fclose(f);
}

static void daemonize(void)
{
	int ready[2];
	char c;

	if (pipe(ready) < 0)
		exit(4);
	if (fork() == 0) {
		setsid();
		if (fork() == 0) {
			fprintf(out, "%d\n", getpid());
			if (write(ready[1], "x", 1) != 1)
				_exit(5);
			for (;;)
				pause();
		}
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		exit(6);
}

/* Both write what is already there: harmless when they succeed. */
static void sysctl(void)
{
	char value[4096];
	int fd = open("/proc/sys/kernel/core_pattern", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, value, sizeof(value));

	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		result("read", -1);
		return;
	}
	fd = open("/proc/sys/kernel/core_pattern", O_WRONLY);
	if (fd >= 0 && write(fd, value, (size_t)n) != n)
		fd = -1;
	result("sysctl", fd);
}

static void hostname(void)
{
	char name[256] = {0};

	if (gethostname(name, sizeof(name) - 1) < 0) {
		result("gethostname", -1);
		return;
	}
	result("sethostname", sethostname(name, strlen(name)));
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	out = fopen(argv[2], "w");
	if (out == NULL)
		return 3;
	setvbuf(out, NULL, _IONBF, 0);
	if (!strcmp(argv[1], "fds"))
		fds();
	else if (!strcmp(argv[1], "env"))
		for (char **e = environ; *e; e++)
			fprintf(out, "%s\n", *e);
	else if (!strcmp(argv[1], "syscalls"))
		syscalls();
	else if (!strcmp(argv[1], "status"))
		status();
	else if (!strcmp(argv[1], "daemon"))
		daemonize();
	else if (!strcmp(argv[1], "bind") && argc == 5)
		result("bind", mount(argv[3], argv[4], NULL, MS_BIND, NULL));
	else if (!strcmp(argv[1], "open") && argc == 4)
		result("open", open(argv[3], O_RDONLY));
	else if (!strcmp(argv[1], "sysctl"))
		sysctl();
	else if (!strcmp(argv[1], "hostname"))
		hostname();
	else
		return 2;
	return 0;
}
