/**
 * Archive-scale embedding and indexing on Apache Spark ({@code elixr spark embed}): an archive listing cut into
 * partitions, each embedded by an ELIXR-C run loaded once per executor and written as one atomically committed Parquet
 * file, then one Lucene shard per partition merged into an index of {@code elixr index}'s layout
 * ({@link dev.elixr.spark.SparkEmbedJob}). Nothing else in the project depends on this module: Spark stays off the
 * class path of every other command.
 */
package dev.elixr.spark;
