#!/usr/bin/python3
"""PyTorch twin of `s2s train --task cmudict`: the same data, model and recipe.

Run with Debian's python, which has python3-torch:

  /usr/bin/python3 bench/g2p_torch.py --seconds 240
  /usr/bin/python3 bench/g2p_torch.py --from-command "$(sed -n 's/^command: //p' s2s.log)"

Flags have the names and defaults of `s2s train --task cmudict` (its recipe);
--from-command takes the whole `command: s2s train ...` line that s2s prints,
so both sides train with the same settings (flags of s2s that only concern
its own run, such as --out or --engine, are ignored, and so is --recipe, whose
settings the line prints as flags; settings this twin does not model are an
error). Output: a `command:` line, s2s's `data:` line and split sizes (the same
as `s2s train --task cmudict --dry-run` prints; --dry-run stops there), one line
per validation in the format of s2s,
  epoch N: train loss ..  valid loss ..  valid exact X%  |g| ..  lr ..  K steps  T s
and at the end the test WER and PER of the kept parameters, decoded GREEDILY
whatever --beam says (--beam only sets the time kept for the test, as in s2s):
compare with `s2s eval --beam 1` on the s2s model, not with s2s train's beam-4
test line.

What is mirrored, file by file (see the C++ for the equations):
  seq2seq/data/cmudict.cpp   Festival's and the plain CMUdict format (detected
                             from the first entry), lower-casing, letters and the
                             apostrophe, stress removal, every pronunciation
                             (repeats count once), FNV-1a-64 90/5/5 split by word:
                             a training pair per pronunciation, one valid/test
                             example per word with all its pronunciations
  seq2seq/data/vocab.cpp     <pad> <sos> <eos> <unk>, then tokens by count
                             (ties alphabetical), from the training pairs
  seq2seq/data/batch.cpp     shuffle, chunks of 20 batches sorted by source
                             length, batches, shuffled batch order
  seq2seq/model/encoder.cpp  embedding (N(0,1), pad row 0), --embed-dropout,
                             (bi)RNN over the real tokens only; a bidirectional
                             encoder's final states are bridged:
                             s_0 = tanh(W [h_fwd; h_bwd] + b)
  seq2seq/model/attention_decoder.cpp, decoder_stack.cpp
                             output placement (Luong): e_t = drop_e(emb(y)),
                             x_t = drop_d(e_t), s_t = cell(x_t, s_{t-1}),
                             c_t = attention(s_t, encoder outputs),
                             h~_t = tanh(W_c [c_t; s_t] + b),
                             logits = W_out drop_d(h~_t) + b (input, both,
                             input_feeding too: x_t = drop_d([e_t; c_t or h~_{t-1}]));
                             --decoder-layers N: cells 2..N (upper.0..) read
                             drop_d(the layer below's new state), all start at s_0
  attention/*.cpp            general qᵀ W k, dot, scaled_dot, additive
                             vᵀ tanh(W_q q + W_k k); softmax masked to real tokens
  seq2seq/train/trainer.cpp  mean cross-entropy over real target tokens (label
                             smoothing in training), global gradient-norm
                             clipping, decoupled weight decay then Adam (AdamW),
                             lr decay on plateau or held then annealed over the
                             budget (--lr-anneal), the best validation by valid
                             loss or exact match (--select-by; a tie keeps the
                             earlier) with patience by the same rule, its
                             parameters kept or the mean of the K validations
                             ending at it (--average-last K, validated once
                             more), the validation subset (every k-th valid
                             word), the time budget (see train())
  seq2seq/train/evaluate.cpp valid loss (teacher forced, every reference of every
                             word), greedy exact match and PER against the
                             closest reference (right if any matches), batches
                             of 64 in order, at most 2T+5 decoding steps
Dropout is inverted dropout in training mode only (validation, test and
--check-model run in eval mode). Initial values and dropout masks are drawn from
the same distributions as in C++ (not the same numbers), and the batch order uses
numpy's generator, not the C++ Rng.
"""
import time

T_START = time.perf_counter()  # the budget covers the whole run, imports included (as in s2s)

import argparse
import copy
import math
import os
import re
import shlex
import sys

# OpenMP threads that wait by sleeping, not spinning: set before torch starts its
# pool. On this shared 2-core machine spinning threads made PyTorch's steps 4-6x
# slower (1.3-1.8 s instead of 0.26-0.3 s at load 6); s2s's own pool polls only
# briefly before it sleeps.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

try:
    import numpy as np
    import torch
    from torch import nn
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
except ImportError:
    print("skipped: python3-torch not installed")
    sys.exit(0)

# The one safetensors reader of the Python side: python/attention_lab/safetensors.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from attention_lab import safetensors as _safetensors  # noqa: E402
from attention_lab.decoding import edit_distance  # noqa: E402

PAD, SOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ["<pad>", "<sos>", "<eos>", "<unk>"]
CMUDICT = "/usr/share/festival/dicts/cmu/cmudict-0.4.out"
VOWELS = {"aa", "ae", "ah", "ao", "aw", "ax", "axr", "ay", "eh", "er", "ey", "ih",
          "ix", "iy", "ow", "oy", "uh", "uw"}


# ----------------------------------------------------------------------------- data

def parse_line(line, stress):
    """One Festival entry, ("word" pos (((ph ph) 1) ((ph) 0))), -> (word, phones),
    or None when the line is not an entry. Raises ValueError on a malformed entry,
    like parse_cmudict_line."""
    if len(line) < 2 or line[0] != "(" or line[1] != '"':
        return None
    end = line.find('"', 2)
    if end < 0:
        raise ValueError("no closing quote after the word")
    word = line[2:end]
    syl = line.find("((", end)  # the syllable list starts at "((("
    if syl < 0:
        raise ValueError(f'no syllable list after the word "{word}"')
    phones = []
    i = syl + 1
    while i < len(line):
        while i < len(line) and line[i] == " ":
            i += 1
        if i >= len(line) or line[i] != "(":
            break  # end of the syllable list
        if i + 1 >= len(line) or line[i + 1] != "(":
            raise ValueError(f'bad syllable in "{word}"')
        close = line.find(")", i + 2)
        if close < 0:
            raise ValueError(f'unclosed syllable in "{word}"')
        syllable = line[i + 2 : close].split()
        if not syllable:
            raise ValueError(f'empty syllable in "{word}"')
        d = close + 1
        while d < len(line) and line[d] == " ":
            d += 1
        if d >= len(line) or line[d] not in "012":
            raise ValueError(f'a syllable of "{word}" has no stress digit')
        for ph in syllable:
            phones.append(ph + line[d] if stress and ph in VOWELS else ph)
        after = line.find(")", d)
        if after < 0:
            raise ValueError(f'unclosed syllable in "{word}"')
        i = after + 1
    if not phones:
        raise ValueError(f'the word "{word}" has no phones')
    return word, phones


SPACE = " \t\r\f\v"


def not_an_entry(line):
    """A blank line, a comment of the plain format ("#", ";;;") or Festival's header."""
    rest = line.lstrip(SPACE)
    return rest == "" or rest[0] == "#" or rest.startswith(";;;") or rest == "MNCL"


def parse_plain_line(line, stress):
    """One plain CMUdict entry, `WORD(1)  R EH1 D  # comment`, -> (word, phones), or
    None when the line is not an entry; ValueError on a malformed one, like
    parse_plain_dict_line."""
    if not_an_entry(line):
        return None
    fields = []
    for f in re.split(r"[ \t\r\f\v]+", line.strip(SPACE)):
        if f.startswith("#"):  # a comment: "#" at the start of a field
            break
        fields.append(f)
    word = fields[0]
    m = re.fullmatch(r"(.+)\(([0-9]+)\)", word)  # a variant: WORD(1)
    if m and len(word) > 3:
        word = m.group(1)
    if len(fields) < 2:
        raise ValueError(f'the word "{word}" has no phones')
    phones = []
    for f in fields[1:]:
        ph, digit = (f[:-1], f[-1]) if f[-1] in "012" else (f, "")
        ph = "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in ph)
        if not ph or len(ph) > 4 or any(not "a" <= c <= "z" for c in ph):
            raise ValueError(f'"{f}" is not a phone (letters, then an optional stress digit '
                             f'0, 1 or 2), in "{word}"')
        phones.append(ph + digit if stress else ph)
    return word, phones


def split_of(word):
    """0 train, 1 valid, 2 test: FNV-1a 64 of the lower-cased word, mod 100."""
    h = 14695981039346656037
    for c in word.encode("latin-1"):
        h = ((h ^ c) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    r = h % 100
    return 0 if r < 90 else 1 if r < 95 else 2


def load_cmudict(path, stress=False, max_len=0):
    """[train, valid, test] and the `data:` line of s2s. Train: one (letters, phones)
    pair per pronunciation; valid and test: one (letters, [phones, ...]) per word,
    every pronunciation a reference. Words in the order of their first entry."""
    with open(path, "rb") as f:  # bytes, as s2s reads them
        lines = f.read().decode("latin-1").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the text after the last newline: s2s sees no such line
    first = next((line[:4096] for line in lines if not not_an_entry(line[:4096])), "(")
    festival = first.lstrip(SPACE)[0] == "("
    parse = parse_line if festival else parse_plain_line
    words = {}  # word -> its distinct pronunciations, in file order (dicts keep order)
    skipped_chars, skipped_words, duplicates, too_long = 0, set(), 0, 0
    for n, line in enumerate(lines, 1):
        try:
            entry = parse(line[:-1] if line.endswith("\r") else line, stress)
        except ValueError as e:
            example = '("word" nil (((f ao) 1)))' if festival else "WORD  W ER1 D"
            raise SystemExit(f"{path}:{n}: {e} (expected an entry like {example})")
        if entry is None:
            continue
        word, phones = entry
        # Lower-case A-Z only (the C++ does no locale-dependent folding); a word's
        # characters are letters and the apostrophe.
        word = "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in word)
        if not word or any(not ("a" <= c <= "z" or c == "'") for c in word):
            skipped_chars += 1
            skipped_words.add(word)
            continue
        if max_len > 0 and len(word) > max_len:
            too_long += 1
            continue
        prons = words.setdefault(word, [])
        if phones in prons:  # the same phones twice (e.g. differing only in stress)
            duplicates += 1
            continue
        prons.append(phones)
    splits = [[], [], []]
    for word, prons in words.items():
        part = split_of(word)
        if part == 0:
            splits[0] += [(list(word), p) for p in prons]
        else:
            splits[part].append((list(word), prons))
    n_prons = sum(len(p) for p in words.values())
    several = sum(len(p) > 1 for p in words.values())
    kind = "Festival's" if festival else "the plain CMUdict"
    summary = (f"{kind} format: "
               f"{len(words)} words, {n_prons} pronunciations ({several} words with several); "
               f"skipped: {skipped_chars} entries of {len(skipped_words)} words with a character "
               f"that is not a letter or an apostrophe, {duplicates} repeated pronunciations, "
               f"{too_long} longer than --max-len")
    if not all(splits):
        raise SystemExit(f"'{path}' gave {len(splits[0])} training pairs, {len(splits[1])} valid "
                         f"and {len(splits[2])} test words: is it a pronouncing dictionary?")
    return splits, summary


class Vocab:
    """Specials first, then tokens by descending count, ties in byte order."""

    def __init__(self, sequences):
        counts = {}
        for seq in sequences:
            for t in seq:
                counts[t] = counts.get(t, 0) + 1
        ordered = sorted(counts.items())  # alphabetical (std::map)
        ordered.sort(key=lambda kv: -kv[1])  # stable: by count, ties stay alphabetical
        self.words = SPECIALS + [w for w, _ in ordered]
        self.ids = {w: i for i, w in enumerate(self.words)}

    def encode(self, tokens):
        return [self.ids.get(t, UNK) for t in tokens]

    def __len__(self):
        return len(self.words)


class Batch:
    """Padded id matrices of a list of encoded (src, tgt) pairs, as make_batch."""

    def __init__(self, pairs):
        self.B = len(pairs)
        self.src_len = torch.tensor([len(s) for s, _ in pairs])
        S = int(self.src_len.max())
        T = max(len(t) for _, t in pairs) + 1  # + <eos>
        self.src = torch.full((self.B, S), PAD, dtype=torch.long)
        self.tgt_in = torch.full((self.B, T), PAD, dtype=torch.long)
        self.tgt_out = torch.full((self.B, T), PAD, dtype=torch.long)
        for r, (s, t) in enumerate(pairs):
            y = t + [EOS]
            self.src[r, : len(s)] = torch.tensor(s)
            self.tgt_out[r, : len(y)] = torch.tensor(y)
            self.tgt_in[r, 0] = SOS
            self.tgt_in[r, 1 : len(y)] = torch.tensor(y[:-1])
        self.src_mask = self.src != PAD
        self.refs = [t for _, t in pairs]  # reference ids without <eos>


def epoch_plan(lengths, batch, rng, chunk_batches=20):
    """Example indices of each batch: shuffle, sort chunks of 20 batches by source
    length (stable), cut into batches, shuffle the batches (Batcher::epoch_plan)."""
    order = rng.permutation(len(lengths))
    chunk = chunk_batches * batch
    for lo in range(0, len(order), chunk):
        part = order[lo : lo + chunk]
        order[lo : lo + chunk] = part[np.argsort(lengths[part], kind="stable")]
    plan = [order[lo : lo + batch] for lo in range(0, len(order), batch)]
    return [plan[i] for i in rng.permutation(len(plan))]


# ----------------------------------------------------------------------------- model

def make_cell(kind, in_size, hidden):
    """GRUCell or LSTMCell, PyTorch layouts as in nn/; LSTM forget bias +1 at init."""
    if kind == "gru":
        return nn.GRUCell(in_size, hidden)
    cell = nn.LSTMCell(in_size, hidden)
    with torch.no_grad():
        cell.bias_ih[hidden : 2 * hidden] += 1  # the f slice of i, f, g, o
    return cell


def uniform_fan_in(shape, fan_in):
    """init::uniform_fan_in: U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1 / math.sqrt(fan_in)
    return nn.Parameter(torch.empty(shape).uniform_(-bound, bound))


class Score(nn.Module):
    """attention/{dot,general,additive}.cpp: query (B,Hq), keys (B,S,Hk) -> (B,S)."""

    def __init__(self, name, Hq, Hk, A):
        super().__init__()
        self.name = name
        if name in ("dot", "scaled_dot") and Hq != Hk:
            raise SystemExit(f"{name} score: query size {Hq} must equal key size {Hk} "
                             "(a bidirectional encoder has Hk = 2H: use general or additive)")
        if name == "general":
            self.W = uniform_fan_in((Hq, Hk), Hk)
        elif name == "additive":
            self.W_q = uniform_fan_in((A, Hq), Hq)
            self.W_k = uniform_fan_in((A, Hk), Hk)
            self.v = uniform_fan_in((A,), A)
        elif name not in ("dot", "scaled_dot"):
            raise SystemExit(f"--attention {name}: this twin has dot, scaled_dot, general, additive")
        self.Hk = Hk

    def project_keys(self, keys):
        """The per-sequence part (additive: W_k k_i), computed once per batch."""
        return keys @ self.W_k.t() if self.name == "additive" else None

    def forward(self, q, keys, projected):
        if self.name == "general":  # u = qᵀ W, then u · k_i
            return torch.bmm(keys, (q @ self.W).unsqueeze(2)).squeeze(2)
        if self.name == "additive":  # vᵀ tanh(W_k k_i + W_q q)
            return torch.tanh(projected + (q @ self.W_q.t()).unsqueeze(1)) @ self.v
        s = torch.bmm(keys, q.unsqueeze(2)).squeeze(2)  # q · k_i
        return s / math.sqrt(self.Hk) if self.name == "scaled_dot" else s


def attend(score, q, keys, projected, mask):
    """Context (B,Hk) and weights (B,S): softmax over the real tokens only."""
    e = score(q, keys, projected).masked_fill(~mask, float("-inf"))
    a = torch.softmax(e, 1)
    return torch.bmm(a.unsqueeze(1), keys).squeeze(1), a


class G2P(nn.Module):
    """Encoder + attention decoder, as Seq2Seq builds them (names as in C++)."""

    def __init__(self, a, src_vocab, tgt_vocab):
        super().__init__()
        E, H, L = a.embed, a.hidden, a.layers
        self.cell_kind, self.H, self.placement = a.cell, H, a.placement
        self.label_smoothing = a.label_smoothing  # nn/label_smoothing.cpp: e over all V
        self.bidirectional = a.bidirectional
        He = H * (2 if a.bidirectional else 1)
        # Inverted dropout, in training mode only (nn/dropout.hpp): --embed-dropout on
        # both embeddings, --decoder-dropout on the decoder's input, between its layers
        # and on h~_t before the output layer (docs/training-flags.md).
        self.embed_drop = nn.Dropout(a.embed_dropout)
        self.decoder_drop = nn.Dropout(a.decoder_dropout)
        # Encoder. nn.GRU/nn.LSTM over packed sequences = SequenceRNN's masking:
        # padded steps leave the state alone, the backward direction starts at
        # each row's last real token, outputs are 0 at padding.
        self.src_emb = nn.Embedding(src_vocab, E, padding_idx=PAD)  # N(0,1), pad row 0
        rnn = nn.GRU if a.cell == "gru" else nn.LSTM
        self.rnn = rnn(E, H, num_layers=L, bidirectional=a.bidirectional, batch_first=True,
                       dropout=a.dropout if L > 1 else 0)
        if a.cell == "lstm":  # forget bias +1 on every layer and direction
            with torch.no_grad():
                for name, p in self.rnn.named_parameters():
                    if name.startswith("bias_ih"):
                        p[H : 2 * H] += 1
        if a.bidirectional:
            self.bridge_h = nn.Linear(2 * H, H)
            self.bridge_c = nn.Linear(2 * H, H) if a.cell == "lstm" else None
        # Decoder.
        self.tgt_emb = nn.Embedding(tgt_vocab, E, padding_idx=PAD)
        at_input = a.placement in ("input", "both")
        in_size = E + (He if at_input else 0) + (H if a.placement == "input_feeding" else 0)
        self.cell = make_cell(a.cell, in_size, H)
        # Decoder layers 2..N (decoder_stack.cpp), H -> H, named upper.0 .. upper.{N-2}.
        self.upper = nn.ModuleList(make_cell(a.cell, H, H) for _ in range(a.decoder_layers - 1))
        A = a.attention_size or H
        self.attn_in = Score(a.attention, H, He, A) if at_input else None
        self.attn_out = Score(a.attention, H, He, A) if a.placement != "input" else None
        self.combine = nn.Linear(He + H, H)  # W_c [c_t; s_t]
        self.out = nn.Linear(H, tgt_vocab)
        # nn.Linear's default init is U(±1/sqrt(in)) for weight and bias, nn.GRU's
        # U(±1/sqrt(H)), nn.Embedding's N(0,1): the distributions of nn/init.cpp.

    def encode(self, b):
        """Encoder outputs (B,S,He) and the decoder's initial state."""
        x = self.embed_drop(self.src_emb(b.src))
        packed = pack_padded_sequence(x, b.src_len, batch_first=True, enforce_sorted=False)
        out, state = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=b.src.shape[1])
        h, c = (state, None) if self.cell_kind == "gru" else state
        if not self.bidirectional:
            return out, (h[-1], None if c is None else c[-1])
        s_h = torch.tanh(self.bridge_h(torch.cat([h[-2], h[-1]], 1)))  # top layer fwd, bwd
        s_c = None if c is None else torch.tanh(self.bridge_c(torch.cat([c[-2], c[-1]], 1)))
        return out, (s_h, s_c)

    def start(self, b):
        keys, (h, c) = self.encode(b)
        if self.cell_kind == "lstm" and c is None:
            c = torch.zeros_like(h)
        # Every decoder layer starts from the encoder's (bridged) final state.
        state = {"h": h, "c": c, "feed": None, "keys": keys, "mask": b.src_mask,
                 "lower": [(h, c)] * len(self.upper)}  # layers 1..N-1; h, c: the top's
        state["proj_in"] = self.attn_in.project_keys(keys) if self.attn_in else None
        state["proj_out"] = self.attn_out.project_keys(keys) if self.attn_out else None
        return state

    def run_cell(self, cell, x, state):
        """(h, c) of one cell after one step (c None for a GRU)."""
        if self.cell_kind == "gru":
            return cell(x, state[0]), None
        return cell(x, state)

    def step(self, emb_y, st):
        """One decoder step from the previous token's (dropped) embedding -> h~_t (B,H)."""
        inputs = [emb_y]
        if self.attn_in is not None:  # Bahdanau: s_{t-1} asks
            ctx, _ = attend(self.attn_in, st["h"], st["keys"], st["proj_in"], st["mask"])
            inputs.append(ctx)
        if self.placement == "input_feeding":
            inputs.append(st["feed"] if st["feed"] is not None else torch.zeros_like(st["h"]))
        x = self.decoder_drop(inputs[0] if len(inputs) == 1 else torch.cat(inputs, 1))  # x_t
        # The stack: s^1_t = cell_1(x_t), s^l_t = cell_l(drop(s^{l-1}_t)); s_t = s^N_t.
        cells = [self.cell, *self.upper]
        for l, cell in enumerate(cells):
            if l + 1 < len(cells):
                st["lower"][l] = self.run_cell(cell, x, st["lower"][l])
                x = self.decoder_drop(st["lower"][l][0])
            else:
                st["h"], st["c"] = self.run_cell(cell, x, (st["h"], st["c"]))
        if self.attn_out is not None:  # Luong: s_t asks
            ctx, _ = attend(self.attn_out, st["h"], st["keys"], st["proj_out"], st["mask"])
        h_tilde = torch.tanh(self.combine(torch.cat([ctx, st["h"]], 1)))
        st["feed"] = h_tilde
        return h_tilde

    def loss(self, b, st=None):
        """Teacher-forced mean cross-entropy over the real target tokens."""
        st = st or self.start(b)
        y = self.embed_drop(self.tgt_emb(b.tgt_in))  # (B,T,E), all steps at once
        outs = [self.step(y[:, t], st) for t in range(b.tgt_in.shape[1])]
        # One output projection for all steps (the same numbers as T products).
        logits = self.out(self.decoder_drop(torch.stack(outs, 1)))  # (B,T,V)
        # Training smooths the targets; validation and test keep the plain loss (as s2s).
        e = self.label_smoothing if self.training else 0.0
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]),
                                           b.tgt_out.reshape(-1), ignore_index=PAD,
                                           label_smoothing=e)

    @torch.no_grad()
    def greedy(self, b, st=None):
        """Greedy decoding, at most 2T+5 steps (T = the batch's target length)."""
        st = st or self.start(b)
        y = torch.full((b.B,), SOS, dtype=torch.long)
        hyps = [[] for _ in range(b.B)]
        done = [False] * b.B
        for _ in range(2 * b.tgt_in.shape[1] + 5):
            y = self.out(self.step(self.tgt_emb(y), st)).argmax(1)  # eval mode: no dropout
            for i, tok in enumerate(y.tolist()):
                if done[i]:
                    continue
                if tok == EOS:
                    done[i] = True
                else:
                    hyps[i].append(tok)
            if all(done):
                break
        return hyps


# ----------------------------------------------------------------------------- evaluation

def evaluate(model, examples, max_seconds=0.0):
    """s2s's evaluate (seq2seq/train/evaluate.cpp) on encoded (src, [ref, ...]) words,
    in batches of 64 in order, stopping after the batch that passes max_seconds:
    the teacher-forced loss per token over every reference of every word; greedy
    decoding; exact match and PER against each word's closest reference (fewest
    edits, the first of equals), so an output is right if it matches any; and the
    same two against the first reference only."""
    model.eval()
    t0 = time.perf_counter()
    nll, tokens, done, several = 0.0, 0, 0, 0
    hits = errors = ref_phones = 0  # against the closest reference
    hits_first = errors_first = first_phones = 0
    with torch.no_grad():
        for lo in range(0, len(examples), 64):
            if lo > 0 and max_seconds > 0 and time.perf_counter() - t0 > max_seconds:
                break
            chunk = examples[lo : lo + 64]
            b = Batch([(s, refs[0]) for s, refs in chunk])
            # The loss: the first references, then the others as extra pairs.
            extra = [(s, r) for s, refs in chunk for r in refs[1:]]
            scored = Batch([(s, refs[0]) for s, refs in chunk] + extra) if extra else b
            n = int((scored.tgt_out != PAD).sum())
            nll += model.loss(scored).item() * n
            tokens += n
            for hyp, (_, refs) in zip(model.greedy(b), chunk):
                dist = [edit_distance(hyp, r) for r in refs]
                k = dist.index(min(dist))
                hits += hyp == refs[k]
                errors += dist[k]
                ref_phones += len(refs[k])
                hits_first += hyp == refs[0]
                errors_first += dist[0]
                first_phones += len(refs[0])
                several += len(refs) > 1
            done += b.B
    return {"loss": nll / max(tokens, 1), "exact": hits / max(done, 1),
            "per": errors / max(ref_phones, 1), "exact_first": hits_first / max(done, 1),
            "per_first": errors_first / max(first_phones, 1), "several": several,
            "evaluated": done}


# ----------------------------------------------------------------------------- training

def elapsed_total():
    return time.perf_counter() - T_START


def hold_then_anneal(base, min_lr, hold, used):
    """nn/lr_schedule HoldThenAnneal: base until `hold` of the budget is used, then
    geometrically down to min_lr at its end."""
    p = min(max(used, 0.0), 1.0)
    if p <= hold:
        return base
    return base * (min_lr / base) ** ((p - hold) / (1 - hold))


def train(model, train_pairs, valid, a, tail_examples):
    """Mirrors s2s::train (seq2seq/train/trainer.cpp) with its time budget: after
    each step, stop the epoch if the time so far plus one more step plus the
    validation and the test evaluation (at the measured speed per example, +20%;
    before the first validation, guessed as one step / batch size) would pass the
    budget. The learning rate decays on plateau, or with --lr-anneal >= 0 holds and
    then anneals over the budget. The best validation is the lowest valid loss
    or, with --select-by exact, the highest valid exact match (a tie keeps the
    earlier); patience counts by the same rule. With --average-last K the model
    kept is the mean of the parameters at the K validations ending at the best
    one, validated once more."""
    budget = a.seconds - elapsed_total() if a.seconds > 0 else 0  # what is left of the run's
    rng = np.random.default_rng(a.seed)
    # nn/weight_decay.cpp then nn/adam.cpp: each parameter is first shrunk by
    # lr * weight_decay of itself, then Adam's update: PyTorch's AdamW (= Adam at 0).
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=a.weight_decay)
    max_loss = 100 + 10 * math.log(max(model.out.out_features, 2))
    lengths = np.array([len(s) for s, _ in train_pairs])
    t0 = time.perf_counter()
    elapsed = lambda: time.perf_counter() - t0
    best_state, best_loss, best_epoch, since_best = copy.deepcopy(model.state_dict()), math.inf, 0, 0
    best_exact = -1.0  # --select-by exact: the best validation's exact match
    K = a.average_last
    recent, best_window = [], []  # the parameters at the last K validations; at the best
    plateau_best, plateau_since = math.inf, 0  # PlateauDecay
    steps, valid_sec_per_example, stop, first_step_end = 0, 0.0, "epochs", 0.0
    anneal = a.lr_anneal >= 0  # HoldThenAnneal instead of the plateau decay
    if anneal and not (0 < a.min_lr <= a.lr and a.lr_anneal < 1):
        raise SystemExit("--lr-anneal needs 0 < --min-lr <= --lr and a hold share below 1")
    loss_sum = norm_sum = 0.0  # since the last validation
    n = 0
    reserve = 0.0

    def validate(epoch):
        """One validation: log line, best model, plateau decay; True when patience ran out."""
        nonlocal loss_sum, norm_sum, n, valid_sec_per_example, best_loss, best_epoch, since_best
        nonlocal best_state, plateau_best, plateau_since, stop, best_exact, best_window
        model.eval()
        v0 = elapsed()
        v = evaluate(model, valid, max(budget - elapsed(), 1e-9) if budget > 0 else 0)
        valid_sec_per_example = (elapsed() - v0) / max(v["evaluated"], 1)
        partial = v["evaluated"] < len(valid)
        lr_used = opt.param_groups[0]["lr"]
        print(f"  epoch {epoch:>2}: train loss {loss_sum / max(n, 1):.4f}  valid loss {v['loss']:.4f}  "
              f"valid exact {100 * v['exact']:5.1f}%  |g| {norm_sum / max(n, 1):.2f}  lr {lr_used:.3g}  "
              f"{steps} steps  {elapsed():.1f}s", flush=True)
        loss_sum = norm_sum = 0.0
        n = 0
        if K > 1:
            recent.append(copy.deepcopy(model.state_dict()))
            del recent[:-K]
        model.train()
        better = v["exact"] > best_exact if a.select_by == "exact" else v["loss"] < best_loss
        if better and (not partial or best_epoch == 0):
            best_loss, best_exact, best_epoch, since_best = v["loss"], v["exact"], epoch, 0
            best_state = copy.deepcopy(model.state_dict())
            best_window = list(recent)
        else:
            since_best += 1
            if since_best >= a.patience:
                stop = "early stopping"
                return True
        if not partial and not anneal:  # plateau decay: lr <- max(lr * decay, min_lr) after lr_patience misses
            if v["loss"] < plateau_best:
                plateau_best, plateau_since = v["loss"], 0
            else:
                plateau_since += 1
                if plateau_since >= a.lr_patience:
                    plateau_since = 0
                    for g in opt.param_groups:
                        g["lr"] = max(g["lr"] * a.lr_decay, a.min_lr)
        return False

    for epoch in range(1, a.epochs + 1):
        # No new epoch once the budget is spent.
        if budget > 0 and steps > 0 and elapsed() + reserve > budget:
            stop = "time limit"
            break
        model.train()
        in_epoch = 0
        out_of_budget = patience_out = False
        plan = epoch_plan(lengths, a.batch, rng)
        for idx in plan:
            b = Batch([train_pairs[i] for i in idx])
            opt.zero_grad()
            loss = model.loss(b)
            value = loss.item()
            if not math.isfinite(value) or value > max_loss:
                raise SystemExit(f"training diverged: loss {value:.4g} at epoch {epoch}, step {steps + 1}")
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), a.clip if a.clip > 0 else math.inf)
            opt.step()
            loss_sum += value
            norm_sum += float(norm)
            n += 1
            in_epoch += 1
            steps += 1
            if epoch == 1 and steps % 100 == 0:  # to set beside s2s's progress bar
                print(f"  step {steps}: mean train loss {loss_sum / n:.4f}", flush=True)
            # The one change from s2s's rule: the first step (PyTorch's warm-up: 4-17 s
            # here, against 0.3 s for later steps) is left out of the step time, else
            # its guess of the validation's cost ends training after one step.
            if steps == 1:
                first_step_end = elapsed()
                step_sec = reserve = 0.0
            else:
                step_sec = (elapsed() - first_step_end) / (steps - 1)
                eval_sec = valid_sec_per_example or step_sec / a.batch
                # (+20%: a test set decodes at about, not exactly, the validation's speed)
                # (averaging validates once more at the end)
                validations = 2 if K > 1 else 1
                reserve = step_sec + 1.2 * eval_sec * (validations * len(valid) + tail_examples)
            if (budget > 0 and elapsed() + reserve > budget) or (a.max_steps and steps >= a.max_steps):
                out_of_budget = True
                break
            if anneal:  # lr for the next step from the share of the budget used so far
                used = (epoch - 1 + in_epoch / len(plan)) / a.epochs
                if a.max_steps > 0:
                    used = max(used, steps / a.max_steps)
                if budget > 0:
                    used = max(used, elapsed() / max(budget - (reserve - step_sec), 1e-9))
                for g in opt.param_groups:
                    g["lr"] = hold_then_anneal(a.lr, a.min_lr, a.lr_anneal, used)
            if a.validate_every > 0 and steps % a.validate_every == 0 and validate(epoch):
                patience_out = True
                break
        if patience_out:
            break
        if (a.validate_every == 0 or out_of_budget) and n > 0 and validate(epoch):
            break
        if out_of_budget:
            stop = "step limit" if a.max_steps and steps >= a.max_steps else "time limit"
            break
    if stop == "epochs" and n > 0:  # the updates since the last validation count too
        validate(a.epochs)
    model.load_state_dict(best_state)
    model.eval()
    if len(best_window) > 1:  # --average-last: θ = (1/K) Σ_k θ_k over the window
        inv = 1.0 / len(best_window)  # (as trainer.cpp's average: the sum times 1/K)
        model.load_state_dict({k: sum(w[k] for w in best_window) * inv for k in best_state})
        v = evaluate(model, valid, max(budget - elapsed(), 1e-9) if budget > 0 else 0)
        print(f"  average of the {len(best_window)} validations ending at the best (epoch "
              f"{best_epoch}): valid loss {v['loss']:.4f}  valid exact {100 * v['exact']:5.1f}%",
              flush=True)
    print(f"stopped: {stop} after {elapsed():.1f}s; best epoch {best_epoch}", flush=True)


# ----------------------------------------------------------------------------- check

def read_safetensors(path):
    """name -> float32 tensor, and the metadata (the package's reader, python/attention_lab)."""
    tensors, meta = _safetensors.read_safetensors(path)
    return {k: torch.from_numpy(v).float() for k, v in tensors.items()}, meta


def twin_name(name):
    """A parameter name of the C++ Seq2Seq -> the twin's name."""
    parts = name.split(".")
    if parts[:2] == ["encoder", "rnn"]:
        if parts[2] == "cell":  # one unidirectional layer
            return f"rnn.{parts[3]}_l0"
        layer, direction, what = parts[3], parts[4], parts[5]
        return f"rnn.{what}_l{layer}" + ("_reverse" if direction == "bwd" else "")
    fixed = {"encoder.embedding.weight": "src_emb.weight", "decoder.embedding.weight": "tgt_emb.weight"}
    if name in fixed:
        return fixed[name]
    name = name.replace("encoder.", "", 1).replace("decoder.", "", 1)
    return name.replace("attention_in.score.", "attn_in.").replace("attention.score.", "attn_out.")


def check_model(folder, a, valid_pairs, src_vocab, tgt_vocab):
    """Loads a model folder written by s2s train into the twin, checks that the
    vocabularies are the twin's and evaluates the same valid words: the valid loss
    must be the one s2s recorded for that epoch (the forward passes agree). Dropout
    is off, as in s2s's validation (evaluate() puts the model in eval mode); a
    folder of --average-last K holds the average and records its valid loss."""
    for name, vocab in (("src.vocab", src_vocab), ("tgt.vocab", tgt_vocab)):
        theirs = open(f"{folder}/{name}").read().split("\n")[:-1]
        if theirs != vocab.words:
            raise SystemExit(f"check: {folder}/{name} differs from the twin's vocabulary")
    tensors, meta = read_safetensors(f"{folder}/model.safetensors")
    model = G2P(a, len(src_vocab), len(tgt_vocab))
    state = {twin_name(k): v for k, v in tensors.items()}
    model.load_state_dict(state, strict=True)
    v = evaluate(model, valid_pairs)
    ours = float(meta.get("valid_loss", "nan"))
    rel = abs(v["loss"] - ours) / ours
    what = f"the average of {meta['averaged']} validations ending at " if "averaged" in meta else ""
    print(f"check: vocabularies equal; s2s's parameters ({what}epoch {meta.get('epoch', '?')}) in the twin: "
          f"valid loss {v['loss']:.6f} (s2s: {ours:.6f}, relative difference {rel:.1e}), "
          f"valid exact {100 * v['exact']:.1f}% on {v['evaluated']} words: {'ok' if rel < 1e-4 else 'FAIL'}")
    return 0 if rel < 1e-4 else 1


# ----------------------------------------------------------------------------- settings

def parser():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add = p.add_argument
    # The recipe of `s2s train --task cmudict` (kCmudictRecipe in seq2seq/cli/main.cpp;
    # flags it does not set have s2s train's defaults).
    add("--cell", choices=["gru", "lstm"], default="lstm")
    add("--embed", type=int, default=64)
    add("--hidden", type=int, default=256)
    add("--layers", type=int, default=1)
    add("--bidirectional", dest="bidirectional", action="store_true", default=True)
    add("--unidirectional", dest="bidirectional", action="store_false")
    add("--decoder-layers", type=int, default=1, help="stacked decoder cells")
    add("--dropout", type=float, default=0.0, help="between stacked encoder layers")
    add("--embed-dropout", type=float, default=0.0, help="on the source and target embeddings")
    add("--decoder-dropout", type=float, default=0.0,
        help="on the decoder's input, between its layers and on h~_t before the output layer")
    add("--attention", default="additive")
    add("--label-smoothing", type=float, default=0.1,
        help="train on (1 - e) for the right token and e spread over the whole target vocabulary")
    add("--weight-decay", type=float, default=0.0,
        help="decoupled (AdamW): each update first shrinks every parameter by lr * this")
    add("--average-last", type=int, default=1,
        help="keep the mean of the parameters at the K validations ending at the best")
    add("--select-by", choices=["loss", "exact"], default="loss",
        help="the best validation: the lowest valid loss or the highest valid exact match")
    add("--attention-size", type=int, default=0, help="A of the additive score (0: H)")
    add("--placement", choices=["output", "input", "both", "input_feeding"], default="output")
    add("--batch", type=int, default=64)
    add("--lr", type=float, default=0.003)
    add("--lr-decay", type=float, default=1.0)
    add("--lr-patience", type=int, default=1)
    add("--lr-anneal", type=float, default=0.2, help="hold --lr for this share of the budget, then\n"
        "anneal geometrically to --min-lr (-1: off, decay on plateau instead)")
    add("--min-lr", type=float, default=0.0001)
    add("--patience", type=int, default=4)
    add("--valid-examples", type=int, default=2000)
    add("--epochs", type=int, default=100)
    add("--seconds", type=float, default=1200)
    add("--beam", type=int, default=1,
        help="s2s's test beam: this twin decodes greedily whatever it is (compare with\n"
             "`s2s eval --beam 1`); it only sets the time kept for the test, as s2s's")
    add("--seed", type=int, default=1)
    add("--clip", type=float, default=1.0)
    add("--max-steps", type=int, default=0)
    add("--validate-every", type=int, default=0)
    add("--dict", default=CMUDICT)
    add("--stress", action="store_true")
    add("--max-len", type=int, default=0)
    add("--threads", type=int, default=2)
    add("--dry-run", action="store_true", help="print the settings, data and model, then stop")
    add("--from-command", metavar="LINE",
        help="an s2s `command:` line (with or without 'command: s2s train'): its settings")
    add("--check-model", metavar="DIR",
        help="a folder written by s2s train: load its parameters into the twin (settings from\n"
             "its command line) and compare the valid loss with the one s2s recorded")
    return p


# Flags of `s2s train` that do not change the model, the data or the recipe, and
# --recipe, whose every setting the command: line also prints as its own flag.
IGNORED = {"--out", "--overwrite", "--engine", "--anomaly", "--data-seed", "--recipe"}
# Settings this twin models only at one value (s2s prints every setting).
MUST_BE = {"--task": "cmudict", "--variant": "global", "--reverse-source": "false",
           "--n-train": "0", "--n-test": "0", "--min-len": "1"}
# Flags newer than some s2s command: lines, and what such a line meant without them
# (before --lr-anneal the rate decayed on plateau; before --label-smoothing, none).
BEFORE_FLAG = {"--lr-anneal": "-1", "--label-smoothing": "0"}


def settings_from_command(line):
    """s2s's command: line -> the argument list of this script (checked). Options
    come as `--flag value`, booleans as `--flag=true|false`."""
    words = shlex.split(line)
    while words and (words[0] in ("command:", "s2s", "train", "g2p_torch.py")
                     or words[0].endswith(("/s2s", "/g2p_torch.py"))):
        words.pop(0)
    known = {s for act in parser()._actions for s in act.option_strings}
    out, i, seen = [], 0, set()
    while i < len(words):
        flag, value = words[i], None
        i += 1
        if "=" in flag:
            flag, value = flag.split("=", 1)
        elif i < len(words) and not words[i].startswith("--"):
            value = words[i]
            i += 1
        seen.add(flag)
        if flag in IGNORED:
            continue
        if flag in MUST_BE:
            if value != MUST_BE[flag]:
                raise SystemExit(f"this twin models {flag} {MUST_BE[flag]} only; the command has {value}")
            continue
        if flag not in known:
            raise SystemExit(f"the command sets {flag}, which this twin does not model")
        if value in ("true", "false"):  # a boolean flag
            if flag == "--bidirectional":
                out.append("--bidirectional" if value == "true" else "--unidirectional")
            elif value == "true":
                out.append(flag)
            continue
        out += [flag] if value is None else [flag, value]
    # A line from an s2s older than a flag: the behaviour it had then, where this
    # twin's default (the recipe's) differs from it.
    for flag, then in BEFORE_FLAG.items():
        if flag not in seen:
            out += [flag, then]
    return out


def main():
    argv = sys.argv[1:]
    a = parser().parse_args(argv)
    if a.check_model and not a.from_command:  # the folder's own settings
        meta = read_safetensors(f"{a.check_model}/model.safetensors")[1]
        argv = argv + ["--from-command", meta["command"]]
        a = parser().parse_args(argv)
    if a.from_command:  # the command's settings, then any flags given besides it
        rest = [w for w in argv if w != "--from-command" and w != a.from_command]
        a = parser().parse_args(settings_from_command(a.from_command) + rest)
    for name, ok in (("--embed-dropout and --decoder-dropout in [0, 0.9]",
                      0 <= a.embed_dropout <= 0.9 and 0 <= a.decoder_dropout <= 0.9),
                     ("--decoder-layers >= 1", a.decoder_layers >= 1),
                     ("--average-last in [1, 100]", 1 <= a.average_last <= 100),
                     ("--weight-decay >= 0 with --lr * --weight-decay < 1",
                      a.weight_decay >= 0 and a.lr * a.weight_decay < 1),
                     ("--beam >= 1", a.beam >= 1)):
        if not ok:
            raise SystemExit(f"this twin needs {name}")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    # Every setting, like s2s's command: line (booleans as --flag=true|false).
    flags = []
    for k, v in vars(a).items():
        if k != "from_command" and v is not None:
            flag = "--" + k.replace("_", "-")
            flags.append(f"{flag}={str(v).lower()}" if isinstance(v, bool) else f"{flag} {shlex.quote(str(v))}")
    print(f"command: g2p_torch.py {' '.join(flags)}", flush=True)

    (train_ex, valid_ex, test_ex), summary = load_cmudict(a.dict, a.stress, a.max_len)
    print(f"data: {summary}", flush=True)
    src_vocab = Vocab([s for s, _ in train_ex])
    tgt_vocab = Vocab([t for _, t in train_ex])
    train_pairs = [(src_vocab.encode(s), tgt_vocab.encode(t)) for s, t in train_ex]
    valid_pairs, test_pairs = ([(src_vocab.encode(s), [tgt_vocab.encode(t) for t in refs])
                                for s, refs in exs] for exs in (valid_ex, test_ex))
    # As s2s: every k-th valid word, spread over the split (which is alphabetical).
    keep = min(a.valid_examples, len(valid_pairs)) if a.valid_examples > 0 else len(valid_pairs)
    valid = [valid_pairs[i * len(valid_pairs) // keep] for i in range(keep)]

    if a.check_model:
        return check_model(a.check_model, a, valid, src_vocab, tgt_vocab)
    model = G2P(a, len(src_vocab), len(tgt_vocab))
    n_params = sum(p.numel() for p in model.parameters())
    # The model: line of s2s (Seq2Seq::describe), then the twin's own facts.
    described = "".join(text for text, on in (
        (f", {a.decoder_layers} decoder layers", a.decoder_layers > 1),
        (f", embedding dropout {a.embed_dropout:g}", a.embed_dropout > 0),
        (f", decoder dropout {a.decoder_dropout:g}", a.decoder_dropout > 0)) if on)
    print(f"model: {'bi-' if a.bidirectional else ''}{a.cell}, E={a.embed}, H={a.hidden}{described}, "
          f"attention {a.attention}/global/{a.placement} ({n_params} parameters); {len(train_pairs)} "
          f"training pairs, {len(valid_pairs)} valid, {len(test_pairs)} test; torch "
          f"{torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    if a.dry_run:
        return 0

    # The time kept for the test is s2s's (main.cpp: beam search costs about beam + 1
    # greedy decodes), so both stop training at the same point of the budget; the
    # twin itself decodes greedily.
    train(model, train_pairs, valid, a, tail_examples=len(test_pairs) * (1 if a.beam == 1 else a.beam + 1))
    left = a.seconds - elapsed_total() if a.seconds > 0 else 0
    r = evaluate(model, test_pairs, max(left, 1e-3) if a.seconds > 0 else 0)
    cut = f"(time limit: {r['evaluated']} of {len(test_pairs)} examples) " if r["evaluated"] < len(test_pairs) else ""
    beam = "" if a.beam == 1 else f", not s2s's beam {a.beam}: compare with `s2s eval --beam 1`"
    print(f"test set: {cut}WER {100 * (1 - r['exact']):.1f}%  PER {100 * r['per']:.1f}%  "
          f"exact match {100 * r['exact']:.1f}%  (greedy decoding{beam}; whole run "
          f"{elapsed_total():.1f}s)")
    if r["several"]:
        print(f"first reference only: WER {100 * (1 - r['exact_first']):.1f}%  PER "
              f"{100 * r['per_first']:.1f}%  exact match {100 * r['exact_first']:.1f}%  "
              f"({r['several']} of {r['evaluated']} words have several references: the line above "
              f"counts any of them, PER the closest)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
