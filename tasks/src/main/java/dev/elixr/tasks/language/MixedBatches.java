package dev.elixr.tasks.language;

import dev.elixr.tasks.data.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Stage-2 training batches drawn in the {@link TaskMix}'s proportions: each slot of step s draws a task with the mix's
 * probabilities (or, when the mix is {@link TaskMix#perStep drawn per step}, the step draws one task for all its slots),
 * then an item of that task uniformly (with replacement), from one stream seeded by (seed, step)
 * ({@link Seeds#instructionMix}); a batch is therefore a pure function of seed and step, and a resumed run sees the
 * same batches.
 */
public final class MixedBatches {
    private final Map<LanguageTask, List<Instruction>> items;
    private final TaskMix mix;
    private final long seed;

    public MixedBatches(Map<LanguageTask, List<Instruction>> items, TaskMix mix, long seed) {
        for (LanguageTask t : LanguageTask.values()) {
            if (mix.weight(t) > 0 && items.getOrDefault(t, List.of()).isEmpty())
                throw new IllegalArgumentException("--mix gives " + t.id() + " a weight of " + mix.weight(t) + ", but the training split has no "
                        + t.id() + " item" + (t == LanguageTask.VQA ? " (" + InstructionSet.VQA + ")" : t == LanguageTask.REPORT_QA ? " (" + InstructionSet.REPORT_QA + ")" : ""));
        }
        this.items = items;
        this.mix = mix;
        this.seed = seed;
    }

    public List<Instruction> batch(long step, int size) {
        SplittableRandom r = new SplittableRandom(Seeds.instructionMix(seed, step));
        List<Instruction> out = new ArrayList<>(size);
        LanguageTask once = mix.perStep() ? mix.draw(r.nextDouble()) : null;
        for (int i = 0; i < size; i++) {
            List<Instruction> pool = items.get(once != null ? once : mix.draw(r.nextDouble()));
            out.add(pool.get(r.nextInt(pool.size())));
        }
        return out;
    }
}
