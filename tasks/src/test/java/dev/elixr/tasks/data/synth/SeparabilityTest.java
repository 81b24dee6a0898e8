package dev.elixr.tasks.data.synth;

import dev.elixr.models.elixr.AntialiasedResize;
import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.data.MimicCxrJpg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On normal difficulty, findings must be learnable from pixels yet not trivially separable: a logistic regression
 * on 32x32 down-sampled images, trained on the train split, must stay below AUC 1.0 on the test split for every
 * finding, while doing clearly better than chance on average.
 */
class SeparabilityTest {
    @TempDir Path tmp;

    @Test
    void logisticRegressionOnTinyImagesIsGoodButNotPerfect() throws IOException {
        SyntheticCxr.generate(tmp, SyntheticCxr.Options.of(1200, 2024).withSize(64).withProgress(false).withSplit(0.0, 0.35));
        List<CxrStudy> all = MimicCxrJpg.read(tmp);
        List<float[]> xTrain = new ArrayList<>(), xTest = new ArrayList<>();
        List<CxrStudy> sTrain = new ArrayList<>(), sTest = new ArrayList<>();
        for (CxrStudy s : all) {
            GreyImage r = CxrImageCodec.read(s.image());
            GreyImage g = new GreyImage(32, 32, AntialiasedResize.resize(r.pixels(), r.width(), r.height(), 32, 32));
            if (s.split().equals("test")) { xTest.add(g.pixels()); sTest.add(s); } else { xTrain.add(g.pixels()); sTrain.add(s); }
        }
        standardise(xTrain, xTest);
        StringBuilder report = new StringBuilder();
        double sum = 0;
        int n = 0;
        for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
            List<float[]> xa = new ArrayList<>();
            List<Integer> ya = new ArrayList<>();
            for (int i = 0; i < sTrain.size(); i++) {
                float v = sTrain.get(i).label(l);
                if (v == -1f) continue;
                xa.add(xTrain.get(i));
                ya.add(v == 1f ? 1 : 0);
            }
            double[] w = LogisticRegression.fit(xa, ya, 1e-2, 250, 7);
            List<Double> pos = new ArrayList<>(), neg = new ArrayList<>();
            for (int i = 0; i < sTest.size(); i++) {
                float v = sTest.get(i).label(l);
                if (v == -1f) continue;
                (v == 1f ? pos : neg).add(LogisticRegression.score(w, xTest.get(i)));
            }
            double auc = LogisticRegression.auc(pos, neg);
            report.append(String.format(Locale.ROOT, "%s %.3f (%d+), ", l.column(), auc, pos.size()));
            assertTrue(pos.size() >= 5, l + ": only " + pos.size() + " positives in the test split");
            assertTrue(auc < 1.0, l + " is trivially separable: AUC " + auc + "\n" + report);
            sum += auc;
            n++;
        }
        double mean = sum / n;
        System.out.println("logistic regression on 32x32 pixels, test AUC: " + report + String.format(Locale.ROOT, "mean %.3f", mean));
        assertTrue(mean > 0.62, "findings should be learnable from pixels: mean AUC " + mean + "\n" + report);
    }

    private static void standardise(List<float[]> train, List<float[]> test) {
        int d = train.getFirst().length;
        for (int j = 0; j < d; j++) {
            double m = 0, s = 0;
            for (float[] x : train) m += x[j];
            m /= train.size();
            for (float[] x : train) s += (x[j] - m) * (x[j] - m);
            double sd = Math.sqrt(s / train.size()) + 1e-6;
            for (float[] x : train) x[j] = (float) ((x[j] - m) / sd);
            for (float[] x : test) x[j] = (float) ((x[j] - m) / sd);
        }
    }
}
