// The systemd driver's pure parts: cgroupsPath "slice:prefix:name", slice
// expansion, the resource -> property mapping (runc's values), and the
// plan it makes over a fake tree (the scope first, kakoi's own steps after
// it in host-attach), and the D-Bus steps against a fake systemd
// (fake_dbus.h): the calls and their order, systemd's refusals, the
// seam, an unreachable systemd. The client itself is dbus_test's; a real
// systemd is tests/integration/systemd_test's.
#include <errno.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/warn.h"
#include "runtime/cgroup/systemd/systemd.h"
#include "runtime/sys/sys.h"
#include "tests/cgroup/fake_cgroupfs.h"
#include "tests/cgroup/fake_dbus.h"
#include "tests/cgroup/helpers.h"

namespace
{

using cgtest::Cgroup;
using cgtest::I64;
using cgtest::Lines;
using cgtest::Plan;
using cgtest::U64;
using fakecg::Layout;
using fakecg::Tree;
using V = std::vector<std::string>;

// "slice unit path", or "error: <message>".
std::string Parse(const char *path, const char *id = "c1")
{
	kk_sd_unit u;
	kk_error err = {};
	if (kk_sd_parse_path(path, id, &u, &err) < 0)
		return std::string("error: ") + err.msg;
	return std::string(u.slice) + " " + u.unit + " " + u.path;
}

TEST(SystemdPath, SlicePrefixName)
{
	EXPECT_EQ(Parse("machine.slice:kakoi:c1"),
		  "machine.slice kakoi-c1.scope /machine.slice/kakoi-c1.scope");
	EXPECT_EQ(Parse("a-b-c.slice:p:n"),
		  "a-b-c.slice p-n.scope /a.slice/a-b.slice/a-b-c.slice/p-n.scope");
	EXPECT_EQ(Parse("-.slice:p:n"), "-.slice p-n.scope /p-n.scope");
}

TEST(SystemdPath, EmptySliceIsSystemSliceEmptyPrefixIsNameAlone)
{
	EXPECT_EQ(Parse(":kakoi:x"), "system.slice kakoi-x.scope /system.slice/kakoi-x.scope");
	EXPECT_EQ(Parse("::x"), "system.slice x.scope /system.slice/x.scope");
}

TEST(SystemdPath, AbsentIsKakoiPrefixAndId)
{
	EXPECT_EQ(Parse(nullptr, "my-id"),
		  "system.slice kakoi-my-id.scope /system.slice/kakoi-my-id.scope");
	EXPECT_EQ(Parse("", "x"), "system.slice kakoi-x.scope /system.slice/kakoi-x.scope");
}

TEST(SystemdPath, RefusalsNameTheField)
{
	for (const char *bad :
	     {"/kakoi/x", "a:b", "a:b:c:d", "x.slice:p:", "notaslice:p:n", ".slice:p:n",
	      "a--b.slice:p:n", "-a.slice:p:n", "a-.slice:p:n", "a/b.slice:p:n", "x.slice:p/q:n",
	      "x.slice:p:n/m", "x.slice:p:n m", "x.slice:p:n.slice", "x.slice:p:caf\xc3\xa9"}) {
		std::string e = Parse(bad);
		EXPECT_EQ(e.rfind("error: linux.cgroupsPath: ", 0), 0u) << bad << " -> " << e;
	}
	EXPECT_EQ(Parse("a:b"), "error: linux.cgroupsPath: \"a:b\" is not \"slice:prefix:name\", "
				"the form --systemd-cgroup takes");
	EXPECT_EQ(Parse("x.slice:p:n.slice"), "error: linux.cgroupsPath: the name \"n.slice\" ends "
					      "in .slice; kakoi only creates scopes");
	// An ID with a character unit names cannot hold.
	EXPECT_EQ(Parse(nullptr, "a+b")
			  .rfind("error: linux.cgroupsPath: the name (the container "
				 "ID) \"a+b\"",
				 0),
		  0u);
}

TEST(SystemdPath, LongNamesAreLimits)
{
	std::string name(250, 'n');
	EXPECT_NE(Parse(("::" + name).c_str()).find("error:"), std::string::npos);
	std::string ok(240, 'n');
	EXPECT_EQ(Parse(("::" + ok).c_str()).find("error:"), std::string::npos);
	std::string part(300, 'p');
	EXPECT_NE(Parse(("x.slice:" + part + ":n").c_str()).find("longer than 255"),
		  std::string::npos);
}

TEST(SystemdPath, UnitNameCheck)
{
	EXPECT_TRUE(kk_sd_unit_name_ok("a-b.scope", ".scope"));
	EXPECT_FALSE(kk_sd_unit_name_ok(".scope", ".scope"));
	EXPECT_FALSE(kk_sd_unit_name_ok("a.slice", ".scope"));
	EXPECT_FALSE(kk_sd_unit_name_ok("a b.scope", ".scope"));
	EXPECT_FALSE(kk_sd_unit_name_ok((std::string(300, 'a') + ".scope").c_str(), ".scope"));
}

// "Name=value" lines of the resource properties, or "error: ...".
V Props(const kk_resources &res, kk_sd_dialect d)
{
	kk_sd_props p = {};
	kk_error err = {};
	if (kk_sd_resource_props(&res, d, &p, &err) < 0)
		return {std::string("error: ") + err.msg};
	V out;
	for (size_t i = 0; i < p.n; i++) {
		char buf[512];
		kk_sd_prop_format(&p.v[i], buf, sizeof(buf));
		out.push_back(buf);
	}
	return out;
}

TEST(SystemdProps, UnifiedAsRuncMapsThem)
{
	kk_memory m = {};
	m.limit = I64(100 << 20);
	m.reservation = I64(50 << 20);
	m.swap = I64(150 << 20);
	kk_cpu c = {};
	c.shares = U64(1024);
	c.quota = I64(50000);
	c.period = U64(100000);
	c.cpus = "0-1,3";
	c.mems = "0";
	kk_pids p = {64};
	kk_blkio b = {};
	b.weight = {500, true};
	kk_resources res = {};
	res.memory = &m;
	res.cpu = &c;
	res.pids = &p;
	res.block_io = &b;
	EXPECT_EQ(
		Props(res, KK_SD_UNIFIED),
		(V{"MemoryMax=104857600", "MemoryLow=52428800", "MemorySwapMax=52428800",
		   "CPUWeight=39", "CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=500000",
		   "AllowedCPUs=0x0b", "AllowedMemoryNodes=0x01", "TasksMax=64", "IOWeight=4950"}));
}

TEST(SystemdProps, LegacyNames)
{
	kk_memory m = {};
	m.limit = I64(100 << 20);
	m.reservation = I64(50 << 20);
	kk_cpu c = {};
	c.shares = U64(512);
	kk_blkio b = {};
	b.weight = {300, true};
	kk_resources res = {};
	res.memory = &m;
	res.cpu = &c;
	res.block_io = &b;
	EXPECT_EQ(Props(res, KK_SD_LEGACY),
		  (V{"MemoryLimit=104857600", "CPUShares=512", "BlockIOWeight=300"}));
}

TEST(SystemdProps, UnlimitedZeroAndAbsent)
{
	kk_memory m = {};
	m.limit = I64(-1);
	kk_pids p = {-1};
	kk_cpu c = {};
	c.quota = I64(-1);
	kk_resources res = {};
	res.memory = &m;
	res.pids = &p;
	res.cpu = &c;
	// -1 memory without swap also unlimits swap (runc).
	EXPECT_EQ(Props(res, KK_SD_UNIFIED),
		  (V{"MemoryMax=infinity", "MemorySwapMax=infinity", "CPUQuotaPerSecUSec=infinity",
		     "TasksMax=infinity"}));
	kk_pids zero = {0};
	kk_memory none = {};
	kk_resources r2 = {};
	r2.pids = &zero;
	r2.memory = &none;
	EXPECT_EQ(Props(r2, KK_SD_UNIFIED), V{});
	EXPECT_EQ(Props(kk_resources{}, KK_SD_LEGACY), V{});
}

TEST(SystemdProps, QuotaRoundsUpToWholePercent)
{
	kk_cpu c = {};
	c.quota = I64(33333);
	kk_resources res = {};
	res.cpu = &c;
	// 33333 per default 100000 µs is 333330 µs/s: up to 340000 (runc's rounding).
	EXPECT_EQ(Props(res, KK_SD_LEGACY), V{"CPUQuotaPerSecUSec=340000"});
	c.period = U64(50000);
	c.quota = I64(25000);
	EXPECT_EQ(Props(res, KK_SD_LEGACY),
		  (V{"CPUQuotaPeriodUSec=50000", "CPUQuotaPerSecUSec=500000"}));
}

TEST(SystemdProps, ErrorsNameTheField)
{
	kk_memory m = {};
	m.limit = I64(100);
	m.swap = I64(50);
	kk_resources res = {};
	res.memory = &m;
	EXPECT_EQ(Props(res, KK_SD_UNIFIED),
		  V{"error: linux.resources.memory.swap: 50 is below memory.limit 100"});
	kk_cpu c = {};
	c.cpus = "0-";
	kk_resources r2 = {};
	r2.cpu = &c;
	EXPECT_EQ(Props(r2, KK_SD_UNIFIED),
		  V{"error: linux.resources.cpu.cpus: \"0-\" is not a list like \"0-3,8\""});
	c.cpus = "5000";
	EXPECT_EQ(Props(r2, KK_SD_UNIFIED)[0].rfind("error: linux.resources.cpu.cpus: \"5000\"", 0),
		  0u);
	kk_pids p = {-5};
	kk_resources r3 = {};
	r3.pids = &p;
	EXPECT_EQ(Props(r3, KK_SD_UNIFIED),
		  V{"error: linux.resources.pids.limit: -5 is not a limit"});
}

TEST(SystemdProps, CpuMask)
{
	uint8_t mask[KK_SD_MASK_MAX];
	size_t n;
	kk_error err = {};
	ASSERT_EQ(kk_sd_cpu_mask("0-9,16,1023", mask, &n, "f", &err), 0) << err.msg;
	EXPECT_EQ(n, 128u);
	EXPECT_EQ(mask[0], 0xff);
	EXPECT_EQ(mask[1], 0x03);
	EXPECT_EQ(mask[2], 0x01);
	EXPECT_EQ(mask[127], 0x80);
	for (const char *bad : {"a", "1,", ",1", "3-1", "1-2-3", "1 ", "-1", "1024"})
		EXPECT_EQ(kk_sd_cpu_mask(bad, mask, &n, "f", &err), -1) << bad;
}

TEST(SystemdProps, ScopeCarriesDelegatePidAndAccounting)
{
	kk_sd_unit u = {};
	snprintf(u.slice, sizeof(u.slice), "machine.slice");
	kk_sd_props p = {};
	kk_error err = {};
	ASSERT_EQ(kk_sd_scope_props(&u, 4242, KK_SD_UNIFIED, nullptr, &p, &err), 0) << err.msg;
	V out;
	for (size_t i = 0; i < p.n; i++) {
		char buf[256];
		kk_sd_prop_format(&p.v[i], buf, sizeof(buf));
		out.push_back(buf);
	}
	EXPECT_EQ(out, (V{"Description=kakoi container", "Slice=machine.slice", "Delegate=yes",
			  "DefaultDependencies=no", "PIDs=4242", "MemoryAccounting=yes",
			  "CPUAccounting=yes", "IOAccounting=yes", "TasksAccounting=yes"}));
}

TEST(SystemdPlan, ScopeFirstThenKakoisStepsInHostAttach)
{
	Tree t(Layout::HYBRID);
	Cgroup cg;
	Plan plan;
	kk_error err = {};
	kk_pids p = {10};
	kk_resources res = {};
	res.pids = &p;
	ASSERT_EQ(kk_cgroup_open_systemd(t.root().c_str(), "system.slice:kakoi:c1", "c1", &cg.cg,
					 &err),
		  0)
		<< err.msg;
	EXPECT_STREQ(kk_cgroup_path(cg.cg), "/system.slice/kakoi-c1.scope");
	EXPECT_STREQ(kk_cgroup_unit(cg.cg), "kakoi-c1.scope");
	ASSERT_EQ(kk_plan_cgroup(&plan.plan, cg.cg, &res, &err), 0) << err.msg;
	V lines = Lines(plan.plan);
	ASSERT_FALSE(lines.empty());
	EXPECT_EQ(lines[0], "systemd-scope start transient unit kakoi-c1.scope in system.slice: "
			    "Description=kakoi container Slice=system.slice Delegate=yes "
			    "DefaultDependencies=no PIDs=<the init> MemoryAccounting=yes "
			    "CPUAccounting=yes BlockIOAccounting=yes TasksAccounting=yes "
			    "TasksMax=10");
	for (size_t i = 0; i < plan.plan.n; i++)
		EXPECT_EQ(plan.plan.ops[i].type->phase, KK_PHASE_HOST_ATTACH) << lines[i];
	bool wrote = false;
	for (const auto &l : lines)
		wrote = wrote ||
			l == "cgroup-set write 10 to pids:/system.slice/kakoi-c1.scope/pids.max";
	EXPECT_TRUE(wrote); // the files get every value too, as with runc
}

TEST(SystemdPlan, PureV2UsesUnifiedNames)
{
	Tree t(Layout::V2);
	Cgroup cg;
	Plan plan;
	kk_error err = {};
	kk_memory m = {};
	m.limit = I64(1 << 20);
	kk_resources res = {};
	res.memory = &m;
	ASSERT_EQ(kk_cgroup_open_systemd(t.root().c_str(), nullptr, "c2", &cg.cg, &err), 0);
	ASSERT_EQ(kk_plan_cgroup(&plan.plan, cg.cg, &res, &err), 0) << err.msg;
	EXPECT_NE(
		Lines(plan.plan)[0].find("IOAccounting=yes TasksAccounting=yes MemoryMax=1048576"),
		std::string::npos);
}

TEST(SystemdPlan, MappingErrorsFailThePlan)
{
	Tree t(Layout::V2);
	Cgroup cg;
	Plan plan;
	kk_error err = {};
	kk_cpu c = {};
	c.cpus = "x";
	kk_resources res = {};
	res.cpu = &c;
	ASSERT_EQ(kk_cgroup_open_systemd(t.root().c_str(), nullptr, "c3", &cg.cg, &err), 0);
	EXPECT_EQ(kk_plan_cgroup(&plan.plan, cg.cg, &res, &err), -1);
	EXPECT_STREQ(err.msg, "linux.resources.cpu.cpus: \"x\" is not a list like \"0-3,8\"");
}

TEST(SystemdPlan, BadPathTouchesNothing)
{
	Tree t(Layout::HYBRID);
	Cgroup cg;
	kk_error err = {};
	EXPECT_EQ(kk_cgroup_open_systemd(t.root().c_str(), "/not/systemd", "c1", &cg.cg, &err), -1);
	EXPECT_EQ(std::string(err.msg).rfind("linux.cgroupsPath: ", 0), 0u);
	EXPECT_EQ(cg.cg, nullptr);
}

TEST(SystemdRecord, UseSystemdTakesTheUnitAndSliceFromThePath)
{
	Tree t(Layout::HYBRID);
	Cgroup cg;
	kk_error err = {};
	ASSERT_EQ(kk_cgroup_open(t.root().c_str(), "/a.slice/a-b.slice/kakoi-x.scope", "x", &cg.cg,
				 &err),
		  0);
	EXPECT_EQ(kk_cgroup_unit(cg.cg), nullptr);
	ASSERT_EQ(kk_cgroup_use_systemd(cg.cg, &err), 0) << err.msg;
	EXPECT_STREQ(kk_cgroup_unit(cg.cg), "kakoi-x.scope");
	Cgroup plain;
	ASSERT_EQ(kk_cgroup_open(t.root().c_str(), "/kakoi/x", "x", &plain.cg, &err), 0);
	EXPECT_EQ(kk_cgroup_use_systemd(plain.cg, &err), -1);
	EXPECT_STREQ(err.msg, "state: cgroup /kakoi/x is not a systemd scope's");
}

// ---- the D-Bus steps, against a fake systemd ----------------------------

// A temp dir for the sockets; the driver pointed at them for one test.
class Sockets
{
      public:
	Sockets()
	{
		char tmpl[] = "/tmp/kakoi-sd-test.XXXXXX";
		// No fallback to /tmp itself: the destructor removes the dir.
		if (mkdtemp(tmpl) == nullptr) {
			ADD_FAILURE() << "mkdtemp: " << strerror(errno);
			dir_ = "/nonexistent/kakoi-sd-test"; // nothing made, nothing removed
		} else {
			dir_ = tmpl;
			made_ = true;
		}
		private_ = dir_ + "/private";
		bus_ = dir_ + "/bus";
		kk_sd_set_sockets(private_.c_str(), bus_.c_str());
	}
	~Sockets()
	{
		kk_sd_set_sockets(nullptr, nullptr);
		if (!made_)
			return;
		unlink(Private().c_str());
		rmdir(dir_.c_str());
	}
	std::string Private() const
	{
		return private_;
	}
	std::string Bus() const
	{
		return bus_;
	}

      private:
	std::string dir_, private_, bus_;
	bool made_ = false;
};

std::vector<std::string> warnings;
void Keep(const char *msg)
{
	warnings.push_back(msg);
}

// Neither socket answers: every D-Bus step fails naming both; delete only
// warns and removes the directories.
TEST(SystemdBus, UnreachableNamesBothSockets)
{
	Sockets socks;
	const std::string want = "--systemd-cgroup: cannot reach systemd on " + socks.Private() +
				 " (connect " + socks.Private() +
				 ": No such file or directory) or the system bus: connect " +
				 socks.Bus() + ": No such file or directory";
	kk_sd_unit u;
	kk_sd_props props = {};
	kk_error err = {};
	ASSERT_EQ(kk_sd_parse_path(":kakoi:c1", "c1", &u, &err), 0) << err.msg;
	EXPECT_EQ(kk_sd_start(&u, &props, &err), -1);
	EXPECT_EQ(err.msg, want);
	err = {};
	EXPECT_EQ(kk_sd_set(u.unit, &props, &err), -1);
	EXPECT_EQ(err.msg, want);
	err = {};
	EXPECT_EQ(kk_sd_stop(u.unit, &err), -1);
	EXPECT_EQ(err.msg, want);
	err = {};
	EXPECT_FALSE(kk_sd_reachable(&err));
	EXPECT_EQ(err.msg, want);

	Tree t(Layout::HYBRID);
	Cgroup cg;
	ASSERT_EQ(kk_cgroup_open_systemd(t.root().c_str(), ":kakoi:c1", "c1", &cg.cg, &err), 0)
		<< err.msg;
	warnings.clear();
	kk_warn_set_sink(Keep);
	int r = kk_cgroup_remove(cg.cg, &err);
	kk_warn_set_sink(nullptr);
	EXPECT_EQ(r, 0) << err.msg;
	ASSERT_EQ(warnings.size(), 1u);
	EXPECT_EQ(warnings[0], want + "; unit kakoi-c1.scope not stopped");
}

const char kUnitPath[] = "/org/freedesktop/systemd1/unit/kakoi_2dc1_2escope";

// What a systemd with one scope answers: the start job is gone at once
// (UnknownObject), the unit is active until stopped, then unknown.
void Systemd(int fd, const fakebus::Call &c, bool *stopped)
{
	using namespace fakebus;
	uint32_t serial = c.msg.serial;
	std::string m = c.Member(), arg = c.FirstString();
	if (m == "StartTransientUnit")
		Send(fd, ReplyString(serial, 'o', "/org/freedesktop/systemd1/job/7"));
	else if (m == "Get" && arg == "org.freedesktop.systemd1.Job")
		Send(fd, ErrorReply(serial, "org.freedesktop.DBus.Error.UnknownObject", "gone"));
	else if (m == "Get")
		Send(fd, ReplyVariantString(serial, "active"));
	else if (m == "GetUnit" && *stopped)
		Send(fd, ErrorReply(serial, "org.freedesktop.systemd1.NoSuchUnit",
				    "Unit kakoi-c1.scope not loaded."));
	else if (m == "GetUnit")
		Send(fd, ReplyString(serial, 'o', kUnitPath));
	else if (m == "SetUnitProperties")
		Send(fd, ErrorReply(serial, "org.freedesktop.DBus.Error.InvalidArgs",
				    "Cannot set property TasksMax, or unknown property."));
	else if (m == "StopUnit") {
		*stopped = true;
		Send(fd, ReplyString(serial, 'o', "/org/freedesktop/systemd1/job/8"));
	} else {
		Send(fd, EmptyReply(serial));
	}
}

TEST(SystemdBus, StartWaitsForActiveAndStopForGone)
{
	Sockets socks;
	bool stopped = false;
	fakebus::Server srv([&](int fd, const fakebus::Call &c) { Systemd(fd, c, &stopped); });
	ASSERT_TRUE(srv.Listen(socks.Private()));
	kk_sd_unit u;
	kk_sd_props props = {};
	kk_error err = {};
	ASSERT_EQ(kk_sd_parse_path(":kakoi:c1", "c1", &u, &err), 0) << err.msg;
	ASSERT_EQ(kk_sd_scope_props(&u, 4242, KK_SD_UNIFIED, nullptr, &props, &err), 0);
	EXPECT_TRUE(kk_sd_reachable(&err)) << err.msg;
	EXPECT_EQ(kk_sd_start(&u, &props, &err), 0) << err.msg;
	EXPECT_EQ(kk_sd_stop(u.unit, &err), 0) << err.msg;
	srv.Stop();
	EXPECT_EQ(srv.members,
		  (V{"StartTransientUnit kakoi-c1.scope", "Get org.freedesktop.systemd1.Job",
		     "GetUnit kakoi-c1.scope", "Get org.freedesktop.systemd1.Unit",
		     "KillUnit kakoi-c1.scope", "StopUnit kakoi-c1.scope", "GetUnit kakoi-c1.scope",
		     "ResetFailedUnit kakoi-c1.scope"}));
}

TEST(SystemdBus, SystemdsRefusalIsTheError)
{
	Sockets socks;
	bool stopped = false;
	fakebus::Server srv([&](int fd, const fakebus::Call &c) { Systemd(fd, c, &stopped); });
	ASSERT_TRUE(srv.Listen(socks.Private()));
	kk_sd_props props = {};
	kk_error err = {};
	EXPECT_EQ(kk_sd_set("kakoi-c1.scope", &props, &err), -1);
	EXPECT_STREQ(err.msg, "--systemd-cgroup: set properties of kakoi-c1.scope: Cannot set "
			      "property TasksMax, or unknown property.");
}

// The calls that change systemd go through kk_sys()->sd_call: failed
// there, nothing reaches systemd and the error is the seam's errno.
int FailCall(kk_dbus *, const kk_dbus_request *, kk_dbus_reply *)
{
	errno = EIO;
	return -1;
}

// systemd answers a KillUnit of a scope whose processes are all gone with
// NoSuchProcess while the scope is still loaded: nothing left to kill, so
// the stop goes on.
TEST(SystemdBus, AKillOfAnEmptyScopeIsDone)
{
	Sockets socks;
	bool stopped = false;
	fakebus::Server srv([&](int fd, const fakebus::Call &c) {
		if (c.Member() == "KillUnit")
			fakebus::Send(fd,
				      fakebus::ErrorReply(c.msg.serial,
							  "org.freedesktop.systemd1.NoSuchProcess",
							  "No process to kill"));
		else
			Systemd(fd, c, &stopped);
	});
	ASSERT_TRUE(srv.Listen(socks.Private()));
	kk_error err = {};
	EXPECT_EQ(kk_sd_stop("kakoi-c1.scope", &err), 0) << err.msg;
	srv.Stop();
	EXPECT_TRUE(stopped) << "StopUnit was not sent after the kill";
}

// A StartTransientUnit that gets no answer may have started the unit all
// the same: the start fails and the unit is stopped, on a new connection.
// One that systemd refused (an ERROR) started nothing and stops nothing.
TEST(SystemdBus, AStartWithoutAnAnswerIsStoppedARefusedOneIsNot)
{
	for (bool refuse : {false, true}) {
		Sockets socks;
		bool stopped = false;
		fakebus::Server srv([&](int fd, const fakebus::Call &c) {
			if (c.Member() == "StartTransientUnit" && refuse)
				fakebus::Send(fd, fakebus::ErrorReply(
							  c.msg.serial,
							  "org.freedesktop.systemd1.UnitExists",
							  "Unit kakoi-c1.scope already exists."));
			else if (c.Member() != "StartTransientUnit")
				Systemd(fd, c, &stopped);
		});
		ASSERT_TRUE(srv.Listen(socks.Private()));
		kk_sd_set_call_timeout(200);
		kk_sd_unit u;
		kk_sd_props props = {};
		kk_error err = {};
		ASSERT_EQ(kk_sd_parse_path(":kakoi:c1", "c1", &u, &err), 0) << err.msg;
		EXPECT_EQ(kk_sd_start(&u, &props, &err), -1);
		kk_sd_set_call_timeout(0);
		srv.Stop();
		std::string want = refuse ? "--systemd-cgroup: start kakoi-c1.scope: Unit "
					    "kakoi-c1.scope already exists."
					  : "--systemd-cgroup: start kakoi-c1.scope: "
					    "StartTransientUnit: D-Bus: no answer in time: "
					    "Connection timed out";
		EXPECT_EQ(std::string(err.msg), want);
		EXPECT_EQ(stopped, !refuse) << (refuse ? "refused" : "unanswered");
	}
}

TEST(SystemdBus, ChangesGoThroughTheSeam)
{
	Sockets socks;
	bool stopped = false;
	fakebus::Server srv([&](int fd, const fakebus::Call &c) { Systemd(fd, c, &stopped); });
	ASSERT_TRUE(srv.Listen(socks.Private()));
	struct kk_sys failing = kk_sys_linux;
	failing.sd_call = FailCall;
	const struct kk_sys *old = kk_sys_set(&failing);
	kk_sd_unit u;
	kk_sd_props props = {};
	kk_error err = {};
	ASSERT_EQ(kk_sd_parse_path(":kakoi:c1", "c1", &u, &err), 0) << err.msg;
	int start = kk_sd_start(&u, &props, &err);
	std::string start_err = err.msg;
	int stop = kk_sd_stop(u.unit, &err);
	kk_sys_set(old);
	EXPECT_EQ(start, -1);
	EXPECT_EQ(start_err, "--systemd-cgroup: start kakoi-c1.scope: Input/output error");
	EXPECT_EQ(stop, -1);
	EXPECT_STREQ(err.msg, "--systemd-cgroup: kill kakoi-c1.scope: Input/output error");
	srv.Stop();
	EXPECT_EQ(srv.members, V{});
}

} // namespace
