package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding;
import dev.elixr.tasks.data.Finding.Laterality;
import dev.elixr.tasks.data.Finding.Severity;
import dev.elixr.tasks.data.Finding.Zone;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.elixr.tasks.data.CheXpertLabel.*;

/**
 * Which findings a study shows, with realistic co-occurrence: chronic conditions belong to the patient (heart
 * failure with cardiomegaly, a lung lesion, pleural thickening, a pacemaker) and acute ones to the study
 * (decompensation brings edema and effusions; infection brings pneumonia, consolidation and opacity; intensive
 * care brings tubes and lines, atelectasis and layering effusions, in AP projection; trauma brings rib fractures
 * and pneumothorax). About a fifth of studies are normal.
 */
final class FindingSampler {
    private FindingSampler() {}

    /** What a patient carries from study to study. */
    record Patient(boolean heartFailure, List<Finding> chronic) {}

    /** One study's findings and projection. */
    record Study(List<Finding> findings, boolean ap, String indication) {}

    static Patient patient(SplittableRandom r) { return patient(r, Site.A); }

    /** A patient of a site: its heart-failure share scales the 20% of site A. */
    static Patient patient(SplittableRandom r, Site site) {
        boolean hf = r.nextFloat() < 0.2f * (float) site.heartFailure();
        List<Finding> chronic = new ArrayList<>();
        if ((hf && r.nextFloat() < 0.75f) || r.nextFloat() < 0.06f) chronic.add(Finding.of(CARDIOMEGALY).withSeverity(severity(r)));
        if (r.nextFloat() < (hf ? 0.18f : 0.04f)) chronic.add(Finding.of(ENLARGED_CARDIOMEDIASTINUM).withSeverity(severity(r)));
        if (r.nextFloat() < 0.09f) chronic.add(lesion(r));
        if (r.nextFloat() < 0.05f) chronic.add(new Finding(PLEURAL_OTHER, side3(r, 0.25f), severity(r), zone(r, 0.4f, 0.3f), "thickening"));
        if (r.nextFloat() < (hf ? 0.2f : 0.05f)) chronic.add(device(Devices.PACEMAKER, r));
        return new Patient(hf, chronic);
    }

    static Study study(Patient p, SplittableRandom r) { return study(p, r, Site.A); }

    /** A study at a site: its ICU share scales the 22% of site A. */
    static Study study(Patient p, SplittableRandom r, Site site) {
        List<Finding> f = new ArrayList<>(p.chronic());
        if (p.chronic().isEmpty() && r.nextFloat() < 0.3f) return new Study(List.of(), r.nextFloat() < 0.1f, "routine");
        boolean icu = r.nextFloat() < 0.22f * (float) site.icu();
        boolean ap = icu || r.nextFloat() < 0.12f;
        String indication = "dyspnea";
        if (icu) {
            indication = "icu";
            boolean any = false;
            if (r.nextFloat() < 0.55f) { f.add(device(Devices.ETT, r)); any = true; }
            if (r.nextFloat() < 0.6f) { f.add(device(Devices.ENTERIC, r)); any = true; }
            if (r.nextFloat() < 0.7f || !any) f.add(device(Devices.CVC, r));
            if (r.nextFloat() < 0.45f) f.add(new Finding(ATELECTASIS, side3(r, 0.5f), severity(r), Zone.LOWER, null));
            if (r.nextFloat() < 0.35f) f.add(new Finding(PLEURAL_EFFUSION, side3(r, 0.5f), severity(r), null, null));
        }
        if (p.heartFailure() && r.nextFloat() < 0.6f) {
            indication = "heart failure";
            if (r.nextFloat() < 0.75f) f.add(new Finding(EDEMA, Laterality.BILATERAL, severity(r), null, null));
            if (r.nextFloat() < 0.65f) f.add(new Finding(PLEURAL_EFFUSION, side3(r, 0.6f), severity(r), null, null));
        }
        if (r.nextFloat() < 0.18f) {
            indication = "fever";
            Laterality side = side3(r, 0.15f);
            Zone zone = zone(r, 0.2f, 0.25f);
            if (r.nextFloat() < 0.65f) f.add(new Finding(PNEUMONIA, side, severity(r), zone, null));
            if (r.nextFloat() < 0.55f) f.add(new Finding(CONSOLIDATION, side, severity(r), zone, null));
            if (r.nextFloat() < 0.5f) f.add(new Finding(LUNG_OPACITY, side3(r, 0.2f), severity(r), zone(r, 0.25f, 0.3f), null));
            if (r.nextFloat() < 0.15f) f.add(new Finding(PLEURAL_EFFUSION, side == Laterality.BILATERAL ? Laterality.RIGHT : side, Severity.SMALL, null, null));
        }
        if (r.nextFloat() < 0.05f) {
            indication = "trauma";
            Laterality side = r.nextBoolean() ? Laterality.LEFT : Laterality.RIGHT;
            if (r.nextFloat() < 0.85f) f.add(fracture(r, side));
            if (r.nextFloat() < 0.35f) f.add(new Finding(PNEUMOTHORAX, side, severity(r), null, null));
        }
        // findings that come alone
        if (r.nextFloat() < 0.12f) f.add(new Finding(ATELECTASIS, side3(r, 0.4f), severity(r), zone(r, 0f, 0.2f), null));
        if (r.nextFloat() < 0.06f) f.add(new Finding(LUNG_OPACITY, side3(r, 0.15f), severity(r), zone(r, 0.25f, 0.3f), null));
        if (r.nextFloat() < 0.06f) f.add(new Finding(PLEURAL_EFFUSION, side3(r, 0.3f), severity(r), null, null));
        if (r.nextFloat() < (icu ? 0.08f : 0.035f)) f.add(new Finding(PNEUMOTHORAX, side3(r, 0f), severity(r), null, null));
        if (r.nextFloat() < 0.03f) f.add(fracture(r, side3(r, 0f)));
        if (r.nextFloat() < 0.03f) f.add(new Finding(CONSOLIDATION, side3(r, 0.1f), severity(r), zone(r, 0.2f, 0.25f), null));
        if (r.nextFloat() < 0.02f) f.add(new Finding(EDEMA, Laterality.BILATERAL, severity(r), null, null));
        if (r.nextFloat() < 0.03f) f.add(lesion(r));
        if (f.isEmpty()) f.add(random(r, List.of(ATELECTASIS, LUNG_OPACITY, PLEURAL_EFFUSION, CARDIOMEGALY, LUNG_LESION, FRACTURE,
                PLEURAL_OTHER, PNEUMOTHORAX, ENLARGED_CARDIOMEDIASTINUM).get(r.nextInt(9))));
        return new Study(merge(f), ap, indication);
    }

    /** One finding of a label with random attributes (also used to insert errors into reports). */
    static Finding random(SplittableRandom r, CheXpertLabel l) {
        return switch (l) {
            case CARDIOMEGALY, ENLARGED_CARDIOMEDIASTINUM -> Finding.of(l).withSeverity(severity(r));
            case EDEMA -> new Finding(l, Laterality.BILATERAL, severity(r), null, null);
            case PLEURAL_EFFUSION, PNEUMOTHORAX -> new Finding(l, side3(r, 0.25f), severity(r), null, null);
            case LUNG_LESION -> lesion(r);
            case FRACTURE -> fracture(r, side3(r, 0f));
            case PLEURAL_OTHER -> new Finding(l, side3(r, 0.25f), severity(r), zone(r, 0.4f, 0.3f), "thickening");
            case SUPPORT_DEVICES -> device(Devices.KINDS[r.nextInt(Devices.KINDS.length)], r);
            case NO_FINDING -> throw new IllegalArgumentException("No Finding is not a finding");
            default -> new Finding(l, side3(r, 0.2f), severity(r), zone(r, 0.25f, 0.3f), null);
        };
    }

    /** A rib fracture: healing (with callus) or acute. */
    static Finding fracture(SplittableRandom r, Laterality side) {
        return new Finding(FRACTURE, side, severity(r), zone(r, 0.2f, 0.5f), r.nextFloat() < 0.6f ? "healing" : "acute");
    }

    static Finding device(String kind, SplittableRandom r) {
        Laterality side = kind.equals(Devices.CVC) ? (r.nextBoolean() ? Laterality.RIGHT : Laterality.LEFT)
                : kind.equals(Devices.PACEMAKER) ? Laterality.LEFT : null;
        return new Finding(SUPPORT_DEVICES, side, null, null, kind);
    }

    static Finding lesion(SplittableRandom r) {
        return new Finding(LUNG_LESION, r.nextBoolean() ? Laterality.LEFT : Laterality.RIGHT, severity(r), zone(r, 0.45f, 0.3f),
                r.nextFloat() < 0.6f ? "nodule" : "mass");
    }

    static Severity severity(SplittableRandom r) {
        float u = r.nextFloat();
        return u < 0.45f ? Severity.SMALL : u < 0.8f ? Severity.MODERATE : Severity.LARGE;
    }

    /** Left or right, or bilateral with probability pBilateral; the right side a little more often. */
    static Laterality side3(SplittableRandom r, float pBilateral) {
        float u = r.nextFloat();
        return u < pBilateral ? Laterality.BILATERAL : r.nextFloat() < 0.55f ? Laterality.RIGHT : Laterality.LEFT;
    }

    static Zone zone(SplittableRandom r, float pUpper, float pMiddle) {
        float u = r.nextFloat();
        return u < pUpper ? Zone.UPPER : u < pUpper + pMiddle ? Zone.MIDDLE : Zone.LOWER;
    }

    /** One finding per label (devices excepted): sides united, the larger severity kept. */
    static List<Finding> merge(List<Finding> in) {
        Map<CheXpertLabel, Finding> by = new EnumMap<>(CheXpertLabel.class);
        List<Finding> devices = new ArrayList<>();
        for (Finding f : in) {
            if (f.label() == SUPPORT_DEVICES) {
                if (devices.stream().noneMatch(d -> d.kind().equals(f.kind()))) devices.add(f);
                continue;
            }
            Finding old = by.get(f.label());
            if (old == null) { by.put(f.label(), f); continue; }
            Laterality lat = old.laterality() == null || old.laterality() == f.laterality() ? old.laterality() : Laterality.BILATERAL;
            Severity sev = old.severity() == null ? f.severity()
                    : f.severity() == null || old.severity().compareTo(f.severity()) >= 0 ? old.severity() : f.severity();
            by.put(f.label(), new Finding(f.label(), lat, sev, old.zone(), old.kind()));
        }
        List<Finding> out = new ArrayList<>(by.values());
        out.addAll(devices);
        return out;
    }
}
