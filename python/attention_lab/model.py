"""The C++ model (seq2seq/model/, attention/, nn/) as a torch.nn.Module.

Every parameter has the C++ dotted name and layout (Module::named_parameters), so a
state_dict is a model.safetensors. The equations are the C++ ones; each class names its
C++ file. Shapes: B batch, S source length, T target length, E embedding, H hidden,
He encoder output size (H or 2H), A attention size, V vocabulary.
"""
import dataclasses
import math

import torch
from torch import nn

PAD, SOS, EOS, UNK = 0, 1, 2, 3  # seq2seq/data/vocab.hpp

# The registries' entries this package implements (the contract test compares these
# lists with the C++ registries, read from contract_probe, and fails on a missing one).
CELLS = ("rnn", "gru", "lstm")
SCORES = ("dot", "scaled_dot", "general", "additive", "location", "cosine", "location_aware")
VARIANTS = ("global", "local-m", "local-p", "key-value")
PLACEMENTS = ("input", "output", "both", "input_feeding")


@dataclasses.dataclass
class Config:
    """seq2seq/model/seq2seq.hpp ModelConfig, as the checkpoint metadata stores it."""
    cell: str = "gru"
    src_vocab: int = 0
    tgt_vocab: int = 0
    embed: int = 32
    hidden: int = 64
    layers: int = 1
    bidirectional: bool = False
    attention: bool = True
    score: str = "general"
    variant: str = "global"
    placement: str = "output"
    window: int = 3
    attention_size: int = 0
    max_src_len: int = 64
    self_attention: bool = False
    feed_summary: bool = False
    reverse_source: bool = False
    # Issue 25; absent from older folders, which load with these defaults.
    embed_dropout: float = 0.0
    decoder_dropout: float = 0.0
    decoder_layers: int = 1

    def metadata(self):
        """The metadata keys of seq2seq/model/checkpoint.cpp config_to_metadata."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = ("1" if v else "0") if isinstance(v, bool) else str(v)
        return out

    def describe(self):
        s = f"{'bi-' if self.bidirectional else ''}{self.cell}, E={self.embed}, H={self.hidden}"
        if self.decoder_layers > 1:
            s += f", {self.decoder_layers} decoder layers"
        if self.embed_dropout > 0:
            s += f", embedding dropout {self.embed_dropout:g}"
        if self.decoder_dropout > 0:
            s += f", decoder dropout {self.decoder_dropout:g}"
        if not self.attention:
            return s + (", bottleneck, reversed source" if self.reverse_source else ", bottleneck")
        return s + (f", attention {self.score}/{self.variant}/{self.placement}"
                    f"{'+self' if self.self_attention else ''}")


def _cell(kind, in_size, hidden):
    """nn/rnn_cell, gru_cell, lstm_cell: PyTorch's own cells have the same equations,
    gate order and parameter names (weight_ih, weight_hh, bias_ih, bias_hh)."""
    if kind == "rnn":
        return nn.RNNCell(in_size, hidden, nonlinearity="tanh")
    if kind == "gru":
        return nn.GRUCell(in_size, hidden)
    if kind == "lstm":
        return nn.LSTMCell(in_size, hidden)
    raise ValueError(f"unknown cell kind '{kind}'; known: {', '.join(CELLS)}")


def _step(cell, x, h, c):
    """One cell step: (h, c) with c None except for LSTM."""
    if isinstance(cell, nn.LSTMCell):
        return cell(x, (h, c))
    return cell(x, h), None


def _upper_cells(c):
    """seq2seq/model/decoder_stack.cpp make_upper_cells: layers 2..L, H -> H each."""
    return nn.ModuleList([_cell(c.cell, c.hidden, c.hidden) for _ in range(c.decoder_layers - 1)])


def _step_stack(bottom, upper, x, s, drop):
    """decoder_stack.cpp step_stack: s^1_t = cell_1(x_t), s^l_t = cell_l(drop(s^{l-1}_t));
    the top layer's state is s.h, s.c; the others are s.lower (bottom first)."""
    layers = [bottom, *upper]
    inp = x
    for i, cell in enumerate(layers):
        if i + 1 == len(layers):
            s.h, s.c = _step(cell, inp, s.h, s.c)
        else:
            h, c = _step(cell, inp, *s.lower[i])
            s.lower[i] = (h, c)
            inp = drop(h)


def _param(*shape):
    return nn.Parameter(torch.zeros(*shape))


def _unit(x):
    """attention/cosine.cpp: x / sqrt(sum x^2 + 1e-8) along the last axis."""
    return x / torch.sqrt((x * x).sum(-1, keepdim=True) + 1e-8)


class Score(nn.Module):
    """attention/<name>.cpp: query (B,Hq), keys (B,S,Hk) -> scores (B,S)."""

    def __init__(self, name, Hq, Hk, A, max_src_len):
        super().__init__()
        self.name, self.Hq, self.Hk, self.A = name, Hq, Hk, A
        if name in ("dot", "scaled_dot"):
            if Hq != Hk:
                raise ValueError(f"{name} score: query size Hq={Hq} must equal key size Hk={Hk}")
        elif name == "general":
            self.W = _param(Hq, Hk)
        elif name in ("additive", "location_aware"):
            self.W_q, self.W_k, self.v = _param(A, Hq), _param(A, Hk), _param(A)
            if name == "location_aware":
                self.F, self.U = _param(8, 5), _param(A, 8)  # C = 8 filters of width w = 5
        elif name == "location":
            self.max_src_len = max_src_len
            self.W_a = _param(max_src_len, Hq)
        elif name == "cosine":
            if Hq != Hk:
                self.W = _param(Hk, Hq)
            self.log_beta = _param(1)
        else:
            raise ValueError(f"unknown score function '{name}'; known: {', '.join(SCORES)}")

    def project_keys(self, keys):
        if self.name in ("additive", "location_aware"):
            return keys @ self.W_k.t()  # (B,S,A)
        return None

    def forward(self, q, keys, prev_weights=None, projected=None):
        n = self.name
        if n in ("dot", "scaled_dot"):
            s = torch.einsum("bsh,bh->bs", keys, q)
            return s * (1.0 / math.sqrt(self.Hk)) if n == "scaled_dot" else s
        if n == "general":
            return torch.einsum("bsh,bh->bs", keys, q @ self.W)
        if n == "location":
            S = keys.shape[1]
            if S > self.max_src_len:
                raise ValueError(f"location score: source length S={S} > max_src_len="
                                 f"{self.max_src_len}")
            return (q @ self.W_a.t())[:, :S]
        if n == "cosine":
            qq = q @ self.W.t() if hasattr(self, "W") else q
            return torch.einsum("bsh,bh->bs", _unit(keys), _unit(qq)) * torch.exp(self.log_beta)
        kp = projected if projected is not None else self.project_keys(keys)  # (B,S,A)
        if n == "location_aware":
            B, S = keys.shape[0], keys.shape[1]
            prev = prev_weights if prev_weights is not None else keys.new_zeros(B, S)
            w = self.F.shape[1]
            padded = nn.functional.pad(prev, (w // 2, w // 2))  # (B,S+w-1)
            patches = torch.stack([padded[:, j:j + S] for j in range(w)], 2)  # (B,S,w)
            kp = kp + (patches @ self.F.t()) @ self.U.t()  # + U f_i
        hidden = torch.tanh(kp + (q @ self.W_q.t()).unsqueeze(1))  # (B,S,A)
        return hidden @ self.v  # (B,S)


def masked_softmax(scores, mask):
    """attention/attention.cpp: -inf at mask == 0, then softmax over S."""
    return torch.softmax(scores.masked_fill(mask == 0, float("-inf")), 1)


class Attention(nn.Module):
    """attention/attention.cpp (global), local.cpp (local-m, local-p) and key_value.cpp."""

    def __init__(self, variant, score, Hq, He, A, max_src_len, window):
        super().__init__()
        self.variant, self.window = variant, window
        if variant == "key-value":
            self.W_K, self.W_V = _param(Hq, He), _param(Hq, He)
            self.attention = nn.Module()
            self.attention.score = Score(score, Hq, Hq, A, max_src_len)
        elif variant in ("global", "local-m", "local-p"):
            self.score = Score(score, Hq, He, A, max_src_len)
            if variant == "local-p":
                self.W_p, self.v_p = _param(A, Hq), _param(A)
        else:
            raise ValueError(f"unknown attention variant '{variant}'; known: "
                             f"{', '.join(VARIANTS)}")

    def score_fn(self):
        return self.attention.score if self.variant == "key-value" else self.score

    def keys_values(self, enc_out):
        """Once per sequence: (keys, values, projected keys)."""
        if self.variant == "key-value":
            keys, values = enc_out @ self.W_K.t(), enc_out @ self.W_V.t()
        else:
            keys = values = enc_out
        return keys, values, self.score_fn().project_keys(keys)

    def forward(self, q, keys, values, mask, lengths, step, prev_weights, projected):
        """-> context (B,Hv), weights (B,S)."""
        scores = self.score_fn()(q, keys, prev_weights, projected)
        if self.variant in ("local-m", "local-p"):
            B, S = scores.shape
            if self.variant == "local-m":
                # p_t = t, clamped to the last real token
                p = torch.clamp(lengths - 1, max=step).to(scores.dtype)
            else:
                z = torch.tanh(q @ self.W_p.t()) @ self.v_p  # (B)
                p = torch.sigmoid(z) * (lengths - 1).to(scores.dtype)
                sigma = self.window / 2
                pos = torch.arange(S, dtype=scores.dtype, device=scores.device)
                scores = scores - (pos.unsqueeze(0) - p.unsqueeze(1)) ** 2 / (2 * sigma * sigma)
            pos = torch.arange(S, dtype=scores.dtype, device=scores.device)
            inside = (pos.unsqueeze(0) - p.detach().unsqueeze(1)).abs() <= self.window
            mask = mask * inside.to(mask.dtype)
        weights = masked_softmax(scores, mask)
        return torch.einsum("bs,bsh->bh", weights, values), weights


class Encoder(nn.Module):
    """seq2seq/model/encoder.cpp with nn/sequence_rnn.cpp: a stacked, optionally
    bidirectional RNN over padded rows; padded steps keep the state and output zeros."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embedding = nn.Embedding(c.src_vocab, c.embed)
        self.embed_dropout = nn.Dropout(c.embed_dropout)  # training mode only
        self.rnn = nn.Module()
        dirs = 2 if c.bidirectional else 1
        if c.layers == 1 and not c.bidirectional:
            self.rnn.cell = _cell(c.cell, c.embed, c.hidden)
            self.cells = [[self.rnn.cell]]
        else:
            self.rnn.layers = nn.ModuleList()
            self.cells = []
            for layer in range(c.layers):
                m = nn.Module()
                in_size = c.embed if layer == 0 else c.hidden * dirs
                m.fwd = _cell(c.cell, in_size, c.hidden)
                if c.bidirectional:
                    m.bwd = _cell(c.cell, in_size, c.hidden)
                self.rnn.layers.append(m)
                self.cells.append([m.fwd, m.bwd] if c.bidirectional else [m.fwd])
        if c.bidirectional:
            self.bridge_h = nn.Linear(2 * c.hidden, c.hidden)
            if c.cell == "lstm":
                self.bridge_c = nn.Linear(2 * c.hidden, c.hidden)

    def forward(self, src, lengths):
        """src (B,S) ids as the encoder reads them, lengths (B) -> outputs (B,S,He),
        mask (B,S), final (h, c) for the decoder."""
        B, S = src.shape
        H = self.c.hidden
        mask = (torch.arange(S, device=src.device).unsqueeze(0) < lengths.unsqueeze(1))
        x = self.embedding(src) * (src != PAD).unsqueeze(2).to(self.embedding.weight.dtype)
        x = self.embed_dropout(x)
        steps = [x[:, t] for t in range(S)]
        pad = [(~mask[:, t]).unsqueeze(1) for t in range(S)]
        finals = []
        for cells in self.cells:
            outs = []
            for d, cell in enumerate(cells):
                h = x.new_zeros(B, H)
                c = x.new_zeros(B, H) if isinstance(cell, nn.LSTMCell) else None
                out = [None] * S
                for k in range(S):
                    t = S - 1 - k if d == 1 else k
                    nh, nc = _step(cell, steps[t], h, c)
                    h = torch.where(pad[t], h, nh)
                    if c is not None:
                        c = torch.where(pad[t], c, nc)
                    out[t] = h.masked_fill(pad[t], 0)
                outs.append(out)
                finals.append((h, c))
            steps = outs[0] if len(cells) == 1 else \
                [torch.cat([outs[0][t], outs[1][t]], 1) for t in range(S)]
        outputs = torch.stack(steps, 1)
        if not self.c.bidirectional:
            final = finals[-1]
        else:
            (fh, fc), (bh, bc) = finals[-2], finals[-1]
            h = torch.tanh(self.bridge_h(torch.cat([fh, bh], 1)))
            c = torch.tanh(self.bridge_c(torch.cat([fc, bc], 1))) if fc is not None else None
            final = (h, c)
        return outputs, mask.to(outputs.dtype), final


class State:
    """seq2seq/model/decoder.hpp DecoderState: what a decoder carries between steps.
    Per-row tensors (first axis B) are reordered together by beam search."""
    ROWS = ("h", "c", "feed", "prev_weights", "keys", "values", "projected", "mask",
            "lengths", "enc_out")

    def __init__(self, **kw):
        for k in self.ROWS:
            setattr(self, k, kw.get(k))
        self.history = []
        self.lower = []  # (h, c) of the decoder layers below the top, bottom first
        self.t = 0

    def take(self, rows):
        """A new state of rows `rows` (beam search: row i of it = old row rows[i])."""
        out = State(**{k: (None if getattr(self, k) is None
                           else getattr(self, k).index_select(0, rows)) for k in self.ROWS})
        out.history = [h.index_select(0, rows) for h in self.history]
        out.lower = [(h.index_select(0, rows), None if c is None else c.index_select(0, rows))
                     for h, c in self.lower]
        out.t = self.t
        return out


class AttentionDecoder(nn.Module):
    """seq2seq/model/attention_decoder.cpp."""

    def __init__(self, c, He):
        super().__init__()
        self.c = c
        H = c.hidden
        A = c.attention_size if c.attention_size > 0 else H
        self.value_size = H if c.variant == "key-value" else He
        self.at_input = c.placement in ("input", "both")
        self.at_output = c.placement != "input"
        if c.placement not in PLACEMENTS:
            raise ValueError(f"unknown context placement '{c.placement}'; known: "
                             f"{', '.join(PLACEMENTS)}")
        self.embedding = nn.Embedding(c.tgt_vocab, c.embed)
        in_size = c.embed + (self.value_size if self.at_input else 0) + \
            (H if c.placement == "input_feeding" else 0)
        self.cell = _cell(c.cell, in_size, H)
        make = lambda: Attention(c.variant, c.score, H, He, A, c.max_src_len, c.window)  # noqa
        if self.at_input:
            self.attention_in = make()
        if self.at_output:
            self.attention = make()
        if c.self_attention:
            self.self_attention = nn.Module()
            self.self_attention.attention = nn.Module()
            self.self_attention.attention.score = Score("general", H, H, H, 256)
        self.combine = nn.Linear(self.value_size + H + (H if c.self_attention else 0), H)
        self.out = nn.Linear(H, c.tgt_vocab)
        if c.decoder_layers > 1:
            self.upper = _upper_cells(c)
        self.embed_dropout = nn.Dropout(c.embed_dropout)
        self.dropout = nn.Dropout(c.decoder_dropout)

    def start(self, enc_out, mask, lengths, final):
        h, c = final
        if isinstance(self.cell, nn.LSTMCell) and c is None:
            c = torch.zeros_like(h)
        anyatt = self.attention if self.at_output else self.attention_in
        keys, values, projected = anyatt.keys_values(enc_out)
        s = State(h=h, c=c, keys=keys, values=values, projected=projected, mask=mask,
                  lengths=lengths, enc_out=enc_out)
        s.lower = [(h, c)] * (self.c.decoder_layers - 1)  # every layer starts from s_0
        return s

    def _attend(self, which, q, s, cached):
        return which(q, s.keys, s.values, s.mask, s.lengths, s.t, s.prev_weights,
                     s.projected if cached else None)

    def step(self, y_prev, s):
        """y_prev (B) ids -> logits (B,V), weights (B,S); advances s."""
        B = y_prev.shape[0]
        emb = self.embedding(y_prev) * (y_prev != PAD).unsqueeze(1).to(s.h.dtype)
        inputs = [self.embed_dropout(emb)]
        context = weights = None
        if self.at_input:  # Bahdanau: s_{t-1} asks where to look
            context, weights = self._attend(self.attention_in, s.h, s, not self.at_output)
            inputs.append(context)
        if self.c.placement == "input_feeding":
            inputs.append(s.feed if s.feed is not None else s.h.new_zeros(B, self.c.hidden))
        x = self.dropout(inputs[0] if len(inputs) == 1 else torch.cat(inputs, 1))
        _step_stack(self.cell, getattr(self, "upper", []), x, s, self.dropout)
        if self.at_output:  # Luong: s_t asks
            context, weights = self._attend(self.attention, s.h, s, True)
        parts = [context, s.h]
        if self.c.self_attention:
            if s.history:
                states = torch.stack(s.history, 1)  # (B,t-1,H)
                sc = self.self_attention.attention.score(s.h, states)
                a = torch.softmax(sc, 1)
                parts.append(torch.einsum("bs,bsh->bh", a, states))
            else:
                parts.append(s.h.new_zeros(B, self.c.hidden))
            s.history.append(s.h)
        h_tilde = torch.tanh(self.combine(torch.cat(parts, 1)))
        s.feed = h_tilde
        s.prev_weights = weights
        s.t += 1
        return self.out(self.dropout(h_tilde)), weights


class BottleneckDecoder(nn.Module):
    """seq2seq/model/bottleneck_decoder.cpp."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embedding = nn.Embedding(c.tgt_vocab, c.embed)
        self.cell = _cell(c.cell, c.embed + (c.hidden if c.feed_summary else 0), c.hidden)
        self.out = nn.Linear(c.hidden, c.tgt_vocab)
        if c.decoder_layers > 1:
            self.upper = _upper_cells(c)
        self.embed_dropout = nn.Dropout(c.embed_dropout)
        self.dropout = nn.Dropout(c.decoder_dropout)

    def start(self, enc_out, mask, lengths, final):
        h, c = final
        if isinstance(self.cell, nn.LSTMCell) and c is None:
            c = torch.zeros_like(h)
        s = State(h=h, c=c, feed=h, mask=mask, lengths=lengths)
        s.lower = [(h, c)] * (self.c.decoder_layers - 1)
        return s

    def step(self, y_prev, s):
        x = self.embedding(y_prev) * (y_prev != PAD).unsqueeze(1).to(s.h.dtype)
        x = self.embed_dropout(x)
        if self.c.feed_summary:
            x = torch.cat([x, s.feed], 1)
        _step_stack(self.cell, getattr(self, "upper", []), self.dropout(x), s, self.dropout)
        s.t += 1
        return self.out(self.dropout(s.h)), None


def encoder_source(src, lengths, reverse):
    """seq2seq/model/seq2seq.cpp encoder_source: each row reversed within its length."""
    if not reverse:
        return src
    S = src.shape[1]
    pos = torch.arange(S, device=src.device).unsqueeze(0)
    idx = torch.where(pos < lengths.unsqueeze(1), lengths.unsqueeze(1) - 1 - pos, pos)
    return src.gather(1, idx)


class Seq2Seq(nn.Module):
    """seq2seq/model/seq2seq.cpp: an encoder, a decoder and the training loss."""

    def __init__(self, config):
        super().__init__()
        c = self.config = config
        if c.cell not in CELLS:
            raise ValueError(f"unknown cell kind '{c.cell}'; known: {', '.join(CELLS)}")
        self.encoder = Encoder(c)
        He = c.hidden * (2 if c.bidirectional else 1)
        self.decoder = AttentionDecoder(c, He) if c.attention else BottleneckDecoder(c)

    def start(self, src, lengths):
        """Encodes src (B,S) (in reading order; reverse_source applied here)."""
        enc_out, mask, final = self.encoder(encoder_source(src, lengths,
                                                           self.config.reverse_source), lengths)
        return self.decoder.start(enc_out, mask, lengths, final)

    def forward(self, src, lengths, tgt_in):
        """Teacher-forced logits (B,T,V) for tgt_in (B,T) = <sos> y1 .. yn."""
        s = self.start(src, lengths)
        return torch.stack([self.decoder.step(tgt_in[:, t], s)[0]
                            for t in range(tgt_in.shape[1])], 1)

    def loss(self, src, lengths, tgt_in, tgt_out, label_smoothing=0.0):
        """Mean cross-entropy over real target tokens (tgt_out != <pad>); with label
        smoothing ε, against (1-ε) onehot + ε/V (nn/label_smoothing.hpp)."""
        logits = self.forward(src, lengths, tgt_in)
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                           tgt_out.reshape(-1), ignore_index=PAD,
                                           label_smoothing=label_smoothing)
