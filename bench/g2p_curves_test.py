#!/usr/bin/env python3
"""g2p_curves.py on two small hand-made logs, its numbers computed by hand (ctest)."""
import contextlib
import importlib.util
import io
import os
import sys
import tempfile

spec = importlib.util.spec_from_file_location(
    "g2p_curves", os.path.join(os.path.dirname(os.path.abspath(__file__)), "g2p_curves.py"))
curves = importlib.util.module_from_spec(spec)
spec.loader.exec_module(curves)


def line(epoch, exact, steps, seconds):
    return (f"  epoch {epoch:2d}: train loss 0.9000  valid loss 0.3000  valid exact {exact:5.1f}%  "
            f"|g| 0.30  lr 0.003  {steps} steps  {seconds:.1f}s\n")


def run(*args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = curves.main(list(args))
    return code, out.getvalue()


failures = []


def expect(text, what):
    if what not in text:
        failures.append(f"missing {what!r} in:\n{text}")


with tempfile.TemporaryDirectory() as d:
    ours, twin = os.path.join(d, "s2s.log"), os.path.join(d, "twin.log")
    with open(ours, "w") as f:  # s2s: 60 s a validation interval
        f.write("model: x (3238572 parameters); 95211 training pairs, 5253 valid, 5349 test\n")
        f.writelines([line(1, 50, 1000, 60), line(2, 60, 2000, 120), line(3, 70, 3000, 180)])
        f.write("test set: WER 27.6%  PER 6.6%  exact match 72.4%\n")
    with open(twin, "w") as f:  # the twin: 300 s, and its best is 65% at update 3000
        f.writelines([line(1, 51, 1000, 300), line(2, 59, 2000, 600), line(3, 65, 3000, 900)])
        f.write("test set: WER 28.0%  PER 6.8%  exact match 72.0%\n")
    code, text = run("--by-update", ours, twin)
    if code != 0:
        failures.append(f"--by-update exit code {code}")
    # twin - s2s: +1, -1, -5 points
    expect(text, "3 updates in common; twin - s2s: mean -1.67, from -5.0 to +1.0 points")
    expect(text, "s2s: best valid exact 70.0% at update 3000; 60 ms an update from update 1000 to 3000")
    expect(text, "twin: best valid exact 65.0% at update 3000; 300 ms an update")
    expect(text, "time an update, s2s / twin: 0.20")
    expect(text, "target: 65.0% valid exact, the lower of the two runs' best")
    # s2s first reaches 65% at 3000 (180 s); interpolated between (120 s, 60%) and
    # (180 s, 70%): 150 s. The twin: 900 s. Ratios 0.20, 0.17; from the first
    # validation (180 - 60) / (900 - 300) = 0.20.
    expect(text, "time to 65.0% valid exact: s2s 3.00 min (interpolated 2.50)")
    expect(text, "time to 65.0% valid exact: twin 15.00 min (interpolated 15.00)")
    expect(text, "ratio s2s / twin: 0.20 at validations, 0.17 interpolated, 0.20 from the first validation")
    expect(text, "s2s test set: WER 27.6%")
    expect(text, "twin test set: WER 28.0%")
    # The other way round (the twin ahead): the target is still the lower best, 65%.
    code, text = run("--by-update", twin, ours)
    expect(text, "target: 65.0% valid exact, the lower of the two runs' best")
    expect(text, "time to 65.0% valid exact: s2s 15.00 min")
    # A log without validation lines, and a wrong call.
    empty = os.path.join(d, "empty.log")
    open(empty, "w").close()
    code, text = run("--by-update", ours, empty)
    if code != 1 or "no validation line" not in text:
        failures.append(f"an empty log: exit {code}, {text!r}")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code, _ = run("--by-update", ours, os.path.join(d, "absent.log"))
    if code != 1 or "no such log" not in err.getvalue():
        failures.append(f"a missing log: exit {code}, {err.getvalue()!r}")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):  # folder mode: a folder without the round logs
        code, _ = run(os.path.join(d, "absent"), "1")
    if code != 1 or "no such log" not in err.getvalue():
        failures.append(f"a missing folder: exit {code}, {err.getvalue()!r}")
    with contextlib.redirect_stderr(io.StringIO()):
        code, _ = run("--by-update", ours)
    if code != 2:
        failures.append(f"a missing argument: exit {code}, want 2")

for f in failures:
    print("FAIL:", f)
print(f"g2p_curves: {len(failures)} failures")
sys.exit(1 if failures else 0)
