package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.elixr.tasks.data.CheXpertLabel.*;

/**
 * A small rule-based labeller, written independently of the report writer's phrase tables, in the spirit of the
 * CheXpert labeller: per sentence, mentions by keyword; uncertainty cues make a mention -1; negation cues before a
 * mention ("no", "without", "free of") or anywhere for whole-sentence statements ("normal", "resolved") make it 0;
 * per label, positive beats uncertain beats negative. It checks the synthetic reports (SyntheticCxrTest) and labels
 * generated impressions against their references ({@code elixr eval impression}).
 */
public final class MiniLabeler {
    private MiniLabeler() {}

    public static final Map<CheXpertLabel, Pattern> TERMS = Map.ofEntries(
            Map.entry(ATELECTASIS, Pattern.compile("atelectasis|collapse")),
            Map.entry(CARDIOMEGALY, Pattern.compile("cardiomegaly|\\bheart\\b|cardiac silhouette")),
            Map.entry(CONSOLIDATION, Pattern.compile("consolidation")),
            Map.entry(EDEMA, Pattern.compile("edema|congestion")),
            Map.entry(ENLARGED_CARDIOMEDIASTINUM, Pattern.compile("mediastin")),
            Map.entry(FRACTURE, Pattern.compile("fracture")),
            Map.entry(LUNG_LESION, Pattern.compile("nodule|\\bmass\\b|lesion")),
            Map.entry(LUNG_OPACITY, Pattern.compile("opacit|opacific")),
            Map.entry(PLEURAL_EFFUSION, Pattern.compile("effusion")),
            Map.entry(PLEURAL_OTHER, Pattern.compile("pleural thickening|apical cap|pleural plaque")),
            Map.entry(PNEUMONIA, Pattern.compile("pneumonia|infection")),
            Map.entry(PNEUMOTHORAX, Pattern.compile("pneumothora")),
            Map.entry(SUPPORT_DEVICES, Pattern.compile("\\btubes?\\b|catheter|pacemaker|pacer|support device")));


    private static final Pattern UNCERTAIN = Pattern.compile("possible|possibly|cannot be excluded|cannot exclude|\\bmay\\b|questionable|equivocal|not excluded");
    private static final Pattern PRE_NEGATION = Pattern.compile("\\bno\\b|without|free of");
    private static final Pattern SENTENCE_NEGATION = Pattern.compile("\\bnormal\\b|within normal limits|unremarkable|resolved|resolution");

    /** Labels (1, 0, -1, NaN) of the 13 findings (No Finding left NaN) read from findings + impression text. */
    public static float[] label(String text) {
        float[] v = CheXpertLabel.blankLabels();
        for (String sentence : text.toLowerCase(Locale.ROOT).split("(?<=\\.)\\s+|\\n|(?<=\\s)\\d\\.\\s")) {
            boolean uncertain = UNCERTAIN.matcher(sentence).find();
            boolean whole = SENTENCE_NEGATION.matcher(sentence).find();
            Matcher neg = PRE_NEGATION.matcher(sentence);
            int negAt = neg.find() ? neg.start() : Integer.MAX_VALUE;
            for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
                Matcher m = TERMS.get(l).matcher(sentence);
                while (m.find()) {
                    float val = uncertain ? -1f : whole || negAt < m.start() ? 0f : 1f;
                    v[l.ordinal()] = merge(v[l.ordinal()], val);
                }
            }
        }
        return v;
    }

    private static float merge(float old, float v) {
        if (Float.isNaN(old)) return v;
        if (old == 1f || v == 1f) return 1f;
        if (old == -1f || v == -1f) return -1f;
        return 0f;
    }

    public static List<CheXpertLabel> findings() { return CheXpertLabel.FINDINGS; }
}
