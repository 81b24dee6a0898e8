package dev.elixr.tasks.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.eval.Embeddings;
import dev.elixr.tasks.eval.Findings;
import dev.elixr.tasks.eval.Prompts;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.train.Provenance;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Embedder} on a trained ELIXR-C run: images through the preprocessing saved in the run's config
 * ({@link ImagePreprocessing#prepare}, then {@link ImagePreprocessing#normalise}: what the run's
 * {@link dev.elixr.tasks.data.ImagePipeline} does without augmentation), texts through {@link ElixrCRun#embedTexts}, and zero-shot scores cos(image, p) - cos(image, n) with p, n the re-normalised means of the
 * default positive and negative prompt ensembles, exactly as {@link dev.elixr.tasks.eval.ZeroShot} scores an image.
 */
public final class ElixrCEmbedder implements Embedder {
    private static final int BATCH = 64;

    private final ElixrCRun run;
    private final String fingerprint;
    private final float[][] positive, negative;
    private final Map<String, List<String>> flags;

    private ElixrCEmbedder(ElixrCRun run, String fingerprint, Prompts prompts, Map<String, List<String>> flags) {
        this.run = run;
        this.fingerprint = fingerprint;
        this.flags = flags;
        int n = Findings.CHEXPERT_13.size();
        positive = new float[n][];
        negative = new float[n][];
        for (int f = 0; f < n; f++) {
            Prompts.Pair pair = prompts.byFinding().get(Findings.CHEXPERT_13.get(f));
            if (pair == null) throw new IllegalArgumentException("no zero-shot prompts for finding '" + Findings.CHEXPERT_13.get(f) + "'");
            positive[f] = Embeddings.meanDirection(embedTexts(pair.positive()));
            negative[f] = Embeddings.meanDirection(embedTexts(pair.negative()));
        }
    }

    /**
     * Loads the run (its final weights) with the default prompts and the flags of RUN/eval/zero-shot/metrics.json if
     * present. The loaded model only embeds, so it is frozen: its linear layers multiply by packed copies of their
     * weights from their second batch on (FrozenWeight).
     */
    public static ElixrCEmbedder load(Path runDir) throws IOException {
        ElixrCRun run = ElixrCRun.load(runDir);
        run.model().freeze();
        return new ElixrCEmbedder(run, Provenance.sha256(runDir.resolve(ElixrCRun.WEIGHTS)), Prompts.defaults(),
                readFlags(runDir.resolve("eval").resolve("zero-shot").resolve("metrics.json")));
    }

    static Map<String, List<String>> readFlags(Path metrics) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(metrics)) return out;
        JsonNode per = new ObjectMapper().readTree(metrics.toFile()).path("per_finding");
        for (var e : per.properties()) {
            List<String> fl = new ArrayList<>();
            e.getValue().path("flags").forEach(f -> fl.add(f.asText()));
            out.put(e.getKey(), List.copyOf(fl));
        }
        return out;
    }

    @Override public int dim() { return run.model().config().embedDim(); }

    private ImagePreprocessing preprocessing() { return run.model().config().image().preprocessing(); }

    /** Refuses a {@code --decode} other than the run's recorded decoding ({@link ImagePreprocessing#requireDecode}). */
    public void requireDecode(String asked, java.nio.file.Path runDir) { preprocessing().requireDecode(asked, runDir.toString()); }

    /** The run's recorded decoding ({@code display} or {@code cxr-foundation}). */
    @Override public String decode() { return preprocessing().decode(); }

    @Override
    public float[][] embedImages(List<GreyImage> images) {
        ImagePreprocessing pp = preprocessing();
        int size = pp.size(), plane = size * size;
        float[][] out = new float[images.size()][];
        run.model().eval();
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s < images.size(); s += BATCH) {
                int b = Math.min(BATCH, images.size() - s);
                float[] px = new float[b * plane];
                for (int i = 0; i < b; i++) {
                    GreyImage img = images.get(s + i);
                    pp.normalise(pp.prepare(img.pixels(), img.width(), img.height()), px, i * plane);
                }
                rows(run.model().embedImages(Var.of(Tensor.wrap(px, b, 1, size, size))).value(), out, s);
            }
        }
        return out;
    }

    @Override public float[][] embedTexts(List<String> texts) { return run.embedTexts(texts); }

    @Override public List<String> findings() { return Findings.CHEXPERT_13; }

    @Override
    public double[][] classify(float[][] imageEmbeddings) {
        double[][] out = new double[imageEmbeddings.length][positive.length];
        for (int i = 0; i < imageEmbeddings.length; i++)
            for (int f = 0; f < positive.length; f++)
                out[i][f] = Embeddings.dot(imageEmbeddings[i], positive[f]) - Embeddings.dot(imageEmbeddings[i], negative[f]);
        return out;
    }

    @Override public Map<String, List<String>> evaluationFlags() { return flags; }

    @Override public String fingerprint() { return fingerprint; }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("model", "ELIXR-C");
        d.put("run", run.dir().toAbsolutePath().normalize().toString());
        d.put("weights_sha256", fingerprint);
        d.put("embed_dim", dim());
        d.put("preprocessing", preprocessing().describe());
        d.put("zero_shot", "cos(image, mean positive prompt) - cos(image, mean negative prompt), default prompts");
        return d;
    }

    private static void rows(Tensor t, float[][] out, int start) {
        int n = t.size(0), d = t.size(1);
        float[] flat = t.contiguous().toFloatArray();
        for (int i = 0; i < n; i++) out[start + i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
    }
}
