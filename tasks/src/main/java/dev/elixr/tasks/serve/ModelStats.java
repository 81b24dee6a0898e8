package dev.elixr.tasks.serve;

/**
 * What the model thread of an {@link ElixrServer} did so far: batches and the calls they held, seconds spent collecting
 * calls into batches, and per kind (image, text) forward passes, items embedded, seconds spent in them (wall clock) and
 * the model thread's own CPU seconds in them (the kernel pool's threads not counted: where the forward ran serially,
 * this is all of its CPU; on a shared machine it is the cost that the scheduler does not blur).
 */
public record ModelStats(long batches, long calls, double collectSeconds,
                         long imageForwards, long images, double imageSeconds, double imageCpuSeconds,
                         long textForwards, long texts, double textSeconds, double textCpuSeconds) {
    /** Mean calls per batch. */
    public double meanBatch() { return batches == 0 ? 0 : (double) calls / batches; }

    /** The work between {@code before} and this. */
    public ModelStats minus(ModelStats before) {
        return new ModelStats(batches - before.batches, calls - before.calls, collectSeconds - before.collectSeconds,
                imageForwards - before.imageForwards, images - before.images, imageSeconds - before.imageSeconds, imageCpuSeconds - before.imageCpuSeconds,
                textForwards - before.textForwards, texts - before.texts, textSeconds - before.textSeconds, textCpuSeconds - before.textCpuSeconds);
    }
}
