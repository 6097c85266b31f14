#!/usr/bin/python3
"""PyTorch twin of bench/reference_workload.cpp (the reference seq2seq model).

Run with Debian's python, which has python3-torch:

  /usr/bin/python3 bench/torch_reference.py --size small --time
      median ms per training step (zero grads + forward + backward + Adam),
      best of torch.set_num_threads(1) and (2). Last line:
      torch_ms_per_step=<best> threads=<n> cpu_ms_per_step=<its process CPU time>
      (the per-thread-count lines come before it). CPU time is reported because
      on a loaded machine wall time also counts waiting for a core.

  reference_workload --size small --steps 50 --save run.safetensors > ours.txt
  /usr/bin/python3 bench/torch_reference.py --replay run.safetensors --steps 50 --losses ours.txt
      loads the C++ run's initial parameters and batch, trains the same 50
      steps in PyTorch and compares each step's loss with the `step=<i> loss=<x>`
      lines of ours.txt (or stdin with --losses -). Fails (exit 1) if any
      relative difference exceeds --rtol (1e-4).

The model (names match the C++ module tree):
  src_emb, tgt_emb: Embedding(V,E); enc: LSTMCell(E,H); dec: LSTMCell(E+H,H);
  W_k, W_q: Linear(H,H, bias=False); v: Linear(H,1, bias=False); out: Linear(2H,V).
"""
import argparse
import os
import statistics
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    print("skipped: python3-torch not installed")
    sys.exit(0)

# The one safetensors reader of the Python side: python/attention_lab/safetensors.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from attention_lab import safetensors as _safetensors  # noqa: E402

SIZES = {  # V, E, H, B, S, T
    "small": (32, 32, 64, 16, 10, 10),
    "medium": (1000, 128, 256, 32, 20, 20),
    "large": (8000, 256, 512, 64, 30, 30),
}


class ReferenceModel(nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.H = H
        self.src_emb = nn.Embedding(V, E)
        self.tgt_emb = nn.Embedding(V, E)
        self.enc = nn.LSTMCell(E, H)
        self.dec = nn.LSTMCell(E + H, H)
        self.W_k = nn.Linear(H, H, bias=False)
        self.W_q = nn.Linear(H, H, bias=False)
        self.v = nn.Linear(H, 1, bias=False)
        self.out = nn.Linear(2 * H, V)

    def loss(self, src, tgt):
        """src (B,S), tgt (B,T+1) int64 -> mean cross-entropy over B*T tokens."""
        B, S = src.shape
        T = tgt.shape[1] - 1
        x = self.src_emb(src)  # (B,S,E)
        h = torch.zeros(B, self.H)
        c = torch.zeros(B, self.H)
        hs = []
        for s in range(S):
            h, c = self.enc(x[:, s], (h, c))
            hs.append(h)
        keys = torch.stack(hs, 1)  # (B,S,H)
        kp = self.W_k(keys)  # (B,S,H)
        y = self.tgt_emb(tgt[:, :T])  # (B,T,E)
        ctx = torch.zeros(B, self.H)
        hc = []
        for t in range(T):
            h, c = self.dec(torch.cat([y[:, t], ctx], 1), (h, c))
            e = self.v(torch.tanh(kp + self.W_q(h).unsqueeze(1))).squeeze(2)  # (B,S)
            a = torch.softmax(e, 1)
            ctx = torch.bmm(a.unsqueeze(1), keys).squeeze(1)  # (B,H)
            hc.append(torch.cat([h, ctx], 1))
        # One output projection for all steps, rows ordered b*T+t as in C++.
        logits = self.out(torch.stack(hc, 1).reshape(B * T, 2 * self.H))
        return nn.functional.cross_entropy(logits, tgt[:, 1:].reshape(B * T))


def read_safetensors(path):
    """name -> torch tensor (F32, F64 or I64), and the metadata (the package's reader,
    python/attention_lab/safetensors.py)."""
    tensors, meta = _safetensors.read_safetensors(path)
    return {k: torch.from_numpy(v) for k, v in tensors.items()}, meta


def train_step(model, opt, src, tgt):
    opt.zero_grad()
    loss = model.loss(src, tgt)
    loss.backward()
    opt.step()
    return loss.item()


def time_size(size, steps, threads):
    V, E, H, B, S, T = SIZES[size]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = ReferenceModel(V, E, H)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    src = torch.randint(0, V, (B, S))
    tgt = torch.randint(0, V, (B, T + 1))
    ms, cpu_ms = [], []
    for _ in range(steps):
        t0, c0 = time.perf_counter(), time.process_time()
        train_step(model, opt, src, tgt)
        ms.append((time.perf_counter() - t0) * 1e3)
        cpu_ms.append((time.process_time() - c0) * 1e3)
    return statistics.median(ms), statistics.median(cpu_ms)


def replay(path, steps, losses_file, rtol):
    tensors, meta = read_safetensors(path)
    V, E = tensors["src_emb.weight"].shape
    H = tensors["enc.weight_hh"].shape[1]
    model = ReferenceModel(V, E, H)
    state = {k: v.float() for k, v in tensors.items() if not k.startswith("batch.")}
    model.load_state_dict(state, strict=True)
    src, tgt = tensors["batch.src"], tensors["batch.tgt"]
    lr = float(meta.get("lr", "0.001"))
    opt = torch.optim.Adam(model.parameters(), lr=lr)

    ours = {}
    stream = sys.stdin if losses_file == "-" else open(losses_file)
    for line in stream:
        fields = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        if "step" in fields and "loss" in fields:
            ours[int(fields["step"])] = float(fields["loss"])
    if len(ours) < steps:
        print(f"replay: the C++ run printed {len(ours)} losses, need {steps}")
        return 1

    worst = 0.0
    for i in range(steps):
        theirs = train_step(model, opt, src, tgt)
        rel = abs(ours[i] - theirs) / max(abs(theirs), 1e-12)
        worst = max(worst, rel)
        print(f"step={i} ours={ours[i]:.7f} torch={theirs:.7f} rel_diff={rel:.2e}")
    ok = worst <= rtol
    print(f"replay: {steps} steps, max relative loss difference {worst:.2e} "
          f"({'ok' if ok else 'FAIL'}: tolerance {rtol:g})")
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--size", choices=sorted(SIZES), default="small")
    p.add_argument("--time", action="store_true", help="time training steps")
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--threads", type=int, default=0, help="only this thread count (0: best of 1, 2)")
    p.add_argument("--replay", metavar="FILE", help="safetensors file from reference_workload --save")
    p.add_argument("--losses", default="-", help="C++ output with step=<i> loss=<x> lines ('-': stdin)")
    p.add_argument("--rtol", type=float, default=1e-4)
    args = p.parse_args()

    if args.replay:
        return replay(args.replay, args.steps or 50, args.losses, args.rtol)
    if args.time:
        steps = args.steps or {"small": 200, "medium": 30, "large": 5}[args.size]
        results = {}
        for threads in [args.threads] if args.threads else [1, 2]:
            results[threads] = time_size(args.size, steps, threads)
            print(f"threads={threads} ms_per_step={results[threads][0]:.3f} "
                  f"cpu_ms_per_step={results[threads][1]:.3f}")
        best = min(results, key=lambda k: results[k][0])
        print(f"torch_ms_per_step={results[best][0]:.3f} threads={best} "
              f"cpu_ms_per_step={results[best][1]:.3f} torch={torch.__version__} size={args.size}")
        return 0
    p.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
