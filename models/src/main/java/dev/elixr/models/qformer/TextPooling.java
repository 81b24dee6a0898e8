package dev.elixr.models.qformer;

/** Which states of the Q-Former's text-only pass become ITC's text feature (before {@code text_projection}). */
public enum TextPooling {
    /** BLIP-2's (Li et al. 2023, §3.2): the output of the first ([CLS]) token. */
    CLS,
    /**
     * The mean of the word states ({@link dev.elixr.models.text.WordMeanPooling}: real tokens without [CLS], [SEP] and
     * padding), as ELIXR-C's text tower pools. A deviation from BLIP-2, for a Q-Former whose text side starts from
     * ELIXR-C's text tower: that tower was trained through this mean and never through its [CLS] output.
     */
    WORD_MEAN;

    /** The name in a run's config and on the command line. */
    public String key() { return this == CLS ? "cls" : "word-mean"; }

    public static TextPooling parse(String s) {
        return switch (s) {
            case "cls" -> CLS;
            case "word-mean" -> WORD_MEAN;
            default -> throw new IllegalArgumentException("text pooling '" + s + "': expected cls or word-mean");
        };
    }
}
