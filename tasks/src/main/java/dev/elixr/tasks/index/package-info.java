/**
 * A persistent vector index of image embeddings ({@code elixr index build|add|search}): Lucene HNSW over unit vectors
 * with exact re-ranking ({@link dev.elixr.tasks.index.VectorIndex}), built resumably from a data set
 * ({@link dev.elixr.tasks.index.IndexBuilder}) through the one model interface {@link dev.elixr.tasks.index.Embedder}.
 */
package dev.elixr.tasks.index;
