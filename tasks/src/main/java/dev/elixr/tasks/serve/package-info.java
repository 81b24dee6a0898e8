/**
 * {@code elixr serve}: a trained run behind HTTP/JSON on the JDK's own server with virtual threads
 * ({@link dev.elixr.tasks.serve.ElixrServer}): embedding, zero-shot classification and index search endpoints, health and
 * Prometheus metrics, an optional bearer token, body and image-header limits, micro-batched model calls behind a bounded
 * queue ({@link dev.elixr.tasks.serve.MicroBatcher}), and graceful shutdown.
 */
package dev.elixr.tasks.serve;
