package dev.elixr.tasks.language;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How often each training visual question of a category stands in stage 2's pool of VQA items, e.g.
 * {@code laterality=3,severity=3} ({@code elixr train elixr-b --stage 2 --vqa-repeats}; a category left out: once, 0:
 * dropped). Items are drawn uniformly from the pool ({@link MixedBatches}), so a category repeated k times is drawn k
 * times as often, at the expense of the other categories (the mix's VQA share is unchanged). Each item's copies stand
 * next to it in file order, so the pool equals the one read from a {@code vqa.jsonl} whose training lines of those
 * categories are written k times in a row. The side and the severity of a finding are about a fifth of the questions
 * (laterality 13%, severity 7% of the demo's training questions), and a stage 2 of 1,200 steps of 16 sees each of them
 * about half a time.
 */
public record QuestionRepeats(Map<String, Integer> byCategory) {
    public QuestionRepeats {
        for (var e : byCategory.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) throw new IllegalArgumentException("--vqa-repeats: a category without a name");
            if (e.getValue() == null || e.getValue() < 0)
                throw new IllegalArgumentException("--vqa-repeats: the repeats of " + e.getKey() + " must be an integer >= 0, got " + e.getValue());
        }
        byCategory = Collections.unmodifiableMap(new LinkedHashMap<>(byCategory));
    }

    /** Every question once (the default). */
    public static QuestionRepeats none() { return new QuestionRepeats(Map.of()); }

    /** "category=repeats,…" (an empty string: {@link #none()}). */
    public static QuestionRepeats parse(String s) {
        if (s == null || s.isBlank()) return none();
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String part : s.split(",")) {
            String[] kv = part.split("=");
            if (kv.length != 2 || kv[0].isBlank())
                throw new IllegalArgumentException("--vqa-repeats '" + s + "': expected category=repeats,… (e.g. laterality=3,severity=3)");
            String category = kv[0].trim();
            if (m.containsKey(category)) throw new IllegalArgumentException("--vqa-repeats '" + s + "': " + category + " given twice");
            try {
                m.put(category, Integer.parseInt(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--vqa-repeats: '" + kv[1] + "' (" + category + ") is not an integer");
            }
        }
        return new QuestionRepeats(m);
    }

    public boolean isNone() { return byCategory.values().stream().allMatch(k -> k == 1); }

    /** How many times an item of this category stands in the pool. */
    public int repeats(String category) { return byCategory.getOrDefault(category, 1); }

    /**
     * The pool: each item {@link #repeats} times in a row, in the items' order. A named category that none of the items
     * has is refused (a misspelt category would silently change nothing), naming the categories there are.
     */
    public List<Instruction> apply(List<Instruction> items) {
        Set<String> present = items.stream().map(Instruction::category).collect(Collectors.toCollection(TreeSet::new));
        for (String c : byCategory.keySet())
            if (!present.contains(c))
                throw new IllegalArgumentException("--vqa-repeats names the category '" + c + "', but no training visual question has it (categories: "
                        + String.join(", ", present) + ")");
        if (isNone()) return items;
        List<Instruction> out = new ArrayList<>();
        for (Instruction i : items) for (int k = repeats(i.category()); k > 0; k--) out.add(i);
        if (out.isEmpty()) throw new IllegalArgumentException("--vqa-repeats " + this + " leaves no training visual question");
        return out;
    }

    @Override public String toString() {
        return byCategory.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
