package dev.elixr.tensor.backend;

/** Softmax or its logarithm (computed stably from the shifted logits, not as log of the softmax). */
public enum SoftmaxMode {
    SOFTMAX, LOG_SOFTMAX
}
