package dev.elixr.tools;

import dev.elixr.models.elixr.DuplicatePolicy;
import dev.elixr.tasks.train.ContrastiveObjective;
import dev.elixr.tasks.train.DuplicateKey;
import picocli.CommandLine.Option;

/** The contrastive objective's options, shared by {@code train elixr-c} and {@code demo}. */
final class ObjectiveOptions {
    @Option(names = "--duplicates", description = "what the loss does with duplicate pairs: none, mask (out of the denominator; default), positive") String duplicates;
    @Option(names = "--duplicate-key", description = "duplicates are pairs with the same normalised text (text; default), or the same label vector (labels)") String key;
    @Option(names = "--queue", description = "MoCo-style queue of this many momentum-encoder embeddings used as extra negatives (default 0 = none)") Integer queue;
    @Option(names = "--sentence-sampling", description = "probability of training on a random subset of a report's sentences (default 0.5; 0 = full reports)") Double sentenceSampling;
    @Option(names = "--impression-only", description = "probability of training on the IMPRESSION alone, drawn before sentence sampling (default 0.5; 0 = never)") Double impressionOnly;
    @Option(names = "--drop-negated", description = "probability of dropping each negated sentence (\"No …\", \"There is no …\", \"No evidence of …\") from a training text that is not the IMPRESSION alone (default 0.5; 0 = never)") Double dropNegated;

    boolean given() {
        return duplicates != null || key != null || queue != null || sentenceSampling != null || impressionOnly != null || dropNegated != null;
    }

    /** The objective with the given options applied over base. */
    ContrastiveObjective objective(ContrastiveObjective base) {
        return new ContrastiveObjective(duplicates == null ? base.duplicates() : DuplicatePolicy.parse(duplicates),
                key == null ? base.key() : DuplicateKey.parse(key), queue == null ? base.queueSize() : queue,
                sentenceSampling == null ? base.sentenceSampling() : sentenceSampling,
                impressionOnly == null ? base.impressionOnly() : impressionOnly, dropNegated == null ? base.dropNegated() : dropNegated);
    }
}
