package dev.elixr.tasks.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small, hand-checkable embedded splits for the evaluation tests. */
final class EvalFixtures {
    private EvalFixtures() {}

    static float[] unit(int dim, int axis) {
        float[] v = new float[dim];
        v[axis] = 1;
        return v;
    }

    /**
     * n images in a space with one axis per finding: a positive image leans towards its findings' axes, plus noise.
     * Labels are 1/0 for every finding (no blanks) unless {@code blankFinding} >= 0.
     */
    static EmbeddedSplit split(int n, double noise, long seed, int blankFinding) {
        int f = Findings.CHEXPERT_13.size(), dim = f + 2;
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> ids = new ArrayList<>(), patients = new ArrayList<>();
        float[][] emb = new float[n][], labels = new float[n][f];
        for (int i = 0; i < n; i++) {
            ids.add("d" + i);
            patients.add("p" + (i / 2));
            float[] v = new float[dim];
            for (int j = 0; j < f; j++) {
                labels[i][j] = rng.nextDouble() < 0.3 ? 1f : 0f;
                if (j == blankFinding) labels[i][j] = Float.NaN;
                if (labels[i][j] == 1f) v[j] += 1f;
            }
            for (int j = 0; j < dim; j++) v[j] += (float) (rng.nextGaussian() * noise);
            emb[i] = Embeddings.normalize(v);
        }
        return new EmbeddedSplit(ids, patients, emb, labels);
    }

    /** A text encoder that maps "pos:<finding>" / "neg:<finding>" prompts and finding names onto the axes. */
    static TextEncoder axisEncoder() {
        int dim = Findings.CHEXPERT_13.size() + 2;
        return texts -> texts.stream().map(t -> {
            if (t.startsWith("neg:")) return unit(dim, dim - 1);
            String name = t.startsWith("pos:") ? t.substring(4) : t;
            return unit(dim, Findings.index(name));
        }).toArray(float[][]::new);
    }

    static Prompts axisPrompts() {
        Map<String, Prompts.Pair> m = new LinkedHashMap<>();
        for (String f : Findings.CHEXPERT_13) m.put(f, new Prompts.Pair(List.of("pos:" + f), List.of("neg:" + f)));
        return new Prompts(m);
    }

    static float[] labelsOf(String... positive) {
        float[] l = new float[Findings.CHEXPERT_13.size()];
        Arrays.fill(l, 0f);
        for (String p : positive) l[Findings.index(p)] = 1f;
        return l;
    }
}
