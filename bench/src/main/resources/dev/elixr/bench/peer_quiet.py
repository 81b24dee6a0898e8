"""Shared by elixr's bench peer scripts (copied next to each by dev.elixr.bench.BundledScript).

OpenBLAS's worker threads busy-wait for work for about 0.1 s after each multi-threaded call (OPENBLAS_THREAD_TIMEOUT,
2^28 cycles by default), and PyTorch's do the same after a step. The caller alternates its own timed rounds with the
peer's on the same cores, so a peer answers only once its process is quiet.
"""
import time


def quiet(limit=1.0, window=0.01):
    """Returns once this process's threads have used under a fifth of a core for `window` s, or after `limit` s."""
    end = time.perf_counter() + limit
    while time.perf_counter() < end:
        c = time.process_time()
        time.sleep(window)
        if time.process_time() - c < 0.2 * window:
            return
