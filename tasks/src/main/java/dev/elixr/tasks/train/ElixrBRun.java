package dev.elixr.tasks.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.models.elixr.ElixrB;
import dev.elixr.models.hf.HfConfigs;
import dev.elixr.models.qformer.QFormerConfig;
import dev.elixr.models.qformer.TextPooling;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.models.qformer.TextBatch;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * An ELIXR-B run directory: {@code elixr-b.json} (the image run it reads, the SHA-256 of that run's weights, and the
 * Q-Former's shape in Hugging Face {@code blip_2_qformer} fields), {@code model.safetensors} (final {@link ElixrB}
 * weights), {@code history.json}, {@code run.json}, {@code features-<split>.safetensors} ({@link ImageTokenCache}) and
 * {@code checkpoints/}. The text side uses the image run's vocabulary with [DEC] appended as the next id.
 */
public final class ElixrBRun {
    public static final String CONFIG = "elixr-b.json", WEIGHTS = "model.safetensors", HISTORY = "history.json";

    /**
     * What a run is made of: its image run, that run's weights digest, the Q-Former's shape, and the tower tokens its
     * learned image position embedding is for (0: none, {@link ElixrB#imagePositions}), the tokens its image summary reads
     * (0: none), and how ITC's text feature pools the text pass ({@code text_pooling}; absent in runs from before the
     * choice existed: [CLS]), and whether ITC's query embeddings are centred ({@code itc_centre_queries},
     * {@link dev.elixr.models.qformer.QueryCentring}; absent: not), and how many of the first queries ITC reads
     * ({@code itc_queries}; 0 or absent: all).
     */
    public record Spec(Path imageRun, String imageRunSha256, QFormerConfig qformer, int imagePositions, int imageSummary, TextPooling textPooling,
                       boolean centreQueries, int itcQueries) {
        public Spec {
            if (textPooling == null) textPooling = TextPooling.CLS;
        }

        /** ITC's query embeddings not centred (BLIP-2's). */
        public Spec(Path imageRun, String imageRunSha256, QFormerConfig qformer, int imagePositions, int imageSummary, TextPooling textPooling) {
            this(imageRun, imageRunSha256, qformer, imagePositions, imageSummary, textPooling, false, 0);
        }

        /** ITC's text feature BLIP-2's [CLS]. */
        public Spec(Path imageRun, String imageRunSha256, QFormerConfig qformer, int imagePositions, int imageSummary) {
            this(imageRun, imageRunSha256, qformer, imagePositions, imageSummary, TextPooling.CLS);
        }

        /** Without image position embeddings. */
        public Spec(Path imageRun, String imageRunSha256, QFormerConfig qformer) { this(imageRun, imageRunSha256, qformer, 0); }

        /** Without an image summary token. */
        public Spec(Path imageRun, String imageRunSha256, QFormerConfig qformer, int imagePositions) {
            this(imageRun, imageRunSha256, qformer, imagePositions, 0);
        }
    }

    private final Path dir;
    private final Spec spec;
    private final ElixrB model;
    private final ElixrCRun imageRun;

    private ElixrBRun(Path dir, Spec spec, ElixrB model, ElixrCRun imageRun) {
        this.dir = dir;
        this.spec = spec;
        this.model = model;
        this.imageRun = imageRun;
    }

    public static void writeSpec(Path dir, Spec spec) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "elixr-b");
        m.put("image_run", spec.imageRun().toAbsolutePath().normalize().toString());
        m.put("image_run_sha256", spec.imageRunSha256());
        m.put("qformer", HfConfigs.qformerJson(spec.qformer()));
        if (spec.imagePositions() > 0) m.put("image_position_embeddings", spec.imagePositions());
        if (spec.imageSummary() > 0) m.put("image_summary_tokens", spec.imageSummary());
        m.put("text_pooling", spec.textPooling().key());
        if (spec.centreQueries()) m.put("itc_centre_queries", true);
        if (spec.itcQueries() > 0) m.put("itc_queries", spec.itcQueries());
        Files.createDirectories(dir);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG).toFile(), m);
    }

    /** The spec written by {@link #writeSpec}, or null when the run has none yet. */
    public static Spec readSpec(Path dir) throws IOException {
        Path f = dir.resolve(CONFIG);
        if (!Files.exists(f)) return null;
        JsonNode n = new ObjectMapper().readTree(f.toFile());
        if (!n.hasNonNull("image_run") || !n.hasNonNull("qformer"))
            throw new IllegalArgumentException(f + ": not an ELIXR-B spec (needs image_run and qformer)");
        return new Spec(Path.of(n.get("image_run").asText()), n.path("image_run_sha256").asText(""), HfConfigs.qformer(n.get("qformer")),
                n.path("image_position_embeddings").asInt(0), n.path("image_summary_tokens").asInt(0), textPooling(f, n),
                n.path("itc_centre_queries").asBoolean(false), n.path("itc_queries").asInt(0));
    }

    private static TextPooling textPooling(Path f, JsonNode n) {
        if (!n.has("text_pooling")) return TextPooling.CLS;
        try {
            return TextPooling.parse(n.get("text_pooling").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + ": " + e.getMessage());
        }
    }

    /** Writes the final weights and curves. */
    public static void save(Path dir, ElixrB model, TrainingHistory history) throws IOException {
        Path tmp = dir.resolve(WEIGHTS + ".tmp");
        Safetensors.write(tmp, model.stateDict());
        Files.move(tmp, dir.resolve(WEIGHTS), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        history.write(dir.resolve(HISTORY));
    }

    /** A finished run, its weights loaded strictly, with the image run it reads (a warning when that run's weights changed). */
    public static ElixrBRun load(Path dir, PrintStream log) throws IOException {
        for (String f : new String[] {CONFIG, WEIGHTS})
            if (!Files.exists(dir.resolve(f)))
                throw new NoSuchFileException(dir.resolve(f).toString(), null, "not a finished ELIXR-B run (train one with: "
                        + "elixr train elixr-b --stage 1 --image-run RUN_C --data DIR --out " + dir + ")");
        Spec spec = readSpec(dir);
        ElixrB model = ElixrB.forLoading(spec.qformer(), spec.imagePositions(), spec.imageSummary(), spec.textPooling(), spec.centreQueries(),
                spec.itcQueries());
        model.loadStateDict(Safetensors.read(dir.resolve(WEIGHTS)), true);
        model.eval();
        ElixrCRun imageRun = ElixrCRun.load(spec.imageRun());
        String now = Provenance.sha256(spec.imageRun().resolve(ElixrCRun.WEIGHTS));
        if (!now.equals(spec.imageRunSha256()))
            log.println("elixr: warning: the image run " + spec.imageRun() + " changed since " + dir + " was trained on it");
        return new ElixrBRun(dir, spec, model, imageRun);
    }

    /** The [DEC] token's id for a vocabulary of {@code size} ids: the next one. */
    public static int decTokenId(int vocabularySize) { return vocabularySize; }

    public Path dir() { return dir; }

    public Spec spec() { return spec; }

    public ElixrB model() { return model; }

    public ElixrCRun imageRun() { return imageRun; }

    /**
     * Per image its Q L2-normalised query embeddings, concatenated [n][Q·P]: the evaluations score an image against a
     * text by its best query (max_q cos(img_q, t), Xu et al. 2023 §2.3).
     */
    public float[][] embedImages(ImageBank bank) {
        return images(bank, tokens -> model.embedImages(tokens).value());
    }

    /** Per image the query outputs averaged over the queries [n][H]: what the data-efficient probes read. */
    public float[][] pooledQueries(ImageBank bank) {
        return images(bank, tokens -> model.queryOutputs(tokens).mean(false, 1).value());
    }

    /** The frozen tower's spatial tokens of every image, [n][T·C] (what ITM re-ranking pairs a text with). */
    public float[][] towerTokens(ImageBank bank) {
        return images(bank, Var::value);
    }

    /**
     * ITM "match" logits ({@link ElixrB#itmMatchLogits}) of one text against images given by their tower tokens
     * ([T·C] each, from {@link #towerTokens}), in batches of 64.
     */
    public double[] itmMatchLogits(String text, List<float[]> images) {
        model.eval();
        WordPieceTokenizer tok = imageRun.tokenizer();
        int pad = tok.vocab().id(WordPieceTokenizer.PAD), max = imageRun.model().config().text().maxTokens();
        int c = spec.qformer().queries().imageWidth();
        Encoding enc = tok.encode(text, max, false);
        double[] out = new double[images.size()];
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s < images.size(); s += 64) {
                int n = Math.min(images.size(), s + 64) - s, tc = images.get(s).length;
                float[] flat = new float[n * tc];
                for (int i = 0; i < n; i++) System.arraycopy(images.get(s + i), 0, flat, i * tc, tc);
                TokenBatch t = TokenBatch.of(java.util.Collections.nCopies(n, enc), IntStream.range(0, n).toArray(), pad);
                float[] logits = model.itmMatchLogits(Var.of(Tensor.of(flat, n, tc / c, c)),
                        new TextBatch(t.ids(), t.mask(), t.batch(), t.length())).value().contiguous().toFloatArray();
                for (int i = 0; i < n; i++) out[s + i] = logits[i];
            }
        }
        return out;
    }

    /** L2-normalised text embeddings [n][P] (the Q-Former's text pass pooled as the run was trained, projected). */
    public float[][] embedTexts(List<String> texts) {
        model.eval();
        WordPieceTokenizer tok = imageRun.tokenizer();
        int pad = tok.vocab().id(WordPieceTokenizer.PAD), max = imageRun.model().config().text().maxTokens();
        float[][] out = new float[texts.size()][];
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s < texts.size(); s += 64) {
                List<Encoding> enc = texts.subList(s, Math.min(texts.size(), s + 64)).stream().map(t -> tok.encode(t, max, false)).toList();
                TokenBatch t = TokenBatch.of(enc, IntStream.range(0, enc.size()).toArray(), pad);
                rows(model.embedTexts(new TextBatch(t.ids(), t.mask(), t.batch(), t.length())).value(), out, s);
            }
        }
        return out;
    }

    /** The frozen tower's tokens of each batch of images (not cached: evaluation images are read once), through f. */
    private float[][] images(ImageBank bank, Function<Var, Tensor> f) {
        var trained = imageRun.model().config().image().preprocessing();
        if (!bank.pipeline().preprocessing().equals(trained))
            throw new IllegalArgumentException("images preprocessed as " + bank.pipeline().preprocessing() + ", but the image run "
                    + imageRun.dir() + " was trained on " + trained + ": load them with its imagePipeline()");
        model.eval();
        imageRun.model().eval();
        float[][] out = new float[bank.count()][];
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s < bank.count(); s += 32) {
                int[] rows = IntStream.range(s, Math.min(bank.count(), s + 32)).toArray();
                Var tokens = imageRun.model().imageEncoder().spatialTokens(Var.of(bank.batch(rows, null)));
                rows(f.apply(tokens), out, s);
            }
        }
        return out;
    }

    private static void rows(Tensor t, float[][] out, int start) {
        int n = t.size(0), d = Shape.numel(t.shape()) / n;
        float[] flat = t.contiguous().toFloatArray();
        for (int i = 0; i < n; i++) out[start + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
    }
}
