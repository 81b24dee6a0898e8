package dev.elixr.tasks.language;

import dev.elixr.models.softprompt.VisionLanguageModel;
import dev.elixr.tasks.train.ImageTokenCache;
import dev.elixr.tensor.Tensor;

/**
 * The frozen Q-Former's query outputs [Q,H] of every image of a split, computed once (in batches of {@link #CHUNK}) and
 * looked up by dicom id as the tower tokens are ({@link ImageTokens}): with the Q-Former frozen and without dropout
 * ({@link VisionLanguageModel#queryOutputsFixed}) they are a fixed function of the image, so that a stage-2 step costs
 * the adapter, the LLM and the loss, where it recomputed the Q-Former for every item drawn (the demo: 28,800 items over
 * 4,187 images).
 */
final class QueryOutputCache {
    /** Images per Q-Former pass while filling the cache. */
    static final int CHUNK = 64;
    /** The most floats the cache holds; a larger split keeps computing the query outputs per step. */
    static final long MAX_FLOATS = 1L << 26;

    private QueryOutputCache() {}

    /**
     * The query outputs of a split's images, looked up as its tower tokens, or null where they are not fixed or would
     * exceed {@link #MAX_FLOATS}.
     */
    static ImageTokens of(VisionLanguageModel model, ImageTokens images) {
        ImageTokenCache.Tokens tokens = images.tokens();
        int n = tokens.count(), q = model.softTokens(), h = model.bridge().config().transformer().width();
        if (!model.queryOutputsFixed() || (long) n * q * h > MAX_FLOATS) return null;
        float[] values = new float[n * q * h];
        for (int s = 0; s < n; s += CHUNK) {
            int[] rows = java.util.stream.IntStream.range(s, Math.min(n, s + CHUNK)).toArray();
            Tensor out = model.queryOutputsOf(tokens.batch(rows)).contiguous();
            System.arraycopy(out.toFloatArray(), 0, values, s * q * h, rows.length * q * h);
        }
        return ImageTokens.of(new ImageTokenCache.Tokens(values, n, q, h, tokens.ids(), false));
    }
}
