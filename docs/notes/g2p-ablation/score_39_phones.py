#!/usr/bin/python3
"""Scores a model's test-set output three ways: as is, with Festival's `ax` merged into `ah`
(the 39-phone set of the field's CMUdict results), and with every vowel as one class.

  /usr/bin/python3 docs/notes/g2p-ablation/score_39_phones.py words > words.txt
  s2s translate --model MODEL --beam 4 < words.txt > out.txt
  /usr/bin/python3 docs/notes/g2p-ablation/score_39_phones.py score out.txt

The test words and their pronunciations come from bench/g2p_torch.py's loader, which gives the
same split as s2s (checked against s2s train --dry-run)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "bench"))
import g2p_torch  # noqa: E402

VOWELS = set("aa ae ah ao aw ax ay eh er ey ih iy ow oy uh uw".split())


def edit_distance(a, b):
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(b) + 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] != b[j - 1]))
    return d[len(b)]


def score(test, outputs, mapped):
    """WER (any reference) and PER (closest reference), in %, after mapping every phone."""
    wrong = errors = phones = 0
    for (_, refs), out in zip(test, outputs):
        out = [mapped(p) for p in out]
        refs = [[mapped(p) for p in r] for r in refs]
        wrong += all(out != r for r in refs)
        closest = min(refs, key=lambda r: edit_distance(out, r))
        errors += edit_distance(out, closest)
        phones += len(closest)
    return 100 * wrong / len(test), 100 * errors / phones


def main():
    test = g2p_torch.load_cmudict(g2p_torch.CMUDICT)[0][2]
    if sys.argv[1:2] == ["words"]:
        for word, _ in test:
            print("".join(word))
        return
    outputs = [line.split() for line in open(sys.argv[2])]
    assert len(outputs) == len(test), "one output line per test word"
    for name, mapped in (("as is", lambda p: p),
                         ("ax -> ah (39 phones)", lambda p: "ah" if p == "ax" else p),
                         ("vowels as one class", lambda p: "V" if p in VOWELS else p)):
        print("%-22s WER %.1f%%  PER %.1f%%" % ((name,) + score(test, outputs, mapped)))


if __name__ == "__main__":
    main()
