#!/usr/bin/env python3
"""Read the logs of `s2s train --task cmudict` and of its PyTorch twin (g2p_torch.py)
and compare their validation curves and their time to accuracy.

    g2p_curves.py OUT ROUNDS            the folder g2p_compare.sh wrote (it calls this):
                                        curves by validation, time to PyTorch's final
                                        valid WER, curves.csv
    g2p_curves.py --by-update S2S TWIN  two logs of runs bounded in updates (--max-steps,
                                        e.g. `--recipe best` and the twin given its
                                        command: line): valid exact match at the same
                                        update, and the time each took to reach the
                                        best valid exact match both reached

Both logs print one line a validation, `epoch N: ... valid exact X% ... K steps Ts`,
T counted from the process start.
"""
import os
import re
import sys

EPOCH = re.compile(r"epoch\s+(\d+): train loss ([\d.]+)\s+valid loss ([\d.]+)\s+valid exact\s+([\d.]+)%"
                   r".*?(\d+) steps\s+([\d.]+)s")

def curve(path):
    """[(seconds, wer %, epoch, train loss, valid loss, steps)] from an epoch log."""
    pts = []
    for line in open(path):
        m = EPOCH.search(line)
        if m:
            ep, tl, vl, exact, steps, sec = m.groups()
            pts.append((float(sec), 100 - float(exact), int(ep), float(tl), float(vl), int(steps)))
    return pts

BAR = re.compile(r"epoch +1 \[[#.]*\] +(\d+)/\d+ loss ([\d.]+)")
STEP = re.compile(r"^  step (\d+): mean train loss ([\d.]+)")

def running(path, pattern):
    """step -> mean train loss of epoch 1 so far."""
    found = {}
    for line in open(path):
        m = pattern.search(line)
        if m:
            found[int(m.group(1))] = float(m.group(2))
    return found

def time_to(pts, target):
    """First validation at or below target: (its time, time interpolated linearly
    from the previous validation, or from (0 s, 100%)); None if never."""
    prev = (0.0, 100.0)
    for sec, wer, *_ in pts:
        if wer <= target + 1e-9:
            t0, w0 = prev
            interp = sec if w0 == wer else t0 + (sec - t0) * (w0 - target) / (w0 - wer)
            return sec, interp
        prev = (sec, wer)
    return None



def summarize_folder(out, rounds):
    """The summary of g2p_compare.sh; returns the exit code (1: the runs differ in data or model)."""
    # The same data and model on both sides: split sizes and parameter counts.
    SIZES = re.compile(r"\((\d+) parameters\); (\d+) training pairs, (\d+) valid, (\d+) test")
    mismatch = False
    for r in range(1, rounds + 1):
        got = {}
        for name in ("s2s", "torch"):
            m = [SIZES.search(l) for l in open(f"{out}/{name}_round{r}.log")]
            got[name] = next((x.groups() for x in m if x), None)
        same = got["s2s"] is not None and got["s2s"] == got["torch"]
        mismatch |= not same
        print(f"round {r}: parameters, train, valid, test: s2s {got['s2s']}, PyTorch {got['torch']}: "
              f"{'same' if same else 'MISMATCH'}")

    with open(f"{out}/curves.csv", "w") as csv:
        csv.write("framework,round,epoch,seconds,minutes,train_loss,valid_loss,valid_wer\n")
        for r in range(1, rounds + 1):
            ours, torch = curve(f"{out}/s2s_round{r}.log"), curve(f"{out}/torch_round{r}.log")
            for name, pts in (("s2s", ours), ("pytorch", torch)):
                for sec, wer, ep, tl, vl, _ in pts:
                    csv.write(f"{name},{r},{ep},{sec:.1f},{sec / 60:.2f},{tl},{vl},{wer:.1f}\n")
            print(f"\nround {r}: valid WER (%) on --valid-examples valid words (every k-th), by validation")
            print(f"  {'epoch':>5}  {'s2s min':>8} {'WER':>6} {'loss':>7}   {'torch min':>9} {'WER':>6} {'loss':>7}")
            for i in range(max(len(ours), len(torch))):
                a = f"{ours[i][0] / 60:8.2f} {ours[i][1]:6.1f} {ours[i][3]:7.4f}" if i < len(ours) else " " * 23
                b = f"{torch[i][0] / 60:9.2f} {torch[i][1]:6.1f} {torch[i][3]:7.4f}" if i < len(torch) else ""
                print(f"  {i + 1:>5}  {a}   {b}")
            if ours and torch:
                print(f"  epoch-1 train loss: s2s {ours[0][3]:.4f} (mean of its first {ours[0][5]} steps), "
                      f"PyTorch {torch[0][3]:.4f} (first {torch[0][5]} steps)")
            # The same number of steps: s2s's progress bar and the twin's `step N:` lines.
            bar = running(f"{out}/s2s_round{r}.log", BAR)
            twin = running(f"{out}/torch_round{r}.log", STEP)
            common = sorted(set(bar) & set(twin))
            for k in sorted({common[0], common[-1]} if common else []):
                print(f"  mean train loss over the first {k} steps: s2s {bar[k]:.3f}, PyTorch {twin[k]:.4f}")
            if len(common) > 1:
                print("  (with --lr-anneal the rate follows the time used, so the two rates part after"
                      " the hold: the early steps are the like-for-like check)")
            if not torch:
                print("  PyTorch finished no epoch: no target WER")
                continue
            if min(len(ours), len(torch)) < 2:
                print("  note: a side validated only once (its first epoch did not end within the budget),"
                      " so its time to accuracy is the budget's end, or a straight line from (0 s, 100%):"
                      " not resolved; give more minutes")
            target = torch[-1][1]
            t_torch, t_ours = time_to(torch, target), time_to(ours, target)
            print(f"  PyTorch's final valid WER: {target:.1f}% (at {torch[-1][0] / 60:.2f} min)")
            print(f"  time to reach it: PyTorch {t_torch[0] / 60:.2f} min (interpolated {t_torch[1] / 60:.2f})")
            if t_ours is None:
                best = min(p[1] for p in ours) if ours else 100.0
                print(f"  time to reach it: s2s never did (best {best:.1f}%): ratio > 1")
            else:
                print(f"  time to reach it: s2s {t_ours[0] / 60:.2f} min (interpolated {t_ours[1] / 60:.2f})")
                print(f"  ratio s2s / PyTorch: {t_ours[0] / t_torch[0]:.2f} at validations, "
                      f"{t_ours[1] / t_torch[1]:.2f} interpolated (goal: <= 0.33)")
            for name in ("s2s", "torch"):
                test = [l.strip() for l in open(f"{out}/{name}_round{r}.log") if l.startswith("test set")]
                if test:
                    print(f"  {name} {test[-1]}")
    print(f"\nfiles: {out}/curves.csv, the logs *_round*.log, runs.txt, summary.txt")
    return 1 if mismatch else 0


def by_update(s2s_log, twin_log):
    """Two runs bounded in updates: the learning rate follows the update count on
    both sides, so the curves are compared at the same update, and the time to
    accuracy is the time each took to reach the best valid exact match both reached."""
    ours = {p[5]: p for p in curve(s2s_log)}
    twin = {p[5]: p for p in curve(twin_log)}
    if not ours or not twin:
        print(f"no validation line in {s2s_log if not ours else twin_log}")
        return 1
    common = sorted(set(ours) & set(twin))
    print("valid exact match (%) on the same valid words, at the same update")
    print(f"  {'update':>7}  {'s2s min':>8} {'exact':>6}   {'twin min':>8} {'exact':>6}   {'twin - s2s':>10}")
    diffs = []
    for k in common:
        (ts, ws, *_), (tt, wt, *_) = ours[k], twin[k]
        diffs.append(ws - wt)  # exact = 100 - wer
        print(f"  {k:>7}  {ts / 60:8.2f} {100 - ws:6.1f}   {tt / 60:8.2f} {100 - wt:6.1f}   {ws - wt:+10.1f}")
    if diffs:
        print(f"  {len(diffs)} updates in common; twin - s2s: mean {sum(diffs) / len(diffs):+.2f}, "
              f"from {min(diffs):+.1f} to {max(diffs):+.1f} points")
    pace = {}  # seconds an update from the first validation to the last, validations included
    for name, c in (("s2s", ours), ("twin", twin)):
        steps = sorted(c)
        best = min(steps, key=lambda k: (c[k][1], k))
        rate = ""
        if len(steps) > 1:
            pace[name] = (c[steps[-1]][0] - c[steps[0]][0]) / (steps[-1] - steps[0])
            rate = (f"; {1000 * pace[name]:.0f} ms an update from update {steps[0]} to {steps[-1]}, "
                    f"validations included")
        print(f"{name}: best valid exact {100 - c[best][1]:.1f}% at update {best}{rate}")
    if len(pace) == 2 and pace["twin"] > 0:
        print(f"time an update, s2s / twin: {pace['s2s'] / pace['twin']:.2f}")
    # The target: the best valid exact match both runs reached (the lower of the two
    # bests, so neither side's lucky validation decides it); each side's first
    # validation that reaches it.
    target = max(min(p[1] for p in ours.values()), min(p[1] for p in twin.values()))
    print(f"target: {100 - target:.1f}% valid exact, the lower of the two runs' best")
    first = {}
    for name, c in (("s2s", ours), ("twin", twin)):
        pts = [c[k] for k in sorted(c)]
        hit = time_to(pts, target)
        first[name] = (hit, pts[0][0])
        if hit is None:
            print(f"time to {100 - target:.1f}% valid exact: {name} never reached it")
        else:
            print(f"time to {100 - target:.1f}% valid exact: {name} {hit[0] / 60:.2f} min "
                  f"(interpolated {hit[1] / 60:.2f}); from its first validation (update "
                  f"{pts[0][5]}) {(hit[0] - pts[0][0]) / 60:.2f} min")
    (hs, s0), (ht, t0) = first["s2s"], first["twin"]
    if hs is not None and ht is not None:
        print(f"ratio s2s / twin: {hs[0] / ht[0]:.2f} at validations, {hs[1] / ht[1]:.2f} interpolated, "
              f"{(hs[0] - s0) / (ht[0] - t0):.2f} from the first validation (goal: <= 0.33)"
              if ht[0] > t0 else f"ratio s2s / twin: {hs[0] / ht[0]:.2f} at validations")
    for name, path in (("s2s", s2s_log), ("twin", twin_log)):
        for line in open(path):
            if line.startswith(("test set", "first reference only")):
                print(f"{name} {line.strip()}")
    return 0


def missing_log(paths):
    """Prints `no such log: P` for the first path that is not a file; True if there was one."""
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        print(f"no such log: {missing[0]}", file=sys.stderr)
    return bool(missing)


def main(argv):
    if len(argv) == 3 and argv[0] == "--by-update":
        if missing_log(argv[1:]):
            return 1
        return by_update(argv[1], argv[2])
    if len(argv) == 2 and argv[1].isdigit():
        rounds = int(argv[1])
        if rounds == 0:
            print("ROUNDS must be at least 1", file=sys.stderr)
            return 1
        if missing_log([f"{argv[0]}/{name}_round{r}.log" for r in range(1, rounds + 1)
                        for name in ("s2s", "torch")]):
            return 1
        return summarize_folder(argv[0], rounds)
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
