#!/usr/bin/env python3
"""Writes the student edition: a copy of the checkout's tracked files (no .git)
in which every `// BEGIN EXERCISE <id>` ... `// END EXERCISE` region is replaced
by a stub that throws an s2s::Error naming the exercise, its file and its test.
Then checks that no line of any solution is left anywhere in the copy.

    student_edition.py REPO_DIR OUT_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import textwrap

BEGIN = re.compile(r"^(\s*)// BEGIN EXERCISE ([a-z0-9-]+)\s*$")
END = re.compile(r"^\s*// END EXERCISE\s*$")


def load_registry(path):
    rows, header = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                continue
            if len(cols) != len(header):
                sys.exit(f"{path}: {cols[0]}: {len(cols)} columns, want {len(header)}")
            rows.append(dict(zip(header, cols)))
    return rows


def stub(ex, indent):
    """The lines that replace a solution region (markers kept)."""
    i = indent
    cmd = f"ctest --test-dir build -L exercise -R {ex['id']}"
    out = [f"{i}// BEGIN EXERCISE {ex['id']}"]
    out += [f"{i}// {t}" for t in textwrap.wrap(f"Exercise {ex['id']}: {ex['en']}", 96 - len(i))]
    out += [f"{i}// {t}" for t in textwrap.wrap(f"练习 {ex['id']}:{ex['zh']}", 50)]
    out += [f"{i}// Test: {cmd}", f"{i}// Then: build/tutorials/{ex['tutorial']} --quick --engine reference"]
    for name in filter(None, ex["unused"].split(",")):
        out.append(f"{i}(void){name};  // used by the solution")
    out += [
        f"{i}throw s2s::Error(",
        f'{i}    "exercise {ex["id"]} not done yet: "',
        f'{i}    "implement {ex["function"]} in {ex["file"]}; "',
        f'{i}    "test it with: {cmd}");',
        f"{i}// END EXERCISE",
    ]
    return out


def normalise(line):
    """A code line without its trailing comment and without spaces, for the leak check."""
    code = line.split("//")[0] if not line.lstrip().startswith("//") else ""
    return re.sub(r"\s+", "", code)


def main():
    repo, out = sys.argv[1], sys.argv[2]
    registry = load_registry(os.path.join(repo, "tutorials/exercises/exercises.tsv"))
    by_id = {ex["id"]: ex for ex in registry}
    files = subprocess.run(["git", "-C", repo, "ls-files", "-z"], check=True,
                           capture_output=True).stdout.decode().split("\0")
    files = [f for f in files if f and os.path.isfile(os.path.join(repo, f))]
    os.makedirs(out, exist_ok=True)
    if os.listdir(out):
        sys.exit(f"make_student_edition: {out} is not empty")

    solution = {}  # normalised solution line -> (id, file)
    found = set()
    for rel in files:
        src, dst = os.path.join(repo, rel), os.path.join(out, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        if not rel.endswith((".cpp", ".hpp")):
            continue
        text = open(src, encoding="utf-8").read()
        if "// BEGIN EXERCISE" not in text:
            continue
        lines, result, current = text.split("\n"), [], None
        for n, line in enumerate(lines, 1):
            m = BEGIN.match(line)
            if m:
                if current:
                    sys.exit(f"{rel}:{n}: BEGIN EXERCISE inside exercise {current['id']}")
                if m.group(2) not in by_id:
                    sys.exit(f"{rel}:{n}: exercise {m.group(2)} is not in exercises.tsv")
                current = by_id[m.group(2)]
                if current["file"] != rel:
                    sys.exit(f"{rel}:{n}: exercise {current['id']} is registered in {current['file']}")
                found.add(current["id"])
                result += stub(current, m.group(1))
            elif END.match(line):
                if not current:
                    sys.exit(f"{rel}:{n}: END EXERCISE without BEGIN")
                current = None
            elif current:
                key = normalise(line)
                if len(key) >= 12:
                    solution[key] = (current["id"], rel)
            else:
                result.append(line)
        if current:
            sys.exit(f"{rel}: exercise {current['id']} has no END EXERCISE")
        with open(dst, "w", encoding="utf-8") as f:
            f.write("\n".join(result))
        shutil.copymode(src, dst)

    # The README says which edition this is.
    readme = os.path.join(out, "README.md")
    if os.path.isfile(readme):
        text = open(readme, encoding="utf-8").read()
        note = ("> **Student edition.** The exercises are stubs: build with `cmake --preset release && "
                "cmake --build build`, then run `tutorials/exercises/progress.sh` (see \"Exercises: "
                "the course kit\" below). 学生版:练习处是桩代码,先编译,再运行 "
                "`tutorials/exercises/progress.sh`。\n\n")
        title, rest = text.split("\n", 1)
        with open(readme, "w", encoding="utf-8") as f:
            f.write(title + "\n\n" + note + rest.lstrip("\n"))

    missing = [ex["id"] for ex in registry if ex["id"] not in found]
    if missing:
        sys.exit(f"make_student_edition: no region for {', '.join(missing)}")

    # Nothing of the solution may be left: no solution line in any file of the copy,
    # except the reviewed boilerplate of common_lines.txt.
    with open(os.path.join(repo, "tutorials/exercises/common_lines.txt"), encoding="utf-8") as f:
        common = {normalise(l) for l in f if l.strip() and not l.startswith("#")}
    for key in common:
        solution.pop(key, None)
    leaks = []
    for rel in files:
        try:
            text = open(os.path.join(out, rel), encoding="utf-8").read()
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.split("\n"), 1):
            key = normalise(line) if not line.lstrip().startswith("//") else re.sub(r"\s+", "", line.lstrip()[2:])
            if key in solution:
                leaks.append(f"  {rel}:{n}: a line of exercise {solution[key][0]}: {line.strip()}")
    if leaks:
        sys.exit("make_student_edition: solution lines left in the student edition:\n"
                 + "\n".join(leaks))
    print(f"student edition: {len(registry)} exercises, {len(solution)} distinct solution lines found nowhere else, "
          f"{len(files)} files -> {out}")


if __name__ == "__main__":
    main()
