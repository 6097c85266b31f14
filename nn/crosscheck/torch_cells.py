#!/usr/bin/python3
"""Replays the C++ cells in PyTorch and compares outputs and gradients.

The data comes from tests/gradcheck/nn_crosscheck_test.cpp (float64):
    S2S_CROSSCHECK_OUT=/tmp/cells.safetensors ./tests_f64 -tc="nn: crosscheck*"
    /usr/bin/python3 nn/crosscheck/torch_cells.py /tmp/cells.safetensors

Each cell runs T steps from (h0, c0) on x (T,B,E); the loss is
    L = sum_t sum(h_t * R_t)  (+ sum(c_T * Rc) for the LSTM)
and we compare h_t and every gradient (weights, x, h0, c0). Exit code 1 when
any max |difference| exceeds 1e-5. The file is parsed by hand (8-byte header
length, JSON header, raw data) so only torch is needed.
"""
import json
import struct
import sys

try:
    import torch
except ImportError:
    print("skipped: python3-torch not installed")
    sys.exit(0)

TOL = 1e-5
DTYPES = {"F64": torch.float64, "F32": torch.float32, "I64": torch.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    tensors = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        buf = bytearray(data[begin:end])
        t = torch.frombuffer(buf, dtype=DTYPES[e["dtype"]]) if buf else torch.zeros(0)
        tensors[name] = t.reshape(e["shape"]).to(torch.float64)
    return tensors


def check(kind, t):
    g = lambda k: t[f"{kind}.{k}"]
    T, B, E = g("x").shape
    H = g("h0").shape[1]
    cls = {"rnn": torch.nn.RNNCell, "gru": torch.nn.GRUCell, "lstm": torch.nn.LSTMCell}[kind]
    cell = cls(E, H).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(g(name))
    x = g("x").clone().requires_grad_(True)
    h0 = g("h0").clone().requires_grad_(True)
    c0 = g("c0").clone().requires_grad_(True)
    h, c, hs = h0, c0, []
    for step in range(T):
        if kind == "lstm":
            h, c = cell(x[step], (h, c))
        else:
            h = cell(x[step], h)
        hs.append(h)
    h_all = torch.stack(hs)
    loss = (h_all * g("R")).sum()
    if kind == "lstm":
        loss = loss + (c * g("Rc")).sum()
    loss.backward()

    diffs = {
        "h": (h_all.detach() - g("h")).abs().max().item(),
        "loss": abs(loss.item() - g("loss").item()),
        "grad.x": (x.grad - g("grad.x")).abs().max().item(),
        "grad.h0": (h0.grad - g("grad.h0")).abs().max().item(),
    }
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        diffs["grad." + name] = (getattr(cell, name).grad - g("grad." + name)).abs().max().item()
    if kind == "lstm":
        diffs["c_last"] = (c.detach() - g("c_last")).abs().max().item()
        diffs["grad.c0"] = (c0.grad - g("grad.c0")).abs().max().item()
    worst = max(diffs.values())
    detail = ", ".join(f"{k} {v:.2e}" for k, v in diffs.items())
    print(f"{kind:5s} max abs diff {worst:.3e}  ({detail})")
    return worst <= TOL


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    t = read_safetensors(sys.argv[1])
    ok = all([check(kind, t) for kind in ("rnn", "gru", "lstm")])
    print(f"torch {torch.__version__}: {'all within' if ok else 'FAILED:'} {TOL}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
