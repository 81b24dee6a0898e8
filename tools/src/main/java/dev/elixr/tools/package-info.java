/**
 * The {@code elixr} command line (picocli): {@link dev.elixr.tools.Elixr} is the root, and each subcommand is a small
 * class that parses options and wires the modules together (data, train, eval, embed, demo, index, serve, forward,
 * tokenize, generate, logits, ask, describe, check-report, bench, info; spark, which starts the spark module's job in a
 * JVM of its own). It holds no logic of its own.
 */
package dev.elixr.tools;
