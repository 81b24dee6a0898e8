package dev.elixr.tasks.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The tokens BLEU and ROUGE-L compare: lower-cased runs of letters and digits (punctuation and spaces separate them). */
public final class TextTokens {
    private TextTokens() {}

    public static List<String> of(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) if (!w.isEmpty()) out.add(w);
        return out;
    }
}
