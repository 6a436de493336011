// kakoi's SHA-256: NIST's example vectors (FIPS 180-4 / the CSRC
// examples), and agreement with libcrypto on every length around the
// block and padding boundaries and on random data fed in random pieces.
extern "C" {
#include "base/sha256.h"
}

#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace
{

std::string Hex(const uint8_t *md, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	std::string out;
	for (size_t i = 0; i < len; i++) {
		out += digits[md[i] >> 4];
		out += digits[md[i] & 15];
	}
	return out;
}

std::string Ours(const std::vector<uint8_t> &data, std::mt19937 *pieces = nullptr)
{
	kk_sha256 s;
	uint8_t out[KK_SHA256_LEN];
	size_t off = 0;

	kk_sha256_init(&s);
	while (off < data.size()) {
		size_t n = data.size() - off;
		if (pieces != nullptr)
			n = std::min(n, (size_t)((*pieces)() % 150));
		kk_sha256_update(&s, data.data() + off, n);
		off += n;
	}
	kk_sha256_final(&s, out);
	return Hex(out, sizeof(out));
}

std::string Libcrypto(const std::vector<uint8_t> &data)
{
	uint8_t out[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	EXPECT_EQ(EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr), 1);
	return Hex(out, len);
}

std::vector<uint8_t> Bytes(const std::string &s)
{
	return std::vector<uint8_t>(s.begin(), s.end());
}

TEST(Sha256, NistVectors)
{
	EXPECT_EQ(Ours(Bytes("")),
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	EXPECT_EQ(Ours(Bytes("abc")),
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	EXPECT_EQ(Ours(Bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	EXPECT_EQ(Ours(std::vector<uint8_t>(1000000, 'a')),
		  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, AgreesWithLibcryptoAroundEveryBoundary)
{
	std::mt19937 rng(20261207);
	for (size_t len = 0; len <= 300; len++) {
		std::vector<uint8_t> data(len);
		for (auto &b : data)
			b = (uint8_t)rng();
		EXPECT_EQ(Ours(data), Libcrypto(data)) << len;
		EXPECT_EQ(Ours(data, &rng), Libcrypto(data)) << len << " in pieces";
	}
	std::vector<uint8_t> big(1 << 20);
	for (auto &b : big)
		b = (uint8_t)rng();
	EXPECT_EQ(Ours(big, &rng), Libcrypto(big));
}

} // namespace
