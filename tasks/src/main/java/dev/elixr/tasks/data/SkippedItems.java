package dev.elixr.tasks.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run left out of its data, per split, kind ("images", "reports") and reason ("missing", "binary",
 * "corrupt_or_truncated", ...), each with a count and the first {@link #NAMED} files: recorded in {@code run.json} and
 * {@code metrics.json} and printed at the end, so that nothing is skipped silently. Safe to fill from parallel decoding.
 */
public final class SkippedItems {
    public static final int NAMED = 5;
    public static final String IMAGES = "images", REPORTS = "reports";
    /** An image left out because its study's report is unusable (the report is counted under {@link #REPORTS}). */
    public static final String NO_USABLE_REPORT = "no_usable_report";

    private final Map<String, Map<String, Map<String, Tally>>> bySplit = new LinkedHashMap<>();

    private static final class Tally {
        int count;
        final List<String> first = new ArrayList<>();
    }

    public synchronized void add(String split, String kind, String reason, Path file) {
        Tally t = bySplit.computeIfAbsent(split, s -> new LinkedHashMap<>()).computeIfAbsent(kind, k -> new LinkedHashMap<>())
                .computeIfAbsent(reason, r -> new Tally());
        t.count++;
        if (t.first.size() < NAMED) t.first.add(file.toString());
    }

    /** Adds every entry of {@code other}. */
    public synchronized SkippedItems addAll(SkippedItems other) {
        other.toJson().forEach((split, kinds) -> kinds.forEach((kind, reasons) -> reasons.forEach((reason, e) -> {
            Tally t = bySplit.computeIfAbsent(split, s -> new LinkedHashMap<>()).computeIfAbsent(kind, k -> new LinkedHashMap<>())
                    .computeIfAbsent(reason, r -> new Tally());
            t.count += e.count();
            for (String f : e.first()) if (t.first.size() < NAMED) t.first.add(f);
        })));
        return this;
    }

    /** One reason's count and first files, as written to JSON. */
    public record Entry(int count, List<String> first) {}

    /** split → kind → reason → {count, first}; empty when nothing was skipped. */
    public synchronized Map<String, Map<String, Map<String, Entry>>> toJson() {
        Map<String, Map<String, Map<String, Entry>>> out = new LinkedHashMap<>();
        bySplit.forEach((split, kinds) -> {
            Map<String, Map<String, Entry>> k = new LinkedHashMap<>();
            kinds.forEach((kind, reasons) -> {
                Map<String, Entry> r = new LinkedHashMap<>();
                reasons.forEach((reason, t) -> r.put(reason, new Entry(t.count, List.copyOf(t.first))));
                k.put(kind, r);
            });
            out.put(split, k);
        });
        return out;
    }

    public synchronized int count(String split, String kind, String reason) {
        Tally t = bySplit.getOrDefault(split, Map.of()).getOrDefault(kind, Map.of()).get(reason);
        return t == null ? 0 : t.count;
    }

    /** Items of {@code kind} skipped in {@code split}, all reasons together. */
    public synchronized int total(String split, String kind) {
        return bySplit.getOrDefault(split, Map.of()).getOrDefault(kind, Map.of()).values().stream().mapToInt(t -> t.count).sum();
    }

    public synchronized boolean isEmpty() { return bySplit.isEmpty(); }

    /**
     * One line per split, e.g. {@code skipped in train: 3 reports (2 missing: a, b; 1 binary: c); 4 images (3 without
     * a usable report; 1 missing: d)}; none when nothing was skipped.
     */
    public synchronized List<String> lines() {
        List<String> out = new ArrayList<>();
        bySplit.forEach((split, kinds) -> {
            List<String> parts = new ArrayList<>();
            kinds.forEach((kind, reasons) -> {
                int n = reasons.values().stream().mapToInt(t -> t.count).sum();
                List<String> why = new ArrayList<>();
                reasons.forEach((reason, t) -> why.add(reason.equals(NO_USABLE_REPORT) ? t.count + " without a usable report"
                        : t.count + " " + reason + ": " + String.join(", ", t.first) + (t.count > t.first.size() ? ", ..." : "")));
                parts.add(n + " " + kind + " (" + String.join("; ", why) + ")");
            });
            out.add("skipped in " + split + ": " + String.join("; ", parts));
        });
        return out;
    }
}
