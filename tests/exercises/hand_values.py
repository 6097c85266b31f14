#!/usr/bin/env python3
"""The calculator behind the graders' expected values (tests/exercises/*.cpp).

Each function below writes one exercise's equation the way the lecture does, in
plain Python floats, for the inputs the grader sets by hand; the numbers it prints
are pasted into the grader. It is never run by a test: the graders compare the
student's code with these fixed numbers, not with a second implementation.

    python3 tests/exercises/hand_values.py [NAME]
"""
import math
import sys


def tanh(x):
    return math.tanh(x)


def sig(x):
    return 1 / (1 + math.exp(-x))


def mv(W, x):  # W (R,C) as a list of rows, x (C) -> (R)
    return [sum(w * v for w, v in zip(row, x)) for row in W]


def rows(flat, c):
    return [flat[i:i + c] for i in range(0, len(flat), c)]


def fmt(vals):
    return "{" + ", ".join(repr(float(v)) for v in vals) + "}"


def softmax(xs):
    m = max(xs)
    e = [math.exp(x - m) for x in xs]
    return [v / sum(e) for v in e]


# --- nn: cells (B = 2, E = 4, H = 3) --------------------------------------------
X = [1.0, -0.5, 0.25, 2.0, -1.0, 0.5, 1.5, -0.75]  # (2,4)
H0 = [0.5, -0.5, 0.25, -0.2, 0.4, 0.1]               # (2,3)
C0 = [-0.3, 0.6, 0.2, 0.1, -0.4, 0.5]                # (2,3)


def weights(n, scale, shift):
    """A fixed, irregular pattern of n weights (the grader lists them)."""
    return [round(scale * (((7 * i + shift) % 11) - 5) / 5, 2) for i in range(n)]


def rnn():
    Wih, bih = weights(12, 0.6, 1), weights(3, 0.2, 2)
    Whh, bhh = weights(9, 0.5, 3), weights(3, 0.1, 4)
    out = []
    for b in range(2):
        x, h = X[4 * b:4 * b + 4], H0[3 * b:3 * b + 3]
        a = [p + q + r + s for p, q, r, s in zip(mv(rows(Wih, 4), x), bih, mv(rows(Whh, 3), h), bhh)]
        out += [tanh(v) for v in a]
    return dict(W_ih=Wih, b_ih=bih, W_hh=Whh, b_hh=bhh, h=out)


def lstm():
    Wih, bih = weights(48, 0.5, 1), weights(12, 0.2, 2)
    Whh, bhh = weights(36, 0.4, 3), weights(12, 0.1, 4)
    hs, cs = [], []
    for b in range(2):
        x, h, c = X[4 * b:4 * b + 4], H0[3 * b:3 * b + 3], C0[3 * b:3 * b + 3]
        pre = [p + q + r + s for p, q, r, s in zip(mv(rows(Wih, 4), x), bih, mv(rows(Whh, 3), h), bhh)]
        i, f, g, o = pre[0:3], pre[3:6], pre[6:9], pre[9:12]
        c2 = [sig(f[k]) * c[k] + sig(i[k]) * tanh(g[k]) for k in range(3)]
        h2 = [sig(o[k]) * tanh(c2[k]) for k in range(3)]
        hs += h2
        cs += c2
    return dict(W_ih=Wih, b_ih=bih, W_hh=Whh, b_hh=bhh, h=hs, c=cs)


def gru():
    Wih, bih = weights(36, 0.5, 1), weights(9, 0.2, 2)
    Whh, bhh = weights(27, 0.4, 3), weights(9, 0.1, 4)
    out = []
    for b in range(2):
        x, h = X[4 * b:4 * b + 4], H0[3 * b:3 * b + 3]
        xi = [p + q for p, q in zip(mv(rows(Wih, 4), x), bih)]
        hh = [p + q for p, q in zip(mv(rows(Whh, 3), h), bhh)]
        r = [sig(xi[k] + hh[k]) for k in range(3)]
        z = [sig(xi[3 + k] + hh[3 + k]) for k in range(3)]
        n = [tanh(xi[6 + k] + r[k] * hh[6 + k]) for k in range(3)]
        out += [(1 - z[k]) * n[k] + z[k] * h[k] for k in range(3)]
    return dict(W_ih=Wih, b_ih=bih, W_hh=Whh, b_hh=bhh, h=out)


# --- attention (B = 2, S = 3) ------------------------------------------------------
SC = [1.0, 2.0, 3.0, 0.5, -1.0, 2.0]            # scores (2,3)
MASK = [1, 1, 0, 1, 1, 1]


def masked_softmax():
    out = []
    for b in range(2):
        s, m = SC[3 * b:3 * b + 3], MASK[3 * b:3 * b + 3]
        e = [math.exp(v) if k else 0.0 for v, k in zip(s, m)]
        out += [v / sum(e) for v in e]
    return dict(a=out)


W3 = [0.2, 0.3, 0.5, 0.6, 0.4, 0.0]                                      # (2,3)
V4 = [1, 2, 0, -1, 3, -1, 2, 0.5, 0, 4, -2, 1, -2, 1, 1, 0, 0.5, 0.5, -1, 2, 9, 9, 9, 9]  # (2,3,4)


def context():
    out = []
    for b in range(2):
        for j in range(4):
            out.append(sum(W3[3 * b + i] * V4[12 * b + 4 * i + j] for i in range(3)))
    return dict(c=out)


Q4 = [1, 2, -1, 0.5, -1, 0.5, 2, 1]                                      # (2,4)
K4 = [1, 0, 0, 1, 2, -1, 0.5, 0, 0, 1, 1, -1,
      3, 1, -2, 0, 0.5, 0.5, 1, 1, -1, 0, 2, 2]                          # (2,3,4)


def dot():
    e = []
    for b in range(2):
        q = Q4[4 * b:4 * b + 4]
        for i in range(3):
            e.append(sum(a * c for a, c in zip(q, K4[12 * b + 4 * i:12 * b + 4 * i + 4])))
    return dict(dot=e, scaled=[v / 2 for v in e])  # √Hk = √4 = 2


WG = [1, 0, 2, 0.5, -1, 0, 0.5, -1, 1, 0.25, -0.5, 1, 0, 0, 2, 1, 0, 1, -1, 0]  # (4,5)
KG = [1, 2, 3, 0, -1, -1, 0, 0.5, 1, 1, 2, -1, 0, 0, 1,
      0.5, 0.5, -1, 2, 0, 1, 0, 0, -2, 1, -1, 1, 1, 0.5, 0]                       # (2,3,5)


def general():
    e = []
    for b in range(2):
        q = Q4[4 * b:4 * b + 4]
        u = [sum(q[r] * WG[5 * r + c] for r in range(4)) for c in range(5)]  # qᵀW (5)
        for i in range(3):
            e.append(sum(a * c for a, c in zip(u, KG[15 * b + 5 * i:15 * b + 5 * i + 5])))
    return dict(e=e)


KP = [0.4, -0.3, 0.1, 0.8, 0.0, 0.6, -0.5, 0.2, -0.7, 0.3, 0.9, -0.1,
      0.5, 0.5, -0.2, 0.0, -0.4, 0.1, 0.3, 0.6, 1.0, -0.8, 0.0, 0.2]    # kp (2,3,4)
QP = [0.3, -0.1, 0.2, -0.4, -0.6, 0.2, 0.5, 0.1]                      # qp (2,4)
VA = [1.0, -2.0, 0.5, 1.5]                                            # v (4)


def additive():
    e = []
    for b in range(2):
        for i in range(3):
            k = KP[12 * b + 4 * i:12 * b + 4 * i + 4]
            e.append(sum(VA[a] * tanh(k[a] + QP[4 * b + a]) for a in range(4)))
    return dict(e=e)


WA = [1, 2, 0, -1, 0.5, -1, 1, 0, -2, 0.25, 0, 1, 3, 3, -1, 0.5, 0, 0, 1, 1]  # (5,4)


def location():
    e = []
    for b in range(2):
        all5 = mv(rows(WA, 4), Q4[4 * b:4 * b + 4])
        e += all5[:3]
    return dict(e=e)


# local-p: B = 2, S = 5, lengths 5 and 4, cosine scores (β = 1), D = 2, P = 1
QL = [0.5, 0.25, -0.3, 0.8]                                                  # (2,2)
KL = [1, 0, 0, 1, 1, 1, -1, 0.5, 0.3, -0.2,
      0.2, 0.9, -1, -1, 0.5, 0, 1, 0.4, 7, 7]                                # (2,5,2)
LENS = [5, 4]
WP, VP = [0.8, -0.4], 1.5


def local():
    pos, w = [], []
    for b in range(2):
        q = QL[2 * b:2 * b + 2]
        p = (LENS[b] - 1) * sig(VP * tanh(WP[0] * q[0] + WP[1] * q[1]))
        pos.append(p)
        nq = math.sqrt(q[0] ** 2 + q[1] ** 2 + 1e-8)
        sc = []
        for s in range(5):
            k = KL[10 * b + 2 * s:10 * b + 2 * s + 2]
            nk = math.sqrt(k[0] ** 2 + k[1] ** 2 + 1e-8)
            sc.append((q[0] * k[0] + q[1] * k[1]) / (nq * nk) - (s - p) ** 2 / 2)  # σ = D/2 = 1
        keep = [s < LENS[b] and abs(s - p) <= 2 for s in range(5)]
        e = [math.exp(v) if k else 0.0 for v, k in zip(sc, keep)]
        w += [v / sum(e) for v in e]
    return dict(position=pos, weights=w)


def bottleneck():
    # B = 2, V = 4, E = 1, H = 1, feed_summary: cell input [emb(y); s_0]
    emb = [0, 0.1, 0.2, 0.3]
    wih, bih, whh, bhh = [0.5, -0.4], 0.1, 0.3, -0.05
    ow, ob = [1, -1, 0.5, 2], [0, 0.1, 0.2, 0.3]
    s0 = [0.6, -0.2]
    h = list(s0)
    out = {}
    for step, ys in ((1, [2, 1]), (2, [3, 0])):
        h = [tanh(wih[0] * emb[ys[b]] + wih[1] * s0[b] + bih + whh * h[b] + bhh) for b in range(2)]
        out[f"h{step}"] = h
        out[f"logits{step}"] = [ow[v] * h[b] + ob[v] for b in range(2) for v in range(4)]
    return out


def context_input():
    # B = 2, S = 3, E = H = Hv = 1, dot score, placement input
    emb = [0, 0.1, 0.2, 0.3]
    wih, bih, whh, bhh = [0.5, -0.4], 0.1, 0.3, -0.05
    cw, cb = [0.7, -0.6], 0.05
    ow, ob = [1, -1, 0.5, 2], [0, 0.1, 0.2, 0.3]
    enc = [[0.5, -1, 2], [1, 0.25, 0]]  # h_1..h_3 per row; row 1 has length 2
    lens = [3, 2]
    s0 = [0.4, -0.3]
    y = [3, 1]
    a_all, h_all, lg = [], [], []
    for b in range(2):
        sc = [s0[b] * enc[b][i] for i in range(3)]
        e = [math.exp(v) if i < lens[b] else 0.0 for i, v in enumerate(sc)]
        a = [v / sum(e) for v in e]
        c = sum(a[i] * enc[b][i] for i in range(3))
        s1 = tanh(wih[0] * emb[y[b]] + wih[1] * c + bih + whh * s0[b] + bhh)
        ht = tanh(cw[0] * c + cw[1] * s1 + cb)
        a_all += a
        h_all.append(s1)
        lg += [ow[v] * ht + ob[v] for v in range(4)]
    return dict(weights=a_all, h=h_all, logits=lg)


def greedy():
    # the table decoder of the grader: row b's next logits depend on the previous token
    table = [{1: [0, 0, 0.5, 2.0, 1.0], 3: [0, 0, 0.2, 0.1, 1.5], 4: [0, 0, 3.0, 0.5, 0.2]},
             {1: [0, 0, 0.1, 0.3, 1.2], 4: [0, 0, 2.0, 0.2, 0.4]}]
    out = {}
    for b in range(2):
        y, lp, toks = 1, 0.0, []
        for _ in range(10):
            logits = table[b][y]
            m = max(logits)
            lse = m + math.log(sum(math.exp(v - m) for v in logits))
            best = logits.index(m)
            lp += logits[best] - lse
            if best == 2:
                break
            toks.append(best)
            y = best
        out[f"row{b}"] = (toks, lp)
    first = table[0][1]
    out["one"] = max(first) - math.log(sum(math.exp(v) for v in first))
    return out


ALL = dict(rnn=rnn, lstm=lstm, gru=gru, masked_softmax=masked_softmax, context=context, dot=dot,
           general=general, additive=additive, location=location, local=local,
           bottleneck=bottleneck, context_input=context_input, greedy=greedy)

if __name__ == "__main__":
    for name in sys.argv[1:] or ALL:
        print(f"--- {name}")
        for k, v in ALL[name]().items():
            print(f"{k}: {fmt(v) if isinstance(v, list) else v}")
