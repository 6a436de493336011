// The release binary holds no fault-injection code: no kk_fault_* symbol in
// its ELF symbol tables and none of the fault library's strings (the
// environment variables it reads). kakoi_fault is the positive control: the
// same checks find them there, so the test can fail.
//
// kakoi is a static PIE (runtime/BUILD): no program interpreter, no
// DT_NEEDED library, and still position independent (ET_DYN), so ASLR
// moves it. kakoi_fault, the same code linked dynamically, links no
// libsystemd (the systemd driver speaks D-Bus itself,
// runtime/cgroup/systemd/dbus.h) and imports no dlopen: a static kakoi
// could not use it safely. (The static glibc carries its own dlopen for
// NSS and iconv modules; kakoi calls neither, nor setlocale.)
#include <elf.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/parser/fixture.h"

namespace
{

std::string ReadBinary(const std::string &rel)
{
	std::ifstream in(RunfilePath(rel), std::ios::binary);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

struct Symbols {
	bool has_symtab = false;
	std::vector<std::string> names;
};

// Calls each(section, entry, strings, strings_size) for the entries of
// every section of a 64-bit little-endian ELF file that want(section)
// picks, strings being the string table the section links to; each
// returns false to leave the section.
template <typename Entry, typename Want, typename Each>
void ForEachEntry(const std::string &elf, Want want, Each each)
{
	if (elf.size() < sizeof(Elf64_Ehdr) || memcmp(elf.data(), ELFMAG, SELFMAG) != 0 ||
	    elf[EI_CLASS] != ELFCLASS64)
		return;
	Elf64_Ehdr eh;
	memcpy(&eh, elf.data(), sizeof(eh));
	if (eh.e_shoff + (size_t)eh.e_shnum * sizeof(Elf64_Shdr) > elf.size())
		return;
	std::vector<Elf64_Shdr> sh(eh.e_shnum);
	memcpy(sh.data(), elf.data() + eh.e_shoff, eh.e_shnum * sizeof(Elf64_Shdr));
	for (const auto &s : sh) {
		if (!want(s) || s.sh_link >= sh.size())
			continue;
		const Elf64_Shdr &strs = sh[s.sh_link];
		if (s.sh_offset + s.sh_size > elf.size() ||
		    strs.sh_offset + strs.sh_size > elf.size())
			continue;
		for (size_t off = 0; off + sizeof(Entry) <= s.sh_size; off += sizeof(Entry)) {
			Entry e;
			memcpy(&e, elf.data() + s.sh_offset + off, sizeof(e));
			if (!each(s, e, elf.c_str() + strs.sh_offset, strs.sh_size))
				break;
		}
	}
}

// The names in .symtab and .dynsym.
Symbols ElfSymbols(const std::string &elf)
{
	Symbols out;
	ForEachEntry<Elf64_Sym>(
		elf,
		[](const Elf64_Shdr &s) {
			return s.sh_type == SHT_SYMTAB || s.sh_type == SHT_DYNSYM;
		},
		[&](const Elf64_Shdr &s, const Elf64_Sym &sym, const char *strs, size_t n) {
			out.has_symtab = out.has_symtab || s.sh_type == SHT_SYMTAB;
			if (sym.st_name < n)
				out.names.emplace_back(strs + sym.st_name);
			return true;
		});
	return out;
}

// The DT_NEEDED entries of .dynamic: the libraries the loader maps at exec.
std::vector<std::string> ElfNeeded(const std::string &elf)
{
	std::vector<std::string> out;
	ForEachEntry<Elf64_Dyn>(
		elf, [](const Elf64_Shdr &s) { return s.sh_type == SHT_DYNAMIC; },
		[&](const Elf64_Shdr &, const Elf64_Dyn &d, const char *strs, size_t n) {
			if (d.d_tag == DT_NEEDED && d.d_un.d_val < n)
				out.emplace_back(strs + d.d_un.d_val);
			return d.d_tag != DT_NULL;
		});
	return out;
}

std::vector<std::string> FaultSymbols(const Symbols &syms)
{
	std::vector<std::string> hits;
	for (const auto &name : syms.names)
		if (name.find("kk_fault") != std::string::npos)
			hits.push_back(name);
	return hits;
}

const char *const kFaultStrings[] = {"KAKOI_FAULT_AT", "KAKOI_FAULT_ERRNO", "KAKOI_FAULT_MATCH",
				     "KAKOI_FAULT_REPORT", "fault fired at"};

TEST(ReleaseBinary, HasNoFaultSymbol)
{
	std::string elf = ReadBinary("runtime/kakoi");
	ASSERT_FALSE(elf.empty()) << "cannot read runtime/kakoi";
	Symbols syms = ElfSymbols(elf);
	ASSERT_FALSE(syms.names.empty()) << "runtime/kakoi is not a readable ELF file";
	if (syms.has_symtab) { // a non-stripped build: the seam itself must be visible
		EXPECT_NE(std::find(syms.names.begin(), syms.names.end(), "kk_sys_set"),
			  syms.names.end());
	}
	std::vector<std::string> hits = FaultSymbols(syms);
	EXPECT_TRUE(hits.empty()) << "runtime/kakoi has " << hits.size()
				  << " fault symbols, first: " << hits[0];
}

TEST(ReleaseBinary, HasNoFaultString)
{
	std::string elf = ReadBinary("runtime/kakoi");
	ASSERT_FALSE(elf.empty());
	for (const char *s : kFaultStrings)
		EXPECT_EQ(elf.find(s), std::string::npos)
			<< "runtime/kakoi contains \"" << s << "\"";
}

// Whether the ELF file asks for a program interpreter (PT_INTERP).
bool HasInterpreter(const std::string &elf)
{
	Elf64_Ehdr eh;
	if (elf.size() < sizeof(eh))
		return false;
	memcpy(&eh, elf.data(), sizeof(eh));
	for (size_t i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		size_t at = eh.e_phoff + i * eh.e_phentsize;
		if (at + sizeof(ph) > elf.size())
			return false;
		memcpy(&ph, elf.data() + at, sizeof(ph));
		if (ph.p_type == PT_INTERP)
			return true;
	}
	return false;
}

// kakoi_fault (dynamic) is the positive control: the parsers do find an
// interpreter and NEEDED entries where they are.
TEST(ReleaseBinary, IsAStaticPie)
{
#if defined(__SANITIZE_ADDRESS__)
	GTEST_SKIP() << "sanitizer builds link kakoi dynamically (runtime/BUILD)";
#endif
	std::string elf = ReadBinary("runtime/kakoi");
	ASSERT_GE(elf.size(), sizeof(Elf64_Ehdr)) << "cannot read runtime/kakoi";
	Elf64_Ehdr eh;
	memcpy(&eh, elf.data(), sizeof(eh));
	EXPECT_EQ(eh.e_type, ET_DYN) << "not position independent: ASLR cannot move it";
	EXPECT_FALSE(HasInterpreter(elf)) << "runtime/kakoi asks for a dynamic loader";
	std::vector<std::string> needed = ElfNeeded(elf);
	EXPECT_TRUE(needed.empty()) << "runtime/kakoi links " << needed[0];

	std::string fault = ReadBinary("runtime/kakoi_fault");
	EXPECT_TRUE(HasInterpreter(fault));
	needed = ElfNeeded(fault);
	EXPECT_NE(std::find(needed.begin(), needed.end(), "libc.so.6"), needed.end());
	for (const auto &lib : needed)
		EXPECT_EQ(lib.rfind("libsystemd", 0), std::string::npos)
			<< "kakoi_fault links " << lib
			<< ": the driver speaks D-Bus itself (runtime/cgroup/systemd/dbus.h)";
}

// No symbol named dlopen (or dlmopen) in kakoi_fault's .dynsym or .symtab:
// no code of kakoi's imports one. Its libc.so.6 NEEDED entry (above) is the
// control that the tables were read.
TEST(Binaries, KakoisCodeDoesNotCallDlopen)
{
	Symbols syms = ElfSymbols(ReadBinary("runtime/kakoi_fault"));
	ASSERT_FALSE(syms.names.empty()) << "runtime/kakoi_fault is not a readable ELF file";
	for (const auto &name : syms.names)
		EXPECT_TRUE(name.rfind("dlopen", 0) != 0 && name.rfind("dlmopen", 0) != 0 &&
			    name.rfind("__libc_dlopen", 0) != 0)
			<< "kakoi's code refers to " << name;
}

// The positive control: the checks above do find the fault code where it is.
TEST(FaultBinary, HasTheFaultSymbolsAndStrings)
{
	std::string elf = ReadBinary("runtime/kakoi_fault");
	ASSERT_FALSE(elf.empty()) << "cannot read runtime/kakoi_fault";
	Symbols syms = ElfSymbols(elf);
	if (syms.has_symtab) {
		std::vector<std::string> hits = FaultSymbols(syms);
		EXPECT_NE(std::find(hits.begin(), hits.end(), "kk_fault_sys"), hits.end());
	}
	for (const char *s : kFaultStrings)
		EXPECT_NE(elf.find(s), std::string::npos)
			<< "runtime/kakoi_fault lacks \"" << s << "\"";
}

} // namespace
