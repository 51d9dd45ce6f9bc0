"""Writes the chainerser(1) man page from the command's own --help texts, so the two cannot drift.

Usage: man_page.py CHAINERSER_BINARY OUTPUT

The help texts follow one layout: blocks separated by blank lines; the first block is
"usage: ..."; a block whose first line is "title:" holds lines indented by two spaces, either
"term   description" items (two or more spaces apart, continued by deeper-indented lines) or
verbatim lines (examples). Any other block is a paragraph.
"""
import re
import subprocess
import sys


def help_text(binary, *command):
    return subprocess.run([binary, *command, "--help"], check=True, capture_output=True, text=True).stdout


def blocks(text):
    return [b.split("\n") for b in text.strip("\n").split("\n\n")]


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def titled(block):
    """(title, items or None, lines) for a "title:" block, else None."""
    if len(block) < 2 or not block[0].endswith(":") or block[0].startswith(" "):
        return None
    lines = block[1:]
    items = []
    for line in lines:
        m = re.match(r"^  (\S.*?)(?: {2,}(.*))?$", line)
        if m and m.group(2) is not None:
            items.append([m.group(1), m.group(2)])
        elif items and line.startswith("   "):
            items[-1][1] += " " + line.strip()
        else:
            return block[0][:-1], None, lines
    return block[0][:-1], items, lines


def render_block(block, out, heading):
    t = titled(block)
    if t is None:
        out += [".PP", roff(" ".join(line.strip() for line in block))]
        return
    title, items, lines = t
    out += heading(title)
    if items is None:
        out += [".PP", ".RS 4", ".nf"] + [roff(line[2:]) for line in lines] + [".fi", ".RE"]
    else:
        for term, description in items:
            out += [".TP", "\\fB%s\\fR" % roff(term), roff(description)]


def command_names(top):
    for block in blocks(top):
        t = titled(block)
        if t and t[0] == "commands":
            return [m.group(1) for m in (re.match(r"^  ([a-z]+) ", line) for line in t[2]) if m]
    raise SystemExit("man_page.py: no 'commands:' block in chainerser --help")


def main():
    binary, output = sys.argv[1:3]
    top = help_text(binary)
    version = subprocess.run([binary, "--version"], check=True, capture_output=True, text=True).stdout.split()[-1]
    commands = {name: help_text(binary, name) for name in command_names(top)}
    top_blocks = blocks(top)
    description = " ".join(top_blocks[1])
    summary = re.split(r"[:.]", description, maxsplit=1)[0]

    out = ['.TH CHAINERSER 1 "" "chainerser %s" "User Commands"' % version, ".nh", ".ad l",
           ".SH NAME", "chainerser \\- " + roff(summary[0].lower() + summary[1:]),
           ".SH SYNOPSIS", ".nf", roff(top_blocks[0][0][len("usage: "):])]
    out += [roff(text.split("\n", 1)[0][len("usage: "):]) for text in commands.values()]
    out += [".fi", ".SH DESCRIPTION"]
    for block in top_blocks[1:]:
        if (titled(block) or ("",))[0] not in ("commands", "options", "exit status", "examples"):
            render_block(block, out, lambda title: [".SH " + title.upper()])
    out += [".SH COMMANDS"]
    for name, text in commands.items():
        command_blocks = blocks(text)
        out += [".SS " + roff(command_blocks[0][0][len("usage: chainerser "):])]
        for block in command_blocks[1:]:
            render_block(block, out, lambda title: [".PP", "\\fI%s:\\fR" % roff(title.capitalize())])
    for block in top_blocks[1:]:
        if (titled(block) or ("",))[0] in ("options", "exit status", "examples"):
            render_block(block, out, lambda title: [".SH " + roff(title.upper())])
    with open(output, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
