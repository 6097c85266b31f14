"""Continue training a model folder in PyTorch with the C++ trainer's optimizer, clipping
and schedule (seq2seq/train/trainer.cpp, nn/adam, nn/clip_grad, nn/lr_schedule):
Adam (β 0.9, 0.999, ε 1e-8), the global gradient norm clipped to --clip, a constant rate
or hold-then-anneal over --max-steps, batches planned as the C++ Batcher plans them.

Under torchrun (WORLD_SIZE > 1) it runs DistributedDataParallel: gloo on CPU, nccl on GPU.
Every process plans the same global batches; process r takes examples r, r+N, ... of each.
Its loss is its share of the global batch's token sum, scaled by N / (tokens of the global
batch): DDP's gradient average is then exactly the gradient of the global batch's mean
loss, so N processes give the parameters of one process over the same global batches.
"""
import math
import os
import time

import torch
import torch.distributed as dist

from .data import MT19937_64, epoch_plan, make_batch
from .folder import save
from .model import PAD


class TrainError(RuntimeError):
    pass


def hold_then_anneal(base, min_lr, hold, progress):
    """nn/lr_schedule.cpp HoldThenAnneal."""
    p = min(max(progress, 0.0), 1.0)
    if p <= hold:
        return base
    return base * math.pow(min_lr / base, (p - hold) / (1 - hold))


def distributed():
    """(rank, world) from torchrun's environment; (0, 1) when run alone."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    return int(os.environ.get("RANK", "0")), world


def train(model, pairs, out_dir, steps, batch_size=32, lr=3e-3, clip=1.0, anneal_hold=-1.0,
          min_lr=0.0, seed=1, device="cpu", log_every=100, log=print, extra_meta=None,
          label_smoothing=0.0, weight_decay=0.0, average_last=1, average_every=1000):
    """Runs `steps` updates over `pairs` (list of (src tokens, tgt tokens)) and saves the
    model to out_dir (rank 0). Returns the list of global batch losses.

    As the C++ trainer (issue 25): label_smoothing ε trains against (1-ε) onehot + ε/V;
    weight_decay λ is AdamW's decoupled decay (p ← (1 - lr·λ) p before Adam's update, as
    nn/weight_decay.hpp); average_last K > 1 saves the mean of the parameters after the
    last K multiples of average_every updates and the last update (the C++ trainer's
    validation points with --validate-every, whose average it keeps when the best
    validation is the last). The model's dropout settings act in training mode."""
    rank, world = distributed()
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if device.startswith("cuda") else "gloo")
    model.to(device)
    model.train()
    net = model
    if world > 1:
        c = model.config
        # key-value attention at both places: the input side reads the output side's keys
        # and values, so its own W_K, W_V get no gradient (as in C++).
        unused = c.attention and c.variant == "key-value" and c.placement == "both"
        net = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[torch.device(device).index or 0] if device.startswith("cuda")
            else None, find_unused_parameters=unused)
    if weight_decay > 0:
        opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8,
                                weight_decay=weight_decay)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    recent = []  # average_last: parameter snapshots, the last K
    if anneal_hold >= 0 and not 0 < min_lr <= lr:
        raise TrainError(f"--lr-anneal needs 0 < --min-lr <= --lr, got --min-lr {min_lr}")
    rng = MT19937_64(seed)
    losses, done, t0 = [], 0, time.time()
    sv, tv = model.src_vocab, model.tgt_vocab
    while done < steps:
        plan = [b for b in epoch_plan(pairs, batch_size, rng) if len(b) >= world]
        if not plan:
            raise TrainError(f"batches of {batch_size} cannot be shared by {world} processes")
        for idx in plan:
            glob = [pairs[i] for i in idx]
            tokens = sum(len(t) + 1 for _, t in glob)  # real target tokens, <eos> included
            mine = glob[rank::world]
            src, lengths, tgt_in, tgt_out = make_batch(mine, sv, tv, device)
            opt.zero_grad(set_to_none=True)
            logits = net(src, lengths, tgt_in)
            summed = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1), ignore_index=PAD,
                reduction="sum", label_smoothing=label_smoothing)
            (summed * (world / tokens)).backward()
            with torch.no_grad():
                total = summed.detach().clone()
                if world > 1:
                    dist.all_reduce(total)
                loss = float(total) / tokens
            if not math.isfinite(loss) or loss > 100 + 10 * math.log(max(len(tv), 2)):
                raise TrainError(f"training diverged: the loss became {loss:.4g} at step "
                                 f"{done + 1}; nothing was saved. Try a lower --lr (now {lr}).")
            params = [p for p in model.parameters() if p.grad is not None]
            if clip > 0:
                torch.nn.utils.clip_grad_norm_(params, clip)
            opt.step()
            done += 1
            losses.append(loss)
            if average_last > 1 and (done % average_every == 0 or done == steps):
                recent.append([p.detach().clone() for p in model.parameters()])
                del recent[:-average_last]
            if anneal_hold >= 0:
                for g in opt.param_groups:
                    g["lr"] = hold_then_anneal(lr, min_lr, anneal_hold, done / steps)
            if rank == 0 and log_every > 0 and (done % log_every == 0 or done == steps):
                log(f"  step {done:>6}: loss {sum(losses[-log_every:]) / len(losses[-log_every:]):.4f}"
                    f"  lr {opt.param_groups[0]['lr']:.3g}  {time.time() - t0:.1f}s")
            if done >= steps:
                break
    if len(recent) > 1:
        with torch.no_grad():
            for i, p in enumerate(model.parameters()):
                p.copy_(torch.stack([r[i] for r in recent]).mean(0))
    model.eval()
    if rank == 0:
        # The C++ run's best epoch and valid loss no longer describe these parameters.
        model.metadata = {k: v for k, v in (getattr(model, "metadata", None) or {}).items()
                          if k not in ("epoch", "valid_loss")}
        meta = dict(extra_meta or {})
        if len(recent) > 1:
            meta["averaged"] = str(len(recent))
        meta["trained_in"] = f"pytorch {torch.__version__}, {world} process(es), {device}"
        save(model, out_dir, meta)
    if world > 1:
        dist.barrier()
    return losses
