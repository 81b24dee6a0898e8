package dev.elixr.tasks.eval;

import java.util.List;

/** Encodes texts into the shared image-text space; rows are L2-normalised. */
@FunctionalInterface
public interface TextEncoder {
    float[][] encode(List<String> texts);
}
