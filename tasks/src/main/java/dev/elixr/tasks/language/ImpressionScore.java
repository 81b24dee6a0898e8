package dev.elixr.tasks.language;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.synth.MiniLabeler;
import dev.elixr.tasks.metrics.Bleu;
import dev.elixr.tasks.metrics.FindingF1;
import dev.elixr.tasks.metrics.RougeL;
import dev.elixr.tasks.metrics.TextTokens;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Scores of generated impressions against the reference ones (Xu et al. 2023 evaluate impressions clinically; we
 * follow the CheXbert-F1 practice of report generation with our keyword labeller, {@link MiniLabeler}, the one that
 * checks the synthetic reports): per finding, the F1 of "asserted" (label 1) in the generated text against the
 * reference; their macro mean over the findings either side names; corpus BLEU-4 ({@link Bleu}) and mean ROUGE-L F1
 * ({@link RougeL}) over {@link TextTokens}.
 */
public final class ImpressionScore {
    private ImpressionScore() {}

    /** The findings the labeller reads as asserted (label 1) in a text, in CheXpert column order, joined by "; ". */
    public static String asserted(String text) {
        float[] v = MiniLabeler.label(text);
        StringJoiner j = new StringJoiner("; ");
        for (CheXpertLabel l : MiniLabeler.findings()) if (v[l.ordinal()] == 1f) j.add(l.column());
        return j.toString();
    }

    /** Metrics of generated texts against references (same order): per-finding F1, macro F1, BLEU-4, ROUGE-L. */
    public static Map<String, Object> score(List<String> generated, List<String> references) {
        if (generated.size() != references.size())
            throw new IllegalArgumentException("impression scores: " + generated.size() + " generated texts but " + references.size() + " references");
        Map<CheXpertLabel, FindingF1> per = new LinkedHashMap<>();
        for (CheXpertLabel l : MiniLabeler.findings()) per.put(l, new FindingF1());
        List<List<String>> cand = new ArrayList<>(), ref = new ArrayList<>();
        double rouge = 0;
        for (int i = 0; i < generated.size(); i++) {
            float[] g = MiniLabeler.label(generated.get(i)), r = MiniLabeler.label(references.get(i));
            per.forEach((l, f) -> f.add(r[l.ordinal()] == 1f, g[l.ordinal()] == 1f));
            List<String> c = TextTokens.of(generated.get(i)), t = TextTokens.of(references.get(i));
            cand.add(c);
            ref.add(t);
            rouge += RougeL.f1(c, t);
        }
        Map<String, Object> byFinding = new LinkedHashMap<>();
        double sum = 0;
        int defined = 0;
        for (var e : per.entrySet()) {
            FindingF1 f = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("f1", f.f1());
            m.put("support", f.support());
            m.put("true_positives", f.truePositives());
            m.put("false_positives", f.falsePositives());
            m.put("false_negatives", f.falseNegatives());
            byFinding.put(e.getKey().column(), m);
            if (f.f1() != null) {
                sum += f.f1();
                defined++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("macro_f1", defined == 0 ? null : sum / defined);
        out.put("findings_in_macro", defined);
        out.put("bleu4", Bleu.bleu4(cand, ref));
        out.put("rouge_l", generated.isEmpty() ? null : rouge / generated.size());
        out.put("by_finding", byFinding);
        return out;
    }
}
