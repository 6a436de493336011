// The flag tables (runtime/cli/flags.h) against everything made from them
// or written about them: getopt's option lists, --help and `kakoi help`,
// the man pages (docs/man), the bash completion. A flag added to a table
// and not to its page, or a page naming a flag the table lacks, fails here.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/parser/fixture.h"

extern "C" {
#include "runtime/cli/cli.h"
}

namespace
{

using kk_it::Result;
using kk_it::RunCommand;

Result Kakoi(const std::vector<std::string> &args)
{
	return RunCommand(kk_it::KakoiBinary(), args);
}

std::vector<const kk_flag *> Shown(const kk_flag *flags)
{
	std::vector<const kk_flag *> out;
	for (size_t i = 0; flags != nullptr && flags[i].name != nullptr; i++)
		if (flags[i].help != nullptr)
			out.push_back(&flags[i]);
	return out;
}

bool HasShort(const kk_flag *f)
{
	return f->val > 0 && f->val <= 0x7f;
}

bool Contains(const std::string &text, const std::string &what)
{
	return text.find(what) != std::string::npos;
}

// --- the tables ---------------------------------------------------------

void ExpectWellFormed(const std::string &who, const kk_flag *flags)
{
	std::set<std::string> names{"help"};
	std::set<int> shorts{KK_FLAG_HELP};
	size_t n = 0;
	for (; flags != nullptr && flags[n].name != nullptr; n++) {
		const kk_flag &f = flags[n];
		EXPECT_TRUE(names.insert(f.name).second) << who << ": --" << f.name << " twice";
		if (HasShort(&f) && f.help != nullptr) {
			EXPECT_TRUE(shorts.insert(f.val).second) << who << ": -" << char(f.val);
		}
		EXPECT_EQ(f.arg != nullptr, f.has_arg != no_argument) << who << ": --" << f.name;
	}
	EXPECT_LT(n, static_cast<size_t>(KK_FLAGS_MAX)) << who << ": raise KK_FLAGS_MAX";
}

// getopt, given the option list made from the table, reads each flag of it
// (long and short) as the table says.
void ExpectGetoptReads(const std::string &who, const kk_flag *flags, bool in_order)
{
	for (size_t i = 0; flags != nullptr && flags[i].name != nullptr; i++) {
		const kk_flag &f = flags[i];
		std::vector<std::string> spellings{std::string("--") + f.name};
		if (HasShort(&f))
			spellings.push_back(std::string("-") + char(f.val));
		for (std::string s : spellings) {
			if (f.has_arg == optional_argument)
				s += "=x";
			std::vector<std::string> words{who, s, "x", "ID"};
			std::vector<char *> argv;
			for (auto &w : words)
				argv.push_back(&w[0]);
			argv.push_back(nullptr);
			kk_getopt g;
			kk_getopt_init(&g, flags, in_order, 4, argv.data());
			EXPECT_EQ(kk_getopt_next(&g), f.val) << who << " " << s;
			if (f.has_arg != no_argument) {
				EXPECT_STREQ(optarg, "x") << who << " " << s;
			}
		}
	}
}

TEST(Tables, WellFormedAndReadByGetopt)
{
	ExpectWellFormed("kakoi", kk_cli_global_flags);
	ExpectGetoptReads("kakoi", kk_cli_global_flags, true);
	for (size_t i = 0; i < kk_cli_n_verbs; i++) {
		const kk_verb *v = kk_cli_verbs[i];
		ExpectWellFormed(v->name, v->flags);
		ExpectGetoptReads(v->name, v->flags, v->in_order);
		EXPECT_EQ(kk_cli_find_verb(v->name), v);
	}
}

// --- --help ---------------------------------------------------------------

void ExpectHelpNames(const std::string &who, const std::string &help, const kk_flag *flags)
{
	for (const kk_flag *f : Shown(flags)) {
		char spelling[128];
		kk_flag_spelling(f, spelling, sizeof(spelling));
		EXPECT_TRUE(Contains(help, std::string("   ") + spelling + "  "))
			<< who << " --help lacks " << spelling << ":\n"
			<< help;
	}
	EXPECT_TRUE(Contains(help, "   --help, -h  ")) << who << ":\n" << help;
}

TEST(Help, EveryVerbHelpsWithEveryFlag)
{
	for (size_t i = 0; i < kk_cli_n_verbs; i++) {
		const kk_verb *v = kk_cli_verbs[i];
		Result long_form = Kakoi({v->name, "--help"});
		EXPECT_EQ(long_form.exit_code, 0) << v->name << ": " << long_form.err;
		EXPECT_EQ(long_form.err, "");
		EXPECT_EQ(long_form.out.rfind(std::string("NAME:\n   kakoi ") + v->name + " - " +
						      v->summary + "\n",
					      0),
			  0u)
			<< long_form.out;
		ExpectHelpNames(v->name, long_form.out, v->flags);
		// The same text however it is asked for, flags or not before it.
		EXPECT_EQ(Kakoi({v->name, "-h"}).out, long_form.out) << v->name;
		EXPECT_EQ(Kakoi({"help", v->name}).out, long_form.out) << v->name;
		EXPECT_EQ(Kakoi({"--root", "/nonexistent", v->name, "--help"}).out, long_form.out);
	}
}

TEST(Help, TopLevelListsEveryVerbAndGlobalFlag)
{
	Result r = Kakoi({"--help"});
	EXPECT_EQ(r.exit_code, 0) << r.err;
	for (size_t i = 0; i < kk_cli_n_verbs; i++)
		EXPECT_TRUE(Contains(r.out, std::string("\n   ") + kk_cli_verbs[i]->name + " "))
			<< kk_cli_verbs[i]->name;
	ExpectHelpNames("kakoi", r.out, kk_cli_global_flags);
	EXPECT_EQ(Kakoi({"-h"}).out, r.out);
	EXPECT_EQ(Kakoi({"help"}).out, r.out);
}

TEST(Help, FlagsAfterTheOperandsAreTheProcesssOwn)
{
	// exec's flags end at the ID: this --help is sh's, and the container
	// does not exist.
	Result r = Kakoi({"--root", "/nonexistent", "exec", "nosuch", "sh", "--help"});
	EXPECT_EQ(r.exit_code, 255) << r.out;
	EXPECT_FALSE(Contains(r.out, "NAME:")) << r.out;
	// A value is a value: the bundle is called --help, the ID is missing.
	Result value = Kakoi({"--root", "/nonexistent", "create", "--bundle", "--help"});
	EXPECT_EQ(value.exit_code, 1);
	EXPECT_FALSE(Contains(value.out, "NAME:")) << value.out;
}

TEST(Help, UnknownCommandIsAUsageError)
{
	Result r = Kakoi({"help", "frobnicate"});
	EXPECT_EQ(r.exit_code, 1);
	EXPECT_EQ(r.err, "kakoi: help: unknown command \"frobnicate\"; see kakoi --help\n");
	EXPECT_EQ(Kakoi({"help", "kill", "start"}).exit_code, 1);
}

// --- the man pages ------------------------------------------------------

// The text of a page's section ("# OPTIONS" up to the next "# ").
std::string Section(const std::string &page, const std::string &title)
{
	size_t at = page.find("\n# " + title + "\n");
	if (at == std::string::npos)
		return "";
	size_t end = page.find("\n# ", at + 1);
	return page.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// The page names each flag the table shows, as "*--name*" and "*-x*", and
// no flag the table lacks (aliases kept out of the help may be named).
void ExpectPageMatches(const std::string &page_name, const std::string &options,
		       const kk_flag *flags)
{
	ASSERT_FALSE(options.empty()) << page_name << " has no options section";
	std::set<std::string> known{"help"};
	for (size_t i = 0; flags != nullptr && flags[i].name != nullptr; i++)
		known.insert(flags[i].name);
	for (const kk_flag *f : Shown(flags)) {
		EXPECT_TRUE(Contains(options, std::string("\n*--") + f->name + "*"))
			<< page_name << " does not document --" << f->name;
		if (HasShort(f)) {
			EXPECT_TRUE(Contains(options, std::string("*-") + char(f->val) + "*"))
				<< page_name << " does not document -" << char(f->val);
		}
	}
	EXPECT_TRUE(Contains(options, "\n*--help*, *-h*\n")) << page_name;
	// Each entry's first line: "\n*--name*".
	for (size_t at = options.find("\n*--"); at != std::string::npos;
	     at = options.find("\n*--", at + 1)) {
		std::string name = options.substr(at + 4, options.find('*', at + 4) - at - 4);
		EXPECT_EQ(known.count(name), 1u)
			<< page_name << " documents --" << name << ", which the table lacks";
	}
}

TEST(ManPages, EveryVerbsPageHasExactlyItsFlags)
{
	for (size_t i = 0; i < kk_cli_n_verbs; i++) {
		const kk_verb *v = kk_cli_verbs[i];
		if (v == &kk_verb_help) // kakoi(8) covers it
			continue;
		std::string name = std::string("kakoi-") + v->name + ".8";
		std::string page = ReadRunfile("docs/man/" + name + ".scd");
		ASSERT_FALSE(page.empty()) << "no docs/man/" << name << ".scd";
		EXPECT_EQ(page.rfind(name.substr(0, name.size() - 2) + "(8)", 0), 0u) << name;
		ExpectPageMatches(name, Section(page, "OPTIONS"), v->flags);
	}
}

TEST(ManPages, KakoiPageHasTheGlobalFlagsAndEveryVerb)
{
	std::string page = ReadRunfile("docs/man/kakoi.8.scd");
	ExpectPageMatches("kakoi.8", Section(page, "GLOBAL OPTIONS"), kk_cli_global_flags);
	std::string commands = Section(page, "COMMANDS");
	for (size_t i = 0; i < kk_cli_n_verbs; i++)
		EXPECT_TRUE(Contains(commands, std::string("\n*") + kk_cli_verbs[i]->name + "*\n"))
			<< "kakoi.8 does not list " << kk_cli_verbs[i]->name;
}

TEST(ManPages, EveryPageRenders)
{
	std::vector<std::string> names{"kakoi"};
	for (size_t i = 0; i < kk_cli_n_verbs; i++)
		if (kk_cli_verbs[i] != &kk_verb_help)
			names.push_back(std::string("kakoi-") + kk_cli_verbs[i]->name);
	for (const auto &n : names) {
		std::string troff = ReadRunfile("docs/man/" + n + ".8");
		EXPECT_TRUE(Contains(troff, ".TH \"" + n + "\" \"8\"")) << n << ":\n"
									<< troff.substr(0, 300);
	}
}

// --- the completion -----------------------------------------------------

std::string Complete(const std::string &line)
{
	std::string script = "source \"$1\"; read -ra COMP_WORDS <<< \"$2\"; "
			     "[[ $2 == *' ' ]] && COMP_WORDS+=(''); "
			     "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _kakoi; "
			     "printf '%s\\n' \"${COMPREPLY[@]}\"";
	Result r = RunCommand("/bin/bash", {"-c", script, "bash",
					    RunfilePath("runtime/kakoi.bash-completion"), line});
	EXPECT_EQ(r.exit_code, 0) << line << ": " << r.err;
	return r.out;
}

TEST(Completion, OffersVerbsFlagsAndValues)
{
	EXPECT_EQ(Complete("kakoi ru"), "run\n");
	EXPECT_EQ(Complete("kakoi --root /tmp/x --log-f"), "--log-format\n");
	EXPECT_EQ(Complete("kakoi --log-format "), "text\njson\n");
	EXPECT_EQ(Complete("kakoi kill --a"), "--all\n");
	EXPECT_EQ(Complete("kakoi list --format "), "table\njson\n");
	EXPECT_EQ(Complete("kakoi --root /tmp/x help ki"), "kill\n");
	EXPECT_EQ(Complete("kakoi update --cpu-shares 5 --pids"), "--pids-limit\n");
	for (size_t i = 0; i < kk_cli_n_verbs; i++) {
		const kk_verb *v = kk_cli_verbs[i];
		std::string offered = Complete(std::string("kakoi ") + v->name + " -");
		for (const kk_flag *f : Shown(v->flags))
			EXPECT_TRUE(Contains(offered, std::string("--") + f->name + "\n"))
				<< v->name << " --" << f->name << ":\n"
				<< offered;
		EXPECT_TRUE(Contains(offered, "--help\n")) << v->name;
	}
}

} // namespace
