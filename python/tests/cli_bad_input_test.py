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
import struct
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


def deep_header(src, dst, where):
    """A copy of folder src whose safetensors header nests 100,000 deep (issue 24, cause 3):
    at the top level, or inside a tensor's "shape"."""
    shutil.copytree(src, dst)
    deep = "[" * 100_000 + "]" * 100_000
    if where == "top":
        text = '{"a":' * 100_000 + "1" + "}" * 100_000
    else:
        text = '{"x":{"dtype":"F32","shape":' + deep + ',"data_offsets":[0,0]}}'
    raw = text.encode()
    with open(os.path.join(dst, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)


HOLDER = """
import sys, time
from attention_lab.folder import WriterLock
with WriterLock(sys.argv[1]):
    print("ready", flush=True)
    sys.stdin.read()
"""


def snapshot(root):
    """{relative path: bytes or None (a folder)} of everything under root, lock files aside."""
    out = {}
    for d, dirs, files in os.walk(root):
        for n in dirs:
            out[os.path.relpath(os.path.join(d, n), root)] = None
        for n in files:
            with open(os.path.join(d, n), "rb") as f:
                out[os.path.relpath(os.path.join(d, n), root)] = f.read()
    return out


def dead_pid():
    """The PID of a process that has exited."""
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


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
        # Issue 25: a model trained on other words (other vocabularies) for an ensemble.
        tsv2 = os.path.join(tmp, "other.tsv")
        with open(tsv2, "w") as f:
            for i in range(60):
                f.write(f"u{i % 9} z{i % 5}\tq{i % 7}\n")
        other = os.path.join(tmp, "other")
        subprocess.run([s2s, "train", "--tsv", tsv2, "--out", other, "--embed", "8", "--hidden",
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
        deep_header(model, os.path.join(tmp, "deep"), "top")
        deep_header(model, os.path.join(tmp, "deepshape"), "shape")
        # Leftovers beside a folder: a user's backup and a look-alike not made by us (its
        # marker's token differs) stay; a dead writer's proven leftover goes.
        lo = os.path.join(tmp, "lo")
        shutil.copytree(model, lo)
        os.mkdir(lo + ".old-2024-11-30")
        with open(os.path.join(lo + ".old-2024-11-30", "thesis.txt"), "w") as f:
            f.write("my thesis\n")
        pid = dead_pid()
        alien = f"{lo}.tmp-{pid}-0123456789abcdef"
        shutil.copytree(model, alien)
        with open(os.path.join(alien, ".s2s-save"), "w") as f:
            f.write(f"s2s model folder\npid {pid}\ntoken fedcba9876543210\n")
        ours = f"{lo}.tmp-{pid}-00000000000000aa"
        shutil.copytree(model, ours)
        with open(os.path.join(ours, ".s2s-save"), "w") as f:
            f.write(f"s2s model folder\npid {pid}\ntoken 00000000000000aa\n")
        # Another process holds the writer's lock on "locked" (as a running train would).
        locked = os.path.join(tmp, "locked")
        shutil.copytree(model, locked)
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, locked], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert holder.stdout.readline().strip() == "ready"
        readers_before = snapshot(tmp)
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
            ("eval --test-tsv missing file",
             ["eval", "--model", model, "--test-tsv", m("none.tsv")], "", 1,
             "--test-tsv: file does not exist"),
            ("eval --test-tsv without a usable pair",
             ["eval", "--model", model, "--test-tsv", m("afile")], "", 1, "no usable pair"),
            ("train --test-tsv (eval only)",
             ["train", "--model", model, "--tsv", tsv, "--test-tsv", tsv], "", 2,
             "unrecognized arguments: --test-tsv"),
            ("translate a 300-token line", ["translate", "--model", model], long_line, 1,
             "more than the limit of 250"),
            ("train --lr 0", ["train", "--model", model, "--tsv", tsv, "--lr", "0"], "", 2,
             "--lr"),
            ("train --label-smoothing nan", ["train", "--model", model, "--tsv", tsv,
                                             "--label-smoothing", "nan"], "", 2,
             "--label-smoothing"),
            ("train --weight-decay -1", ["train", "--model", model, "--tsv", tsv,
                                         "--weight-decay", "-1"], "", 2, "--weight-decay"),
            ("train --average-last 0", ["train", "--model", model, "--tsv", tsv,
                                        "--average-last", "0"], "", 2, "--average-last"),
            ("train --lr-anneal without --min-lr",
             ["train", "--model", model, "--tsv", tsv, "--lr-anneal", "0.5", "--out",
              m("out1"), "--max-steps", "2"], "", 1, "needs 0 < --min-lr"),
            ("train --out is a file", ["train", "--model", model, "--tsv", tsv, "--out",
                                       m("afile"), "--max-steps", "2"], "", 1,
             "is a file, not a folder"),
            ("safetensors header nested 100,000 deep", ["translate", "--model", m("deep"),
                                                         "hi"], "", 1,
             "nests deeper than 64 levels"),
            ("a tensor's shape nested 100,000 deep", ["eval", "--model", m("deepshape"), "--tsv",
                                                      tsv], "", 1,
             "nests deeper than 64 levels"),
            ("train --out held by another writer", ["train", "--model", model, "--tsv", tsv,
                                                    "--out", locked, "--max-steps", "2"], "", 1,
             f"being written by another writer (s2s train, or attention_lab train or save; "
             f"PID {holder.pid}; lock file '{locked}.lock')"),
            ("train --out held by another writer (default --out: --model)",
             ["train", "--model", locked, "--tsv", tsv, "--max-steps", "2"], "", 1,
             f"PID {holder.pid}"),
            ("translate and eval beside leftovers (they are not touched: see below)",
             ["translate", "--model", lo, "w1 x2"], "", 0, ""),
            ("eval on a folder another process is writing", ["eval", "--model", locked, "--tsv",
                                                             tsv], "", 0, ""),
            ("train --device nonsense", ["train", "--model", model, "--tsv", tsv, "--device",
                                         "tpu"], "", 2, "--device must be cpu"),
            # Issue 25: --model several times (an ensemble).
            ("ensemble: the vocabularies differ", ["translate", "--model", model, "--model",
                                                   other, "w1"], "", 1,
             f"--model '{model}' and --model '{other}' cannot decode together: their source "
             f"vocabularies differ"),
            ("ensemble: --model 17 times", ["translate"] + ["--model", model] * 17 + ["w1"], "",
             2, "--model is given 17 times, more than the limit of 16"),
            ("ensemble: a NaN in the second folder", ["eval", "--model", model, "--model",
                                                      m("nan"), "--tsv", tsv], "", 1,
             "non-finite value"),
            ("ensemble beside leftovers", ["translate", "--model", lo, "--model", lo, "w1 x2"],
             "", 0, ""),
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
        # Issue 25: two copies of one folder decode exactly as the folder alone.
        lines = "w1 x2\nw3 x4 w5\nw0\n"
        for beam in ("1", "3"):
            one = run_main(["translate", "--model", model, "--beam", beam], lines)
            two = run_main(["translate", "--model", model, "--model", model, "--beam", beam],
                           lines)
            e1 = run_main(["eval", "--model", model, "--tsv", tsv, "--beam", beam])
            e2 = run_main(["eval", "--model", model, "--model", model, "--tsv", tsv, "--beam",
                           beam])
            ok = (one[0] == two[0] == e1[0] == e2[0] == 0 and one[1] == two[1]
                  and e2[1].startswith("ensemble of 2 models") and e2[1].endswith(e1[1])
                  and one[1].count("\n") == 3)
            print(f"  {'ok  ' if ok else 'FAIL'} --model A --model A == --model A (translate "
                  f"and eval, --beam {beam})")
            if not ok:
                failures.append(f"ensemble of two copies, beam {beam}")
        # Readers never write, and refused writers write nothing: every file and folder
        # under the work folder is as it was before the rows (translate and eval ran on
        # folders with leftovers beside them, and on a folder another process is writing).
        after = snapshot(tmp)
        ok = after == readers_before and sorted(os.listdir(model)) == [
            ".s2s-save", "model.safetensors", "src.vocab", "tgt.vocab"]
        print(f"  {'ok  ' if ok else 'FAIL'} nothing on disk changed ({len(after)} files and "
              f"folders compared)")
        if not ok:
            failures.append("readers never write")
        # The writer's lock excludes s2s too, and save() is refused like train.
        r = subprocess.run([s2s, "train", "--tsv", tsv, "--out", locked, "--overwrite",
                            "--max-steps", "2", "--embed", "8", "--hidden", "8"],
                           capture_output=True, text=True)
        ok = r.returncode == 1 and f"PID {holder.pid}" in r.stderr
        print(f"  {'ok  ' if ok else 'FAIL'} s2s train --out a folder attention_lab holds: exit "
              f"{r.returncode} (want 1): {(r.stderr.strip().splitlines() or [''])[0][:110]}")
        if not ok:
            failures.append("s2s train vs the Python lock")
        try:
            al.save(al.load(model), locked)
            ok = False
        except al.FolderError as e:
            ok = f"PID {holder.pid}" in str(e)
        ok = ok and snapshot(tmp) == readers_before
        print(f"  {'ok  ' if ok else 'FAIL'} save() into a folder another process writes: "
              f"refused naming its PID, nothing changed")
        if not ok:
            failures.append("save vs lock")
        holder.stdin.close()
        holder.wait()
        # A save beside leftovers: only the dead writer's proven leftover is removed.
        al.save(al.load(lo), lo)
        ok = not os.path.exists(ours) and os.path.isdir(alien) and sorted(os.listdir(
            lo + ".old-2024-11-30")) == ["thesis.txt"] and not os.path.exists(lo + ".lock")
        ok = ok and all(after[k] == v for k, v in snapshot(tmp).items()
                        if k.startswith(os.path.basename(alien)))
        left = sorted(n for n in os.listdir(tmp) if n.startswith("lo"))
        print(f"  {'ok  ' if ok else 'FAIL'} save() beside leftovers: a user's backup and a "
              f"look-alike not made by us untouched, a dead writer's own removed: {left}")
        if not ok:
            failures.append("leftovers")
        # A running `python3 -m attention_lab train` holds the lock for its whole run: s2s
        # train is refused while it runs; killed (-9), its lock goes with it.
        env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH", "python"))
        before_lo = snapshot(lo)
        trainer = subprocess.Popen([sys.executable, "-m", "attention_lab", "train", "--model",
                                    lo, "--tsv", tsv, "--max-steps", "1000000"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        trainer.stdout.readline()  # "model: ...": the lock is held, training has begun
        r = subprocess.run([s2s, "train", "--tsv", tsv, "--out", lo, "--overwrite",
                            "--max-steps", "2", "--embed", "8", "--hidden", "8"],
                           capture_output=True, text=True)
        trainer.kill()
        trainer.wait()
        r2 = subprocess.run([s2s, "train", "--tsv", tsv, "--out", lo + "2", "--max-steps", "2",
                             "--embed", "8", "--hidden", "8"], capture_output=True, text=True)
        code3, _, _ = run_main(["train", "--model", lo + "2", "--tsv", tsv, "--out", lo,
                                "--max-steps", "1", "--log-every", "0"])
        ok = r.returncode == 1 and f"PID {trainer.pid}" in r.stderr and r2.returncode == 0 \
            and code3 == 0 and snapshot(lo) != before_lo
        print(f"  {'ok  ' if ok else 'FAIL'} s2s train while attention_lab train runs: exit "
              f"{r.returncode} (want 1, naming PID {trainer.pid}); after kill -9 a save "
              f"succeeds (exit {code3})")
        if not ok:
            failures.append("python train holds the lock")
        # Two saves at once, in two processes: one is refused naming the other's PID.
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, lo], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        holder.stdout.readline()
        code, _, err = run_main(["train", "--model", lo, "--tsv", tsv, "--max-steps", "2"])
        holder.stdin.close()
        holder.wait()
        code2, _, err2 = run_main(["train", "--model", lo, "--tsv", tsv, "--max-steps", "2",
                                   "--log-every", "0"])
        ok = code == 1 and f"PID {holder.pid}" in err and code2 == 0 and \
            not os.path.exists(lo + ".lock")
        print(f"  {'ok  ' if ok else 'FAIL'} train refused while another holds the lock (exit "
              f"{code}), then runs once it is gone (exit {code2}); the lock file is removed")
        if not ok:
            failures.append("train after the lock")
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
        ok = ok and before == after and not any(f.startswith("model.tmp-")
                                                for f in os.listdir(tmp))
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
