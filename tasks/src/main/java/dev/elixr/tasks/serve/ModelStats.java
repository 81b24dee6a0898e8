package dev.elixr.tasks.serve;

/**
 * What the model thread of an {@link ElixrServer} did so far: batches and the calls they held, seconds spent collecting
 * calls into batches, and per kind (image, text) forward passes, items embedded and seconds spent in them.
 */
public record ModelStats(long batches, long calls, double collectSeconds,
                         long imageForwards, long images, double imageSeconds,
                         long textForwards, long texts, double textSeconds) {
    /** Mean calls per batch. */
    public double meanBatch() { return batches == 0 ? 0 : (double) calls / batches; }

    /** The work between {@code before} and this. */
    public ModelStats minus(ModelStats before) {
        return new ModelStats(batches - before.batches, calls - before.calls, collectSeconds - before.collectSeconds,
                imageForwards - before.imageForwards, images - before.images, imageSeconds - before.imageSeconds,
                textForwards - before.textForwards, texts - before.texts, textSeconds - before.textSeconds);
    }
}
