package dev.elixr.tasks.language;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The proportions in which stage-2 batches draw from the tasks, e.g. {@code impression=0.25,vqa=0.5,report-qa=0.25}
 * (normalised to sum to one; a task left out gets none), and whether each item of a batch draws its task
 * ({@code perStep} false) or each step draws one task for its whole batch ({@code perStep} true). Batches are padded
 * to their longest row, and a report check (the whole report in its prompt) is several times longer than a visual
 * question: in a mixed batch of 8 with a quarter report checks, nine batches in ten pay for a report's length on every
 * row; one task per step lets a question batch cost a question's length.
 */
public record TaskMix(Map<LanguageTask, Double> weights, boolean perStep) {
    public TaskMix(Map<LanguageTask, Double> weights) { this(weights, false); }

    public TaskMix {
        double sum = 0;
        for (var e : weights.entrySet()) {
            if (!(e.getValue() >= 0 && Double.isFinite(e.getValue())))
                throw new IllegalArgumentException("--mix: the weight of " + e.getKey().id() + " must be a finite number >= 0, got " + e.getValue());
            sum += e.getValue();
        }
        if (!(sum > 0)) throw new IllegalArgumentException("--mix: at least one task needs a positive weight");
        Map<LanguageTask, Double> n = new EnumMap<>(LanguageTask.class);
        for (var e : weights.entrySet()) if (e.getValue() > 0) n.put(e.getKey(), e.getValue() / sum);
        weights = Map.copyOf(n);
    }

    /** A quarter impressions, half questions, a quarter report checks. */
    public static TaskMix standard() { return parse("impression=0.25,vqa=0.5,report-qa=0.25"); }

    /** The same proportions, drawn once per step for the whole batch. */
    public TaskMix drawnPerStep() { return new TaskMix(weights, true); }

    /** "task=weight,…" with tasks impression, vqa, report-qa. */
    public static TaskMix parse(String s) {
        Map<LanguageTask, Double> w = new EnumMap<>(LanguageTask.class);
        for (String part : s.split(",")) {
            String[] kv = part.split("=");
            if (kv.length != 2) throw new IllegalArgumentException("--mix '" + s + "': expected task=weight,… (e.g. impression=0.25,vqa=0.5,report-qa=0.25)");
            try {
                w.put(LanguageTask.parse(kv[0]), Double.parseDouble(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--mix: '" + kv[1] + "' is not a number");
            }
        }
        return new TaskMix(w);
    }

    public double weight(LanguageTask t) { return weights.getOrDefault(t, 0.0); }

    /** The task of a uniform draw u in [0, 1): the tasks in declaration order, each taking its share. */
    public LanguageTask draw(double u) {
        LanguageTask last = null;
        for (LanguageTask t : LanguageTask.values()) {
            if (weight(t) == 0) continue;
            last = t;
            u -= weight(t);
            if (u < 0) return t;
        }
        return last;
    }

    @Override public String toString() {
        return java.util.Arrays.stream(LanguageTask.values()).filter(t -> weight(t) > 0)
                .map(t -> t.id() + "=" + String.format(Locale.ROOT, "%.4g", weight(t))).collect(Collectors.joining(","))
                + (perStep ? " (one task per step)" : "");
    }
}
