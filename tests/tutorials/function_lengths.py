#!/usr/bin/env python3
"""Lengths of the functions in the tutorials: a brace counter, not a parser.

    tests/tutorials/function_lengths.py [--max N] [--top K] FILE...

Prints one row per function defined at namespace or class level (a lambda or a
local block counts toward the function it sits in): lines from the first line of
its signature to its closing brace, longest first. With --max N the exit code is
1 when a function is longer than N lines (issue 28: a tutorial's main() reads as
a list of sections, one function per lecture step, none much over 80 lines).
"""
import argparse
import re
import sys

KEYWORDS_NOT_FUNCTIONS = ("namespace", "struct", "class", "enum", "union", "extern")


def strip(text):
    """Blanks comments, string and character literals (keeping newlines)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == 'R' and text.startswith('R"', i):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    text = strip(open(path, encoding="utf-8").read())
    found = []  # (name, first line, last line)
    # Scopes: each open brace is "scope" (namespace/class/struct/enum/extern), a
    # function body at scope level (name, first line) or "inner" (inside a function).
    stack = []
    head_start = 0  # offset where the current declaration started
    line_at = [0]
    for ch in text:
        line_at.append(line_at[-1] + (ch == "\n"))
    for i, ch in enumerate(text):
        if ch in ";":
            if not stack or stack[-1] == "scope":
                head_start = i + 1
        elif ch == "{":
            in_func = any(k not in ("scope", "init") for k in stack)
            if in_func:
                stack.append("inner")
                continue
            head = text[head_start:i]
            if head.count("(") > head.count(")"):  # a default argument: f(int x = {})
                stack.append("init")
                continue
            words = head.split()
            if any(w in KEYWORDS_NOT_FUNCTIONS for w in words[:3]) or "=" in head.split("(")[0] or "(" not in head:
                stack.append("scope")
                head_start = i + 1
                continue
            m = re.search(r"([~\w:<>]+|operator\S*)\s*\(", head)
            name = m.group(1) if m else "?"
            first = head_start + (len(head) - len(head.lstrip()))
            stack.append(("func", name, line_at[first] + 1))
        elif ch == "}":
            if not stack:
                continue
            top = stack.pop()
            if isinstance(top, tuple):
                found.append((top[1], top[2], line_at[i] + 1))
            if top != "init" and (not stack or stack[-1] == "scope"):
                head_start = i + 1
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max", type=int, default=0)
    ap.add_argument("--top", type=int, default=0)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    rows = []
    for f in a.files:
        for name, first, last in functions(f):
            rows.append((last - first + 1, f, name, first))
    rows.sort(key=lambda r: (-r[0], r[1], r[3]))
    shown = rows[: a.top] if a.top else rows
    for n, f, name, first in shown:
        print(f"{n:5d}  {f}:{first}  {name}")
    over = [r for r in rows if a.max and r[0] > a.max]
    if over:
        print(f"{len(over)} function(s) longer than {a.max} lines", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
