package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding;
import dev.elixr.tasks.data.Finding.Laterality;
import dev.elixr.tasks.data.Finding.Severity;
import dev.elixr.tasks.data.synth.ReportPlan.Mention;
import dev.elixr.tasks.data.synth.ReportPlan.Polarity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.elixr.tasks.data.CheXpertLabel.*;

/**
 * Report quality assurance items (ELIXR section 2.5): the study's report rewritten in fresh words, either correct
 * or with one injected error: an omitted finding, an inserted finding, swapped laterality or a wrong severity.
 */
final class ReportQaGenerator {
    private ReportQaGenerator() {}

    private static final List<CheXpertLabel> GRADED = List.of(PLEURAL_EFFUSION, PNEUMOTHORAX, CARDIOMEGALY, EDEMA);

    static Map<String, Object> generate(String dicomId, String split, List<Finding> truth, ReportPlan plan, boolean hasPrior, SplittableRandom r) {
        String error = "none";
        ReportPlan shown = plan;
        if (r.nextBoolean()) {
            String[] kinds = {"omission", "insertion", "laterality", "severity"};
            for (int tries = 0; tries < 8 && shown == plan; tries++) {
                String k = kinds[r.nextInt(kinds.length)];
                ReportPlan e = inject(k, truth, plan, r);
                if (e != null) { shown = e; error = k; }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dicom_id", dicomId);
        m.put("report", ReportWriter.sections(shown, hasPrior, r).text().replace('\n', ' '));
        m.put("correct", error.equals("none"));
        m.put("error", error);
        m.put("split", split);
        return m;
    }

    private static List<Mention> positives(ReportPlan p) {
        return p.mentions().stream().filter(m -> m.polarity() == Polarity.POSITIVE && m.label() != SUPPORT_DEVICES).toList();
    }

    private static Mention plain(Mention m, Finding f) { return new Mention(m.label(), Polarity.POSITIVE, List.of(f), ReportPlan.Change.NONE); }

    static ReportPlan inject(String kind, List<Finding> truth, ReportPlan plan, SplittableRandom r) {
        List<Mention> pos = positives(plan);
        switch (kind) {
            case "omission" -> {
                if (pos.isEmpty()) return null;
                return plan.with(pos.get(r.nextInt(pos.size())).label(), null);
            }
            case "insertion" -> {
                List<CheXpertLabel> free = new ArrayList<>();
                for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
                    if (l != SUPPORT_DEVICES && truth.stream().noneMatch(f -> f.label() == l) && plan.polarity(l) != Polarity.UNCERTAIN) free.add(l);
                }
                if (free.isEmpty()) return null;
                CheXpertLabel l = free.get(r.nextInt(free.size()));
                return plan.with(l, new Mention(l, Polarity.POSITIVE, List.of(FindingSampler.random(r, l)), ReportPlan.Change.NONE));
            }
            case "laterality" -> {
                List<Mention> lat = pos.stream().filter(m -> m.first().laterality() != null).toList();
                if (lat.isEmpty()) return null;
                Mention m = lat.get(r.nextInt(lat.size()));
                Finding f = m.first();
                Laterality flipped = f.laterality() == Laterality.BILATERAL ? (r.nextBoolean() ? Laterality.LEFT : Laterality.RIGHT) : f.laterality().opposite();
                if (f.label() == EDEMA) return null;
                return plan.with(m.label(), plain(m, f.withLaterality(flipped)));
            }
            case "severity" -> {
                List<Mention> g = pos.stream().filter(m -> GRADED.contains(m.label()) && m.first().severity() != null).toList();
                if (g.isEmpty()) return null;
                Mention m = g.get(r.nextInt(g.size()));
                Severity s = m.first().severity();
                Severity other = Severity.values()[(s.ordinal() + 1 + r.nextInt(2)) % 3];
                return plan.with(m.label(), plain(m, m.first().withSeverity(other)));
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }
}
