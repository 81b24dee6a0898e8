import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.tasks.language.ElixrB2Run;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tensor.Tensor;
import java.nio.file.*;
import java.util.*;
import java.util.function.Function;

/**
 * Diagnostic: where the side (and the severity) of a finding is lost between the image and the LLM. For every image of
 * the train and validation splits whose VQA laterality answers are all "left" or all "right" (no bilateral finding), a
 * linear probe (L2-regularised logistic regression, plain gradient descent on standardised features; lambda chosen on a
 * fifth of the train images held out) is fitted on train images and scored on validation images, from:
 * (a) the frozen ELIXR-C tower's tokens [T,C] (the Q-Former's cross-attention input): each channel's mean over the
 *     left half of the h×w grid less its mean over the right half [C], and the flattened map [T·C];
 * (b) the stage-1 Q-Former's query outputs [Q·H]; (c) the stage-2 run's (retrained) query outputs [Q·H] and its soft
 *     prompt [Q·D]. The same for severity: images whose severity answers are all small/mild or all large/severe.
 * Tower tokens come from the stage-1 run's cache ({@code features-<split>.safetensors}).
 * Run: java --add-modules jdk.incubator.vector -cp tools/target/elixr.jar docs/diagnostics/SideProbe.java RUN_B RUN_B2 DATA
 */
public class SideProbe {
    public static void main(String[] a) throws Exception {
        Path runB = Path.of(a[0]), runB2 = Path.of(a[1]), data = Path.of(a[2]);
        Map<String, Map<String, Set<String>>> lat = new HashMap<>(), sev = new HashMap<>();
        ObjectMapper om = new ObjectMapper();
        for (String line : Files.readAllLines(data.resolve("vqa.jsonl"))) {
            JsonNode n = om.readTree(line);
            String c = n.get("category").asText(), split = n.get("split").asText(), id = n.get("dicom_id").asText(), ans = n.get("answer").asText();
            if (c.equals("laterality")) lat.computeIfAbsent(split, k -> new HashMap<>()).computeIfAbsent(id, k -> new HashSet<>()).add(ans);
            if (c.equals("severity")) sev.computeIfAbsent(split, k -> new HashMap<>()).computeIfAbsent(id, k -> new HashSet<>())
                    .add(switch (ans) { case "small", "mild" -> "low"; case "large", "severe" -> "high"; default -> "mid"; });
        }
        Map<String, Set<String>> latLabels = Map.of("right", Set.of("right")), sevLabels = Map.of("high", Set.of("high"));
        Map<String, Tensor> tokens = new HashMap<>();
        Map<String, List<String>> ids = new HashMap<>();
        for (String split : List.of("train", "validate")) {
            var c = Safetensors.open(runB.resolve("features-" + split + ".safetensors"));
            tokens.put(split, c.tensors().get("tokens"));
            ids.put(split, List.of(c.metadata().get("kept_ids").split("\n")));
        }
        List<String> names = new ArrayList<>();
        Map<String, Map<String, float[][]>> feats = new LinkedHashMap<>();   // name -> split -> rows
        for (String split : List.of("train", "validate")) {
            Tensor t = tokens.get(split);
            int n = t.size(0), tt = t.size(1), ch = t.size(2), w = (int) Math.round(Math.sqrt(tt));
            float[] v = t.contiguous().toFloatArray();
            float[][] halves = new float[n][ch], flat = new float[n][];
            for (int i = 0; i < n; i++) {
                flat[i] = Arrays.copyOfRange(v, i * tt * ch, (i + 1) * tt * ch);
                for (int k = 0; k < tt; k++) {
                    int col = k % w;
                    double sign = col < w / 2 ? 1 : col >= (w + 1) / 2 ? -1 : 0;
                    for (int j = 0; j < ch; j++) halves[i][j] += (float) (sign * v[(i * tt + k) * ch + j] / (w / 2 * w));
                }
            }
            feats.computeIfAbsent("a1 tower, left half - right half [C]", k -> new HashMap<>()).put(split, halves);
            feats.computeIfAbsent("a2 tower, flattened [T*C]", k -> new HashMap<>()).put(split, flat);
        }
        var b = ElixrBRun.load(runB, System.err);
        b.model().eval();
        for (String split : List.of("train", "validate"))
            feats.computeIfAbsent("b  stage-1 query outputs [Q*H]", k -> new HashMap<>()).put(split, apply(tokens.get(split), x -> b.model().queryOutputs(x).value()));
        var b2 = ElixrB2Run.load(runB2, System.err);   // overwrites the stage-1 model's weights with stage 2's Q-Former
        b2.model().eval();
        for (String split : List.of("train", "validate")) {
            feats.computeIfAbsent("c1 stage-2 query outputs [Q*H]", k -> new HashMap<>()).put(split, apply(tokens.get(split), x -> b2.model().bridge().queryOutputs(x).value()));
            feats.computeIfAbsent("c2 stage-2 soft prompt [Q*D]", k -> new HashMap<>()).put(split, apply(tokens.get(split), x -> b2.model().softPrompt(x).value()));
        }
        for (var task : List.of(Map.entry("side (left vs right)", lat), Map.entry("severity (small/mild vs large/severe)", sev))) {
            String pos = task.getKey().startsWith("side") ? "right" : "high", neg = task.getKey().startsWith("side") ? "left" : "low";
            System.out.println("== " + task.getKey());
            for (var f : feats.entrySet()) {
                double[] r = probe(f.getValue(), ids, task.getValue(), pos, neg);
                System.out.printf("%-40s train %4d val %4d  val acc %.3f (majority %.3f)  lambda %.0e%n", f.getKey(), (int) r[0], (int) r[1], r[2], r[3], r[4]);
            }
        }
    }

    static float[][] apply(Tensor tokens, Function<Var, Tensor> f) {
        int n = tokens.size(0);
        float[][] out = new float[n][];
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s < n; s += 64) {
                int[] rows = java.util.stream.IntStream.range(s, Math.min(n, s + 64)).toArray();
                int tt = tokens.size(1), ch = tokens.size(2);
                float[] all = tokens.contiguous().toFloatArray(), part = new float[rows.length * tt * ch];
                System.arraycopy(all, s * tt * ch, part, 0, part.length);
                float[] o = f.apply(Var.of(Tensor.wrap(part, rows.length, tt, ch))).contiguous().toFloatArray();
                int d = o.length / rows.length;
                for (int i = 0; i < rows.length; i++) out[s + i] = Arrays.copyOfRange(o, i * d, (i + 1) * d);
            }
        }
        return out;
    }

    /** {train n, validation n, validation accuracy, validation majority rate, lambda}. */
    static double[] probe(Map<String, float[][]> x, Map<String, List<String>> ids, Map<String, Map<String, Set<String>>> answers, String pos, String neg) {
        List<double[]> tx = new ArrayList<>(), vx = new ArrayList<>();
        List<Integer> ty = new ArrayList<>(), vy = new ArrayList<>();
        for (String split : List.of("train", "validate")) {
            var rows = x.get(split);
            var ans = answers.getOrDefault(split, Map.of());
            for (int i = 0; i < rows.length; i++) {
                Set<String> s = ans.get(ids.get(split).get(i));
                if (s == null || s.size() != 1 || !(s.contains(pos) || s.contains(neg))) continue;
                double[] r = new double[rows[i].length];
                for (int j = 0; j < r.length; j++) r[j] = rows[i][j];
                (split.equals("train") ? tx : vx).add(r);
                (split.equals("train") ? ty : vy).add(s.contains(pos) ? 1 : 0);
            }
        }
        int d = tx.get(0).length;
        double[] mu = new double[d], sd = new double[d];
        for (double[] r : tx) for (int j = 0; j < d; j++) mu[j] += r[j] / tx.size();
        for (double[] r : tx) for (int j = 0; j < d; j++) sd[j] += (r[j] - mu[j]) * (r[j] - mu[j]) / tx.size();
        for (List<double[]> l : List.of(tx, vx)) for (double[] r : l) for (int j = 0; j < d; j++) r[j] = (r[j] - mu[j]) / Math.sqrt(sd[j] + 1e-8);
        int cut = tx.size() * 4 / 5;
        double best = -1, bestLambda = 0;
        for (double lambda : new double[] {1e-3, 1e-2, 1e-1, 1}) {
            double[] w = fit(tx.subList(0, cut), ty.subList(0, cut), lambda);
            double acc = accuracy(w, tx.subList(cut, tx.size()), ty.subList(cut, ty.size()));
            if (acc > best) { best = acc; bestLambda = lambda; }
        }
        double[] w = fit(tx, ty, bestLambda);
        double ones = vy.stream().mapToInt(Integer::intValue).sum() / (double) vy.size();
        return new double[] {tx.size(), vx.size(), accuracy(w, vx, vy), Math.max(ones, 1 - ones), bestLambda};
    }

    /** Mean log-loss + (lambda/2)|w|^2 by Adam, full batch, 400 steps; last entry the bias. */
    static double[] fit(List<double[]> x, List<Integer> y, double lambda) {
        int d = x.get(0).length, n = x.size();
        double[] w = new double[d + 1], m = new double[d + 1], v = new double[d + 1];
        for (int step = 1; step <= 400; step++) {
            double[] g = new double[d + 1];
            for (int i = 0; i < n; i++) {
                double r = sigmoid(z(w, x.get(i))) - y.get(i);
                double[] xi = x.get(i);
                for (int j = 0; j < d; j++) g[j] += r * xi[j] / n;
                g[d] += r / n;
            }
            for (int j = 0; j < d; j++) g[j] += lambda * w[j];
            for (int j = 0; j <= d; j++) {
                m[j] = 0.9 * m[j] + 0.1 * g[j];
                v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
                w[j] -= 0.02 * (m[j] / (1 - Math.pow(0.9, step))) / (Math.sqrt(v[j] / (1 - Math.pow(0.999, step))) + 1e-8);
            }
        }
        return w;
    }

    static double accuracy(double[] w, List<double[]> x, List<Integer> y) {
        int hit = 0;
        for (int i = 0; i < x.size(); i++) if ((z(w, x.get(i)) > 0) == (y.get(i) == 1)) hit++;
        return hit / (double) x.size();
    }

    static double z(double[] w, double[] x) {
        double s = w[x.length];
        for (int j = 0; j < x.length; j++) s += w[j] * x[j];
        return s;
    }

    static double sigmoid(double t) { return 1 / (1 + Math.exp(-t)); }
}
