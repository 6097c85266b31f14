#!/usr/bin/python3
"""Reference numbers for gemm_bench: numpy's float32 matmul (sgemm from the
system BLAS, e.g. OpenBLAS) in GFLOP/s, same sizes and same output format.

Run with Debian's python, which has numpy:  /usr/bin/python3 bench/gemm_numpy.py
Thread count: OPENBLAS_NUM_THREADS=1 (or 2) like S2S_THREADS for gemm_bench.
"""
import statistics
import sys
import time

try:
    import numpy as np
except ImportError:
    print("skipped: numpy not installed")
    sys.exit(0)


def measure(m, k, n):
    """Median GFLOP/s of C (m,n) = A (m,k) B (k,n) over 7 timed runs."""
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
    c = np.empty((m, n), dtype=np.float32)
    flops = 2.0 * m * n * k
    reps = max(1, int(2e8 / flops))  # ~0.2 GFLOP per timed run
    np.matmul(a, b, out=c)  # warm up
    runs = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        runs.append(flops * reps / (time.perf_counter() - t0) * 1e-9)
    return statistics.median(runs)


def main():
    print(f"# numpy {np.__version__} float32 matmul")
    for n in (64, 128, 256, 512, 1024):
        print(f"n={n} gflops={measure(n, n, n):.1f}")
    for m, k, n in ((16, 64, 256), (16, 256, 1024), (64, 256, 256)):
        print(f"shape={m}x{k}x{n} gflops={measure(m, k, n):.1f}")


if __name__ == "__main__":
    main()
