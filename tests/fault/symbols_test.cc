// The release binary holds no fault-injection code: no kk_fault_* symbol in
// its ELF symbol tables and none of the fault library's strings (the
// environment variables it reads). kakoi_fault is the positive control: the
// same checks find them there, so the test can fail.
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

// The names in .symtab and .dynsym of a 64-bit little-endian ELF file.
Symbols ElfSymbols(const std::string &elf)
{
	Symbols out;
	if (elf.size() < sizeof(Elf64_Ehdr) || memcmp(elf.data(), ELFMAG, SELFMAG) != 0 ||
	    elf[EI_CLASS] != ELFCLASS64)
		return out;
	Elf64_Ehdr eh;
	memcpy(&eh, elf.data(), sizeof(eh));
	if (eh.e_shoff + (size_t)eh.e_shnum * sizeof(Elf64_Shdr) > elf.size())
		return out;
	std::vector<Elf64_Shdr> sh(eh.e_shnum);
	memcpy(sh.data(), elf.data() + eh.e_shoff, eh.e_shnum * sizeof(Elf64_Shdr));
	for (const auto &s : sh) {
		if ((s.sh_type != SHT_SYMTAB && s.sh_type != SHT_DYNSYM) || s.sh_link >= sh.size())
			continue;
		out.has_symtab = out.has_symtab || s.sh_type == SHT_SYMTAB;
		const Elf64_Shdr &strs = sh[s.sh_link];
		if (s.sh_offset + s.sh_size > elf.size() ||
		    strs.sh_offset + strs.sh_size > elf.size())
			continue;
		for (size_t off = 0; off + sizeof(Elf64_Sym) <= s.sh_size;
		     off += sizeof(Elf64_Sym)) {
			Elf64_Sym sym;
			memcpy(&sym, elf.data() + s.sh_offset + off, sizeof(sym));
			if (sym.st_name < strs.sh_size)
				out.names.emplace_back(elf.c_str() + strs.sh_offset + sym.st_name);
		}
	}
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
