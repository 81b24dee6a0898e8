/**
 * {@code elixr serve}: a trained run behind HTTP/JSON on the JDK's own server with virtual threads
 * ({@link dev.elixr.tasks.serve.ElixrServer}): embedding, zero-shot classification and index search endpoints (the
 * index refreshed on a schedule, so that added images become searchable), with an ELIXR-B stage-2 run the question,
 * description and report-check endpoints ({@link dev.elixr.tasks.serve.LanguageService}), health and Prometheus
 * metrics, an optional bearer token, body and image-header limits, micro-batched model calls behind a bounded queue
 * ({@link dev.elixr.tasks.serve.MicroBatcher}), and graceful shutdown.
 */
package dev.elixr.tasks.serve;
