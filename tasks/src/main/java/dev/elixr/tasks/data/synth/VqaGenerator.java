package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding;
import dev.elixr.tasks.data.Finding.Laterality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.elixr.tasks.data.CheXpertLabel.*;

/**
 * Visual question answering items from a study's structured truth (ELIXR section 2.5, VQA): closed questions
 * (yes/no, left/right, size) and open ones (which abnormalities, where, which devices), in varied wording.
 * Findings the report hedges are not asked about, so every answer is certain.
 */
final class VqaGenerator {
    private VqaGenerator() {}

    private static final List<CheXpertLabel> ASKABLE = CheXpertLabel.FINDINGS.stream().filter(l -> l != SUPPORT_DEVICES).toList();

    static List<Map<String, Object>> generate(String dicomId, String split, List<Finding> truth, ReportPlan plan, SplittableRandom r) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Finding> present = truth.stream().filter(f -> f.label() != SUPPORT_DEVICES && plan.polarity(f.label()) != ReportPlan.Polarity.UNCERTAIN).toList();
        // presence: one present and one absent finding
        if (!present.isEmpty()) {
            Finding f = present.get(r.nextInt(present.size()));
            out.add(item(dicomId, split, presence(f.label(), r), "yes", "closed", "presence"));
        }
        List<CheXpertLabel> absent = ASKABLE.stream().filter(l -> truth.stream().noneMatch(f -> f.label() == l)
                && plan.polarity(l) != ReportPlan.Polarity.UNCERTAIN).toList();
        if (!absent.isEmpty()) out.add(item(dicomId, split, presence(absent.get(r.nextInt(absent.size())), r), "no", "closed", "presence"));
        boolean normal = truth.stream().noneMatch(f -> f.label() != SUPPORT_DEVICES);
        int form = r.nextInt(3);
        String[] forms = {"Is this chest X-ray normal?", "Is this a normal chest radiograph?", "Are there any abnormalities on this image?"};
        out.add(item(dicomId, split, forms[form], answerNormal(normal, form), "closed", "abnormality"));
        if (r.nextBoolean()) {
            List<String> names = present.stream().map(f -> f.label().phrase()).toList();
            out.add(item(dicomId, split, ReportWriter.pick(r, "What abnormalities are seen?", "What are the findings on this chest X-ray?", "List the abnormal findings."),
                    names.isEmpty() ? "none" : String.join(", ", names), "open", "abnormality"));
        }
        for (Finding f : present) {
            if (f.laterality() != null && f.label() != SUPPORT_DEVICES && r.nextFloat() < 0.7f) {
                String q = SideQuestion.of(f.label(), r.nextInt(SideQuestion.FORMS));
                out.add(item(dicomId, split, q, f.laterality() == Laterality.BILATERAL ? "bilateral" : f.laterality().word(), "closed", "laterality"));
            }
            if (f.severity() != null && (f.label() == PLEURAL_EFFUSION || f.label() == PNEUMOTHORAX) && r.nextFloat() < 0.7f) {
                out.add(item(dicomId, split, SeverityQuestion.of(f.label()), f.severity().word(), "closed", "severity"));
            }
            if (f.severity() != null && (f.label() == EDEMA || f.label() == CARDIOMEGALY) && r.nextFloat() < 0.7f) {
                out.add(item(dicomId, split, SeverityQuestion.of(f.label()), f.severity().gradeWord(), "closed", "severity"));
            }
            if (f.zone() != null && f.laterality() != null && r.nextFloat() < 0.5f) {
                String side = f.laterality() == Laterality.BILATERAL ? "bilateral" : f.laterality().word();
                out.add(item(dicomId, split, "Where is the " + f.label().phrase() + " located?", side + " " + f.zone().word() + " zone", "open", "location"));
            }
            if (f.label() == LUNG_LESION && f.kind() != null && r.nextBoolean()) {
                out.add(item(dicomId, split, "Is the lung lesion a nodule or a mass?", f.kind(), "closed", "type"));
            }
        }
        List<String> devices = truth.stream().filter(f -> f.label() == SUPPORT_DEVICES).map(Finding::kind).toList();
        String kind = Devices.KINDS[r.nextInt(Devices.KINDS.length)];
        out.add(item(dicomId, split, "Is there " + (kind.startsWith("e") ? "an " : "a ") + kind + "?", devices.contains(kind) ? "yes" : "no", "closed", "device"));
        if (!devices.isEmpty() && r.nextBoolean()) {
            out.add(item(dicomId, split, ReportWriter.pick(r, "Which support devices are present?", "What lines or tubes are seen?"), String.join(", ", devices), "open", "device"));
        }
        return out;
    }

    private static String answerNormal(boolean normal, int form) { return form == 2 ? (normal ? "no" : "yes") : (normal ? "yes" : "no"); }

    private static String presence(CheXpertLabel l, SplittableRandom r) { return PresenceQuestion.of(l, r.nextInt(PresenceQuestion.FORMS)); }

    static Map<String, Object> item(String dicomId, String split, String q, String a, String type, String category) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dicom_id", dicomId);
        m.put("question", q);
        m.put("answer", a);
        m.put("type", type);
        m.put("category", category);
        m.put("split", split);
        return m;
    }
}
