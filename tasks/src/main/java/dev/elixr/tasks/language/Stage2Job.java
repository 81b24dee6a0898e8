package dev.elixr.tasks.language;

import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.qformer.LanguageProjection;
import dev.elixr.models.softprompt.VisionLanguageModel;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.train.Checkpoints;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.train.ImageTokenCache;
import dev.elixr.tasks.train.Provenance;
import dev.elixr.tasks.train.RunInfo;
import dev.elixr.tasks.train.RunLock;
import dev.elixr.tasks.train.TrainingSettings;
import dev.elixr.tensor.random.SplitMix64;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job behind {@code elixr train elixr-b --stage 2} (the loop is {@link Stage2Training}): loads the stage-1 run (its
 * Q-Former, {@code ln_vision} and image run) and the frozen LLM with its tokenizer, reads the data set's items
 * ({@link InstructionSet}), takes the frozen tower's tokens of the training and validation images from the stage-1
 * run's cache (or computes them once into this run), trains, and writes the run directory ({@link ElixrB2Run}) with
 * {@code run.json} and {@code training.json}, holding the run directory's {@link RunLock} throughout.
 */
public final class Stage2Job {
    private Stage2Job() {}

    /**
     * data, stage-1 run, LLM (folder or run), output run; the adapter's form; whether the Q-Former trains too; the task
     * mix; the longest answer kept (tokens, with end of sequence); validation items per task; the loop's settings.
     */
    public record Options(Path data, Path stage1Run, Path llm, Path out, LanguageProjection.Kind adapter, boolean trainQFormer, TaskMix mix,
                          int maxAnswerTokens, int validationItems, Stage2Training.Config training, boolean statementFirst,
                          QuestionRepeats vqaRepeats) {
        public Options(Path data, Path stage1Run, Path llm, Path out, LanguageProjection.Kind adapter, boolean trainQFormer, TaskMix mix,
                       int maxAnswerTokens, int validationItems, Stage2Training.Config training) {
            this(data, stage1Run, llm, out, adapter, trainQFormer, mix, maxAnswerTokens, validationItems, training, false, QuestionRepeats.none());
        }

        /** Report checks taught in two steps (what the image shows, then the verdict; {@link ImageFindings}). */
        public Options withStatementFirst(boolean s) {
            return new Options(data, stage1Run, llm, out, adapter, trainQFormer, mix, maxAnswerTokens, validationItems, training, s, vqaRepeats);
        }

        /** Training visual questions of some categories repeated in the pool ({@link QuestionRepeats}). */
        public Options withVqaRepeats(QuestionRepeats r) {
            return new Options(data, stage1Run, llm, out, adapter, trainQFormer, mix, maxAnswerTokens, validationItems, training, statementFirst, r);
        }
    }

    public static Stage2Training.Outcome run(Options o, String commandLine, PrintStream log) throws IOException {
        Instant started = Instant.now();
        try (RunLock lock = RunLock.acquire(o.out())) {
            return locked(o, commandLine, started, log);
        }
    }

    private static Stage2Training.Outcome locked(Options o, String commandLine, Instant started, PrintStream log) throws IOException {
        Path run = o.out();
        boolean resume = o.training().session().resume();
        if (!resume && Files.isDirectory(run.resolve("checkpoints")))
            throw new IllegalArgumentException("run " + run + " already has checkpoints: pass --resume to continue it, or choose another --out");
        ElixrBRun stage1 = ElixrBRun.load(o.stage1Run(), log);
        Path llmDir = LlmLocation.resolve(o.llm());
        String stage1Sha = Provenance.sha256(o.stage1Run().resolve(ElixrBRun.WEIGHTS)), llmSha = ElixrB2Run.llmDigest(llmDir);
        List<CxrStudy> all = MimicCxrJpg.read(o.data());
        InstructionSet set = InstructionSet.read(o.data(), all, o.statementFirst());
        ElixrB2Run.Spec spec = new ElixrB2Run.Spec(o.stage1Run(), stage1Sha, llmDir, llmSha, o.adapter(), o.trainQFormer(), o.maxAnswerTokens(), o.statementFirst());
        ElixrB2Run.Spec previous = resume ? ElixrB2Run.readSpec(run) : null;
        if (previous != null) checkSame(run, previous, spec);
        Map<String, String> settings = settings(o);
        if (resume) TrainingSettings.checkResume(run, settings);
        else TrainingSettings.write(run, settings);
        ElixrB2Run.writeSpec(run, spec);

        LlamaModel llm = LlamaModel.load(llmDir);
        var encoder = new InstructionEncoder(BpeTokenizer.forModel(llmDir), llm.config(), stage1.model().config().queries().count(), o.maxAnswerTokens());
        ImageTokens trainImages = tokens(run, "train", stage1, all, log), valImages = tokens(run, "validate", stage1, all, log);
        Map<LanguageTask, List<Instruction>> train = new EnumMap<>(LanguageTask.class);
        set.split("train").forEach((t, items) -> train.put(t, trainImages.readable(items)));
        train.put(LanguageTask.VQA, o.vqaRepeats().apply(train.getOrDefault(LanguageTask.VQA, List.of())));
        List<Instruction> validation = new ArrayList<>();
        for (LanguageTask t : LanguageTask.values()) {
            if (o.mix().weight(t) == 0) continue;
            List<Instruction> v = valImages.readable(set.items(t, "validate"));
            validation.addAll(v.subList(0, Math.min(o.validationItems(), v.size())));
        }
        VisionLanguageModel model = ElixrB2Run.build(stage1, llm, spec, new SplitMix64(o.training().session().seed()));
        log.printf("elixr: ELIXR-B stage 2: %s adapter %d → %d (%,d trainable parameters%s) into the frozen LLM %s (%,d parameters); "
                        + "training items: %s; mix %s%n", o.adapter(), stage1.model().config().width(), llm.config().hiddenSize(),
                model.trainableParameterCount(), o.trainQFormer() ? ", the Q-Former included" : "", llmDir, llm.parameterCount(), counts(train), o.mix());
        var data = new Stage2Training.Data(new MixedBatches(train, o.mix(), o.training().session().seed()), trainImages, validation, valImages);
        Stage2Training.Outcome outcome = Stage2Training.train(model, encoder, data, o.training(), new Checkpoints(run, 2), log);
        if (outcome.steps() >= outcome.totalSteps()) ElixrB2Run.save(run, model, outcome.history());
        RunInfo.record(run, "elixr-b-stage2", describe(o, llmDir, train, validation.size()), o.training().session().seed(),
                stage1.imageRun().model().config().image().preprocessing().describe(), commandLine, started, outcome.session(),
                new dev.elixr.tasks.data.SkippedItems());
        return outcome;
    }

    /** A split's tower tokens: the stage-1 run's cache when it has one, else computed once into this run. */
    static ImageTokens tokens(Path run, String split, ElixrBRun stage1, List<CxrStudy> all, PrintStream log) throws IOException {
        List<CxrStudy> studies = all.stream().filter(s -> s.split().equals(split)).toList();
        ElixrCRun imageRun = stage1.imageRun();
        String digest = Provenance.sha256(imageRun.dir().resolve(ElixrCRun.WEIGHTS));
        if (Files.exists(ImageTokenCache.file(stage1.dir(), split))) {
            ImageTokenCache.Tokens t = ImageTokenCache.cached(stage1.dir(), split, imageRun, digest, studies, log);
            if (t != null) {
                log.printf("elixr: %s image tokens [%d,%d,%d] reused from the stage-1 run %s%n", split, t.count(), t.tokens(), t.width(), stage1.dir());
                return ImageTokens.of(t);
            }
        }
        return ImageTokens.of(ImageTokenCache.load(run, split, imageRun, digest, studies, log));
    }

    private static void checkSame(Path run, ElixrB2Run.Spec was, ElixrB2Run.Spec now) {
        List<String> d = new ArrayList<>();
        if (!was.stage1Sha256().equals(now.stage1Sha256())) d.add("the stage-1 run's weights");
        if (!was.llmSha256().equals(now.llmSha256())) d.add("the LLM's weights");
        if (was.adapter() != now.adapter()) d.add("--adapter " + was.adapter() + " (this command: " + now.adapter() + ")");
        if (was.trainQFormer() != now.trainQFormer()) d.add("--train-qformer " + was.trainQFormer());
        if (was.maxAnswerTokens() != now.maxAnswerTokens()) d.add("--max-answer-tokens " + was.maxAnswerTokens());
        if (was.statementFirst() != now.statementFirst()) d.add("--statement-first " + was.statementFirst());
        if (!d.isEmpty())
            throw new IllegalArgumentException("--resume: " + run + " was trained with other inputs: " + String.join(", ", d)
                    + "; resuming would mix two models: start a new --out");
    }

    static Map<String, String> settings(Options o) {
        Stage2Training.Config t = o.training();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--stage", "2");
        m.put("--steps", Integer.toString(t.steps()));
        m.put("--batch", Integer.toString(t.batch()));
        m.put("--lr", Double.toString(t.optimisation().lr()));
        m.put("--weight-decay", Double.toString(t.optimisation().weightDecay()));
        m.put("--warmup", Double.toString(t.optimisation().warmupFraction()));
        m.put("--grad-clip", Double.toString(t.optimisation().gradClip()));
        m.put("--seed", Long.toString(t.session().seed()));
        m.put("--mix", o.mix().toString());
        m.put("--adapter", o.adapter().toString());
        m.put("--train-qformer", Boolean.toString(o.trainQFormer()));
        m.put("--max-answer-tokens", Integer.toString(o.maxAnswerTokens()));
        m.put("--validate-every", Integer.toString(t.validateEvery()));
        m.put("--validation-items", Integer.toString(o.validationItems()));
        if (o.statementFirst()) m.put("--statement-first", "true");
        m.put("--vqa-repeats", o.vqaRepeats().isNone() ? "none" : o.vqaRepeats().toString());
        return m;
    }

    private static String counts(Map<LanguageTask, List<Instruction>> m) {
        StringBuilder s = new StringBuilder();
        m.forEach((t, l) -> s.append(s.isEmpty() ? "" : ", ").append(t.id()).append(' ').append(l.size()));
        return s.toString();
    }

    private static Map<String, Object> describe(Options o, Path llm, Map<LanguageTask, List<Instruction>> train, int validation) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", 2);
        m.put("data", o.data().toAbsolutePath().toString());
        m.put("stage1_run", o.stage1Run().toAbsolutePath().toString());
        m.put("llm", llm.toAbsolutePath().toString());
        Map<String, Integer> items = new LinkedHashMap<>();
        train.forEach((t, l) -> items.put(t.id(), l.size()));
        m.put("train_items", items);
        m.put("validation_items", validation);
        m.put("mix", o.mix().toString());
        m.put("vqa_repeats", o.vqaRepeats().isNone() ? "none" : o.vqaRepeats().toString());
        m.put("adapter", o.adapter().toString());
        m.put("train_qformer", o.trainQFormer());
        m.put("training", o.training());
        return m;
    }
}
