/* mounts[].options: the closed table of flag words runc knows (its
 * specconv mountFlags and mountPropagationMapping), everything else passed
 * to the file system as data, comma-joined, as runc does. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "runtime/rootfs/rootfs_ops.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

struct flag_word {
	const char *name;
	bool clear; /* the word removes the flag ("rw", "suid", ...) */
	unsigned long flag;
};

static const struct flag_word flag_words[] = {
	{"acl", false, MS_POSIXACL},
	{"async", true, MS_SYNCHRONOUS},
	{"atime", true, MS_NOATIME},
	{"bind", false, MS_BIND},
	{"defaults", false, 0},
	{"dev", true, MS_NODEV},
	{"diratime", true, MS_NODIRATIME},
	{"dirsync", false, MS_DIRSYNC},
	{"exec", true, MS_NOEXEC},
	{"iversion", false, MS_I_VERSION},
	{"lazytime", false, MS_LAZYTIME},
	{"loud", true, MS_SILENT},
	{"mand", false, MS_MANDLOCK},
	{"noacl", true, MS_POSIXACL},
	{"noatime", false, MS_NOATIME},
	{"nodev", false, MS_NODEV},
	{"nodiratime", false, MS_NODIRATIME},
	{"noexec", false, MS_NOEXEC},
	{"noiversion", true, MS_I_VERSION},
	{"nolazytime", true, MS_LAZYTIME},
	{"nomand", true, MS_MANDLOCK},
	{"norelatime", true, MS_RELATIME},
	{"nostrictatime", true, MS_STRICTATIME},
	{"nosuid", false, MS_NOSUID},
	{"nosymfollow", false, MS_NOSYMFOLLOW},
	{"rbind", false, MS_BIND | MS_REC},
	{"relatime", false, MS_RELATIME},
	{"remount", false, MS_REMOUNT},
	{"ro", false, MS_RDONLY},
	{"rw", true, MS_RDONLY},
	{"silent", false, MS_SILENT},
	{"strictatime", false, MS_STRICTATIME},
	{"suid", true, MS_NOSUID},
	{"sync", false, MS_SYNCHRONOUS},
};

static const struct flag_word propagation_words[] = {
	{"private", false, MS_PRIVATE},	      {"rprivate", false, MS_PRIVATE | MS_REC},
	{"shared", false, MS_SHARED},	      {"rshared", false, MS_SHARED | MS_REC},
	{"slave", false, MS_SLAVE},	      {"rslave", false, MS_SLAVE | MS_REC},
	{"unbindable", false, MS_UNBINDABLE}, {"runbindable", false, MS_UNBINDABLE | MS_REC},
};

/* Words that are neither flags nor data: runc's extension "tmpcopyup" (the
 * tmpfs gets a copy of the directory it covers, copyup.c) and Podman's
 * "notmpcopyup", which cancels it. */
static const struct flag_word copyup_words[] = {
	{"tmpcopyup", false, 0},
	{"notmpcopyup", true, 0},
};

/* The recursive attributes (spec 1.1, runc's recAttrFlags): applied with
 * mount_setattr(AT_RECURSIVE) to the new mount and everything under it,
 * after the mount and its remount. An atime mode is set by clearing the
 * whole atime field (mount_setattr(2)). */
struct rec_word {
	const char *name;
	bool clear;
	uint64_t attr;
};

static const struct rec_word rec_words[] = {
	{"rro", false, MOUNT_ATTR_RDONLY},
	{"rrw", true, MOUNT_ATTR_RDONLY},
	{"rnosuid", false, MOUNT_ATTR_NOSUID},
	{"rsuid", true, MOUNT_ATTR_NOSUID},
	{"rnodev", false, MOUNT_ATTR_NODEV},
	{"rdev", true, MOUNT_ATTR_NODEV},
	{"rnoexec", false, MOUNT_ATTR_NOEXEC},
	{"rexec", true, MOUNT_ATTR_NOEXEC},
	{"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
	{"rdiratime", true, MOUNT_ATTR_NODIRATIME},
	{"rrelatime", false, MOUNT_ATTR_RELATIME},
	{"rnorelatime", true, MOUNT_ATTR_RELATIME},
	{"rnoatime", false, MOUNT_ATTR_NOATIME},
	{"ratime", true, MOUNT_ATTR_NOATIME},
	{"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
	{"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
	{"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
	{"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct flag_word *find(const struct flag_word *words, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(words[i].name, name) == 0)
			return &words[i];
	return NULL;
}

/* runc's idmap words: "idmap" maps the bind alone, "ridmap" the mounts
 * under it too. */
static bool idmap_word(struct kk_mount_opts *o, const char *word)
{
	bool rec = strcmp(word, "ridmap") == 0;

	if (!rec && strcmp(word, "idmap") != 0)
		return false;
	o->idmap = true;
	o->idmap_recursive = rec;
	return true;
}

static int add_data(struct kk_mount_opts *o, const char *word, size_t index, struct kk_error *err)
{
	size_t used = strlen(o->data);
	int n = snprintf(o->data + used, sizeof(o->data) - used, "%s%s", used ? "," : "", word);

	if (n < 0 || (size_t)n >= sizeof(o->data) - used)
		return kk_error_set(err, KK_ERR_LIMIT,
				    "mounts[%zu].options: file system data longer than %d bytes",
				    index, KK_MOUNT_DATA_MAX - 1);
	return 0;
}

static int add_propagation(struct kk_mount_opts *o, unsigned long flag, size_t index,
			   struct kk_error *err)
{
	if (o->n_propagation == KK_MOUNT_PROPAGATION_MAX)
		return kk_error_set(err, KK_ERR_LIMIT,
				    "mounts[%zu].options: more than %d propagation options", index,
				    KK_MOUNT_PROPAGATION_MAX);
	o->propagation[o->n_propagation++] = flag;
	return 0;
}

static int add_word(struct kk_mount_opts *o, const char *word, size_t index, struct kk_error *err)
{
	const struct flag_word *w = find(flag_words, N(flag_words), word);

	if (w != NULL) {
		if (w->clear)
			o->flags &= ~w->flag;
		else
			o->flags |= w->flag;
		return 0;
	}
	if ((w = find(propagation_words, N(propagation_words), word)) != NULL)
		return add_propagation(o, w->flag, index, err);
	if ((w = find(copyup_words, N(copyup_words), word)) != NULL) {
		o->copyup = !w->clear;
		return 0;
	}
	for (size_t i = 0; i < N(rec_words); i++) {
		const struct rec_word *r = &rec_words[i];

		if (strcmp(r->name, word) != 0)
			continue;
		if (r->clear) {
			o->attr_clr |= r->attr;
		} else {
			o->attr_set |= r->attr;
			if ((r->attr & MOUNT_ATTR__ATIME) == r->attr)
				o->attr_clr |= MOUNT_ATTR__ATIME;
		}
		return 0;
	}
	if (idmap_word(o, word))
		return 0;
	return add_data(o, word, index, err);
}

int kk_rootfs_mount_opts(const struct kk_mount *m, size_t index, struct kk_mount_opts *opts,
			 struct kk_error *err)
{
	memset(opts, 0, sizeof(*opts));
	/* Mappings without a word are an idmap of the bind alone (runc). */
	opts->idmap = m->uid_mappings.n > 0 || m->gid_mappings.n > 0;
	for (size_t i = 0; i < m->options.n; i++)
		if (add_word(opts, m->options.v[i], index, err) < 0)
			return -1;
	/* runc takes the type "bind" as a bind mount even without the option. */
	if (m->type != NULL && strcmp(m->type, "bind") == 0)
		opts->flags |= MS_BIND;
	opts->bind = (opts->flags & MS_BIND) != 0;
	if (opts->idmap && !opts->bind)
		return kk_error_set(err, KK_ERR_INVALID,
				    "mounts[%zu].options: an idmapped mount must be a bind mount",
				    index);
	/* The copy needs a fresh, empty file system stacked on the directory:
	 * only a tmpfs is that (runc ignores the word elsewhere; kakoi says so). */
	if (opts->copyup && (opts->bind || m->type == NULL || strcmp(m->type, "tmpfs") != 0))
		return kk_error_set(err, KK_ERR_INVALID,
				    "mounts[%zu].options: \"tmpcopyup\" is only valid on a tmpfs "
				    "mount",
				    index);
	return 0;
}

/* For `kakoi features`: the i-th option word kakoi applies itself (the flag,
 * propagation and copy-up words, not the file-system data), NULL past the
 * last. */
const char *kk_mount_option_name(size_t i)
{
	if (i < N(flag_words))
		return flag_words[i].name;
	i -= N(flag_words);
	if (i < N(propagation_words))
		return propagation_words[i].name;
	i -= N(propagation_words);
	if (i < N(copyup_words))
		return copyup_words[i].name;
	i -= N(copyup_words);
	if (i < N(rec_words))
		return rec_words[i].name;
	i -= N(rec_words);
	return i == 0 ? "idmap" : i == 1 ? "ridmap" : NULL;
}

int kk_rootfs_idmapped(const struct kk_mount *m, size_t index, bool *tree_recursive,
		       bool *idmap_recursive, struct kk_error *err)
{
	struct kk_mount_opts o;

	if (kk_rootfs_mount_opts(m, index, &o, err) < 0)
		return -1;
	*tree_recursive = (o.flags & MS_REC) != 0;
	*idmap_recursive = o.idmap_recursive;
	return o.idmap ? 1 : 0;
}
