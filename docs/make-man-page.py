#!/usr/bin/env python3
"""Generates the libunspin(3) manual page from include/unspin.h, and with
--cli the unspin(1) page from the command's --help.

The header is the API reference (see its opening comment); this script turns
it into troff so that the two cannot drift apart: the header's opening
comment becomes the description, each banner comment a section, and each
documented declaration (a /** comment followed by a function, type or macro)
an entry with its comment.

usage: make-man-page.py HEADER [-o OUT] [--check]
       make-man-page.py HEADER --cli UNSPIN [-o OUT]
  --check  fail (exit 1) if a function the header exports is missing
  --cli    run UNSPIN --help and turn its usage, options and paragraphs
           into unspin(1) (HEADER gives the version)
"""
import argparse
import re
import subprocess
import sys


def troff(text):
    """Escapes text for troff: backslashes, and control characters at line starts."""
    out = []
    for line in text.replace("\\", "\\e").split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        out.append(line)
    return "\n".join(out)


def comment_text(lines):
    """The prose of a comment, its delimiters and leading asterisks dropped."""
    body = []
    for line in lines:
        line = re.sub(r"^\s*/\*\*? ?", "", line)
        line = re.sub(r"\*/\s*$", "", line)
        line = re.sub(r"^\s*\* ?", "", line)
        body.append(line.rstrip())
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    return body


def declaration(lines, i):
    """The declaration starting at line i and the index after it: a macro to
    the end of its (continued) line, anything else to the ';' that closes it
    at brace depth 0."""
    decl = []
    if lines[i].lstrip().startswith("#"):
        while True:
            decl.append(lines[i])
            if not lines[i].rstrip().endswith("\\"):
                return decl, i + 1
            i += 1
    depth = 0
    while i < len(lines):
        line = lines[i]
        decl.append(line)
        code = re.sub(r"/\*.*?\*/", "", line)
        depth += code.count("{") - code.count("}")
        i += 1
        if depth == 0 and code.rstrip().endswith(";"):
            break
    return decl, i


def parse(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    # the opening comment
    end = next(i for i, l in enumerate(lines) if l.rstrip().endswith("*/"))
    intro = comment_text(lines[: end + 1])
    items = []  # ("section", title) or ("entry", declaration lines, comment lines)
    i = end + 1
    while i < len(lines):
        line = lines[i]
        banner = re.match(r"^/\* ([A-Z][^*]*?)\s*\*/$", line)
        if banner:
            items.append(("section", banner.group(1)))
            i += 1
            continue
        if line.lstrip().startswith("/**") and "/**<" not in line:
            start = i
            while not lines[i].rstrip().endswith("*/"):
                i += 1
            comment = comment_text(lines[start : i + 1])
            decl, i = declaration(lines, i + 1)
            # declarations that follow without a blank line share the comment
            while i < len(lines) and lines[i].strip() and not lines[i].lstrip().startswith("/*"):
                more, i = declaration(lines, i)
                decl += more
            decl = [re.sub(r"\bUNSPIN_EXPORT\s+", "", d) for d in decl]
            items.append(("entry", decl, comment))
            continue
        if line.startswith("typedef enum"):  # an enumeration its values document
            decl, i = declaration(lines, i)
            items.append(("entry", decl, []))
            continue
        i += 1
    return intro, items


def render(intro, items, version):
    out = [
        '.TH LIBUNSPIN 3 "" "libunspin %s" "Library Functions Manual"' % version,
        ".SH NAME",
        "libunspin \\- find text an article spinner rewrote and restore its wording",
        ".SH SYNOPSIS",
        ".B #include <unspin.h>",
        ".PP",
        "Link with",
        ".BR \"-lunspin\" \" (pkg-config: \" unspin )",
        ".SH DESCRIPTION",
    ]
    para = []
    for line in intro[1:] if intro and intro[0].startswith("unspin.h") else intro:
        if not line.strip():
            if para:
                out += [troff(" ".join(para)), ".PP"]
            para = []
        elif line.lstrip().startswith("- "):
            if para:
                out += [troff(" ".join(para))]
            para = []
            out += [".IP \\(bu 2", troff(line.strip()[2:])]
        elif para or not line.startswith("  "):
            para.append(line.strip())
        else:  # a continuation of a list item
            out.append(troff(line.strip()))
    if para:
        out.append(troff(" ".join(para)))
    for item in items:
        if item[0] == "section":
            out.append(".SH " + troff(item[1].upper()))
            continue
        _, decl, comment = item
        out += [".PP", ".nf", ".ft B"] + [troff(d) for d in decl] + [".ft R", ".fi"]
        if comment:
            out.append(".RS 4")
            out.append("\n".join(troff(l) if l.strip() else ".sp" for l in comment))
            out.append(".RE")
    out += [".SH SEE ALSO", ".BR unspin (1)", ".PP",
            "docs/model.md (how restoration works), docs/dictionary-format.md, docs/benchmarks.md"]
    return "\n".join(out) + "\n"


def render_cli(help_text, version):
    """unspin(1) from the --help text: the usage lines, the first paragraph
    as the description, the option list, the remaining paragraphs."""
    paras = [p.split("\n") for p in help_text.strip("\n").split("\n\n")]
    out = ['.TH UNSPIN 1 "" "libunspin %s" "User Commands"' % version,
           ".SH NAME", "unspin \\- restore text that an article spinner rewrote with synonyms",
           ".SH SYNOPSIS", ".nf"]
    usage = paras.pop(0)
    out += [troff(re.sub(r"^(Usage:|      ) ", "", l)) for l in usage] + [".fi", ".SH DESCRIPTION"]
    rest = []
    for p in paras:
        if p[0].rstrip().endswith(":") and p[0].strip() == "Options:":
            out.append(".SH OPTIONS")
            for line in p[1:]:
                m = re.match(r"^ {2,6}(-\S.*?)(?:\s{2,}(.*))?$", line)
                if m:
                    out += [".TP", "\\fB%s\\fR" % troff(m.group(1))]
                    if m.group(2):
                        out.append(troff(m.group(2)))
                else:
                    out.append(troff(line.strip()))
            continue
        if p[0].startswith("Exit status:"):
            rest.append((".SH EXIT STATUS", [p[0][len("Exit status:"):].strip()] + p[1:]))
        elif not any(l.startswith(".SH OPTIONS") for l in out):
            out += [troff(" ".join(l.strip() for l in p)), ".PP"]
        else:
            rest.append((".SH COMMANDS" if not rest else ".PP", p))
    if out[-1] == ".PP":
        out.pop()
    for head, p in rest:
        out += [head, troff(" ".join(l.strip() for l in p))]
    out += [".SH SEE ALSO", ".BR libunspin (3)"]
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("header")
    ap.add_argument("-o", "--output")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--cli", metavar="UNSPIN")
    a = ap.parse_args()
    text = open(a.header, encoding="utf-8").read()
    v = [re.search(r"#define UNSPIN_VERSION_%s (\d+)" % k, text).group(1)
         for k in ("MAJOR", "MINOR", "PATCH")]
    if a.cli:
        help_text = subprocess.run([a.cli, "--help"], check=True, stdout=subprocess.PIPE,
                                   universal_newlines=True).stdout
        page = render_cli(help_text, ".".join(v))
    else:
        intro, items = parse(a.header)
        page = render(intro, items, ".".join(v))
    if a.output:
        with open(a.output, "w", encoding="utf-8") as f:
            f.write(page)
    else:
        sys.stdout.write(page)
    if a.check and not a.cli:
        exported = re.findall(r"UNSPIN_EXPORT[^;(]*?\b(unspin_\w+)\s*\(", text, re.S)
        documented = set()
        for item in items:
            if item[0] == "entry":
                documented.update(re.findall(r"\b(unspin_\w+)\s*\(", "\n".join(item[1])))
        missing = [f for f in exported if f not in documented]
        if missing or not exported:
            sys.stderr.write("make-man-page.py: not documented in the page: %s\n"
                             % (", ".join(missing) or "no exported function found"))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
