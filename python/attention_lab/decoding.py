"""seq2seq/decoding/ (greedy, beam search) and seq2seq/train/evaluate.cpp, with the same
rules: the maximum length, tie-breaking (the lower index wins), length normalisation.
Each takes one model or a list of models decoding as one (an ensemble,
seq2seq/decoding/ensemble.hpp): the step's log-probabilities are the models' mean."""
import math
from collections import Counter

import torch

from .data import make_batch
from .model import SOS, EOS


def _models(model):
    """One model, or a list of models with the same vocabularies (an ensemble)."""
    return list(model) if isinstance(model, (list, tuple)) else [model]


def _log_probs(models, y, states):
    """(B,V) log p̄ = (1/M) Σ_m log_softmax(logits_m) (seq2seq/decoding/ensemble.cpp):
    each model steps its own state on the same previous tokens y."""
    total = None
    for m, s in zip(models, states):
        logits, _ = m.decoder.step(y, s)
        logp = torch.log_softmax(logits, 1)
        total = logp if total is None else total + logp
    return total if len(models) == 1 else total / len(models)


@torch.no_grad()
def greedy_decode(model, src, lengths, max_len):
    """seq2seq/decoding/greedy.cpp: one token list per row; the argmax of the first maximum."""
    models = _models(model)
    states = [m.start(src, lengths) for m in models]
    B = src.shape[0]
    y = torch.full((B,), SOS, dtype=torch.long, device=src.device)
    hyps, finished = [[] for _ in range(B)], [False] * B
    alive = B
    for _ in range(max_len):
        if alive == 0:
            break
        best = torch.argmax(_log_probs(models, y, states), 1)
        y = best
        for i, tok in enumerate(best.tolist()):
            if finished[i]:
                continue
            if tok == EOS:
                finished[i] = True
                alive -= 1
            else:
                hyps[i].append(tok)
    return hyps


def _normalised(log_prob, length, alpha):
    return log_prob if alpha == 0 else log_prob / math.pow(max(length, 1), alpha)


@torch.no_grad()
def beam_search(model, src, lengths, beam_size, max_len, alpha=0.6):
    """seq2seq/decoding/beam_search.cpp: each row separately; the k best of all n·V
    extensions by total log-probability (ties: lower hypothesis·V + token first); stop when
    k hypotheses finished; rank finished ones by log_prob / length^alpha (length counts
    <eos>); unfinished ones compete only when none finished."""
    out = []
    models = _models(model)
    s_all = [m.start(src, lengths) for m in models]  # one encoder pass; rows searched alone
    for row in range(src.shape[0]):
        s = [x.take(torch.tensor([row], device=src.device)) for x in s_all]
        live = [([], 0.0)]
        done = []
        for _ in range(max_len):
            if not live:
                break
            y = torch.tensor([b[0][-1] if b[0] else SOS for b in live], device=src.device)
            logp = _log_probs(models, y, s).double().cpu()  # (n,V)
            V = logp.shape[1]
            total = (torch.tensor([b[1] for b in live], dtype=torch.float64).unsqueeze(1)
                     + logp).reshape(-1)
            keep = min(beam_size, total.numel())
            order = torch.sort(total, descending=True, stable=True).indices[:keep].tolist()
            nxt, parents = [], []
            for c in order:
                parent, token = divmod(c, V)
                tokens = live[parent][0]
                if token == EOS:
                    done.append((tokens, float(total[c])))
                else:
                    nxt.append((tokens + [token], float(total[c])))
                    parents.append(parent)
            if len(done) >= beam_size:
                break
            live = nxt
            if live:
                s = [x.take(torch.tensor(parents, device=src.device)) for x in s]
        finished = bool(done)
        pool = done if finished else live
        best = max(pool, key=lambda b: _normalised(b[1], len(b[0]) + finished, alpha))
        out.append(best[0])
    return out


def edit_distance(a, b):
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        diag, d[0] = d[0], i
        for j in range(1, len(b) + 1):
            up = d[j]
            d[j] = min(up + 1, d[j - 1] + 1, diag + (a[i - 1] != b[j - 1]))
            diag = up
    return d[len(b)]


def corpus_bleu(hyps, refs, max_n=4):
    """seq2seq/metrics/bleu.cpp."""
    matches, totals = [0] * max_n, [0] * max_n
    hyp_len = sum(map(len, hyps))
    ref_len = sum(map(len, refs))
    for h, r in zip(hyps, refs):
        for n in range(1, max_n + 1):
            hc = Counter(tuple(h[i:i + n]) for i in range(len(h) - n + 1))
            rc = Counter(tuple(r[i:i + n]) for i in range(len(r) - n + 1))
            for g, c in hc.items():
                matches[n - 1] += min(c, rc.get(g, 0))
                totals[n - 1] += c
    precisions = [m / t if t else 0.0 for m, t in zip(matches, totals)]
    if any(p == 0 for p in precisions):
        return 0.0
    bp = 0.0 if hyp_len == 0 else 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return bp * math.exp(sum(math.log(p) for p in precisions) / max_n)


@torch.no_grad()
def evaluate(model, pairs, src_vocab, tgt_vocab, beam_size=1, batch_size=64, alpha=0.6,
             bucket_edges=(5, 10, 15, 20, 30, 40)):
    """seq2seq/train/evaluate.cpp: batches of 64 in order, max_len = 2 T + 5 of the batch.
    With an ensemble the loss is the mean of the models' losses. A pair may carry other
    right targets as a third element (src, tgt, others): the output is scored against the
    closest reference (exact: any of them), the loss counts every one, and "exact_first" /
    "error_rate_first" score against tgt alone."""
    models = _models(model)
    for m in models:
        m.eval()
    device = next(models[0].parameters()).device
    hyps, refs, firsts = [], [], []
    nll, tokens, several = 0.0, 0, 0
    for start in range(0, len(pairs), batch_size):
        chunk = pairs[start:start + batch_size]
        src, lengths, tgt_in, tgt_out = make_batch(chunk, src_vocab, tgt_vocab, device)
        extra = [(p[0], t) for p in chunk for t in (p[2] if len(p) > 2 else [])]
        if extra:  # the loss counts every reference: one pair per target
            all_src, all_len, all_in, all_out = make_batch(list(chunk) + extra, src_vocab,
                                                           tgt_vocab, device)
        else:
            all_src, all_len, all_in, all_out = src, lengths, tgt_in, tgt_out
        n = int((all_out != 0).sum())
        loss = 0.0
        for m in models:
            logits = m(all_src, all_len, all_in)
            loss += float(torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), all_out.reshape(-1), ignore_index=0))
        nll += loss / len(models) * n
        tokens += n
        max_len = 2 * tgt_in.shape[1] + 5
        if beam_size == 1:
            out = greedy_decode(models, src, lengths, max_len)
        else:
            out = beam_search(models, src, lengths, beam_size, max_len, alpha)
        hyps += out
        for h, p in zip(out, chunk):
            first = tgt_vocab.encode(p[1])
            firsts.append(first)
            best, best_d = first, None
            if len(p) > 2 and p[2]:
                several += 1
                best_d = edit_distance(h, first)
                for t in p[2]:
                    ids = tgt_vocab.encode(t)
                    d = edit_distance(h, ids)
                    if d < best_d:
                        best, best_d = ids, d
            refs.append(best)
    r = {"outputs": hyps}
    r["loss"] = nll / tokens if tokens else 0.0
    r["perplexity"] = math.exp(r["loss"])
    with_eos = lambda v: [x + [EOS] for x in v]  # noqa: E731

    def scores(h, ref):
        he, re_ = with_eos(h), with_eos(ref)
        correct = sum(1 for a, b in zip(he, re_) for t in range(len(b)) if t < len(a) and a[t] == b[t])
        total = sum(map(len, re_))
        ref_tokens = sum(map(len, ref))
        return {"exact": sum(a == b for a, b in zip(h, ref)) / len(ref) if ref else 0.0,
                "token_acc": correct / total if total else 0.0,
                "bleu": corpus_bleu(h, ref),
                "error_rate": sum(edit_distance(a, b) for a, b in zip(h, ref)) / ref_tokens
                if ref_tokens else 0.0}
    r.update(scores(hyps, refs))
    first = scores(hyps, firsts)
    r["exact_first"], r["error_rate_first"] = first["exact"], first["error_rate"]
    r["several_refs"] = several
    r["buckets"] = []
    lo = 1
    for k in range(len(bucket_edges) + 1):
        hi = bucket_edges[k] if k < len(bucket_edges) else 1 << 30
        idx = [i for i, p in enumerate(pairs) if lo <= len(p[0]) <= hi]
        if idx:
            b = scores([hyps[i] for i in idx], [refs[i] for i in idx])
            b["label"] = f"{lo}-{hi}" if k < len(bucket_edges) else f"{lo}+"
            b["count"] = len(idx)
            r["buckets"].append(b)
        lo = hi + 1
    return r
