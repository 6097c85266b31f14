"""The Python CLI (python3 -m attention_lab) against bad input, as tests/cli does for s2s:
one table of {case, arguments, stdin, expected exit code, a fragment of the message}.
Each row runs the command line's main() in this process (what `python3 -m attention_lab`
runs; torch is imported once), and two rows run the real `python3 -m attention_lab`.

  PYTHONPATH=python python3 python/tests/cli_bad_input_test.py --build build
"""
import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile

import attention_lab as al
from attention_lab import cli


def run_main(args, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(args)
            except SystemExit as e:  # argparse's --help
                code = e.code
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def edit_meta(src, dst, change=None, drop=None, nan=False, truncate=False):
    shutil.copytree(src, dst)
    path = os.path.join(dst, "model.safetensors")
    tensors, meta = al.read_safetensors(path)
    if change:
        meta.update(change)
    if drop:
        del meta[drop]
    if nan:
        name = sorted(tensors)[0]
        tensors[name] = tensors[name].copy()
        tensors[name].flat[0] = float("nan")
    al.write_safetensors(path, tensors, meta)
    if truncate:
        with open(path, "r+b") as f:
            f.truncate(6)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default="build")
    a = p.parse_args()
    s2s = os.path.join(a.build, "s2s")
    tmp = tempfile.mkdtemp(prefix="s2s-pycli-")
    failures = []
    try:
        tsv = os.path.join(tmp, "pairs.tsv")
        with open(tsv, "w") as f:
            for i in range(60):
                f.write(f"w{i % 9} x{i % 5} w{i}\tv{i % 7} y{i % 3}\n")
        model = os.path.join(tmp, "model")
        subprocess.run([s2s, "train", "--tsv", tsv, "--out", model, "--embed", "8", "--hidden",
                        "8", "--max-steps", "5", "--seconds", "300"], check=True,
                       capture_output=True)
        edit_meta(model, os.path.join(tmp, "badcell"), change={"cell": "transformer"})
        edit_meta(model, os.path.join(tmp, "nokey"), drop="hidden")
        edit_meta(model, os.path.join(tmp, "nan"), nan=True)
        edit_meta(model, os.path.join(tmp, "trunc"), truncate=True)
        edit_meta(model, os.path.join(tmp, "vocab"), change={"tgt_vocab": "999"})
        edit_meta(model, os.path.join(tmp, "notint"), change={"layers": "two"})
        shutil.copytree(model, os.path.join(tmp, "novocab"))
        os.remove(os.path.join(tmp, "novocab", "src.vocab"))
        with open(os.path.join(tmp, "afile"), "w") as f:
            f.write("x\n")
        long_line = " ".join(["w1"] * 300) + "\n"
        m = lambda name: os.path.join(tmp, name)  # noqa: E731
        rows = [
            ("no subcommand", [], "", 2, "error: "),
            ("unknown flag", ["translate", "--model", model, "--bogus"], "", 2,
             "unrecognized arguments: --bogus"),
            ("--beam 0", ["translate", "--model", model, "--beam", "0"], "", 2,
             "must be a positive integer"),
            ("--beam not a number", ["eval", "--model", model, "--tsv", tsv, "--beam", "x"], "",
             2, "must be a positive integer"),
            ("missing --model", ["translate"], "", 2, "--model"),
            ("not a folder", ["translate", "--model", m("nothere"), "hi"], "", 1,
             "is not a folder"),
            ("a missing vocabulary", ["translate", "--model", m("novocab"), "hi"], "", 1,
             "src.vocab' is missing"),
            ("unknown cell in the metadata", ["translate", "--model", m("badcell"), "hi"], "", 1,
             "unknown cell kind 'transformer'"),
            ("metadata without a key", ["translate", "--model", m("nokey"), "hi"], "", 1,
             "metadata has no 'hidden'"),
            ("metadata not an integer", ["eval", "--model", m("notint"), "--tsv", tsv], "", 1,
             "'layers' must be an integer, got 'two'"),
            ("NaN weights", ["translate", "--model", m("nan"), "hi"], "", 1,
             "non-finite value"),
            ("truncated safetensors", ["translate", "--model", m("trunc"), "hi"], "", 1,
             "truncated file"),
            ("vocabulary size mismatch", ["translate", "--model", m("vocab"), "hi"], "", 1,
             "expects vocabularies"),
            ("eval without data", ["eval", "--model", model], "", 1,
             "give the data: --tsv FILE or --task cmudict"),
            ("eval --tsv missing file", ["eval", "--model", model, "--tsv", m("none.tsv")], "",
             1, "file does not exist"),
            ("eval --task generated", ["eval", "--model", model, "--task", "toy_en_es"], "", 1,
             "--tsv files and --task cmudict only"),
            ("eval --tsv too few pairs", ["eval", "--model", model, "--tsv", m("afile")], "", 1,
             "need at least 10"),
            ("translate a 300-token line", ["translate", "--model", model], long_line, 1,
             "more than the limit of 250"),
            ("train --lr 0", ["train", "--model", model, "--tsv", tsv, "--lr", "0"], "", 2,
             "--lr"),
            ("train --lr-anneal without --min-lr",
             ["train", "--model", model, "--tsv", tsv, "--lr-anneal", "0.5", "--out",
              m("out1"), "--max-steps", "2"], "", 1, "needs 0 < --min-lr"),
            ("train --out is a file", ["train", "--model", model, "--tsv", tsv, "--out",
                                       m("afile"), "--max-steps", "2"], "", 1,
             "is a file, not a folder"),
            ("train --device nonsense", ["train", "--model", model, "--tsv", tsv, "--device",
                                         "tpu"], "", 2, "--device must be cpu"),
        ]
        for what, args, stdin, code, frag in rows:
            got, out, err = run_main(args, stdin)
            ok = got == code and frag in err
            if what == "translate a 300-token line":
                ok = ok and out == "\n"  # one (empty) output line per input line
            print(f"  {'ok  ' if ok else 'FAIL'} {what}: exit {got} (want {code}): "
                  f"{(err.strip().splitlines() or [''])[0][:110]}")
            if not ok:
                failures.append(what)
        # A row with no effect on the folder: the bad runs above left the model unchanged.
        ok = sorted(os.listdir(model)) == ["model.safetensors", "src.vocab", "tgt.vocab"]
        print(f"  {'ok  ' if ok else 'FAIL'} the model folder holds its three files only")
        if not ok:
            failures.append("folder unchanged")
        # save() refuses NaN weights and leaves the folder as it was.
        import torch
        before = {f: open(os.path.join(model, f), "rb").read() for f in os.listdir(model)}
        m_nan = al.load(model)
        with torch.no_grad():
            next(m_nan.parameters()).view(-1)[0] = float("nan")
        try:
            al.save(m_nan, model)
            ok = False
        except al.FolderError as e:
            ok = "NaN" in str(e)
        after = {f: open(os.path.join(model, f), "rb").read() for f in os.listdir(model)}
        ok = ok and before == after and not any(".tmp-" in f for f in os.listdir(tmp))
        print(f"  {'ok  ' if ok else 'FAIL'} save() of NaN weights: refused, folder unchanged")
        if not ok:
            failures.append("save NaN")
        # The real command line, twice: a usage error and a bad folder.
        env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH", "python"))
        for args, code, frag in ((["translate"], 2, "--model"),
                                 (["translate", "--model", m("nan"), "hi"], 1, "non-finite")):
            r = subprocess.run([sys.executable, "-m", "attention_lab", *args], env=env,
                               capture_output=True, text=True)
            ok = r.returncode == code and frag in r.stderr and "Traceback" not in r.stderr
            print(f"  {'ok  ' if ok else 'FAIL'} python3 -m attention_lab {' '.join(args[:1])}"
                  f" ...: exit {r.returncode} (want {code})")
            if not ok:
                failures.append(f"python3 -m attention_lab {args}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"python CLI bad-input table: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
