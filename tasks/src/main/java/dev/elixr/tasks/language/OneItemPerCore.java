package dev.elixr.tasks.language;

import dev.elixr.models.softprompt.VisionLanguageModel;
import dev.elixr.tensor.Parallel;

import java.util.function.IntConsumer;

/**
 * Evaluations of a stage-2 model item by item, one item per core at a time: an item's products (a soft prompt, a
 * prompt of a few dozen tokens, answers of a few) are a few rows each, too small to split well across cores, so the
 * items are split instead and each runs its kernels on its own thread. The first item runs on the calling thread
 * alone (it makes the model's kept weight copies, {@code Projection}'s prefill copies); the model is held in
 * evaluation mode throughout (each soft prompt would otherwise switch the shared mode and back). An item's numbers
 * may differ from a run split across cores in the last float bits (a product split over threads can sum in another
 * order). On 2 cores (AVX2) the demo's 591 report-QA validation items went from 55 to 22 s.
 */
final class OneItemPerCore {
    private OneItemPerCore() {}

    /** Runs item(k) for k in [0, n); item must only write what belongs to item k. */
    static void run(VisionLanguageModel model, int n, IntConsumer item) {
        if (n <= 0) return;
        boolean training = model.isTraining();
        model.eval();
        try {
            item.accept(0);
            Parallel.forChunks(n - 1, 1, (s, e) -> {
                for (int k = s + 1; k < e + 1; k++) item.accept(k);
            });
        } finally {
            model.train(training);
        }
    }
}
