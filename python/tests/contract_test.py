"""The PyTorch contract test (issue 26): the C++ engine and attention_lab agree.

For each configuration below (together every entry of every registry, read from the C++
side with `contract_probe registries`; a C++ entry without a PyTorch counterpart fails):
  1. `s2s train` a tiny model, 20 updates (or build it in PyTorch, for what s2s train has
     no flag for: decoder self-attention, the bottleneck's feed_summary), load it here;
  2. teacher-forced logits of a batch of 50 pairs agree within 1e-5 (relative to the
     largest logit) with the probe's;
  3. greedy and beam-4 outputs of evaluate() on those 50 are identical, and so are
     `s2s translate --beam 4` and `python3 -m attention_lab translate --beam 4`;
  4. one Adam step from the loaded state gives the probe's parameters within 1e-5;
  5. the folder saved from PyTorch loads in s2s (info) and translates identically.
Then DDP: 2 processes (torchrun, gloo, localhost) x 20 updates equal 1 process over the
same global batches within 1e-5, and s2s loads the result.

  PYTHONPATH=python python3 python/tests/contract_test.py --build build
"""
import argparse
import contextlib
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import torch

import attention_lab as al
from attention_lab import cli
from attention_lab.data import make_batch, read_tsv_pairs

TOL = 1e-5
FAILURES = []


def check(ok, what):
    print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
    if not ok:
        FAILURES.append(what)


# Each: (name, s2s train flags) or (name, None, Config fields) for PyTorch-made folders.
CONFIGS = [
    ("gru general global output bi", "--cell gru --attention general --variant global --placement output"),
    ("lstm additive global input bi", "--cell lstm --attention additive --placement input"),
    ("rnn dot global output", "--cell rnn --attention dot --unidirectional"),
    ("gru scaled_dot local-m both", "--cell gru --attention scaled_dot --variant local-m --placement both --unidirectional"),
    ("lstm location global input_feeding bi", "--cell lstm --attention location --placement input_feeding"),
    ("gru cosine local-p output bi", "--cell gru --attention cosine --variant local-p"),
    ("rnn location_aware global both bi", "--cell rnn --attention location_aware --placement both"),
    ("lstm location_aware local-p input 2 layers", "--cell lstm --attention location_aware --variant local-p --placement input --unidirectional --layers 2"),
    ("gru additive key-value input_feeding bi 2 layers", "--cell gru --attention additive --variant key-value --placement input_feeding --layers 2"),
    ("gru cosine key-value both", "--cell gru --attention cosine --variant key-value --placement both --unidirectional"),
    ("rnn additive local-m input_feeding bi 2 layers", "--cell rnn --attention additive --variant local-m --placement input_feeding --layers 2"),
    ("gru general output bi reverse-source", "--cell gru --attention general --reverse-source"),
    ("lstm bottleneck reverse-source", "--cell lstm --attention none --reverse-source --unidirectional"),
    ("gru bottleneck bi", "--cell gru --attention none"),
    ("gru general output self-attention (PyTorch-made)", None,
     dict(cell="gru", score="general", self_attention=True, bidirectional=True)),
    ("lstm location_aware local-p both self-attention (PyTorch-made)", None,
     dict(cell="lstm", score="location_aware", variant="local-p", placement="both",
          self_attention=True)),
    ("rnn bottleneck feed_summary (PyTorch-made)", None,
     dict(cell="rnn", attention=False, feed_summary=True)),
    # Issue 25: stacked decoder layers and dropout (compared in eval mode, where dropout is
    # the identity; the Adam step runs in eval mode too, as the probe's does).
    ("gru general input_feeding bi, 2 decoder layers, dropout", "--cell gru --attention general --placement input_feeding --decoder-layers 2 --embed-dropout 0.2 --decoder-dropout 0.3"),
    ("lstm additive input 3 decoder layers, dropout", "--cell lstm --attention additive --placement input --decoder-layers 3 --decoder-dropout 0.1 --unidirectional"),
    ("gru bottleneck bi, 2 decoder layers, dropout", "--cell gru --attention none --decoder-layers 2 --embed-dropout 0.1 --decoder-dropout 0.2"),
    ("rnn bottleneck feed_summary 2 decoder layers, dropout (PyTorch-made)", None,
     dict(cell="rnn", attention=False, feed_summary=True, decoder_layers=2,
          decoder_dropout=0.25)),
]
TINY = "--embed 8 --hidden 12 --batch 16 --max-steps 20 --seconds 600 --valid-examples 20 --lr 0.01"


def make_data(path, n=240, seed=3):
    """A small translation-like task: words map to other words, order reversed."""
    rnd = random.Random(seed)
    src_words = [f"w{i}" for i in range(14)]
    lines = set()
    while len(lines) < n:
        k = rnd.randint(2, 7)
        s = [rnd.choice(src_words) for _ in range(k)]
        t = [f"v{int(w[1:]) % 11}" for w in reversed(s)]
        lines.add(" ".join(s) + "\t" + " ".join(t))
    with open(path, "w") as f:
        f.write("\n".join(sorted(lines)) + "\n")


def run(cmd, stdin=None, check_rc=True):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if check_rc and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}{r.stdout}")
    return r


def rel_diff(a, b):
    return float((a - b).abs().max() / b.abs().max().clamp_min(1e-30))


def in_process_cli(args, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(args)
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def python_made(folder, fields, like):
    """A fresh PyTorch model with the vocabularies of folder `like`, saved to `folder`."""
    ref = al.load(like)
    c = al.Config(src_vocab=len(ref.src_vocab), tgt_vocab=len(ref.tgt_vocab), embed=8,
                  hidden=12, max_src_len=ref.config.max_src_len, **fields)
    m = al.Seq2Seq(c)
    g = torch.Generator().manual_seed(5)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.rand(p.shape, generator=g) * 0.8 - 0.4)
    m.src_vocab, m.tgt_vocab, m.metadata = ref.src_vocab, ref.tgt_vocab, {}
    al.save(m, folder)


def adam_step(model, pairs, lr, clip):
    # With dropout, in eval mode on both sides (contract_probe step): the masks of two
    # random generators cannot agree.
    c = model.config
    model.train(c.embed_dropout == 0 and c.decoder_dropout == 0)
    src, lengths, tgt_in, tgt_out = make_batch(pairs, model.src_vocab, model.tgt_vocab)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss = model.loss(src, lengths, tgt_in, tgt_out)
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.grad is not None], clip)
    opt.step()
    model.eval()
    return float(loss)


def check_config(i, name, flags, fields, a, work, tsv, pairs_file, pairs, lines):
    print(f"[{i + 1}/{len(CONFIGS)}] {name}", flush=True)
    folder = os.path.join(work, f"m{i}")
    if flags is not None:
        run([a.s2s, "train", "--tsv", tsv, "--out", folder, *TINY.split(), *flags.split()])
    else:
        python_made(folder, fields, os.path.join(work, "m0"))
    model = al.load(folder)
    # logits
    logits_file = os.path.join(work, f"logits{i}.safetensors")
    run([a.probe, "logits", folder, pairs_file, logits_file])
    cxx = torch.from_numpy(al.read_safetensors(logits_file)[0]["logits"])
    src, lengths, tgt_in, _ = make_batch(pairs, model.src_vocab, model.tgt_vocab)
    with torch.no_grad():
        ours = model(src, lengths, tgt_in)
    d = rel_diff(ours, cxx) if ours.shape == cxx.shape else float("inf")
    check(d <= TOL, f"logits {tuple(cxx.shape)} relative difference {d:.2e} <= {TOL}")
    # greedy and beam 4 (evaluate's rules), and translate (the CLI's rules)
    for beam in (1, 4):
        cxx_out = run([a.probe, "decode", folder, pairs_file, str(beam)]).stdout.splitlines()
        r = al.evaluate(model, pairs, model.src_vocab, model.tgt_vocab, beam)
        ours_out = [" ".join(map(str, h)) for h in r["outputs"]]
        same = sum(x == y for x, y in zip(cxx_out, ours_out))
        check(same == len(pairs) == len(cxx_out),
              f"evaluate beam {beam}: {same} of {len(pairs)} outputs identical")
    cxx_tr = run([a.s2s, "translate", "--model", folder, "--beam", "4"], lines).stdout
    code, ours_tr, err = in_process_cli(["translate", "--model", folder, "--beam", "4"], lines)
    check(code == 0 and ours_tr == cxx_tr,
          f"translate --beam 4: identical on {len(lines.splitlines())} lines" +
          ("" if code == 0 else f" (exit {code}: {err.strip()})"))
    if i == 0:  # eval's rules: the same TSV split, decoding and report as `s2s eval --tsv`
        for beam in ("1", "4"):
            cxx_ev = run([a.s2s, "eval", "--model", folder, "--tsv", tsv, "--beam", beam]).stdout
            code, ours_ev, err = in_process_cli(["eval", "--model", folder, "--tsv", tsv,
                                                 "--beam", beam])
            check(code == 0 and ours_ev == cxx_ev,
                  f"eval --tsv --beam {beam}: the same report as s2s eval" +
                  ("" if ours_ev == cxx_ev else f"\n{cxx_ev}---\n{ours_ev}{err}"))
        # several references a source (issue 25): any of them counts, the closest for the
        # error rate, and the first-reference line
        multi = os.path.join(work, "multi.tsv")
        with open(tsv) as f:
            head = f.read().splitlines()[:40]
        with open(multi, "w") as f:
            for k, line in enumerate(head):
                src, tgt = line.split("\t")[:2]
                f.write(f"{src}\t{tgt}\n")
                if k % 3 == 0:  # a second target: the first one reversed
                    f.write(f"{src}\t{' '.join(reversed(tgt.split()))}\n")
        for beam in ("1", "4"):
            cxx_ev = run([a.s2s, "eval", "--model", folder, "--test-tsv", multi, "--beam",
                          beam]).stdout
            code, ours_ev, err = in_process_cli(["eval", "--model", folder, "--test-tsv", multi,
                                                 "--beam", beam])
            check(code == 0 and ours_ev == cxx_ev and "first reference only" in cxx_ev,
                  f"eval --test-tsv (several references) --beam {beam}: the same report" +
                  ("" if ours_ev == cxx_ev else f"\n{cxx_ev}---\n{ours_ev}{err}"))
    # one Adam step
    stepped = os.path.join(work, f"m{i}-step")
    run([a.probe, "step", folder, pairs_file, "0.003", "1", stepped])
    adam_step(model, pairs, 0.003, 1.0)
    cxx_after = dict(al.load(stepped).named_parameters())
    d = max(float((p - cxx_after[n]).abs().max()) for n, p in model.named_parameters())
    check(d <= TOL, f"one Adam step: parameters within {d:.2e} <= {TOL}")
    # a PyTorch-saved folder back in s2s
    model = al.load(folder)
    back = os.path.join(work, f"m{i}-torch")
    al.save(model, back, {"saved_by": "contract_test"})
    info = run([a.s2s, "info", "--model", back], check_rc=False)
    tr = run([a.s2s, "translate", "--model", back, "--beam", "4"], lines, check_rc=False).stdout
    check(info.returncode == 0 and tr == cxx_tr,
          "PyTorch-saved folder: s2s info loads it, s2s translate identical")
    if i == 0:  # the save's traces are the C++ side's: its marker, nothing left beside it
        with open(os.path.join(back, ".s2s-save")) as f:
            marker = f.read().splitlines()
        check(sorted(os.listdir(back)) == [".s2s-save", "model.safetensors", "src.vocab",
                                           "tgt.vocab"] and marker[:2] == ["s2s model folder",
                                                                           f"pid {os.getpid()}"]
              and not [n for n in os.listdir(work) if n.startswith(f"m{i}-torch.")],
              "PyTorch-saved folder: the .s2s-save marker, no lock or temporary left")
    for p in (stepped, back, logits_file):
        shutil.rmtree(p, ignore_errors=True) if os.path.isdir(p) else os.remove(p)


def check_ddp(a, work, tsv):
    print("[DDP] 2 processes (gloo) vs 1 process, 20 updates over the same global batches",
          flush=True)
    base = os.path.join(work, "m0")
    env = dict(os.environ, PYTHONPATH=a.pythonpath, OMP_NUM_THREADS="1",
               MASTER_ADDR="127.0.0.1")
    common = ["train", "--model", base, "--tsv", tsv, "--max-steps", "20", "--batch", "16",
              "--lr", "0.003", "--log-every", "0"]
    one, two = os.path.join(work, "ddp1"), os.path.join(work, "ddp2")
    r1 = subprocess.run([sys.executable, "-m", "attention_lab", *common, "--out", one],
                        env=env, capture_output=True, text=True)
    # attention_lab.torchrun is torchrun, mended where Debian 12's torch breaks it.
    r2 = subprocess.run([sys.executable, "-m", "attention_lab.torchrun", "--nproc_per_node", "2",
                         "--master_addr", "127.0.0.1",
                         "--master_port", str(29500 + os.getpid() % 1000),
                         "-m", "attention_lab", *common, "--out", two],
                        env=env, capture_output=True, text=True)
    check(r1.returncode == 0, "1-process train exit 0" + ("" if r1.returncode == 0 else
                                                           "\n" + r1.stderr[-2000:]))
    check(r2.returncode == 0, "torchrun --nproc_per_node 2 train exit 0" +
          ("" if r2.returncode == 0 else "\n" + r2.stderr[-2000:]))
    if r1.returncode or r2.returncode:
        return
    p1, p2 = dict(al.load(one).named_parameters()), dict(al.load(two).named_parameters())
    p0 = dict(al.load(base).named_parameters())
    moved = max(float((p1[n] - p0[n]).abs().max()) for n in p0)
    d = max(float((p1[n] - p2[n]).abs().max()) for n in p1)
    check(moved > 1e-3, f"the 20 updates moved the parameters ({moved:.2e})")
    check(d <= TOL, f"2-process DDP parameters equal 1-process within {d:.2e} <= {TOL}")
    info = run([a.s2s, "info", "--model", two], check_rc=False)
    check(info.returncode == 0, "s2s info loads the DDP-trained folder")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default="build")
    p.add_argument("--only", type=int, default=-1, help="one configuration (its index)")
    p.add_argument("--no-ddp", action="store_true")
    a = p.parse_args()
    a.s2s = os.path.join(a.build, "s2s")
    a.probe = os.path.join(a.build, "contract_probe")
    a.pythonpath = os.environ.get("PYTHONPATH", "python")
    t0 = time.time()
    torch.set_num_threads(1)
    # Every registry entry of the C++ side must have a PyTorch counterpart.
    reg = {}
    for line in run([a.probe, "registries"]).stdout.splitlines():
        k, v = line.split("\t")
        reg[k] = v.split()
    ours = {"cell": al.CELLS, "score": al.SCORES, "variant": al.VARIANTS,
            "placement": al.PLACEMENTS}
    for k in ("cell", "score", "variant", "placement"):
        missing = [n for n in reg.get(k, []) if n not in ours[k]]
        check(k in reg and not missing,
              f"registry '{k}': every C++ entry has a PyTorch counterpart"
              + (f" (missing: {', '.join(missing)})" if missing else ""))
    covered = {k: set() for k in ours}
    for c in CONFIGS:
        if c[1] is None:
            f = c[2]
            covered["cell"].add(f.get("cell", "gru"))
            if f.get("attention", True):
                covered["score"].add(f.get("score", "general"))
                covered["variant"].add(f.get("variant", "global"))
                covered["placement"].add(f.get("placement", "output"))
            continue
        toks = c[1].split()
        opt = {toks[j]: toks[j + 1] for j in range(len(toks) - 1)}
        covered["cell"].add(opt.get("--cell", "gru"))
        if opt.get("--attention") != "none":
            covered["score"].add(opt.get("--attention", "general"))
            covered["variant"].add(opt.get("--variant", "global"))
            covered["placement"].add(opt.get("--placement", "output"))
    for k in ours:
        left = [n for n in reg.get(k, []) if n not in covered[k]]
        check(not left, f"registry '{k}': every entry in a tested configuration"
              + (f" (not tested: {', '.join(left)})" if left else ""))
    work = tempfile.mkdtemp(prefix="s2s-contract-")
    try:
        tsv = os.path.join(work, "pairs.tsv")
        make_data(tsv)
        all_pairs, _ = read_tsv_pairs(tsv)
        pairs = all_pairs[:50]
        pairs_file = os.path.join(work, "fifty.tsv")
        with open(pairs_file, "w") as f:
            f.write("".join(" ".join(s) + "\t" + " ".join(t) + "\n" for s, t in pairs))
        lines = "".join(" ".join(s) + "\n" for s, _ in pairs)
        for i, c in enumerate(CONFIGS):
            if a.only >= 0 and i != a.only and i != 0:
                continue
            check_config(i, c[0], c[1], c[2] if len(c) > 2 else None, a, work, tsv,
                         pairs_file, pairs, lines)
        if not a.no_ddp:
            check_ddp(a, work, tsv)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"contract test: {len(CONFIGS)} configurations, {len(FAILURES)} failure(s), "
          f"{time.time() - t0:.0f} s")
    for f in FAILURES:
        print(f"  FAILED: {f}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
