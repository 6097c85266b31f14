"""python3 -m attention_lab translate|eval|train: the s2s command line's rules in PyTorch.

Exit codes as s2s: 0 success, 1 bad input (a clear "error: ..." line), 2 usage errors.
"""
import argparse
import math
import os
import shlex
import sys

from .data import (CMUDICT_PATH, DataError, detokenize, group_by_source, letters_of,
                   load_cmudict, load_tsv_splits, make_batch, read_tsv_pairs, reads_letters,
                   tokenize)
from .folder import FolderError

MAX_TRANSLATE_TOKENS = 250  # seq2seq/cli/validate.hpp kMaxTranslateTokens
MAX_BEAM = 256
MAX_MODELS = 16  # seq2seq/cli/ensemble_models.hpp kMaxModels


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _positive_int(limit):
    def f(text):
        if not text.isdigit() or not 1 <= int(text) <= limit:
            raise argparse.ArgumentTypeError(f"must be a positive integer (at most {limit}), "
                                             f"got {text}")
        return int(text)
    return f


def _nonneg_int(text):
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text}")
    return int(text)


def _real(lo, hi, lo_open=True):
    def f(text):
        try:
            x = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number, got {text}") from None
        if not math.isfinite(x) or x < lo or (lo_open and x == lo) or x > hi:
            raise argparse.ArgumentTypeError(f"must be in {'(' if lo_open else '['}{lo}, {hi}], "
                                             f"got {text}")
        return x
    return f


def parser():
    p = Parser(prog="python3 -m attention_lab",
               description="s2s model folders in PyTorch: translate, evaluate, train on "
                           "(also under torchrun: DistributedDataParallel)")
    sub = p.add_subparsers(dest="cmd", parser_class=Parser)
    sub.required = True

    def common(c, several=False):
        if several:
            c.add_argument("--model", required=True, action="append",
                           help="folder written by `s2s train`; give it several times (at most "
                                f"{MAX_MODELS}) to decode with an ensemble: the models' "
                                "log-probabilities averaged at each step (their vocabularies "
                                "must be the same)")
        else:
            c.add_argument("--model", required=True, help="folder written by `s2s train`")
        c.add_argument("--device", default="cpu", help="cpu (default), cuda or cuda:N")

    def data_flags(c):
        c.add_argument("--tsv", help="source<TAB>target pairs, split as s2s splits them")
        if c.prog.endswith("eval"):
            c.add_argument("--test-tsv", help="score every pair of this file (a source listed "
                                              "more than once: any of its targets counts)")
        c.add_argument("--task", help="cmudict (generated tasks: give them as a --tsv)")
        c.add_argument("--max-len", type=_positive_int(1000), default=None,
                       help="longest source and target (tokens) of --tsv (default 20)")
        c.add_argument("--data-seed", type=_nonneg_int, default=7, help="seed of the split")
        c.add_argument("--dict", default=CMUDICT_PATH, help="--task cmudict: the dictionary")
        c.add_argument("--stress", action="store_true", help="--task cmudict: keep stress")

    t = sub.add_parser("translate", help="translate a sentence (or each line of stdin)")
    common(t, several=True)
    t.add_argument("--beam", type=_positive_int(2**31 - 1), default=1)
    t.add_argument("sentence", nargs="?")
    e = sub.add_parser("eval", help="evaluate a model folder on a test set")
    common(e, several=True)
    data_flags(e)
    e.add_argument("--beam", type=_positive_int(2**31 - 1), default=1)
    r = sub.add_parser("train", help="continue training a model folder and save it")
    common(r)
    data_flags(r)
    r.add_argument("--out", help="folder to save to (default: --model itself)")
    r.add_argument("--max-steps", type=_positive_int(10**9), default=1000, help="updates")
    r.add_argument("--batch", type=_positive_int(10**6), default=32,
                   help="global batch size (shared by the processes)")
    r.add_argument("--lr", type=_real(0, 1), default=3e-3)
    r.add_argument("--clip", type=_real(0, 1e9, lo_open=False), default=1.0,
                   help="max global gradient norm (0: none)")
    r.add_argument("--lr-anneal", type=_real(-1, 0.99, lo_open=False), default=-1.0,
                   help="hold --lr for this share of --max-steps, then anneal to --min-lr")
    r.add_argument("--min-lr", type=_real(0, 1, lo_open=False), default=0.0)
    r.add_argument("--seed", type=_nonneg_int, default=1, help="batch order")
    r.add_argument("--log-every", type=_nonneg_int, default=100)
    r.add_argument("--label-smoothing", type=_real(0, 0.5, lo_open=False), default=0.0,
                   help="train on (1 - e) onehot + e / V targets")
    r.add_argument("--weight-decay", type=_real(0, 10, lo_open=False), default=0.0,
                   help="decoupled weight decay (AdamW)")
    r.add_argument("--average-last", type=_positive_int(100), default=1,
                   help="save the mean of the parameters at the last K of every "
                        "--validate-every updates and the last update (1: the last)")
    r.add_argument("--validate-every", type=_positive_int(10**9), default=1000,
                   help="the points --average-last averages (as s2s train's validations)")
    return p


def cap_beam(beam, vocab):
    cap = min(MAX_BEAM, len(vocab))
    if beam <= cap:
        return beam
    print(f"note: --beam {beam} capped at {cap} (the beam is at most the target vocabulary's "
          f"{len(vocab)} words, and at most {MAX_BEAM})", file=sys.stderr)
    return cap


def _letters(examples):
    """seq2seq/cli/validate.cpp letters_in: every source token a single character."""
    return bool(examples) and all(len(t) == 1 for e in examples for t in e[0])


def load_data(a):
    """(splits, phones): s2s's data rules for --tsv, --test-tsv and --task cmudict."""
    if a.tsv and a.task:
        raise DataError("--task cannot be used with --tsv")
    if getattr(a, "test_tsv", None):
        if a.task:
            raise DataError("--task cannot be used with --test-tsv")
        if not os.path.isfile(a.test_tsv):
            raise DataError(f"--test-tsv: file does not exist: {a.test_tsv}")
        max_len = 20 if a.max_len is None else a.max_len
        pairs, warnings = read_tsv_pairs(a.test_tsv, max_len)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
        if not pairs:
            raise DataError(f"--test-tsv '{a.test_tsv}': no usable pair. Lines must read "
                            f"'source<TAB>target'")
        test = group_by_source(pairs)
        return {"train": [], "valid": [], "test": test}, _letters(test)
    if a.tsv:
        if not os.path.isfile(a.tsv):
            raise DataError(f"--tsv: file does not exist: {a.tsv}")
        splits, warnings = load_tsv_splits(a.tsv, a.data_seed, 20 if a.max_len is None
                                           else a.max_len)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
        return splits, _letters(splits["test"])
    if a.task == "cmudict":
        stats = {}
        s = load_cmudict(a.dict, a.stress, a.max_len or 0, stats)
        print(f"data: {stats['summary']}")  # as s2s prints it
        return s, True
    if a.task:
        raise DataError(f"--task {a.task}: the Python side reads --tsv files and --task "
                        f"cmudict only (write a generated task as a TSV)")
    raise DataError("give the data: --tsv FILE or --task cmudict")


def _device(a):
    import torch
    d = a.device
    if d != "cpu" and not d.startswith("cuda"):
        raise UsageError(f"--device must be cpu, cuda or cuda:N, got {d}")
    if d.startswith("cuda") and not torch.cuda.is_available():
        raise DataError(f"--device {d}: no CUDA device is available to PyTorch here")
    return d


def _first_difference(a, b):
    """"" when vocabularies a and b are the same tokens in the same order."""
    sizes = (f"{len(a)} tokens each" if len(a) == len(b)
             else f"the first has {len(a)} tokens, the second {len(b)}")
    for i, (x, y) in enumerate(zip(a.words, b.words)):
        if x != y:
            return f"{sizes}; token {i} is '{x}' in the first and '{y}' in the second"
    return "" if len(a) == len(b) else f"{sizes}; the first {min(len(a), len(b))} are the same"


def load_models(dirs, device):
    """seq2seq/cli/ensemble_models.cpp load_models: each folder in order, each later one
    checked against the first as soon as it is read."""
    from .folder import load
    if len(dirs) > MAX_MODELS:
        raise UsageError(f"--model is given {len(dirs)} times, more than the limit of "
                         f"{MAX_MODELS} (an ensemble holds every model in memory and runs each "
                         f"one at every step)")
    models = []
    for d in dirs:
        models.append(load(d, device))
        for side in ("source", "target"):
            first, last = models[0], models[-1]
            diff = _first_difference(*((first.src_vocab, last.src_vocab) if side == "source"
                                       else (first.tgt_vocab, last.tgt_vocab)))
            if diff:
                raise DataError(
                    f"--model '{dirs[0]}' and --model '{d}' cannot decode together: their "
                    f"{side} vocabularies differ ({diff}). An ensemble averages the models' "
                    f"log-probabilities token by token, so all its models need the same source "
                    f"and target vocabularies (train them on the same data)")
    return models


def cmd_translate(a):
    from .decoding import beam_search
    models = load_models(a.model, _device(a))
    model = models[0]
    beam = cap_beam(a.beam, model.tgt_vocab)
    letters = reads_letters(model.src_vocab)
    failed, tokens, unknown = 0, 0, 0

    def line(text, n):
        nonlocal failed, tokens, unknown
        if text.endswith("\r"):
            text = text[:-1]
        try:
            src = letters_of(text, model.src_vocab) if letters else tokenize(text)
            if not src:
                print(flush=True)
                return
            S = len(src)
            if S > MAX_TRANSLATE_TOKENS:
                raise DataError(f"{S} tokens, more than the limit of {MAX_TRANSLATE_TOKENS}")
            for c in (m.config for m in models):
                if c.attention and c.score == "location" and S > c.max_src_len:
                    raise DataError(f"{S} tokens, more than this model's limit of "
                                    f"{c.max_src_len} (its location score knows positions up "
                                    f"to max_src_len only)")
            tokens += S
            unknown += sum(w not in model.src_vocab.ids for w in src)
            dev = next(model.parameters()).device
            s, lengths, _, _ = make_batch([(src, ["<unk>"])], model.src_vocab, model.tgt_vocab,
                                          dev)
            out = beam_search(models, s, lengths, beam, 2 * S + 10, 0.6)[0]
            print(detokenize(model.tgt_vocab.decode(out)), flush=True)
        except (DataError, ValueError, RuntimeError) as e:
            failed += 1
            print(flush=True)
            print(f"error: line {n}: cannot translate: {e}", file=sys.stderr)

    if a.sentence is not None:
        line(a.sentence, 1)
        n = 1
    else:
        data = sys.stdin.buffer.read().decode("utf-8", errors="replace")
        if data.startswith("\ufeff"):
            data = data[1:]
        parts = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if parts and parts[-1] == "":
            parts.pop()
        for n, text in enumerate(parts, 1):
            line(text, n)
        n = len(parts)
    if tokens and unknown / tokens > 0.5:
        print(f"warning: the model's source vocabulary covers only "
              f"{100 * (1 - unknown / tokens):.0f}% of the input's tokens ({unknown} of {tokens} "
              f"unknown): is this the data the model was trained on?", file=sys.stderr)
    if failed:
        print(f"error: {failed} of {n} lines could not be translated", file=sys.stderr)
        return 1
    return 0


def cmd_eval(a):
    from .decoding import evaluate
    splits, phones = load_data(a)
    models = load_models(a.model, _device(a))
    model = models[0]
    test = splits["test"]
    if not test:
        raise DataError("the test split is empty")
    beam = cap_beam(a.beam, model.tgt_vocab)
    edges = (5, 8, 11) if phones else (5, 10, 15, 20, 30, 40)
    if len(models) > 1:
        print(f"ensemble of {len(models)} models (their log-probabilities averaged at each "
              f"step):")
        for i, (d, m) in enumerate(zip(a.model, models), 1):
            print(f"  {i}. {d}: {m.config.describe()} "
                  f"({sum(p.numel() for p in m.parameters())} parameters)")
    r = evaluate(models, test, model.src_vocab, model.tgt_vocab, beam, bucket_edges=edges)
    if phones:
        print(f"WER {100 * (1 - r['exact']):.1f}%  PER {100 * r['error_rate']:.1f}%  ", end="")
    print(f"exact match {100 * r['exact']:.1f}%  token accuracy {100 * r['token_acc']:.1f}%  "
          f"BLEU {r['bleu']:.3f}  perplexity {r['perplexity']:.2f}")
    if r["several_refs"]:  # as s2s eval: the same outputs against the first reference only
        if phones:
            first = (f"WER {100 * (1 - r['exact_first']):.1f}%  "
                     f"PER {100 * r['error_rate_first']:.1f}%  "
                     f"exact match {100 * r['exact_first']:.1f}%")
        else:
            first = (f"exact match {100 * r['exact_first']:.1f}%  "
                     f"token error rate {100 * r['error_rate_first']:.1f}%")
        print(f"first reference only: {first}  ({r['several_refs']} of {len(test)} "
              f"{'words' if phones else 'sources'} have several references: the line above "
              f"counts any of them{', PER the closest' if phones else ', the other scores the closest'})")
    head = f"  {'src len':>8} {'n':>6} {'exact':>8} {'token acc':>9} {'BLEU':>6}"
    print(head + (f" {'PER':>7}" if phones else ""))
    for b in r["buckets"]:
        row = (f"  {b['label']:>8} {b['count']:>6} {100 * b['exact']:>7.1f}% "
               f"{100 * b['token_acc']:>8.1f}% {b['bleu']:>6.3f}")
        print(row + (f" {100 * b['error_rate']:>6.1f}%" if phones else ""))
    return 0


def cmd_train(a):
    from .folder import WriterLock
    from .train import distributed
    rank, _ = distributed()
    out = a.out or a.model
    # One writer per folder, as `s2s train --out`: the lock on OUT.lock is taken before
    # anything is checked and held for the whole run (by rank 0, the process that saves).
    if rank != 0:
        return _train(a, out)
    with WriterLock(out):
        return _train(a, out)


def _train(a, out):
    from .folder import check_output_folder, load
    from .train import distributed, train
    rank, world = distributed()
    device = _device(a)
    if device.startswith("cuda") and world > 1 and device == "cuda":
        device = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
    check_output_folder(out)  # before any work, as s2s train checks --out
    if a.lr_anneal >= 0 and not 0 < a.min_lr <= a.lr:
        raise DataError(f"--lr-anneal needs 0 < --min-lr <= --lr, got --min-lr {a.min_lr}")
    splits, _ = load_data(a)
    model = load(a.model, device)
    if rank == 0:
        print(f"model: {model.config.describe()} "
              f"({sum(p.numel() for p in model.parameters())} parameters); "
              f"{len(splits['train'])} training pairs; {world} process(es) on {device}",
              flush=True)
    cmd = "python3 -m attention_lab " + " ".join(shlex.quote(x) for x in sys.argv[1:])
    if a.lr * a.weight_decay >= 1:
        raise DataError(f"--weight-decay {a.weight_decay} with --lr {a.lr}: lr x weight decay "
                        f"must be less than 1")
    train(model, splits["train"], out, a.max_steps, a.batch, a.lr, a.clip, a.lr_anneal,
          a.min_lr, a.seed, device, a.log_every, extra_meta={"command": cmd},
          label_smoothing=a.label_smoothing, weight_decay=a.weight_decay,
          average_last=a.average_last, average_every=a.validate_every)
    if rank == 0:
        print(f"saved to {out}/", flush=True)
    return 0


def main(argv=None):
    try:
        a = parser().parse_args(argv)
    except UsageError as e:
        print(f"error: {e}\nrun with --help for the usage", file=sys.stderr)
        return 2
    try:
        return {"translate": cmd_translate, "eval": cmd_eval, "train": cmd_train}[a.cmd](a)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (FolderError, DataError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except MemoryError:
        print("error: out of memory", file=sys.stderr)
        return 1
    except (RuntimeError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
