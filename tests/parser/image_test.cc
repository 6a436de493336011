// The image encoder/decoder: a rich document survives the round trip field
// by field, and the decoder refuses every way a lying producer can bend an
// image (bounds, alignment, aliasing, terminators, bools, vocabularies,
// required fields, semantic validity), without crashing on random damage.
extern "C" {
#include "parser/image.h"
#include "parser/vocab.h"
}

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/parser/fixture.h"

namespace
{

// A 16-byte aligned, writable copy of an image, as a memfd mapping would be.
struct Image {
	std::vector<uint64_t> words;
	size_t len = 0;

	unsigned char *bytes()
	{
		return reinterpret_cast<unsigned char *>(words.data());
	}

	uint64_t Get(size_t off)
	{
		uint64_t v;
		memcpy(&v, bytes() + off, sizeof(v));
		return v;
	}

	void Set(size_t off, uint64_t v)
	{
		memcpy(bytes() + off, &v, sizeof(v));
	}
};

Image Build(kk_doc_kind kind, const std::string &json)
{
	kk_error err{};
	Image img;
	void *raw = kk_image_build(kind, json.data(), json.size(), &img.len, &err);
	EXPECT_NE(raw, nullptr) << err.msg;
	if (raw == nullptr)
		return img;
	img.words.resize(img.len / 8 + 2);
	memcpy(img.bytes(), raw, img.len);
	free(raw);
	return img;
}

std::string OpenError(Image &img, kk_doc_kind kind = KK_DOC_CONFIG)
{
	kk_error err{};
	return kk_image_open(kind, img.bytes(), img.len, &err) ? "" : err.msg;
}

constexpr size_t kRoot = KK_IMAGE_ROOT_OFFSET;

std::string Example()
{
	return ReadRunfile("tests/fixtures/config/good/spec-example.json");
}

TEST(ImageRoundTrip, EveryFieldOfTheSpecExampleSurvives)
{
	kk_error err{};
	std::string json = Example();
	const kk_spec *s = kk_spec_parse(json.data(), json.size(), &err);
	ASSERT_NE(s, nullptr) << err.msg;

	EXPECT_STREQ(s->oci_version, "0.5.0-dev");
	EXPECT_STREQ(s->root->path, "rootfs");
	EXPECT_TRUE(s->root->readonly);
	EXPECT_STREQ(s->hostname, "slartibartfast");
	EXPECT_STREQ(s->domainname, "foobarbaz.test");
	ASSERT_EQ(s->n_mounts, 7u);
	EXPECT_STREQ(s->mounts[2].destination, "/dev/pts");
	ASSERT_EQ(s->mounts[2].options.n, 6u);
	EXPECT_STREQ(s->mounts[2].options.v[5], "gid=5");

	const kk_process *p = s->process;
	EXPECT_TRUE(p->terminal);
	EXPECT_EQ(p->user->uid, 1u);
	ASSERT_EQ(p->user->additional_gids.n, 2u);
	EXPECT_EQ(p->user->additional_gids.v[1], 6u);
	EXPECT_EQ(p->capabilities->effective, (1ull << 29) | (1ull << 5)); // AUDIT_WRITE, KILL
	EXPECT_EQ(p->capabilities->ambient, 1ull << 10);		   // NET_BIND_SERVICE
	ASSERT_EQ(p->n_rlimits, 2u);
	EXPECT_EQ(p->rlimits[1].type, 7); // RLIMIT_NOFILE
	EXPECT_EQ(p->rlimits[1].hard, 1024u);
	EXPECT_STREQ(p->apparmor_profile, "acme_secure_profile");
	EXPECT_TRUE(p->no_new_privileges);

	ASSERT_NE(s->hooks, nullptr);
	EXPECT_EQ(s->hooks->kind[KK_HOOK_PRESTART].n, 2u);
	EXPECT_STREQ(s->hooks->kind[KK_HOOK_PRESTART].v[0].args.v[2], "arg2");
	EXPECT_STREQ(s->hooks->kind[KK_HOOK_PRESTART].v[0].env.v[0], "key1=value1");

	const kk_linux *l = s->linux_;
	ASSERT_EQ(l->n_devices, 2u);
	EXPECT_EQ(l->devices[1].type, 'b');
	EXPECT_EQ(l->devices[1].file_mode.value, 432u);
	EXPECT_EQ(l->uid_mappings.v[0].size, 32000u);
	ASSERT_EQ(l->sysctl.n, 2u);
	EXPECT_STREQ(l->sysctl.v[1].key, "net.core.somaxconn");
	EXPECT_STREQ(l->cgroups_path, "/myRuntime/myContainer");
	const kk_resources *r = l->resources;
	EXPECT_EQ(r->network->class_id.value, 1048577u);
	EXPECT_STREQ(r->network->priorities[1].name, "eth1");
	EXPECT_EQ(r->pids->limit, 32771);
	EXPECT_STREQ(r->hugepage_limits[1].page_size, "64KB");
	EXPECT_EQ(r->memory->kernel.value, -1);
	EXPECT_TRUE(r->memory->check_before_update.set);
	EXPECT_FALSE(r->memory->check_before_update.value);
	EXPECT_STREQ(r->cpu->mems, "0-7");
	EXPECT_EQ(r->devices[0].type, 'a');
	EXPECT_STREQ(r->devices[2].access, "r");
	EXPECT_EQ(r->block_io->weight_device[0].leaf_weight.value, 300u);
	EXPECT_FALSE(r->block_io->weight_device[1].leaf_weight.set);
	EXPECT_EQ(r->block_io->throttle_write_iops.v[0].rate, 300u);
	EXPECT_EQ(l->rootfs_propagation != 0, true);
	EXPECT_EQ(l->seccomp->default_action, KK_SCMP_ACT_ALLOW);
	ASSERT_EQ(l->seccomp->n_architectures, 2u);
	EXPECT_STREQ(l->seccomp->syscalls[0].names.v[1], "chmod");
	EXPECT_EQ(l->time_offsets->boottime->secs.value, 604800);
	EXPECT_EQ(l->n_namespaces, 8u);
	kk_doc_free(s);
}

TEST(ImageRoundTrip, DocumentIsReadOnly)
{
	kk_error err{};
	std::string json = Example();
	const kk_spec *s = kk_spec_parse(json.data(), json.size(), &err);
	ASSERT_NE(s, nullptr);
	EXPECT_DEATH(const_cast<char *>(s->hostname)[0] = 'X', "");
	kk_doc_free(s);
}

TEST(ImageRoundTrip, ReencodingGivesTheSameBytes)
{
	std::string json = Example();
	Image img = Build(KK_DOC_CONFIG, json);
	std::vector<unsigned char> before(img.bytes(), img.bytes() + img.len);
	kk_error err{};
	const void *root = kk_image_open(KK_DOC_CONFIG, img.bytes(), img.len, &err);
	ASSERT_NE(root, nullptr) << err.msg;
	size_t len2 = 0;
	void *again = kk_image_encode(KK_DOC_CONFIG, root, &len2, &err);
	ASSERT_NE(again, nullptr) << err.msg;
	ASSERT_EQ(len2, img.len);
	EXPECT_EQ(memcmp(again, before.data(), len2), 0);
	free(again);
}

const std::string kSmall =
	R"({"ociVersion":"1.0.0","root":{"path":"rootfs"},"hostname":"h","domainname":"d",)"
	R"("process":{"cwd":"/","args":["sh"]},"linux":{"namespaces":[{"type":"pid"}]}})";

TEST(ImageDecoder, AcceptsTheUntouchedImage)
{
	Image img = Build(KK_DOC_CONFIG, kSmall);
	EXPECT_EQ(OpenError(img), "");
}

TEST(ImageDecoder, RefusesBadHeader)
{
	Image img = Build(KK_DOC_CONFIG, kSmall);
	img.bytes()[0] ^= 1;
	EXPECT_EQ(OpenError(img), "spec image: bad magic or version");
	img = Build(KK_DOC_CONFIG, kSmall);
	EXPECT_EQ(OpenError(img, KK_DOC_STATE).rfind("spec image: header does not match", 0), 0u);
	img = Build(KK_DOC_CONFIG, kSmall);
	img.len -= 1;
	EXPECT_EQ(OpenError(img).rfind("spec image: header does not match", 0), 0u);
	img = Build(KK_DOC_CONFIG, kSmall);
	img.len = 8;
	EXPECT_EQ(OpenError(img), "spec image: size 8 out of bounds");
}

TEST(ImageDecoder, RefusesOutOfBoundsAndMisalignedOffsets)
{
	Image img = Build(KK_DOC_CONFIG, kSmall);
	img.Set(kRoot + offsetof(kk_spec, root), img.len + 64);
	EXPECT_EQ(OpenError(img),
		  "spec image: spec.root: object out of bounds, misaligned or shared");
	img = Build(KK_DOC_CONFIG, kSmall);
	img.Set(kRoot + offsetof(kk_spec, root), img.Get(kRoot + offsetof(kk_spec, root)) + 1);
	EXPECT_EQ(OpenError(img),
		  "spec image: spec.root: object out of bounds, misaligned or shared");
	img = Build(KK_DOC_CONFIG, kSmall);
	img.Set(kRoot + offsetof(kk_spec, hostname), 3); // inside the header
	EXPECT_EQ(OpenError(img), "spec image: spec.hostname: bad string");
}

TEST(ImageDecoder, RefusesAliasing)
{
	Image img = Build(KK_DOC_CONFIG, kSmall);
	img.Set(kRoot + offsetof(kk_spec, domainname),
		img.Get(kRoot + offsetof(kk_spec, hostname)));
	EXPECT_EQ(OpenError(img), "spec image: spec.domainname: bad string");
	img = Build(KK_DOC_CONFIG, kSmall);
	// The root struct pointing at itself: a cycle.
	img.Set(kRoot + offsetof(kk_spec, root), kRoot);
	EXPECT_EQ(OpenError(img),
		  "spec image: spec.root: object out of bounds, misaligned or shared");
}

TEST(ImageDecoder, RefusesUnterminatedString)
{
	// In a state image without annotations the bundle is the last object.
	Image img =
		Build(KK_DOC_STATE,
		      R"({"ociVersion":"1.0.0","id":"c","status":"stopped","bundle":"/bundle"})");
	size_t bundle = img.Get(kRoot + offsetof(kk_state, bundle));
	ASSERT_EQ(bundle + strlen("/bundle") + 1, img.len);
	img.len -= 1;
	img.Set(16, img.len);
	EXPECT_EQ(OpenError(img, KK_DOC_STATE), "spec image: state.bundle: bad string");
}

TEST(ImageDecoder, RefusesCountMismatchAndHugeCounts)
{
	Image img = Build(KK_DOC_CONFIG, kSmall);
	img.Set(kRoot + offsetof(kk_spec, n_mounts), 3);
	EXPECT_EQ(OpenError(img), "spec image: spec.mounts: count and items disagree");
	img = Build(KK_DOC_CONFIG, kSmall);
	size_t linux_off = img.Get(kRoot + offsetof(kk_spec, linux_));
	img.Set(linux_off + offsetof(kk_linux, n_namespaces), UINT64_MAX / 2);
	EXPECT_EQ(OpenError(img), "spec image: linux.namespaces: count out of bounds");
}

TEST(ImageDecoder, RefusesBadBoolEnumAndMissingRequired)
{
	Image img = Build(KK_DOC_CONFIG, kSmall);
	size_t root_off = img.Get(kRoot + offsetof(kk_spec, root));
	img.bytes()[root_off + offsetof(kk_root, readonly)] = 2;
	EXPECT_EQ(OpenError(img), "spec image: root.readonly: bool is neither 0 nor 1");

	img = Build(KK_DOC_CONFIG, kSmall);
	size_t linux_off = img.Get(kRoot + offsetof(kk_spec, linux_));
	size_t ns = img.Get(linux_off + offsetof(kk_linux, namespaces));
	int bogus = 12345;
	memcpy(img.bytes() + ns + offsetof(kk_namespace, type), &bogus, sizeof(bogus));
	EXPECT_EQ(OpenError(img), "spec image: namespace.type: value outside its vocabulary");

	img = Build(KK_DOC_CONFIG, kSmall);
	img.Set(kRoot + offsetof(kk_spec, oci_version), 0);
	EXPECT_EQ(OpenError(img), "spec image: spec.oci_version: required but absent");
}

TEST(ImageDecoder, RunsSemanticValidationOnWhatItDecodes)
{
	// A well-formed image of a document the validator refuses: the parent
	// must not take it just because a child built it.
	std::string json = kSmall;
	Image img = Build(KK_DOC_CONFIG, json);
	size_t proc = img.Get(kRoot + offsetof(kk_spec, process));
	size_t cwd = img.Get(proc + offsetof(kk_process, cwd));
	img.bytes()[cwd] = 'x';
	EXPECT_EQ(OpenError(img), "config.json: process.cwd: \"x\" must be an absolute path");
}

TEST(ImageDecoder, RefusesInvalidUtf8AndDuplicateKeys)
{
	// Found by fuzz/image_fuzz: strings the parser would refuse.
	Image img = Build(KK_DOC_CONFIG, kSmall);
	size_t host = img.Get(kRoot + offsetof(kk_spec, hostname));
	img.bytes()[host] = '\xff';
	EXPECT_EQ(OpenError(img), "spec image: spec.hostname: bad string");

	// Two annotations with the same key: JSON cannot say it, an image can.
	img = Build(
		KK_DOC_CONFIG,
		R"({"ociVersion":"1.0.0","root":{"path":"r"},"annotations":{"a":"1","b":"2"}})");
	size_t kv = img.Get(kRoot + offsetof(kk_spec, annotations.v));
	size_t second_key = img.Get(kv + sizeof(kk_kv) + offsetof(kk_kv, key));
	img.bytes()[second_key] = 'a';
	EXPECT_EQ(OpenError(img), "config.json: annotations: duplicate key \"a\"");
}

TEST(ImageDecoder, SurvivesRandomDamage)
{
	std::string json = Example();
	Image pristine = Build(KK_DOC_CONFIG, json);
	std::mt19937 rng(42);
	int refused = 0;
	for (int round = 0; round < 3000; round++) {
		Image img = pristine;
		int flips = 1 + round % 4;
		for (int i = 0; i < flips; i++)
			img.bytes()[rng() % img.len] ^=
				static_cast<unsigned char>(1u << (rng() % 8));
		if (!OpenError(img).empty())
			refused++;
	}
	// Damage to string contents can be harmless; damage to structure must not crash.
	EXPECT_GT(refused, 0);
}

} // namespace
