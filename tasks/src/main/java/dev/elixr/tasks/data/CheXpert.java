package dev.elixr.tasks.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CheXpert (Irvin et al., AAAI 2019): {@code train.csv} / {@code valid.csv} with
 * {@code Path,Sex,Age,Frontal/Lateral,AP/PA} and the 14 labels; image paths such as
 * {@code CheXpert-v1.0/train/patient00001/study1/view1_frontal.jpg} resolve against the folder that holds
 * {@code CheXpert-v1.0} (or against the data set folder itself). Uncertain labels follow an {@link UncertaintyPolicy}.
 */
public final class CheXpert {
    private CheXpert() {}

    /**
     * @param root        the CheXpert-v1.0 folder (holding the CSVs) or its parent
     * @param csv         "train.csv", "valid.csv" (or "test.csv")
     * @param policy      uncertainty policy for -1 labels
     * @param frontalOnly keep frontal views only
     */
    public static List<CxrStudy> read(Path root, String csv, UncertaintyPolicy policy, boolean frontalOnly) throws IOException {
        Path file = root.resolve(csv);
        if (!Files.isRegularFile(file) && Files.isRegularFile(root.resolve("CheXpert-v1.0").resolve(csv))) {
            root = root.resolve("CheXpert-v1.0");
            file = root.resolve(csv);
        }
        Csv c = Csv.read(file);
        String split = csv.startsWith("train") ? "train" : csv.startsWith("valid") ? "validate" : "test";
        List<CxrStudy> out = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            String rel = c.get(i, "Path");
            String frontal = c.has("Frontal/Lateral") ? c.get(i, "Frontal/Lateral") : "";
            String apPa = c.has("AP/PA") ? c.get(i, "AP/PA") : "";
            String view = frontal.equalsIgnoreCase("Lateral") ? "LATERAL" : apPa.isEmpty() ? frontal : apPa;
            if (frontalOnly && !CxrStudy.isFrontalView(view)) continue;
            float[] labels = CheXpertLabel.blankLabels();
            for (CheXpertLabel l : CheXpertLabel.values()) if (c.has(l.column())) labels[l.ordinal()] = policy.apply(c.label(i, l.column()));
            String[] parts = rel.split("/");
            int n = parts.length;
            String patient = n >= 3 ? parts[n - 3] : rel, study = n >= 2 ? parts[n - 2] : rel;
            String image = parts[n - 1].replaceFirst("\\.[A-Za-z]+$", "");
            out.add(new CxrStudy(patient, patient + "/" + study, patient + "/" + study + "/" + image, resolve(root, rel), "",
                    labels, split, view, List.of()));
        }
        return out;
    }

    /** CSV paths start with the data set folder name; resolve them against its parent when they do. */
    static Path resolve(Path root, String rel) {
        Path name = root.toAbsolutePath().normalize().getFileName();
        if (name != null && rel.startsWith(name + "/")) return root.resolve(rel.substring(name.toString().length() + 1));
        return root.resolve(rel);
    }
}
