package dev.elixr.tasks.language;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.qformer.LanguageProjection;
import dev.elixr.models.softprompt.VisionLanguageModel;
import dev.elixr.tasks.data.ImageReadException;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tasks.train.Provenance;
import dev.elixr.tasks.train.TrainingHistory;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An ELIXR-B stage-2 run directory: {@code elixr-b2.json} (the stage-1 run and the LLM folder it reads, with the
 * SHA-256 of their weights; the adapter's form; whether the Q-Former was trained; the longest answer; how report checks
 * are answered),
 * {@code model.safetensors} ({@code ln_vision.*}, {@code qformer.*}, {@code language_projection.*}),
 * {@code history.json}, {@code run.json}, {@code training.json}, {@code checkpoints/}, and the image-token caches when
 * the stage-1 run had none.
 */
public final class ElixrB2Run {
    public static final String CONFIG = "elixr-b2.json", WEIGHTS = "model.safetensors", HISTORY = "history.json";

    /**
     * What a stage-2 run is made of; {@code statementFirst}: its report checks were taught in two steps (what the image
     * shows, then the verdict: {@link ImageFindings}), so they are answered so.
     */
    public record Spec(Path stage1Run, String stage1Sha256, Path llm, String llmSha256, LanguageProjection.Kind adapter,
                       boolean trainQFormer, int maxAnswerTokens, boolean statementFirst) {
        public Spec(Path stage1Run, String stage1Sha256, Path llm, String llmSha256, LanguageProjection.Kind adapter, boolean trainQFormer, int maxAnswerTokens) {
            this(stage1Run, stage1Sha256, llm, llmSha256, adapter, trainQFormer, maxAnswerTokens, false);
        }
    }

    private final Path dir;
    private final Spec spec;
    private final ElixrBRun stage1;
    private final VisionLanguageModel model;
    private final InstructionEncoder encoder;

    private ElixrB2Run(Path dir, Spec spec, ElixrBRun stage1, VisionLanguageModel model, InstructionEncoder encoder) {
        this.dir = dir;
        this.spec = spec;
        this.stage1 = stage1;
        this.model = model;
        this.encoder = encoder;
    }

    public static void writeSpec(Path dir, Spec s) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "elixr-b-stage2");
        m.put("stage1_run", s.stage1Run().toAbsolutePath().normalize().toString());
        m.put("stage1_sha256", s.stage1Sha256());
        m.put("llm", s.llm().toAbsolutePath().normalize().toString());
        m.put("llm_sha256", s.llmSha256());
        m.put("adapter", s.adapter().toString());
        m.put("train_qformer", s.trainQFormer());
        m.put("max_answer_tokens", s.maxAnswerTokens());
        m.put("report_check", s.statementFirst() ? "statement-first" : "verdict");
        Files.createDirectories(dir);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG).toFile(), m);
    }

    /** The spec of a run, or null when it has none yet. */
    public static Spec readSpec(Path dir) throws IOException {
        Path f = dir.resolve(CONFIG);
        if (!Files.exists(f)) return null;
        JsonNode n = new ObjectMapper().readTree(f.toFile());
        for (String k : new String[] {"stage1_run", "llm", "adapter"})
            if (!n.hasNonNull(k)) throw new IllegalArgumentException(f + ": not an ELIXR-B stage-2 spec (no '" + k + "')");
        return new Spec(Path.of(n.get("stage1_run").asText()), n.path("stage1_sha256").asText(""), Path.of(n.get("llm").asText()),
                n.path("llm_sha256").asText(""), LanguageProjection.Kind.parse(n.get("adapter").asText()), n.path("train_qformer").asBoolean(false),
                n.path("max_answer_tokens").asInt(64), n.path("report_check").asText("verdict").equals("statement-first"));
    }

    /** The SHA-256 of an LLM folder's weights (model.safetensors, or the shard index). */
    static String llmDigest(Path llm) throws IOException {
        Path w = llm.resolve("model.safetensors");
        if (!Files.exists(w)) w = llm.resolve("model.safetensors.index.json");
        if (!Files.exists(w)) throw new NoSuchFileException(llm.toString(), null, "no model.safetensors (or shard index) in the LLM folder");
        return Provenance.sha256(w);
    }

    /** Writes the final weights (atomically) and curves. */
    public static void save(Path dir, VisionLanguageModel model, TrainingHistory history) throws IOException {
        Path tmp = dir.resolve(WEIGHTS + ".tmp");
        Safetensors.write(tmp, model.stateDict());
        Files.move(tmp, dir.resolve(WEIGHTS), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        history.write(dir.resolve(HISTORY));
    }

    /** A finished run with its stage-1 run, image run and LLM (a warning when one of their weights changed since), frozen: it only answers. */
    public static ElixrB2Run load(Path dir, PrintStream log) throws IOException {
        for (String f : new String[] {CONFIG, WEIGHTS})
            if (!Files.exists(dir.resolve(f)))
                throw new NoSuchFileException(dir.resolve(f).toString(), null, "not a finished ELIXR-B stage-2 run (train one with: "
                        + "elixr train elixr-b --stage 2 --stage1-run RUN_B --llm DIR --data DIR --out " + dir + ")");
        Spec spec = readSpec(dir);
        ElixrBRun stage1 = ElixrBRun.load(spec.stage1Run(), log);
        if (!Provenance.sha256(spec.stage1Run().resolve(ElixrBRun.WEIGHTS)).equals(spec.stage1Sha256()))
            log.println("elixr: warning: the stage-1 run " + spec.stage1Run() + " changed since " + dir + " was trained on it");
        LlamaModel llm = LlamaModel.load(spec.llm());
        if (!llmDigest(spec.llm()).equals(spec.llmSha256()))
            log.println("elixr: warning: the LLM " + spec.llm() + " changed since " + dir + " was trained on it");
        VisionLanguageModel model = build(stage1, llm, spec, new SplittableRandom(0));
        model.loadStateDict(Safetensors.read(dir.resolve(WEIGHTS)), true);
        model.eval().freeze(); // a finished run only answers: its linear layers multiply by packed weights (FrozenWeight)
        var encoder = new InstructionEncoder(BpeTokenizer.forModel(spec.llm()), llm.config(), model.softTokens(), spec.maxAnswerTokens());
        return new ElixrB2Run(dir, spec, stage1, model, encoder);
    }

    static VisionLanguageModel build(ElixrBRun stage1, LlamaModel llm, Spec spec, java.util.random.RandomGenerator rng) {
        var projection = new LanguageProjection(spec.adapter(), stage1.model().config().width(), llm.config().hiddenSize(), rng);
        return new VisionLanguageModel(stage1.model(), projection, llm, spec.trainQFormer());
    }

    public Path dir() { return dir; }

    public Spec spec() { return spec; }

    public ElixrBRun stage1() { return stage1; }

    public VisionLanguageModel model() { return model; }

    public InstructionEncoder encoder() { return encoder; }

    /** The frozen tower's tokens [1,T,C] of one image file (PNG or JPEG), through the image run's preprocessing. */
    public Tensor towerTokens(Path image) throws ImageReadException {
        if (!Files.isRegularFile(image)) throw new ImageReadException(image, dev.elixr.models.image.ImageDecodeException.Problem.MISSING, "no such file", null);
        float[] px = stage1.imageRun().imagePipeline().read(image);
        return tower(px);
    }

    private Tensor tower(float[] prepared) {
        var c = stage1.imageRun();
        c.model().eval();
        try (var g = GradMode.noGrad()) {
            Tensor batch = c.imagePipeline().batch(new float[][] {prepared}, new int[] {0}, null);
            return c.model().imageEncoder().spatialTokens(Var.of(batch)).value().contiguous();
        }
    }
}
