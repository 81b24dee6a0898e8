package dev.elixr.tasks.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The data-efficient probe subsets as rows of a training split and as the dicom_ids of a {@link SplitManifest}. */
final class ManifestSubsets {
    private ManifestSubsets() {}

    /** The manifest form of subsets drawn from {@code train}. */
    static SplitManifest.ProbeSubsets of(DataEfficient.Config cfg, List<DataEfficient.Subset> subsets, EmbeddedSplit train) {
        List<SplitManifest.Subset> out = new ArrayList<>();
        for (DataEfficient.Subset s : subsets)
            out.add(new SplitManifest.Subset(s.fraction(), s.repeat(), s.seed(),
                    Arrays.stream(s.rows()).mapToObj(train.ids()::get).toList()));
        return new SplitManifest.ProbeSubsets(DataEfficient.SAMPLING, cfg.findings(), out);
    }

    /** The manifest's subsets as sorted rows of {@code train} (whose ids are the manifest's train split). */
    static List<DataEfficient.Subset> rows(SplitManifest m, Path file, EmbeddedSplit train) {
        Map<String, Integer> row = new HashMap<>();
        for (int i = 0; i < train.size(); i++) row.put(train.ids().get(i), i);
        List<DataEfficient.Subset> out = new ArrayList<>();
        for (SplitManifest.Subset s : m.probeSubsets().subsets()) {
            int[] rows = SplitManifest.resolve(s.dicomIds(), row, file, "train split").stream().mapToInt(Integer::intValue).sorted().toArray();
            out.add(new DataEfficient.Subset(s.fraction(), s.repeat(), s.seed(), rows));
        }
        return out;
    }

    /** The configuration the manifest's subsets were drawn with: its findings, fractions, repeats and seed. */
    static DataEfficient.Config config(SplitManifest m, List<DataEfficient.Subset> subsets) {
        List<String> findings = m.probeSubsets().findings() == null ? Findings.DATA_EFFICIENT_5 : m.probeSubsets().findings();
        for (String f : findings) Findings.index(f);
        Map<Double, Integer> repeats = new LinkedHashMap<>();
        for (DataEfficient.Subset s : subsets) repeats.merge(s.fraction(), s.repeat() + 1, Math::max);
        int r = repeats.entrySet().stream().filter(e -> e.getKey() < 1.0).mapToInt(Map.Entry::getValue).max().orElse(1);
        return new DataEfficient.Config(findings, repeats.keySet().stream().mapToDouble(Double::doubleValue).toArray(), r, m.seed());
    }
}
