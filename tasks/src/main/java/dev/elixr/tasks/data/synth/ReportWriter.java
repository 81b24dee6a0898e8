package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding;
import dev.elixr.tasks.data.Finding.Laterality;
import dev.elixr.tasks.data.Finding.Severity;
import dev.elixr.tasks.data.Finding.Zone;
import dev.elixr.tasks.data.synth.ReportPlan.Change;
import dev.elixr.tasks.data.synth.ReportPlan.Mention;
import dev.elixr.tasks.data.synth.ReportPlan.Polarity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.elixr.tasks.data.CheXpertLabel.*;

/**
 * Writes a radiology report in MIMIC-CXR style (FINAL REPORT header, EXAMINATION, INDICATION, TECHNIQUE,
 * COMPARISON, FINDINGS, IMPRESSION) from a {@link ReportPlan}: several phrasings per finding, laterality, size and
 * zone in the words, hedges for uncertain mentions, grouped negations and comparison with the prior study.
 * Every sentence speaks of one label, except negation lists (all negated) and pairs that share a polarity.
 * The phrasings include the commonest ones of real reports for each label ("left basilar atelectasis", "pulmonary
 * nodule", "left 6th rib fracture", "enlarged cardiomediastinum"), and leave out attributes as real reports do now
 * and then (the size of an effusion or pneumothorax, the location of a pneumonia), so that a text encoder meets the
 * finding's own words alone, as a search query states them, not only inside one full template.
 */
final class ReportWriter {
    private ReportWriter() {}

    /** The two sections labels are read from. */
    record Sections(String findings, String impression) {
        String text() { return "FINDINGS: " + findings + " IMPRESSION: " + impression; }
    }

    private static final List<CheXpertLabel> LUNG = List.of(CONSOLIDATION, PNEUMONIA, LUNG_OPACITY, EDEMA, ATELECTASIS, LUNG_LESION);
    private static final List<CheXpertLabel> PLEURA = List.of(PLEURAL_EFFUSION, PNEUMOTHORAX, PLEURAL_OTHER);
    private static final List<CheXpertLabel> HEART = List.of(CARDIOMEGALY, ENLARGED_CARDIOMEDIASTINUM);
    private static final List<CheXpertLabel> IMPRESSION_ORDER = List.of(PNEUMOTHORAX, PNEUMONIA, CONSOLIDATION, EDEMA,
            PLEURAL_EFFUSION, LUNG_OPACITY, LUNG_LESION, CARDIOMEGALY, ENLARGED_CARDIOMEDIASTINUM, ATELECTASIS, FRACTURE,
            PLEURAL_OTHER, SUPPORT_DEVICES);

    static String pick(SplittableRandom r, String... options) { return options[r.nextInt(options.length)]; }

    static String cap(String s) { return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1); }

    /** The full report text in MIMIC-CXR's style (site A). */
    static String report(ReportPlan plan, FindingSampler.Study study, Anatomy a, boolean hasPrior, SplittableRandom r) {
        return report(plan, study, a, hasPrior, r, ReportStyle.MIMIC, null);
    }

    /**
     * The full report text in a site's style ({@link ReportStyle}). Every style draws from {@code r} what MIMIC's draws
     * (so that a site's images and labels do not depend on how it writes); the style's own choices come from
     * {@code styleRandom}, unused for MIMIC's.
     */
    static String report(ReportPlan plan, FindingSampler.Study study, Anatomy a, boolean hasPrior, SplittableRandom r, ReportStyle style,
                         SplittableRandom styleRandom) {
        Sections s = sections(plan, hasPrior, r);
        String indication = indication(study.indication(), r);
        String comparison = hasPrior ? pick(r, "___.", "Chest radiograph ___.", "Prior study from ___.") : "None.";
        if (!style.isMimic()) {
            SplittableRandom b = styleRandom;
            return style.siteB(study.ap() ? "PORTABLE AP" : "PA AND LATERAL", "___", a.female(), style.restyle(indication, b),
                    study.ap() ? "Portable AP." : "PA and lateral.", style.restyle(comparison, b), style.restyle(s.findings(), b),
                    style.conclusion(style.restyle(s.impression(), b)));
        }
        StringBuilder sb = new StringBuilder();
        sb.append("                                 FINAL REPORT\n");
        sb.append(" EXAMINATION:  ").append(study.ap() ? "CHEST (PORTABLE AP)" : "CHEST (PA AND LAT)").append("\n \n");
        sb.append(wrap("INDICATION:  ___-year-old " + (a.female() ? "woman" : "man") + " " + indication)).append(" \n");
        sb.append(" TECHNIQUE:  ").append(study.ap() ? "Portable AP chest radiograph." : "Chest PA and lateral.").append("\n \n");
        sb.append(" COMPARISON:  ").append(comparison).append("\n \n");
        sb.append(" FINDINGS:\n \n").append(wrap(s.findings())).append(" \n");
        sb.append(" IMPRESSION:\n \n").append(wrap(s.impression())).append("\n");
        return sb.toString();
    }

    private static String indication(String kind, SplittableRandom r) {
        return switch (kind) {
            case "icu" -> pick(r, "intubated in the ICU.  Evaluate line and tube placement.", "in the ICU, new line placement.  Evaluate position.");
            case "heart failure" -> pick(r, "with history of CHF, now with increasing dyspnea.", "with heart failure and leg swelling.  Evaluate for fluid overload.");
            case "fever" -> pick(r, "with fever and productive cough.  Evaluate for pneumonia.", "with cough and leukocytosis.  Assess for infection.");
            case "trauma" -> pick(r, "status post fall with chest wall pain.", "after a motor vehicle collision, chest pain.");
            case "routine" -> pick(r, "preoperative evaluation.", "with chest pain.  Assess for acute process.", "with cough.");
            default -> pick(r, "with shortness of breath.", "with dyspnea and hypoxia.", "with chest pain and shortness of breath.");
        };
    }

    /** Wraps text to MIMIC-like lines of about 76 characters, each starting with a space. */
    static String wrap(String text) {
        StringBuilder out = new StringBuilder();
        for (String para : text.split("\n")) {
            StringBuilder line = new StringBuilder();
            for (String word : para.split(" ")) {
                if (word.isEmpty()) continue;
                if (line.length() + word.length() + 1 > 76 && !line.isEmpty()) {
                    out.append(' ').append(line).append('\n');
                    line.setLength(0);
                }
                if (!line.isEmpty()) line.append(' ');
                line.append(word);
            }
            out.append(' ').append(line).append('\n');
        }
        return out.toString();
    }

    static Sections sections(ReportPlan plan, boolean hasPrior, SplittableRandom r) {
        List<String> findings = new ArrayList<>();
        for (Mention m : plan.mentions()) if (m.label() == SUPPORT_DEVICES) for (Finding f : m.findings()) findings.add(device(f, r));
        boolean lungAbnormal = false;
        for (CheXpertLabel l : LUNG) {
            Mention m = plan.mention(l);
            if (m != null && m.polarity() != Polarity.NEGATIVE) { findings.add(sentence(m, r)); lungAbnormal = true; }
        }
        if (!lungAbnormal && r.nextFloat() < 0.6f) findings.add(pick(r, "The lungs are clear.", "Lungs are well expanded and clear.", "The lungs are well aerated."));
        for (CheXpertLabel l : PLEURA) {
            Mention m = plan.mention(l);
            if (m != null && m.polarity() != Polarity.NEGATIVE) findings.add(sentence(m, r));
        }
        findings.addAll(negations(plan, r));
        for (CheXpertLabel l : HEART) {
            Mention m = plan.mention(l);
            if (m != null && m.polarity() != Polarity.NEGATIVE) findings.add(sentence(m, r));
        }
        findings.addAll(heartNegations(plan, r));
        Mention fx = plan.mention(FRACTURE);
        if (fx != null && fx.polarity() != Polarity.NEGATIVE) findings.add(sentence(fx, r));
        else if (r.nextFloat() < 0.3f) findings.add(pick(r, "No acute osseous abnormality.", "Osseous structures are intact."));
        for (Mention m : plan.mentions()) {
            if (m.change() == Change.RESOLVED) findings.add(cap(pick(r, "the previously seen ", "the previously noted ")) + np(m.first(), r).body() + " has resolved.");
        }
        return new Sections(String.join(" ", findings), impression(plan, r));
    }

    private static String impression(ReportPlan plan, SplittableRandom r) {
        List<String> items = new ArrayList<>();
        boolean abnormal = false;
        for (CheXpertLabel l : IMPRESSION_ORDER) {
            Mention m = plan.mention(l);
            if (m == null || m.polarity() == Polarity.NEGATIVE) continue;
            if (l == SUPPORT_DEVICES) {
                items.add(pick(r, "Support devices in standard position.", "Lines and tubes as described above.", "Tubes and catheters in appropriate position."));
                continue;
            }
            abnormal = true;
            items.add(sentence(m, r));
        }
        if (!abnormal) items.add(pick(r, "No acute cardiopulmonary process.", "No acute cardiopulmonary abnormality.", "No acute intrathoracic process."));
        if (items.size() >= 2 && r.nextBoolean()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < items.size(); i++) sb.append(i == 0 ? "" : "\n").append(i + 1).append(". ").append(items.get(i));
            return sb.toString();
        }
        return String.join(" ", items);
    }

    /** A noun phrase: an optional article and the body ("a", "small right pleural effusion"). */
    record Np(String article, String body, boolean plural) {
        String full() { return article.isEmpty() ? body : (article.equals("a") && vowelSound(body) ? "an" : article) + " " + body; }

        /** Whether the phrase is spoken from a vowel ("an acute fracture", "an 8.1 cm mass", "an 11.0 cm mass"). */
        static boolean vowelSound(String s) {
            if (s.isEmpty()) return false;
            if ("aeiouAEIOU".indexOf(s.charAt(0)) >= 0 || s.charAt(0) == '8') return true;
            return (s.startsWith("11") || s.startsWith("18")) && (s.length() == 2 || !Character.isDigit(s.charAt(2)));
        }
    }

    static String sideWord(Finding f) { return f.laterality() == null ? "" : f.laterality().word(); }

    static String size(Finding f) { return (f.severity() == null ? Severity.MODERATE : f.severity()).word(); }

    /** The size word and a space, left out one time in four as real reports often do ("left pleural effusion"). */
    static String sizeOrNot(Finding f, SplittableRandom r) { return r.nextInt(4) == 0 ? "" : size(f) + " "; }

    static String grade(Finding f) { return (f.severity() == null ? Severity.MODERATE : f.severity()).gradeWord(); }

    static String gradeAdverb(Finding f) {
        return switch (f.severity() == null ? Severity.MODERATE : f.severity()) { case SMALL -> "mildly"; case MODERATE -> "moderately"; case LARGE -> "severely"; };
    }

    /** Where in the lungs: lobe, zone or base, with the side in the words. */
    static String where(Finding f, SplittableRandom r) {
        Zone z = f.zone() == null ? Zone.LOWER : f.zone();
        if (f.laterality() == Laterality.BILATERAL || f.laterality() == null) {
            return switch (z) {
                case LOWER -> pick(r, "bilateral lower lobes", "bilateral lung bases");
                case MIDDLE -> pick(r, "bilateral mid lungs", "bilateral mid lung zones");
                case UPPER -> pick(r, "bilateral upper lobes", "bilateral upper zones");
            };
        }
        String s = f.laterality().word();
        return switch (z) {
            case UPPER -> pick(r, s + " upper lobe", s + " upper zone", s + " upper lung");
            case MIDDLE -> f.laterality() == Laterality.RIGHT ? pick(r, "right middle lobe", "right mid lung", "right mid zone") : pick(r, "left mid lung", "left mid zone");
            case LOWER -> pick(r, s + " lower lobe", s + " lung base", s + " base");
        };
    }

    static Np np(Finding f, SplittableRandom r) {
        boolean bi = f.laterality() == Laterality.BILATERAL;
        String side = sideWord(f);
        return switch (f.label()) {
            case PLEURAL_EFFUSION -> bi ? new Np("", sizeOrNot(f, r) + "bilateral pleural effusions", true)
                    : new Np("a", sizeOrNot(f, r) + side + pick(r, " pleural effusion", " effusion"), false);
            case PNEUMOTHORAX -> bi ? new Np("", sizeOrNot(f, r) + "bilateral pneumothoraces", true)
                    : new Np("a", sizeOrNot(f, r) + side + (f.severity() == Severity.SMALL ? pick(r, " apical", "") : "") + " pneumothorax", false);
            case CARDIOMEGALY -> r.nextBoolean() ? new Np("", grade(f) + " cardiomegaly", false)
                    : new Np("", grade(f) + " enlargement of the cardiac silhouette", false);
            case ENLARGED_CARDIOMEDIASTINUM -> switch (r.nextInt(3)) {
                case 0 -> new Np("", grade(f) + " widening of the mediastinum", false);
                case 1 -> new Np("a", gradeAdverb(f) + " enlarged cardiomediastinal silhouette", false);
                default -> new Np("", gradeAdverb(f) + " enlarged cardiomediastinum", false);
            };
            case EDEMA -> switch (f.severity() == null ? Severity.MODERATE : f.severity()) {
                case SMALL -> new Np("", pick(r, "mild pulmonary edema", "mild interstitial edema"), false);
                case MODERATE -> new Np("", pick(r, "moderate pulmonary edema", "moderate interstitial pulmonary edema"), false);
                case LARGE -> new Np("", pick(r, "severe pulmonary edema", "severe alveolar pulmonary edema"), false);
            };
            case CONSOLIDATION -> {
                String pre = f.severity() == Severity.LARGE ? "extensive " : f.severity() == Severity.SMALL ? "small focal " : "";
                yield r.nextBoolean() ? new Np("", pre + "consolidation in the " + where(f, r), false)
                        : new Np("", pre + where(f, r) + " consolidation", false);
            }
            case PNEUMONIA -> bi ? new Np("", "multifocal pneumonia involving the " + where(f, r), false)
                    : switch (r.nextInt(4)) {
                        case 0 -> new Np("", "pneumonia", false);
                        case 1 -> new Np("", where(f, r) + " pneumonia", false);
                        default -> new Np("", "pneumonia in the " + where(f, r), false);
                    };
            case LUNG_OPACITY -> new Np("", pick(r, "patchy opacity in the ", "hazy opacification of the ", "ill-defined opacities in the ") + where(f, r), false);
            case ATELECTASIS -> {
                if (f.severity() == Severity.LARGE && !bi && f.zone() == Zone.LOWER) yield new Np("", side + " lower lobe collapse", false);
                if (bi && (f.zone() == null || f.zone() == Zone.LOWER)) yield new Np("", grade(f) + " bibasilar atelectasis", false);
                if (!bi && f.zone() == Zone.LOWER && r.nextInt(3) == 0) yield new Np("", grade(f) + " " + side + " basilar atelectasis", false);
                yield r.nextBoolean() ? new Np("", "plate-like atelectasis in the " + where(f, r), false)
                        : new Np("", grade(f) + " atelectasis in the " + where(f, r), false);
            }
            case LUNG_LESION -> {
                boolean mass = "mass".equals(f.kind());
                int s = f.severity() == null ? 1 : f.severity().ordinal();
                int h = stableHash(f);
                double cm = mass ? 3.1 + 1.6 * s + h % 15 / 10.0 : 0.8 + 0.5 * s + h % 5 / 10.0;
                String noun = mass ? "mass" : pick(r, "nodule", "pulmonary nodule");
                yield new Np("a", String.format(Locale.ROOT, "%.1f cm %s in the %s", cm, noun, where(f, r)), false);
            }
            case FRACTURE -> {
                int z = f.zone() == null ? 1 : f.zone().ordinal();
                int rib = 3 + 3 * z + (f.severity() == null ? 1 : f.severity().ordinal());
                String ord = rib + (rib == 3 ? "rd" : "th");
                String age = "healing".equals(f.kind()) ? "healing " : pick(r, "acute ", "nondisplaced ", "");
                yield bi ? new Np("", "bilateral rib fractures", true)
                        : r.nextBoolean() ? new Np("a", age + "fracture of the " + side + " " + ord + " rib", false)
                        : new Np("a", age + side + " " + ord + " rib fracture", false);
            }
            case PLEURAL_OTHER -> new Np("", (f.severity() == Severity.SMALL ? "mild " : "") + side
                    + (f.zone() == Zone.UPPER ? " apical" : "") + " pleural thickening", false);
            default -> new Np("", f.label().phrase(), false);
        };
    }

    /** A hash of a finding's attributes that is the same on every run (enum hashCodes are not), for measurements. */
    static int stableHash(Finding f) {
        int h = f.label().ordinal();
        h = 31 * h + (f.laterality() == null ? 7 : f.laterality().ordinal());
        h = 31 * h + (f.severity() == null ? 7 : f.severity().ordinal());
        h = 31 * h + (f.zone() == null ? 7 : f.zone().ordinal());
        return Math.floorMod(h * 0x9E3779B1, 1 << 20);
    }

    /** One sentence for a positive or uncertain mention. */
    static String sentence(Mention m, SplittableRandom r) {
        Finding f = m.first();
        Np np = np(f, r);
        if (m.polarity() == Polarity.UNCERTAIN) {
            return switch (r.nextInt(5)) {
                case 0 -> "Possible " + np.body() + ".";
                case 1 -> cap(np.full()) + " cannot be excluded.";
                case 2 -> "Questionable " + np.body() + ".";
                case 3 -> cap(np.full()) + (np.plural() ? " may be present." : " may be present.");
                default -> "Cannot exclude " + np.full() + ".";
            };
        }
        if (m.change() == Change.NEW) return pick(r, "New ", "Interval development of ") + np.body() + ".";
        if (m.change() == Change.UNCHANGED) {
            return r.nextBoolean() ? pick(r, "Unchanged ", "Stable ") + np.body() + "." : cap(np.full()) + pick(r, " is again seen.", ", unchanged from the prior study.");
        }
        String special = special(f, np, r);
        if (special != null) return special;
        return switch (r.nextInt(3)) {
            case 0 -> cap(np.full()) + ".";
            case 1 -> "There " + (np.plural() ? "are " : "is ") + np.full() + ".";
            default -> cap(np.full()) + (np.plural() ? " are" : " is") + pick(r, " present.", " seen.");
        };
    }

    /** Label-specific phrasings, used some of the time. */
    private static String special(Finding f, Np np, SplittableRandom r) {
        if (r.nextFloat() < 0.55f) return null;
        boolean bi = f.laterality() == Laterality.BILATERAL;
        return switch (f.label()) {
            case PLEURAL_EFFUSION -> f.severity() == Severity.SMALL
                    ? (bi ? "Blunting of both costophrenic angles consistent with small bilateral pleural effusions."
                          : "Blunting of the " + sideWord(f) + " costophrenic angle consistent with a small pleural effusion.")
                    : cap(np.full()) + " with a meniscus.";
            case PNEUMOTHORAX -> cap(np.full()) + " with a visible visceral pleural line.";
            case CARDIOMEGALY -> "The heart is " + gradeAdverb(f) + " enlarged.";
            case ENLARGED_CARDIOMEDIASTINUM -> "The mediastinum is " + gradeAdverb(f) + " widened.";
            case EDEMA -> f.severity() == Severity.SMALL ? "Pulmonary vascular congestion with mild edema." : cap(np.full()) + " with Kerley B lines.";
            case CONSOLIDATION -> cap(np.full()) + " with air bronchograms.";
            default -> null;
        };
    }

    static String device(Finding f, SplittableRandom r) {
        return switch (f.kind()) {
            case Devices.ETT -> pick(r, "Endotracheal tube terminates " + (3 + r.nextInt(3)) + " cm above the carina.",
                    "An endotracheal tube is in standard position.");
            case Devices.CVC -> (f.laterality() == Laterality.LEFT ? "Left subclavian" : "Right internal jugular")
                    + pick(r, " central venous catheter terminates in the mid SVC.", " central venous catheter tip projects over the SVC.");
            case Devices.PACEMAKER -> pick(r, "Left-sided pacemaker with leads in the right atrium and right ventricle.",
                    "Dual-chamber pacemaker device with leads terminating in the right atrium and right ventricle.");
            case Devices.ENTERIC -> pick(r, "Enteric tube courses below the diaphragm with tip in the stomach.",
                    "Nasogastric tube tip is in the stomach.");
            default -> throw new IllegalArgumentException("unknown device " + f.kind());
        };
    }

    private static final Map<CheXpertLabel, String> NEG_NP = new EnumMap<>(Map.of(
            PLEURAL_EFFUSION, "pleural effusion", PNEUMOTHORAX, "pneumothorax", CONSOLIDATION, "focal consolidation",
            EDEMA, "pulmonary edema", LUNG_OPACITY, "focal airspace opacity", ATELECTASIS, "atelectasis",
            LUNG_LESION, "suspicious pulmonary nodule", PNEUMONIA, "pneumonia", FRACTURE, "displaced rib fracture",
            PLEURAL_OTHER, "pleural thickening"));

    /** Negated lung and pleural labels, grouped into a few sentences. */
    private static List<String> negations(ReportPlan plan, SplittableRandom r) {
        List<CheXpertLabel> neg = new ArrayList<>();
        for (Mention m : plan.mentions()) {
            if (m.polarity() == Polarity.NEGATIVE && m.change() == Change.NONE && NEG_NP.containsKey(m.label())) neg.add(m.label());
        }
        List<String> out = new ArrayList<>();
        if (neg.contains(CONSOLIDATION) && neg.contains(PNEUMONIA) && r.nextBoolean()) {
            out.add("No focal consolidation to suggest pneumonia.");
            neg.remove(CONSOLIDATION);
            neg.remove(PNEUMONIA);
        }
        for (int i = neg.size() - 1; i > 0; i--) Collections.swap(neg, i, r.nextInt(i + 1));
        while (!neg.isEmpty()) {
            int k = Math.min(neg.size(), 1 + r.nextInt(3));
            List<String> items = new ArrayList<>();
            for (int i = 0; i < k; i++) items.add(NEG_NP.get(neg.removeFirst()));
            String list = items.size() == 1 ? items.getFirst()
                    : String.join(", ", items.subList(0, items.size() - 1)) + (items.size() > 2 ? "," : "") + " or " + items.getLast();
            out.add(pick(r, "No ", "There is no ", "No evidence of ").replace("No ", "No ") + list + ".");
        }
        return out.stream().map(ReportWriter::cap).toList();
    }

    private static List<String> heartNegations(ReportPlan plan, SplittableRandom r) {
        boolean cm = plan.polarity(CARDIOMEGALY) == Polarity.NEGATIVE && plan.mention(CARDIOMEGALY).change() == Change.NONE;
        boolean ecm = plan.polarity(ENLARGED_CARDIOMEDIASTINUM) == Polarity.NEGATIVE && plan.mention(ENLARGED_CARDIOMEDIASTINUM).change() == Change.NONE;
        if (cm && ecm) return List.of(pick(r, "Heart size and mediastinal contours are normal.", "The heart and mediastinum are within normal limits."));
        if (cm) return List.of(pick(r, "Heart size is normal.", "Normal heart size.", "The cardiac silhouette is normal in size.", "No cardiomegaly."));
        // the cardiomediastinal silhouette includes the heart: normal only when no cardiomegaly is reported
        boolean heartReported = plan.mention(CARDIOMEGALY) != null && plan.polarity(CARDIOMEGALY) != Polarity.NEGATIVE;
        if (ecm && heartReported) return List.of(pick(r, "The mediastinal contours are normal.", "Normal mediastinal contours."));
        if (ecm) return List.of(pick(r, "The mediastinal contours are normal.", "The cardiomediastinal silhouette is within normal limits.", "Normal mediastinal contours.",
                "The cardiomediastinum is within normal limits."));
        return List.of();
    }
}
