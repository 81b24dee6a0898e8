"""Times numpy operations for elixr's side-by-side benchmarks (dev.elixr.bench.Numpy), in rounds the caller
interleaves with its own, so that both sides are timed over the same stretch of the machine's time.

Usage: python3 numpy_bench.py, then JSON lines on stdin, one JSON line answered on stdout for each:
  {"op": ..., <shape fields>, "warmup": seconds}  ->  {"ready": true}       builds the operation, runs it for warmup s
  {"round": seconds, "clock": "wall" | "thread"}   ->  {"seconds": s/call}  one timed round of at least that long
End of input ends the process. The caller sets OPENBLAS_NUM_THREADS and removes OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
from the environment (this machine sets them to Haswell values, which halves OpenBLAS).
Each answer waits until the process is quiet (quiet()): OpenBLAS's worker threads spin for about 0.1 s after a
multi-threaded call, and on a 2-core machine that spin took one of the two cores from elixr's next round.
Operations: {"op": "gemm", "m", "k", "n", "trans_b"} | {"op": "copy", "rows", "cols"} | {"op": "softmax", "rows", "cols"}
          | {"op": "layernorm", "rows", "cols"} | {"op": "attention", "b", "h", "t", "d"}
          | {"op": "depthwise", "n", "c", "h", "w", "k"}
"""
import json
import sys
import time

import numpy as np

from peer_quiet import quiet


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
    fn = None
    for line in sys.stdin:
        req = json.loads(line)
        if "op" in req:
            fn = make(req, np.random.default_rng(0))
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < req.get("warmup", 1.0):
                fn()
            quiet()
            print(json.dumps({"ready": True}), flush=True)
            continue
        if fn is None:
            raise SystemExit("a round was asked for before any operation")
        # "thread": CPU time of this thread (single-threaded OpenBLAS runs on it), immune to descheduling
        clock = time.thread_time if req.get("clock") == "thread" else time.perf_counter
        reps, t = 0, clock()
        while True:
            fn()
            reps += 1
            el = clock() - t
            if el >= req["round"]:
                break
        quiet()
        print(json.dumps({"seconds": el / reps}), flush=True)


if __name__ == "__main__":
    main()
