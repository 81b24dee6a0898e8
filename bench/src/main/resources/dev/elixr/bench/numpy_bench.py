"""Times one numpy operation for elixr's side-by-side benchmarks (dev.elixr.bench.Numpy).

Usage: python3 numpy_bench.py '<json request>'   ->  prints {"seconds": best seconds per call}
The caller sets OPENBLAS_NUM_THREADS and removes OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE from the
environment (this machine sets them to Haswell values, which halves OpenBLAS).
Requests: {"op": "gemm", "m", "k", "n", "trans_b"} | {"op": "copy", "rows", "cols"} | {"op": "softmax", "rows", "cols"}
        | {"op": "layernorm", "rows", "cols"} | {"op": "attention", "b", "h", "t", "d"}
        | {"op": "depthwise", "n", "c", "h", "w", "k"}  (+ "warmup", "rounds", "round_seconds",
          "clock": "wall" | "thread")
"""
import json
import sys
import time

import numpy as np


def make(req, rng):
    op = req["op"]
    f32 = np.float32
    if op == "gemm":
        m, k, n = req["m"], req["k"], req["n"]
        a = rng.standard_normal((m, k), dtype=f32)
        if req.get("trans_b"):
            b = rng.standard_normal((n, k), dtype=f32)
            return lambda: a @ b.T
        b = rng.standard_normal((k, n), dtype=f32)
        return lambda: a @ b
    if op == "copy":
        x = rng.standard_normal((req["rows"], req["cols"]), dtype=f32)
        return lambda: x.copy()
    if op == "softmax":
        x = rng.standard_normal((req["rows"], req["cols"]), dtype=f32)

        def softmax():
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        return softmax
    if op == "layernorm":
        x = rng.standard_normal((req["rows"], req["cols"]), dtype=f32)
        g = rng.standard_normal(req["cols"], dtype=f32)
        bias = rng.standard_normal(req["cols"], dtype=f32)

        def layernorm():
            mu = x.mean(axis=-1, keepdims=True)
            var = x.var(axis=-1, keepdims=True)
            return (x - mu) / np.sqrt(var + f32(1e-5)) * g + bias
        return layernorm
    if op == "attention":
        b, h, t, d = req["b"], req["h"], req["t"], req["d"]
        q, k, v = (rng.standard_normal((b * h, t, d), dtype=f32) for _ in range(3))
        scale = f32(1 / np.sqrt(d))

        def attention():
            s = np.matmul(q, k.transpose(0, 2, 1)) * scale
            e = np.exp(s - s.max(axis=-1, keepdims=True))
            return np.matmul(e / e.sum(axis=-1, keepdims=True), v)
        return attention
    if op == "depthwise":
        n, c, h, w, kk = req["n"], req["c"], req["h"], req["w"], req["k"]
        x = rng.standard_normal((n, c, h, w), dtype=f32)
        wt = rng.standard_normal((c, kk, kk), dtype=f32)
        p = kk // 2
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))

        def depthwise():
            out = np.zeros((n, c, h, w), dtype=f32)
            for ky in range(kk):
                for kx in range(kk):
                    out += wt[None, :, ky, kx, None, None] * xp[:, :, ky:ky + h, kx:kx + w]
            return out
        return depthwise
    raise SystemExit("unknown op " + op)


def main():
    req = json.loads(sys.argv[1])
    fn = make(req, np.random.default_rng(0))
    # "thread": CPU time of this thread (single-threaded OpenBLAS runs on it), immune to descheduling
    clock = time.thread_time if req.get("clock") == "thread" else time.perf_counter
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < req.get("warmup", 1.0):
        fn()
    best = float("inf")
    for _ in range(req.get("rounds", 5)):
        reps, t = 0, clock()
        while True:
            fn()
            reps += 1
            el = clock() - t
            if el >= req.get("round_seconds", 0.3):
                break
        best = min(best, el / reps)
    print(json.dumps({"seconds": best}))


if __name__ == "__main__":
    main()
