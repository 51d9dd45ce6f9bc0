"""chainerser --help, each command's --help and the chainerser(1) man page agree.

Usage: /usr/bin/python3 help_test.py CHAINERSER_BINARY MAN_PAGE
The man page is rendered with groff, which must not warn; every line of every help text (bar
the overview of commands, which the page replaces with a section per command) must appear in it.
"""
import re
import subprocess
import sys
import unittest

CLI = None
MAN = None


def run(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def commands_block(top):
    return top.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0].split("\n")


def commands(top):
    return [line.split()[0] for line in commands_block(top) if re.match(r"^  [a-z]", line)]


def squeeze(text):
    return " ".join(text.split()).lower()


class Help(unittest.TestCase):
    def setUp(self):
        rc, self.top, _ = run("--help")
        self.assertEqual(rc, 0)
        self.commands = commands(self.top)

    def test_every_command_listed_has_help_with_examples(self):
        self.assertEqual(self.commands, ["ls", "show", "diff", "convert", "verify"])
        for cmd in self.commands:
            with self.subTest(cmd=cmd):
                rc, text, _ = run(cmd, "--help")
                self.assertEqual(rc, 0)
                self.assertEqual(run(cmd, "-h")[1], text)
                self.assertTrue(text.startswith("usage: chainerser %s " % cmd), text)
                examples = text.split("\nexamples:\n", 1)[1].split("\n\n")[0].strip("\n").split("\n")
                self.assertTrue(examples and all("chainerser " + cmd in e for e in examples), examples)
                usage = text.split("\n", 1)[0]
                for option in re.findall(r"(?<![\w-])--[a-z-]+", "\n".join(examples)):
                    self.assertIn(option, usage, "an example uses an option the usage line lacks")

    def test_overview_lines_match_each_commands_usage(self):
        overview = {line.split()[0]: re.split(r" {2,}", line.strip())[0]
                    for line in commands_block(self.top) if re.match(r"^  [a-z]", line)}
        for cmd, synopsis in overview.items():
            with self.subTest(cmd=cmd):
                self.assertEqual(run(cmd, "--help")[1].split("\n", 1)[0], "usage: chainerser " + synopsis)

    def test_top_help_has_examples_of_every_command(self):
        examples = self.top.split("\nexamples:\n", 1)[1]
        for cmd in self.commands:
            self.assertIn("chainerser %s " % cmd, examples)


class ManPage(unittest.TestCase):
    def setUp(self):
        p = subprocess.run(["groff", "-man", "-Tascii", "-ww", "-P-cbou", MAN], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.warnings = p.stderr
        self.page = squeeze(p.stdout)
        self.top = run("--help")[1]

    def assert_in_page(self, text):
        for line in text.strip("\n").split("\n"):
            line = re.sub(r"^usage: ", "", line)
            line = re.sub(r"^(\w[\w ]*):$", r"\1", line)  # a section title
            if line.strip():
                self.assertIn(squeeze(line), self.page)

    def test_renders_without_warnings(self):
        self.assertEqual(self.warnings, "")
        self.assertTrue(self.page.startswith("chainerser(1)"), self.page[:80])

    def test_holds_every_command_help(self):
        for cmd in commands(self.top):
            with self.subTest(cmd=cmd):
                self.assert_in_page(run(cmd, "--help")[1])

    def test_holds_the_top_help(self):
        overview = "\n".join(commands_block(self.top))
        self.assert_in_page(self.top.replace("commands:\n" + overview, ""))

    def test_states_the_commands_version(self):
        version = run("--version")[1].split()[-1]
        self.assertIn("chainerser " + version, self.page)


if __name__ == "__main__":
    CLI, MAN = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=1)
