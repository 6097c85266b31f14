#!/usr/bin/env python3
"""Writes a student edition: a copy of the checkout's tracked files (no .git) in
which the chosen `// BEGIN EXERCISE <id>` ... `// END EXERCISE` regions are replaced
by a stub that throws s2s::ExerciseNotDone (core/error.hpp) naming the exercise, its
file and its test. The other exercises stay solved, so the tutorials that need only
those run. The edition's default engine is the reference one (core/engine.cpp), so
the student's code runs. Then checks that no line of a blanked solution is left
anywhere in the copy.

    student_edition.py REPO_DIR OUT_DIR [--only ID,...|--tutorial NAME|--through NAME|--solved ID,...]

    (nothing)        every exercise is blanked
    --only ID,...    exactly these
    --tutorial NAME  the suggested assignment of tutorial NAME (tutorials.tsv)
    --through NAME   the assignments of every tutorial up to and including NAME
    --solved ID,...  every exercise but these (the needs test: CI, check_student_edition.sh)
"""
import argparse
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
    cmd = f"ctest --test-dir <build> -L exercise -R {ex['id']} --output-on-failure"
    out = [f"{i}// BEGIN EXERCISE {ex['id']}"]
    out += [f"{i}// {t}" for t in textwrap.wrap(f"Exercise {ex['id']}: {ex['en']}", 96 - len(i))]
    out += [f"{i}// {t}" for t in textwrap.wrap(f"练习 {ex['id']}:{ex['zh']}", 50)]
    out += [f"{i}// Test: {cmd}", f"{i}// Then: <build>/tutorials/{ex['tutorial']} --quick",
            f"{i}// (<build> is the folder where you ran cmake, the one with CMakeCache.txt; the",
            f"{i}// stub's message names it.)"]
    for name in filter(None, ex["unused"].split(",")):
        out.append(f"{i}(void){name};  // used by the solution")
    out += [
        *throw_line(ex, i),
        f"{i}// END EXERCISE",
    ]
    return out


def throw_line(ex, i):
    """The stub's throw, on two lines when one would pass 100 columns."""
    line = f'{i}throw s2s::ExerciseNotDone("{ex["id"]}", "{ex["file"]}", "{ex["function"]}");'
    if len(line) <= 100:
        return [line]
    return [f'{i}throw s2s::ExerciseNotDone("{ex["id"]}", "{ex["file"]}",',
            f'{i}                           "{ex["function"]}");']


def choose(args, registry, tutorials):
    """The ids to blank, from the command line."""
    ids = [ex["id"] for ex in registry]
    names = [t["tutorial"] for t in tutorials]

    def listed(text):
        chosen = [x for x in text.split(",") if x]
        bad = [x for x in chosen if x not in ids]
        if bad or not chosen:
            sys.exit(f"make_student_edition: unknown exercise {', '.join(bad) or '(none)'}; "
                     f"known: {', '.join(ids)}")
        return set(chosen)

    def tutorial(name):
        if name not in names:
            sys.exit(f"make_student_edition: unknown tutorial '{name}'; known: {', '.join(names)}")
        return names.index(name)

    def assignment(t):
        return {x for x in t["assignment"].split(",") if x and x != "-"}

    if args.only:
        return listed(args.only)
    if args.solved:
        return set(ids) - listed(args.solved)
    if args.tutorial:
        return assignment(tutorials[tutorial(args.tutorial)])
    if args.through:
        out = set()
        for t in tutorials[: tutorial(args.through) + 1]:
            out |= assignment(t)
        return out
    return set(ids)


def normalise(line):
    """A code line without its trailing comment and without spaces, for the leak check."""
    code = line.split("//")[0] if not line.lstrip().startswith("//") else ""
    return re.sub(r"\s+", "", code)


DEFAULT_ENGINE = "constexpr Engine kDefaultEngine = Engine::fast;  // STUDENT EDITION: reference"


def main():
    ap = argparse.ArgumentParser(prog="make_student_edition.sh")
    ap.add_argument("repo")
    ap.add_argument("out")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--only", metavar="ID,...")
    group.add_argument("--tutorial", metavar="NAME")
    group.add_argument("--through", metavar="NAME")
    group.add_argument("--solved", metavar="ID,...")
    args = ap.parse_args()
    repo, out = args.repo, args.out
    registry = load_registry(os.path.join(repo, "tutorials/exercises/exercises.tsv"))
    tutorials = load_registry(os.path.join(repo, "tutorials/exercises/tutorials.tsv"))
    by_id = {ex["id"]: ex for ex in registry}
    blank = choose(args, registry, tutorials)
    files = subprocess.run(["git", "-C", repo, "ls-files", "-z"], check=True,
                           capture_output=True).stdout.decode().split("\0")
    files = [f for f in files if f and os.path.isfile(os.path.join(repo, f))]
    os.makedirs(out, exist_ok=True)
    if os.listdir(out):
        sys.exit(f"make_student_edition: {out} is not empty")

    solution = {}  # normalised line of a blanked solution -> (id, file)
    kept = set()   # normalised lines of the solutions left in place
    found = set()
    for rel in files:
        src, dst = os.path.join(repo, rel), os.path.join(out, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        if not rel.endswith((".cpp", ".hpp")):
            continue
        text = open(src, encoding="utf-8").read()
        if rel == "core/engine.cpp":  # the edition runs the student's code by default
            if DEFAULT_ENGINE not in text:
                sys.exit("make_student_edition: core/engine.cpp has no default-engine line: "
                         + DEFAULT_ENGINE)
            with open(dst, "w", encoding="utf-8") as f:
                f.write(text.replace(DEFAULT_ENGINE, "constexpr Engine kDefaultEngine = "
                                     "Engine::reference;  // the student edition's"))
            continue
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
                if current["id"] in blank:
                    result += stub(current, m.group(1))
                else:
                    result.append(line)
            elif END.match(line):
                if not current:
                    sys.exit(f"{rel}:{n}: END EXERCISE without BEGIN")
                if current["id"] not in blank:
                    result.append(line)
                current = None
            elif current and current["id"] in blank:
                key = normalise(line)
                if len(key) >= 12:
                    solution[key] = (current["id"], rel)
            elif current:
                kept.add(normalise(line))
                result.append(line)
            else:
                result.append(line)
        if current:
            sys.exit(f"{rel}: exercise {current['id']} has no END EXERCISE")
        if any(l.lstrip().startswith("throw s2s::ExerciseNotDone(") for l in result):
            # the stubs' type (core/exercise.hpp), after the file's last #include
            last = max(n for n, l in enumerate(result) if l.startswith("#include"))
            result.insert(last + 1, '#include "core/exercise.hpp"  // the stubs\' ExerciseNotDone')
        with open(dst, "w", encoding="utf-8") as f:
            f.write("\n".join(result))
        shutil.copymode(src, dst)

    # The README says which edition this is.
    readme = os.path.join(out, "README.md")
    if os.path.isfile(readme):
        text = open(readme, encoding="utf-8").read()
        todo = ", ".join(ex["id"] for ex in registry if ex["id"] in blank)
        note = ("> **Student edition.** These exercises are stubs: " + todo + ". Build with "
                "`cmake --preset release && cmake --build build`, then run "
                "`tutorials/exercises/progress.sh` (see docs/course-kit-first-hour.md). "
                "学生版:上列练习是桩代码,先编译,再运行 `tutorials/exercises/progress.sh`"
                "(见 docs/course-kit-first-hour.zh.md)。\n\n")
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
    for key in common | kept:
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
    print(f"student edition: {len(blank)} of {len(registry)} exercises blanked "
          f"({', '.join(ex['id'] for ex in registry if ex['id'] in blank) or 'none'}); "
          f"{len(solution)} distinct solution lines found nowhere else; {len(files)} files -> {out}")


if __name__ == "__main__":
    main()
