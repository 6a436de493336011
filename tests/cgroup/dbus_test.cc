// kakoi's D-Bus client (runtime/cgroup/systemd/dbus.h): the writer's exact
// bytes, worked out by hand from the spec; the reader's round trips and
// refusals; a connection against a fake systemd (fake_dbus.h) that
// authenticates, answers, sends a signal first, refuses, or never answers.
// The systemd driver's own tests are systemd_test; a real systemd is
// tests/integration/systemd_test's.
#include <errno.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "runtime/cgroup/systemd/dbus.h"
#include "tests/cgroup/fake_dbus.h"

namespace
{

using fakebus::Bytes;

struct Writer {
	kk_dbus_writer w{};
	~Writer()
	{
		kk_dbus_w_free(&w);
	}
};

uint32_t U32(const Bytes &b, size_t at)
{
	return (uint32_t)b[at] | (uint32_t)b[at + 1] << 8 | (uint32_t)b[at + 2] << 16 |
	       (uint32_t)b[at + 3] << 24;
}

// A u32 length, the string, its NUL.
void ExpectString(const Bytes &b, size_t at, const std::string &s)
{
	EXPECT_EQ(U32(b, at), s.size()) << "length at " << at;
	EXPECT_EQ(std::string(b.begin() + at + 4, b.begin() + at + 4 + s.size()), s);
	EXPECT_EQ(b[at + 4 + s.size()], 0) << "NUL after " << s;
}

void ExpectZeros(const Bytes &b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		EXPECT_EQ(b[i], 0) << "padding at " << i;
}

// A header field: code, signature (one letter), the string value.
void ExpectField(const Bytes &b, size_t at, uint8_t code, char type, const std::string &v)
{
	EXPECT_EQ(at % 8, 0u);
	EXPECT_EQ(b[at], code);
	EXPECT_EQ(b[at + 1], 1);
	EXPECT_EQ(b[at + 2], (uint8_t)type);
	EXPECT_EQ(b[at + 3], 0);
	if (type != 'g') {
		ExpectString(b, at + 4, v);
		return;
	}
	EXPECT_EQ(b[at + 4], v.size());
	EXPECT_EQ(std::string(b.begin() + at + 5, b.begin() + at + 5 + v.size()), v);
	EXPECT_EQ(b[at + 5 + v.size()], 0);
}

// StartTransientUnit("a.scope", "fail", [("Delegate", <true>), ("TasksMax",
// <uint64 64>)], []): offsets from the spec's rules, by hand.
TEST(DbusWriter, StartTransientUnitBytesByHand)
{
	Writer body;
	kk_dbus_w_string(&body.w, "a.scope");
	kk_dbus_w_string(&body.w, "fail");
	kk_dbus_mark props = kk_dbus_w_array_begin(&body.w, 8);
	kk_dbus_w_pad(&body.w, 8);
	kk_dbus_w_string(&body.w, "Delegate");
	kk_dbus_w_signature(&body.w, "b");
	kk_dbus_w_bool(&body.w, true);
	kk_dbus_w_pad(&body.w, 8);
	kk_dbus_w_string(&body.w, "TasksMax");
	kk_dbus_w_signature(&body.w, "t");
	kk_dbus_w_u64(&body.w, 64);
	kk_dbus_w_array_end(&body.w, props);
	kk_dbus_w_array_end(&body.w, kk_dbus_w_array_begin(&body.w, 8));
	kk_error err = {};
	ASSERT_EQ(kk_dbus_w_check(&body.w, &err), 0) << err.msg;

	Bytes m = fakebus::Encode(
		fakebus::Manager("StartTransientUnit", "ssa(sv)a(sa(sv))", body.w), 1);
	ASSERT_EQ(m.size(), 288u);

	// Fixed header: 'l', method call, no flags, version 1, body 88, serial 1.
	EXPECT_EQ(Bytes(m.begin(), m.begin() + 4), (Bytes{'l', 1, 0, 1}));
	EXPECT_EQ(U32(m, 4), 88u);
	EXPECT_EQ(U32(m, 8), 1u);
	// Fields a(yv): 182 bytes from 16 to 198, each struct 8-aligned.
	EXPECT_EQ(U32(m, 12), 182u);
	ExpectField(m, 16, 1, 'o', "/org/freedesktop/systemd1"); // 16..49
	ExpectZeros(m, 50, 56);
	ExpectField(m, 56, 2, 's', "org.freedesktop.systemd1.Manager"); // ..96
	ExpectZeros(m, 97, 104);
	ExpectField(m, 104, 3, 's', "StartTransientUnit"); // ..130
	ExpectZeros(m, 131, 136);
	ExpectField(m, 136, 6, 's', "org.freedesktop.systemd1"); // ..168
	ExpectZeros(m, 169, 176);
	ExpectField(m, 176, 8, 'g', "ssa(sv)a(sa(sv))"); // ..197
	ExpectZeros(m, 198, 200);			 // header padded to 8
	// Body at 200 (offsets below from the body's start, also 8-aligned).
	Bytes b(m.begin() + 200, m.end());
	ExpectString(b, 0, "a.scope"); // 0..11
	ExpectString(b, 12, "fail");   // 12..20
	ExpectZeros(b, 21, 24);
	EXPECT_EQ(U32(b, 24), 48u); // a(sv): 32..80; 28..31 padding, not counted
	ExpectZeros(b, 28, 32);
	ExpectString(b, 32, "Delegate"); // 32..44
	EXPECT_EQ(Bytes(b.begin() + 45, b.begin() + 48), (Bytes{1, 'b', 0}));
	EXPECT_EQ(U32(b, 48), 1u); // true
	ExpectZeros(b, 52, 56);
	ExpectString(b, 56, "TasksMax"); // 56..68
	EXPECT_EQ(Bytes(b.begin() + 69, b.begin() + 72), (Bytes{1, 't', 0}));
	EXPECT_EQ(Bytes(b.begin() + 72, b.begin() + 80), (Bytes{64, 0, 0, 0, 0, 0, 0, 0}));
	EXPECT_EQ(U32(b, 80), 0u); // a(sa(sv)) empty, still padded to 8
	ExpectZeros(b, 84, 88);

	// And the reader takes it back.
	kk_dbus_msg msg;
	ASSERT_EQ(kk_dbus_msg_parse(m.data(), m.size(), &msg, &err), 0) << err.msg;
	EXPECT_EQ(msg.type, KK_DBUS_METHOD_CALL);
	EXPECT_STREQ(msg.member, "StartTransientUnit");
	EXPECT_STREQ(msg.path, "/org/freedesktop/systemd1");
	EXPECT_STREQ(msg.sig, "ssa(sv)a(sa(sv))");
	EXPECT_EQ(msg.body, 200u);
	kk_dbus_reader r;
	kk_dbus_r_init(&r, &msg);
	const char *s;
	ASSERT_EQ(kk_dbus_r_string(&r, 's', &s, &err), 0) << err.msg;
	EXPECT_STREQ(s, "a.scope");
	ASSERT_EQ(kk_dbus_r_string(&r, 's', &s, &err), 0);
	EXPECT_STREQ(s, "fail");
	EXPECT_EQ(kk_dbus_r_string(&r, 's', &s, &err), -1);
	EXPECT_EQ(std::string(err.msg), "D-Bus: the reply holds \"a(sv)a(sa(sv))\" where 's' was "
					"expected");
}

TEST(DbusWriter, TooLargeIsAnError)
{
	Writer w;
	std::string big(KK_DBUS_MSG_MAX, 'x');
	kk_dbus_w_string(&w.w, big.c_str());
	kk_error err = {};
	EXPECT_EQ(kk_dbus_w_check(&w.w, &err), -1);
	EXPECT_EQ(err.code, KK_ERR_LIMIT);
	EXPECT_EQ(std::string(err.msg), "D-Bus: message larger than 1048576 bytes");
}

// A method return to serial 3 whose body is one object path.
Bytes ReplyO(const char *path = "/org/freedesktop/systemd1/job/42", uint32_t serial = 3)
{
	Writer w;
	kk_dbus_w_string(&w.w, path);
	return fakebus::Reply(serial, "o", w.w);
}

// Parses b; "" or the error.
std::string Parse(const Bytes &b, kk_dbus_msg *out = nullptr)
{
	kk_dbus_msg m;
	kk_error err = {};
	if (kk_dbus_msg_parse(b.data(), b.size(), &m, &err) < 0)
		return err.msg;
	if (out)
		*out = m;
	return "";
}

bool Has(const std::string &s, const std::string &needle)
{
	return s.find(needle) != std::string::npos;
}

TEST(DbusReader, RoundTripsOfEveryPropertyType)
{
	Writer w;
	kk_dbus_mark a = kk_dbus_w_array_begin(&w.w, 8);
	const char *sigs[] = {"b", "t", "s", "ay", "au"};
	for (const char *sig : sigs) {
		kk_dbus_w_pad(&w.w, 8);
		kk_dbus_w_string(&w.w, sig);
		kk_dbus_w_signature(&w.w, sig);
		if (sig[0] == 'b')
			kk_dbus_w_bool(&w.w, false);
		else if (sig[0] == 't')
			kk_dbus_w_u64(&w.w, UINT64_MAX);
		else if (sig[0] == 's')
			kk_dbus_w_string(&w.w, "");
		else {
			kk_dbus_mark m = kk_dbus_w_array_begin(&w.w, sig[1] == 'y' ? 1 : 4);
			if (sig[1] == 'y')
				kk_dbus_w_byte(&w.w, 0x0b);
			else
				kk_dbus_w_u32(&w.w, 4242);
			kk_dbus_w_array_end(&w.w, m);
		}
	}
	kk_dbus_w_array_end(&w.w, a);
	EXPECT_EQ(Parse(fakebus::Reply(9, "a(sv)", w.w)), "");

	kk_dbus_msg m; // points into the bytes, which must outlive it
	Bytes o = ReplyO();
	ASSERT_EQ(Parse(o, &m), "");
	EXPECT_EQ(m.type, KK_DBUS_METHOD_RETURN);
	EXPECT_EQ(m.reply_serial, 3u);
	kk_dbus_reader r;
	kk_dbus_r_init(&r, &m);
	const char *path;
	kk_error err = {};
	ASSERT_EQ(kk_dbus_r_string(&r, 'o', &path, &err), 0) << err.msg;
	EXPECT_STREQ(path, "/org/freedesktop/systemd1/job/42");

	// PropertiesChanged, as systemd sends it between replies: a dict.
	Writer pc;
	kk_dbus_w_string(&pc.w, "org.freedesktop.systemd1.Unit");
	kk_dbus_mark d = kk_dbus_w_array_begin(&pc.w, 8);
	kk_dbus_w_pad(&pc.w, 8);
	kk_dbus_w_string(&pc.w, "ActiveState");
	kk_dbus_w_signature(&pc.w, "s");
	kk_dbus_w_string(&pc.w, "active");
	kk_dbus_w_array_end(&pc.w, d);
	kk_dbus_mark inv = kk_dbus_w_array_begin(&pc.w, 4);
	kk_dbus_w_string(&pc.w, "Job");
	kk_dbus_w_array_end(&pc.w, inv);
	EXPECT_EQ(Parse(fakebus::Reply(5, "sa{sv}as", pc.w)), "");
	EXPECT_TRUE(Has(Parse(fakebus::Reply(5, "s{sv}as", pc.w)), "not a signature"));

	// Properties.Get's answer: a variant holding a string.
	Writer v;
	kk_dbus_w_signature(&v.w, "s");
	kk_dbus_w_string(&v.w, "active");
	Bytes get = fakebus::Reply(4, "v", v.w);
	ASSERT_EQ(Parse(get, &m), "");
	kk_dbus_r_init(&r, &m);
	const char *state;
	ASSERT_EQ(kk_dbus_r_variant(&r, "s", &err), 0) << err.msg;
	ASSERT_EQ(kk_dbus_r_string(&r, 's', &state, &err), 0) << err.msg;
	EXPECT_STREQ(state, "active");
	kk_dbus_r_init(&r, &m);
	EXPECT_EQ(kk_dbus_r_variant(&r, "u", &err), -1);
	EXPECT_EQ(std::string(err.msg), "D-Bus: the reply's variant holds \"s\", not \"u\"");
}

// A big-endian return to serial 1 with body u 7, by hand.
TEST(DbusReader, BigEndianIsSwapped)
{
	Bytes b = {'B', 2, 0,	1,  0, 0,   0,	 4, 0, 0, 0, 5,
		   0,	0, 0,	15, 5, 1,   'u', 0, 0, 0, 0, 1, // REPLY_SERIAL 1
		   8,	1, 'g', 0,  1, 'u', 0,	 0,		// SIGNATURE "u", then padding to 32
		   0,	0, 0,	7};
	kk_dbus_msg m;
	ASSERT_EQ(Parse(b, &m), "");
	EXPECT_TRUE(m.swap);
	EXPECT_EQ(m.serial, 5u);
	EXPECT_EQ(m.reply_serial, 1u);
	kk_dbus_reader r;
	kk_dbus_r_init(&r, &m);
	uint32_t v = 0;
	kk_error err = {};
	ASSERT_EQ(kk_dbus_r_u32(&r, &v, &err), 0) << err.msg;
	EXPECT_EQ(v, 7u);
}

TEST(DbusReader, TruncatedAndOversizedAreRefused)
{
	Bytes ok = ReplyO();
	ASSERT_EQ(Parse(ok), "");
	for (size_t n : {size_t(0), size_t(15), size_t(16), ok.size() - 1}) {
		Bytes cut(ok.begin(), ok.begin() + n);
		std::string e = Parse(cut);
		EXPECT_TRUE(Has(e, "D-Bus: malformed message")) << n << ": " << e;
	}
	Bytes longer = ok;
	longer.push_back(0);
	EXPECT_TRUE(Has(Parse(longer), "bytes, but its header says")) << Parse(longer);
	// The body's string says it is longer than the body.
	Bytes str = ok;
	str[str.size() - 37]++; // the length of the 32-byte path
	EXPECT_TRUE(Has(Parse(str), "truncated")) << Parse(str);
	// A body length past the limit, before anything is read.
	Bytes big = ok;
	big[6] = 0x20; // 2 MiB
	uint8_t head[16];
	memcpy(head, big.data(), 16);
	size_t size;
	kk_error err = {};
	EXPECT_EQ(kk_dbus_msg_size(head, &size, &err), -1);
	EXPECT_EQ(err.code, KK_ERR_LIMIT);
	EXPECT_TRUE(Has(err.msg, "is larger than 1048576")) << err.msg;
}

TEST(DbusReader, MisalignedValuesAreRefused)
{
	// "yu" with the u32 written right after the byte, not at 4.
	Writer w;
	kk_dbus_w_byte(&w.w, 7);
	for (uint8_t c : {1, 0, 0, 0})
		kk_dbus_w_byte(&w.w, c);
	kk_dbus_w_byte(&w.w, 0);
	kk_dbus_w_byte(&w.w, 0);
	kk_dbus_w_byte(&w.w, 0);
	std::string e = Parse(fakebus::Reply(3, "yu", w.w));
	EXPECT_TRUE(Has(e, "padding is not zero")) << e;
	// The header's padding before the body.
	Bytes ok = ReplyO();
	size_t body = ok.size() - 37; // u32 32, the path, NUL
	ASSERT_EQ(ok[body - 1], 0);
	ok[body - 1] = 0xff;
	EXPECT_TRUE(Has(Parse(ok), "padding is not zero")) << Parse(ok);
}

TEST(DbusReader, WrongEndianOrVersionIsRefused)
{
	Bytes b = ReplyO();
	b[0] = 'X';
	EXPECT_EQ(Parse(b), "D-Bus: malformed message at byte 4: byte order 'X' is neither 'l' "
			    "nor 'B'");
	b = ReplyO();
	b[3] = 2;
	EXPECT_TRUE(Has(Parse(b), "protocol version 2, not 1")) << Parse(b);
	// A little-endian message marked big-endian: lengths read swapped.
	b = ReplyO();
	b[0] = 'B';
	EXPECT_NE(Parse(b), "");
}

TEST(DbusReader, BadSignaturesAndValuesAreRefused)
{
	Writer empty;
	for (const char *sig : {"a", "(", "()", "a{vs}", "(s", "z", "ss)"})
		EXPECT_TRUE(Has(Parse(fakebus::Reply(3, sig, empty.w)), "not a signature"))
			<< sig << ": " << Parse(fakebus::Reply(3, sig, empty.w));
	// 33 nested arrays are one too many.
	EXPECT_TRUE(Has(Parse(fakebus::Reply(3, (std::string(33, 'a') + "y").c_str(), empty.w)),
			"not a signature"));
	// A signature naming more than the body holds.
	EXPECT_TRUE(Has(Parse(fakebus::Reply(3, "s", empty.w)), "truncated"));

	Writer b;
	kk_dbus_w_u32(&b.w, 2);
	EXPECT_TRUE(Has(Parse(fakebus::Reply(3, "b", b.w)), "boolean 2"));
	EXPECT_TRUE(Has(Parse(ReplyO("no/slash")), "not an object path"));
	EXPECT_TRUE(Has(Parse(ReplyO("/trailing/")), "not an object path"));
	Writer two;
	kk_dbus_w_signature(&two.w, "ss");
	kk_dbus_w_string(&two.w, "a");
	kk_dbus_w_string(&two.w, "b");
	EXPECT_TRUE(Has(Parse(fakebus::Reply(3, "v", two.w)), "is not one type"));
	// A string holding a NUL.
	Writer nul;
	kk_dbus_w_string(&nul.w, "abcd");
	nul.w.buf[5] = 0;
	EXPECT_TRUE(Has(Parse(fakebus::Reply(3, "s", nul.w)), "holds a NUL"));
	// Variants nested past the depth limit.
	Writer deep;
	for (int i = 0; i < 70; i++)
		kk_dbus_w_signature(&deep.w, "v");
	kk_dbus_w_signature(&deep.w, "y");
	kk_dbus_w_byte(&deep.w, 1);
	EXPECT_TRUE(Has(Parse(fakebus::Reply(3, "v", deep.w)), "nested deeper than 64"));
	// An array whose element runs past its length.
	Writer arr;
	kk_dbus_w_u32(&arr.w, 2);
	kk_dbus_w_u32(&arr.w, 1);
	EXPECT_TRUE(
		Has(Parse(fakebus::Reply(3, "au", arr.w)), "truncated (4 bytes needed, 2 left)"))
		<< Parse(fakebus::Reply(3, "au", arr.w));
}

TEST(DbusReader, HeaderFieldsAreChecked)
{
	Writer none;
	kk_dbus_request c = {};
	c.type = KK_DBUS_ERROR;
	c.reply_serial = 3;
	EXPECT_TRUE(Has(Parse(fakebus::Encode(c, 1)), "without ERROR_NAME"));
	c.type = KK_DBUS_METHOD_RETURN;
	c.reply_serial = 0;
	EXPECT_TRUE(Has(Parse(fakebus::Encode(c, 1)), "without REPLY_SERIAL"));
	c.type = KK_DBUS_SIGNAL;
	c.path = "/a";
	c.member = "M";
	EXPECT_TRUE(Has(Parse(fakebus::Encode(c, 1)), "without INTERFACE"));
	// Serial 0.
	c.iface = "a.b";
	Bytes b = fakebus::Encode(c, 1);
	EXPECT_EQ(Parse(b), "");
	b[8] = 0;
	EXPECT_TRUE(Has(Parse(b), "serial 0"));
	// A field of the wrong type: PATH as a string.
	b = fakebus::Encode(c, 1);
	ASSERT_EQ(b[16], 1);
	b[18] = 's';
	EXPECT_TRUE(Has(Parse(b), "header field 1 has type \"s\", not \"o\"")) << Parse(b);
	// UNIX_FDS: none were negotiated. Field 9 in place of PATH's code
	// would change its type; build one by hand: code 9, "u", 1.
	Bytes fds = {'l', 2, 0,	  1, 0, 0, 0, 0, 1, 0, 0,   0, 16, 0, 0, 0,
		     5,	  1, 'u', 0, 1, 0, 0, 0, 9, 1, 'u', 0, 1,  0, 0, 0};
	EXPECT_TRUE(Has(Parse(fds), "file descriptors")) << Parse(fds);
	fds[28] = 0;
	EXPECT_EQ(Parse(fds), "");
	// An unknown field code is skipped, whatever its type.
	fds[24] = 200;
	fds[28] = 9;
	EXPECT_EQ(Parse(fds), "");
}

// ---- the connection, against a fake systemd -------------------------------

struct Conn {
	kk_dbus *b = nullptr;
	~Conn()
	{
		kk_dbus_close(b);
	}
};

kk_dbus_request GetUnit()
{
	static kk_dbus_writer w = [] {
		kk_dbus_writer x = {};
		kk_dbus_w_string(&x, "kakoi-x.scope");
		return x;
	}();
	return fakebus::Manager("GetUnit", "s", w);
}

TEST(DbusConnection, AuthenticatesSkipsASignalAndReadsTheReply)
{
	fakebus::Server srv([](int fd, const fakebus::Call &call) {
		fakebus::Send(fd, fakebus::Signal());
		// A reply to another serial first, then ours.
		fakebus::Send(fd, ReplyO("/x", call.msg.serial + 100));
		fakebus::Send(fd, ReplyO("/org/freedesktop/systemd1/unit/kakoi_2dx_2escope",
					 call.msg.serial));
	});
	Conn c;
	kk_error err = {};
	ASSERT_EQ(kk_dbus_open_fd(srv.Pair(), false, &c.b, &err), 0) << err.msg;
	kk_dbus_request call = GetUnit();
	kk_dbus_reply reply = {};
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(kk_dbus_call(c.b, &call, &reply), 0) << reply.why.msg;
		kk_dbus_reader r;
		kk_dbus_r_init(&r, &reply.msg);
		const char *path;
		ASSERT_EQ(kk_dbus_r_string(&r, 'o', &path, &err), 0) << err.msg;
		EXPECT_STREQ(path, "/org/freedesktop/systemd1/unit/kakoi_2dx_2escope");
	}
	kk_dbus_reply_free(&reply);
	kk_dbus_close(c.b);
	c.b = nullptr;
	srv.Stop();
	char uid[32], hex[64] = "";
	snprintf(uid, sizeof(uid), "%u", geteuid());
	for (char *p = uid; *p; p++)
		snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), "%02x", *p);
	EXPECT_EQ(srv.auth, std::string("AUTH EXTERNAL ") + hex + "\r");
	EXPECT_EQ(srv.members, (std::vector<std::string>(3, "GetUnit kakoi-x.scope")));
}

TEST(DbusConnection, AnErrorCarriesItsNameAndMessage)
{
	fakebus::Server srv([](int fd, const fakebus::Call &call) {
		fakebus::Send(fd, fakebus::ErrorReply(call.msg.serial,
						      "org.freedesktop.systemd1.NoSuchUnit",
						      "Unit kakoi-x.scope not loaded."));
	});
	Conn c;
	kk_error err = {};
	ASSERT_EQ(kk_dbus_open_fd(srv.Pair(), false, &c.b, &err), 0) << err.msg;
	kk_dbus_request call = GetUnit();
	kk_dbus_reply reply = {};
	errno = 0;
	EXPECT_EQ(kk_dbus_call(c.b, &call, &reply), -1);
	EXPECT_EQ(errno, EREMOTEIO);
	EXPECT_STREQ(reply.error_name, "org.freedesktop.systemd1.NoSuchUnit");
	EXPECT_STREQ(reply.error_msg, "Unit kakoi-x.scope not loaded.");
	EXPECT_EQ(reply.why.msg[0], '\0');
	kk_dbus_reply_free(&reply);
}

// No answer, or half of one: the call times out. Either way the stream may
// be in the middle of a message now, so the connection refuses every later
// call at once instead of reading the rest as a new header.
TEST(DbusConnection, NoAnswerTimesOutAndTheConnectionIsNotUsedAgain)
{
	for (bool half : {false, true}) {
		fakebus::Server srv([&](int fd, const fakebus::Call &call) {
			Bytes b = ReplyO("/x", call.msg.serial);
			if (half)
				fakebus::Send(fd, Bytes(b.begin(), b.begin() + 20));
		});
		Conn c;
		kk_error err = {};
		ASSERT_EQ(kk_dbus_open_fd(srv.Pair(), false, &c.b, &err), 0) << err.msg;
		kk_dbus_set_timeout(c.b, 200);
		kk_dbus_request call = GetUnit();
		kk_dbus_reply reply = {};
		EXPECT_EQ(kk_dbus_call(c.b, &call, &reply), -1);
		EXPECT_EQ(errno, ETIMEDOUT);
		EXPECT_EQ(std::string(reply.why.msg),
			  "GetUnit: D-Bus: no answer in time: Connection timed out");
		EXPECT_EQ(kk_dbus_call(c.b, &call, &reply), -1);
		EXPECT_EQ(std::string(reply.why.msg),
			  "D-Bus: GetUnit: the connection is out of step after an earlier error");
		kk_dbus_reply_free(&reply);
		kk_dbus_close(c.b);
		c.b = nullptr;
		srv.Stop();
		EXPECT_EQ(srv.members.size(), 1u) << "the second call was sent";
	}
}

TEST(DbusConnection, AMalformedReplyIsRefused)
{
	fakebus::Server srv([](int fd, const fakebus::Call &call) {
		Bytes b = fakebus::ErrorReply(call.msg.serial, "x.y", "z");
		b[b.size() - 1] = 'z'; // the message string loses its NUL
		fakebus::Send(fd, b);
	});
	Conn c;
	kk_error err = {};
	ASSERT_EQ(kk_dbus_open_fd(srv.Pair(), false, &c.b, &err), 0) << err.msg;
	kk_dbus_request call = GetUnit();
	kk_dbus_reply reply = {};
	EXPECT_EQ(kk_dbus_call(c.b, &call, &reply), -1);
	EXPECT_EQ(errno, EBADMSG);
	EXPECT_TRUE(Has(reply.why.msg, "GetUnit: D-Bus: malformed message at byte"))
		<< reply.why.msg;
	EXPECT_EQ(reply.error_name[0], '\0');
	kk_dbus_reply_free(&reply);
}

TEST(DbusConnection, RefusedAuthenticationSaysSo)
{
	fakebus::Server srv([](int, const fakebus::Call &) {});
	srv.auth_reply = "REJECTED EXTERNAL\r\n";
	kk_dbus *b = nullptr;
	kk_error err = {};
	EXPECT_EQ(kk_dbus_open_fd(srv.Pair(), false, &b, &err), -1);
	EXPECT_EQ(std::string(err.msg), "D-Bus: authentication refused: \"REJECTED EXTERNAL\"");
	EXPECT_EQ(b, nullptr);
}

TEST(DbusConnection, HelloFirstOnABus)
{
	fakebus::Server srv([](int fd, const fakebus::Call &call) {
		Writer w;
		kk_dbus_w_string(&w.w, ":1.42");
		fakebus::Send(fd, fakebus::Reply(call.msg.serial, "s", w.w));
	});
	Conn c;
	kk_error err = {};
	ASSERT_EQ(kk_dbus_open_fd(srv.Pair(), true, &c.b, &err), 0) << err.msg;
	kk_dbus_close(c.b);
	c.b = nullptr;
	srv.Stop();
	EXPECT_EQ(srv.members, std::vector<std::string>{"Hello "});
}

TEST(DbusConnection, NoSocketNamesThePath)
{
	kk_dbus *b = nullptr;
	kk_error err = {};
	EXPECT_EQ(kk_dbus_open_path("/nonexistent/kakoi/bus", false, &b, &err), -1);
	EXPECT_EQ(std::string(err.msg),
		  "connect /nonexistent/kakoi/bus: No such file or directory");
}

} // namespace
