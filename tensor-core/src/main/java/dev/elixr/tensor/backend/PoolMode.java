package dev.elixr.tensor.backend;

/** What a pooling window computes: its maximum, or its average (padded cells count, PyTorch's count_include_pad). */
public enum PoolMode {
    MAX, AVERAGE
}
