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
 *
 * <p>An error must be visible in the image only, not in the wording: an edited mention keeps its comparison with
 * the prior study ("new", "unchanged") and its other findings, a wrong side or severity is drawn as the label's sides and
 * severities are (a bilateral finding may become one-sided and the other way round), an inserted finding is drawn as the patient's own
 * findings are (another study of the same patient, so labels and attributes follow the data's own frequencies and
 * co-occurrences) and compared with the prior as a true one would be. Items draw from their own random stream, so they never perturb the rest of the data set.
 */
final class ReportQaGenerator {
    private ReportQaGenerator() {}

    private static final List<CheXpertLabel> GRADED = List.of(PLEURAL_EFFUSION, PNEUMOTHORAX, CARDIOMEGALY, EDEMA);

    /** Where an inserted finding comes from: the patient's own finding distribution at the study's site. */
    record Source(FindingSampler.Patient patient, Site site) {}

    static Map<String, Object> generate(String dicomId, String split, List<Finding> truth, ReportPlan plan, boolean hasPrior,
                                        Source source, SplittableRandom r) {
        String error = "none";
        ReportPlan shown = plan;
        if (r.nextBoolean()) {
            String[] kinds = {"omission", "insertion", "laterality", "severity"};
            for (int tries = 0; tries < 8 && shown == plan; tries++) {
                String k = kinds[r.nextInt(kinds.length)];
                ReportPlan e = inject(k, truth, plan, hasPrior, source, r);
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

    /** The mention with its first finding replaced; its other findings and its comparison with the prior kept. */
    private static Mention edited(Mention m, Finding f) {
        List<Finding> fs = new ArrayList<>(m.findings().isEmpty() ? List.of(f) : m.findings());
        fs.set(0, f);
        return new Mention(m.label(), Polarity.POSITIVE, List.copyOf(fs), m.change());
    }

    /** A finding of a label the study does not have, drawn from another study of the same patient; null if none in a few. */
    private static Finding foreign(List<Finding> truth, ReportPlan plan, Source source, SplittableRandom r) {
        for (int tries = 0; tries < 16; tries++) {
            List<Finding> fs = FindingSampler.study(source.patient(), r, source.site()).findings().stream()
                    .filter(f -> f.label() != SUPPORT_DEVICES && truth.stream().noneMatch(t -> t.label() == f.label())
                            && plan.polarity(f.label()) != Polarity.UNCERTAIN).toList();
            if (!fs.isEmpty()) return fs.get(r.nextInt(fs.size()));
        }
        return null;
    }

    /** As {@link ReportPlan#of} compares a positive finding absent before: new in half of the reports with a prior. */
    private static ReportPlan.Change newlySeen(boolean hasPrior, SplittableRandom r) {
        return hasPrior && r.nextFloat() < 0.5f ? ReportPlan.Change.NEW : ReportPlan.Change.NONE;
    }

    static ReportPlan inject(String kind, List<Finding> truth, ReportPlan plan, boolean hasPrior, Source source, SplittableRandom r) {
        List<Mention> pos = positives(plan);
        switch (kind) {
            case "omission" -> {
                if (pos.isEmpty()) return null;
                return plan.with(pos.get(r.nextInt(pos.size())).label(), null);
            }
            case "insertion" -> {
                Finding f = foreign(truth, plan, source, r);
                if (f == null) return null;
                return plan.with(f.label(), new Mention(f.label(), Polarity.POSITIVE, List.of(f), newlySeen(hasPrior, r)));
            }
            case "laterality" -> {
                List<Mention> lat = pos.stream().filter(m -> m.first().laterality() != null).toList();
                if (lat.isEmpty()) return null;
                Mention m = lat.get(r.nextInt(lat.size()));
                Finding f = m.first();
                if (f.label() == EDEMA) return null;
                Laterality flipped = f.laterality();
                for (int tries = 0; tries < 32 && flipped == f.laterality(); tries++) flipped = FindingSampler.random(r, f.label()).laterality();
                Laterality other = flipped;
                if (other == f.laterality() || m.findings().stream().anyMatch(o -> o.laterality() == other)) return null;
                return plan.with(m.label(), edited(m, f.withLaterality(other)));
            }
            case "severity" -> {
                List<Mention> g = pos.stream().filter(m -> GRADED.contains(m.label()) && m.first().severity() != null).toList();
                if (g.isEmpty()) return null;
                Mention m = g.get(r.nextInt(g.size()));
                Severity s = m.first().severity(), other = s;
                for (int tries = 0; tries < 32 && other == s; tries++) other = FindingSampler.severity(r);
                if (other == s) return null;
                return plan.with(m.label(), edited(m, m.first().withSeverity(other)));
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }
}
