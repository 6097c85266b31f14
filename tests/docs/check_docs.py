#!/usr/bin/env python3
"""check_docs.py REPO: the README stays a five-minute read (at most 150 lines), and every
relative link in README.md and docs/ points at a file that exists (and, with #anchor, at
one of its headings, as GitHub names them). Prints each problem; exit code 1 if any."""
import glob
import os
import re
import sys

MAX_README_LINES = 150


def anchors(path):
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens."""
    ids = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                text = line.lstrip("#").strip().lower()
                ids.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return ids


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_docs.py REPO")
    repo = sys.argv[1]
    problems = []
    readme = os.path.join(repo, "README.md")
    with open(readme, encoding="utf-8") as f:
        n = sum(1 for _ in f)
    if n > MAX_README_LINES:
        problems.append(f"README.md: {n} lines, at most {MAX_README_LINES} (move detail to docs/)")
    files = [readme] + sorted(glob.glob(os.path.join(repo, "docs", "**", "*.md"), recursive=True))
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r"\]\(([^)\s]+)\)", text):
            link = m.group(1)
            if re.match(r"[a-z]+:", link):  # http:, https:, mailto:
                continue
            target, _, anchor = link.partition("#")
            full = os.path.normpath(os.path.join(os.path.dirname(path), target)) if target else path
            where = os.path.relpath(path, repo)
            if not os.path.exists(full):
                problems.append(f"{where}: link to {link}: no such file")
            elif anchor and (os.path.isdir(full) or anchor not in anchors(full)):
                problems.append(f"{where}: link to {link}: no such heading")
    for p in problems:
        print(p)
    print(f"README.md: {n} lines; {len(files)} files' links checked; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
