#!/usr/bin/env python3
"""Generates the libunspin(3) manual page from include/unspin.h.

The header is the API reference (see its opening comment); this script turns
it into troff so that the two cannot drift apart: the header's opening
comment becomes the description, each banner comment a section, and each
documented declaration (a /** comment followed by a function, type or macro)
an entry with its comment.

usage: make-man-page.py HEADER [-o OUT] [--check]
  --check  fail (exit 1) if a function the header exports is missing
"""
import argparse
import re
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("header")
    ap.add_argument("-o", "--output")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    text = open(a.header, encoding="utf-8").read()
    v = [re.search(r"#define UNSPIN_VERSION_%s (\d+)" % k, text).group(1)
         for k in ("MAJOR", "MINOR", "PATCH")]
    intro, items = parse(a.header)
    page = render(intro, items, ".".join(v))
    if a.output:
        with open(a.output, "w", encoding="utf-8") as f:
            f.write(page)
    else:
        sys.stdout.write(page)
    if a.check:
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
