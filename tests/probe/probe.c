/* probe: a tiny static multi-call helper copied into every integration test
 * rootfs as /probe. Each command answers one precise question from inside
 * the container on stdout, so tests need no image and no shell parsing:
 *
 *   probe caps | ids | cwd | fds | hostname | domainname | nnp | pid |
 *         seccomp | umask | isatty | env
 *   probe rlimit NAME          (NOFILE, NPROC, CORE, ...: "soft hard")
 *   probe read PATH            (the content, or the errno name and exit 1)
 *   probe write PATH [DATA]    ("ok" or the errno name and exit 1)
 *   probe mkdir PATH           ("ok" or the errno name and exit 1)
 *   probe stat PATH            ("chr 1:3", "dir", "reg", "lnk", ...)
 *   probe ls PATH              (sorted entry names on one line)
 *   probe sleep N              (prints "sleeping" once ready, then sleeps)
 *   probe exit N
 *
 * Statically linked: the rootfs has no libc. Also callable by applet name
 * (a symlink named "caps" -> probe) like busybox. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* A failed probe prints the errno's name (EROFS, EXFULL, ...) so tests can
 * compare exactly, and exits 1. */
static int fail_errno(int errnum)
{
	const char *name = strerrorname_np(errnum);

	if (name != NULL)
		printf("%s\n", name);
	else
		printf("errno%d\n", errnum);
	return 1;
}

static int usage(const char *what)
{
	fprintf(stderr, "probe: %s\n", what);
	return 2;
}

/* The value of "Key:" in /proc/self/status, whitespace trimmed. */
static int status_field(const char *key, char *out, size_t size)
{
	char line[512];
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) != 0 || line[klen] != ':')
			continue;
		char *v = line + klen + 1;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(out, size, "%s", v);
		fclose(f);
		return 0;
	}
	fclose(f);
	errno = ENOENT;
	return -1;
}

static int cmd_caps(void)
{
	static const char *const keys[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
	char v[64];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (status_field(keys[i], v, sizeof(v)) < 0)
			return fail_errno(errno);
		printf("%s%s=%s", i ? " " : "", keys[i], v);
	}
	printf("\n");
	return 0;
}

static int cmd_ids(void)
{
	static gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);

	if (n < 0)
		return fail_errno(errno);
	printf("uid=%u gid=%u groups=", (unsigned)getuid(), (unsigned)getgid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", (unsigned)groups[i]);
	printf("\n");
	return 0;
}

static int cmd_cwd(void)
{
	char buf[PATH_MAX];

	if (getcwd(buf, sizeof(buf)) == NULL)
		return fail_errno(errno);
	printf("%s\n", buf);
	return 0;
}

/* Lists /proc/self/fd in numeric order, leaving out the directory's own fd. */
static int cmd_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	char seen[4096] = {0};
	int max = -1;
	struct dirent *e;

	if (d == NULL)
		return fail_errno(errno);
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd == dirfd(d) ||
		    fd >= (int)sizeof(seen))
			continue;
		seen[fd] = 1;
		max = fd > max ? fd : max;
	}
	closedir(d);
	for (int fd = 0, first = 1; fd <= max; fd++)
		if (seen[fd]) {
			printf("%s%d", first ? "" : " ", fd);
			first = 0;
		}
	printf("\n");
	return 0;
}

static int cmd_uname(int domain)
{
	struct utsname u;

	if (uname(&u) < 0)
		return fail_errno(errno);
	printf("%s\n", domain ? u.domainname : u.nodename);
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
	{"AS", RLIMIT_AS},
	{"CORE", RLIMIT_CORE},
	{"CPU", RLIMIT_CPU},
	{"DATA", RLIMIT_DATA},
	{"FSIZE", RLIMIT_FSIZE},
	{"LOCKS", RLIMIT_LOCKS},
	{"MEMLOCK", RLIMIT_MEMLOCK},
	{"MSGQUEUE", RLIMIT_MSGQUEUE},
	{"NICE", RLIMIT_NICE},
	{"NOFILE", RLIMIT_NOFILE},
	{"NPROC", RLIMIT_NPROC},
	{"RSS", RLIMIT_RSS},
	{"RTPRIO", RLIMIT_RTPRIO},
	{"RTTIME", RLIMIT_RTTIME},
	{"SIGPENDING", RLIMIT_SIGPENDING},
	{"STACK", RLIMIT_STACK},
};

static void print_limit(rlim_t v, const char *sep)
{
	if (v == RLIM_INFINITY)
		printf("unlimited%s", sep);
	else
		printf("%llu%s", (unsigned long long)v, sep);
}

static int cmd_rlimit(const char *name)
{
	struct rlimit rl;

	if (strncmp(name, "RLIMIT_", 7) == 0)
		name += 7;
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		if (strcmp(rlimits[i].name, name) != 0)
			continue;
		if (getrlimit(rlimits[i].resource, &rl) < 0)
			return fail_errno(errno);
		print_limit(rl.rlim_cur, " ");
		print_limit(rl.rlim_max, "\n");
		return 0;
	}
	return usage("unknown rlimit");
}

static int cmd_nnp(void)
{
	int v = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);

	if (v < 0)
		return fail_errno(errno);
	printf("%d\n", v);
	return 0;
}

static int cmd_read(const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail_errno(errno);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (n < 0) {
		int saved = errno;
		close(fd);
		return fail_errno(saved);
	}
	close(fd);
	return 0;
}

static int cmd_write(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(data);

	if (fd < 0)
		return fail_errno(errno);
	if (write(fd, data, len) != (ssize_t)len) {
		int saved = errno ? errno : EIO;
		close(fd);
		return fail_errno(saved);
	}
	if (close(fd) < 0)
		return fail_errno(errno);
	printf("ok\n");
	return 0;
}

static int cmd_mkdir(const char *path)
{
	if (mkdir(path, 0755) < 0)
		return fail_errno(errno);
	printf("ok\n");
	return 0;
}

static int cmd_stat(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return fail_errno(errno);
	switch (st.st_mode & S_IFMT) {
	case S_IFCHR:
	case S_IFBLK:
		printf("%s %u:%u\n", S_ISCHR(st.st_mode) ? "chr" : "blk", major(st.st_rdev),
		       minor(st.st_rdev));
		return 0;
	case S_IFDIR:
		printf("dir\n");
		return 0;
	case S_IFREG:
		printf("reg\n");
		return 0;
	case S_IFLNK:
		printf("lnk\n");
		return 0;
	case S_IFIFO:
		printf("fifo\n");
		return 0;
	default:
		printf("sock\n");
		return 0;
	}
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_ls(const char *path)
{
	char *names[1024];
	size_t n = 0;
	DIR *d = opendir(path);
	struct dirent *e;

	if (d == NULL)
		return fail_errno(errno);
	while ((e = readdir(d)) != NULL && n < sizeof(names) / sizeof(names[0]))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), compare_names);
	for (size_t i = 0; i < n; i++) {
		printf("%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
	printf("\n");
	return 0;
}

static int cmd_seccomp(void)
{
	char v[64];

	if (status_field("Seccomp", v, sizeof(v)) < 0)
		return fail_errno(errno);
	printf("%s\n", v);
	return 0;
}

static int cmd_umask(void)
{
	mode_t m = umask(0);

	umask(m);
	printf("%04o\n", (unsigned)m);
	return 0;
}

/* As the init of a pid namespace, a signal whose action is the default is
 * dropped by the kernel (except SIGKILL/SIGSTOP), so the probe handles the
 * usual termination signals itself and exits as a shell reports a signal
 * death: 128 + the signal number. */
static void die_by_signal(int sig)
{
	_exit(128 + sig);
}

static int cmd_sleep(const char *arg)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct timespec ts = {.tv_sec = atol(arg)};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], die_by_signal);
	printf("sleeping\n");
	fflush(stdout);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static void *sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* The main thread exits while another runs on: the process shows as a
 * zombie (Z in /proc/<pid>/stat) although its thread group is alive. */
static int cmd_leader_exits(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, sleep_forever, NULL) != 0)
		return 1;
	printf("leader exiting\n");
	fflush(stdout);
	pthread_exit(NULL);
}

static int cmd_isatty(void)
{
	printf("stdin=%s stdout=%s stderr=%s\n", isatty(0) ? "yes" : "no", isatty(1) ? "yes" : "no",
	       isatty(2) ? "yes" : "no");
	return 0;
}

static int cmd_env(void)
{
	for (char **e = environ; *e != NULL; e++)
		printf("%s\n", *e);
	return 0;
}

static int cmd_exit(const char *arg)
{
	return atoi(arg);
}

static int dispatch(const char *cmd, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(void);
	} simple[] = {
		{"caps", cmd_caps},   {"ids", cmd_ids},
		{"cwd", cmd_cwd},     {"fds", cmd_fds},
		{"nnp", cmd_nnp},     {"seccomp", cmd_seccomp},
		{"umask", cmd_umask}, {"isatty", cmd_isatty},
		{"env", cmd_env},     {"leader-exits", cmd_leader_exits},
	};
	static const struct {
		const char *name;
		int (*run)(const char *arg);
	} with_arg[] = {
		{"rlimit", cmd_rlimit}, {"read", cmd_read}, {"mkdir", cmd_mkdir},
		{"stat", cmd_stat},	{"ls", cmd_ls},	    {"sleep", cmd_sleep},
		{"exit", cmd_exit},
	};

	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (strcmp(cmd, simple[i].name) == 0)
			return simple[i].run();
	if (strcmp(cmd, "hostname") == 0 || strcmp(cmd, "domainname") == 0)
		return cmd_uname(cmd[0] == 'd');
	if (strcmp(cmd, "pid") == 0)
		return printf("%d\n", (int)getpid()) < 0;
	if (strcmp(cmd, "write") == 0 && argc >= 1)
		return cmd_write(argv[0], argc > 1 ? argv[1] : "probe\n");
	for (size_t i = 0; i < sizeof(with_arg) / sizeof(with_arg[0]); i++)
		if (strcmp(cmd, with_arg[i].name) == 0)
			return argc < 1 ? usage("missing argument") : with_arg[i].run(argv[0]);
	return usage("unknown command");
}

int main(int argc, char **argv)
{
	const char *self = strrchr(argv[0], '/');
	int rc;

	self = self ? self + 1 : argv[0];
	if (strncmp(self, "probe", 5) != 0)
		rc = dispatch(self, argc - 1, argv + 1);
	else if (argc < 2)
		rc = usage("usage: probe COMMAND [ARGS]");
	else
		rc = dispatch(argv[1], argc - 2, argv + 2);
	fflush(stdout);
	return rc;
}
