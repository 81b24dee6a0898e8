package dev.elixr.tasks.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.BpeTrainer;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.SkippedItems;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The job behind {@code elixr train lm}: a small Llama-architecture language model of the reports, the default frozen
 * LLM of ELIXR-B stage 2. Reads the reports of a data set (one per study, {@link ReportText#sectioned}), trains a
 * byte-level BPE tokenizer on the training split's ({@link BpeTrainer}), trains the model ({@link LmTraining}) and
 * leaves a run directory that the LLM host loads as it is, as a Hugging Face folder: {@code config.json},
 * {@code model.safetensors}, {@code tokenizer.json}; beside them {@code metrics.json} (validation and test perplexity
 * of the model and of the {@link UnigramBaseline}), {@code history.json}, {@code training.json}, {@code run.json} and
 * {@code checkpoints/}. The run directory's {@link RunLock} is held throughout.
 */
public final class LmTrainingJob {
    public static final String TOKENIZER = "tokenizer.json", METRICS = "metrics.json", HISTORY = "history.json";

    private LmTrainingJob() {}

    /**
     * The model's shape: layers, hidden width, query and key-value heads (head size width / heads), context (the longest
     * row in tokens; longer reports are cut), BPE vocabulary (at most). SwiGLU width 8/3 of the hidden width rounded up
     * to a multiple of 32 (Llama), RoPE θ 10000, RMSNorm ε 1e-5, the LM head tied to the token table.
     */
    public record Shape(int layers, int width, int heads, int kvHeads, int context, int vocab) {
        public Shape {
            if (layers < 1 || width < 2 || heads < 1 || kvHeads < 1 || context < 2)
                throw new IllegalArgumentException("train lm: --layers, --dim, --heads, --kv-heads must be positive and --context at least 2");
            if (width % heads != 0 || (width / heads) % 2 != 0)
                throw new IllegalArgumentException("train lm: --dim " + width + " must split into " + heads + " heads of an even size");
            if (heads % kvHeads != 0) throw new IllegalArgumentException("train lm: --heads " + heads + " is not a multiple of --kv-heads " + kvHeads);
            if (vocab < BpeTrainer.BASE_VOCAB) throw new IllegalArgumentException("train lm: --vocab " + vocab + ": at least " + BpeTrainer.BASE_VOCAB + " (3 special tokens + 256 bytes)");
        }

        /** The demo's: 4 layers, 128 wide, 4 query over 2 key-value heads, 256 positions, 1024 tokens (≈ 0.9M parameters). */
        public static Shape demo() { return new Shape(4, 128, 4, 2, 256, 1024); }

        int intermediate() { return (int) Math.ceil(width * 8.0 / 3 / 32) * 32; }

        LlamaConfig config(int vocabSize) {
            return new LlamaConfig("llama", vocabSize, width, intermediate(), layers, heads, kvHeads, width / heads, 1e-5f, 10000.0, null,
                    false, false, false, true, context, 0, BpeTrainer.BOS_ID, new int[] {BpeTrainer.EOS_ID});
        }
    }

    /**
     * Data, run, shape, loop settings, and the instruction rows that replace the plain reports as the corpus (null: the
     * reports, one per row).
     */
    public record Options(Path data, Path out, Shape shape, LmTraining.Config training, InstructionRow.Source instructions) {
        public Options(Path data, Path out, Shape shape, LmTraining.Config training) { this(data, out, shape, training, null); }

        public Options withInstructions(InstructionRow.Source source) { return new Options(data, out, shape, training, source); }

        /**
         * {@code elixr train lm}'s defaults: {@link Shape#demo()}, {@code --epochs 0} (250 steps, whole epochs) of 16
         * reports, AdamW lr 3e-3, weight decay 0.1, 5% warm-up, clipping at 1, seed 1, a checkpoint every 50 steps.
         */
        public static Options defaults(Path data, Path out) {
            return new Options(data, out, Shape.demo(), new LmTraining.Config(0, 16, new ContrastiveTraining.Optimisation(3e-3, 0.1, 0.05, 1.0),
                    new ContrastiveTraining.Session(1, false, 50, 0)));
        }

        public Options resuming(boolean resume) {
            return new Options(data, out, shape, new LmTraining.Config(training.epochs(), training.batch(), training.optimisation(),
                    training.session().resuming(resume)), instructions);
        }
    }

    /** The trained (or stopped) run: the loop's outcome, the model, and its perplexities beside the unigram baseline's. */
    public record Result(LmTraining.Outcome outcome, LlamaModel model, Map<String, Object> metrics) {}

    /** Trains into {@code o.out()}; studies whose report is missing, empty, binary or unreadable are skipped and counted. */
    public static Result run(Options o, String commandLine, PrintStream log) throws IOException {
        Instant started = Instant.now();
        if (o.out().toAbsolutePath().normalize().equals(o.data().toAbsolutePath().normalize()))
            throw new IllegalArgumentException("--out " + o.out() + " is the data set folder itself: write the run to another folder");
        SkippedItems skipped = new SkippedItems();
        Result r;
        try (RunLock lock = RunLock.acquire(o.out())) {
            r = locked(o, commandLine, started, skipped, log);
        }
        for (String line : skipped.lines()) log.println("elixr: " + line);
        return r;
    }

    private static Result locked(Options o, String commandLine, Instant started, SkippedItems skipped, PrintStream log) throws IOException {
        Path run = o.out();
        boolean resume = o.training().resume();
        if (!resume && Files.isDirectory(run.resolve("checkpoints")))
            throw new IllegalArgumentException("run " + run + " already has checkpoints: pass --resume to continue it, or choose another --out");
        Map<String, String> settings = settings(o);
        if (resume) TrainingSettings.checkResume(run, settings);
        else TrainingSettings.write(run, settings);
        MimicCxrJpg.Contents contents = MimicCxrJpg.contents(o.data(), o.data(), false);
        List<String> train = reports(contents, "train", skipped), val = reports(contents, "validate", skipped),
                test = reports(contents, "test", skipped);
        if (train.isEmpty()) throw new IllegalArgumentException("no training reports in " + o.data() + " (split 'train' of " + MimicCxrJpg.SPLIT + ")");
        LmTraining.Corpus trainRows, valRows, testRows;
        BpeTokenizer tokenizer;
        if (o.instructions() == null) {
            tokenizer = tokenizer(run, train, o.shape().vocab(), resume, log);
            trainRows = corpus(tokenizer, train, o.shape().context(), "training", log);
            valRows = corpus(tokenizer, val, o.shape().context(), "validation", log);
            testRows = corpus(tokenizer, test, o.shape().context(), "test", log);
        } else {
            List<InstructionRow> trainInstr = o.instructions().rows("train");
            if (trainInstr.isEmpty()) throw new IllegalArgumentException("no instruction rows in the training split of " + o.data() + ": " + o.instructions().describe());
            tokenizer = tokenizer(run, texts(trainInstr), o.shape().vocab(), resume, log);
            trainRows = instructionCorpus(tokenizer, trainInstr, o.shape().context(), "training", log);
            valRows = instructionCorpus(tokenizer, o.instructions().rows("validate"), o.shape().context(), "validation", log);
            testRows = instructionCorpus(tokenizer, o.instructions().rows("test"), o.shape().context(), "test", log);
        }
        LlamaConfig cfg = o.shape().config(tokenizer.size());
        LlamaModel model = LlamaModel.random(cfg, o.training().seed());
        log.printf(Locale.ROOT, "elixr: report LM, %,d parameters (%d layers, width %d, %d/%d heads, SwiGLU %d, vocabulary %d, context %d); "
                        + "%d training reports (%,d tokens), %d validation, %d test%n", model.parameterCount(), cfg.numLayers(), cfg.hiddenSize(),
                cfg.numHeads(), cfg.numKvHeads(), cfg.intermediateSize(), cfg.vocabSize(), cfg.maxPositionEmbeddings(), trainRows.count(),
                trainRows.predicted(), valRows.count(), testRows.count());
        LmTraining.Outcome outcome = LmTraining.train(model, trainRows, valRows, o.training(), new Checkpoints(run, 2), log);
        Map<String, Object> metrics = Map.of();
        if (outcome.steps() >= outcome.totalSteps()) {
            saveModel(run, model);
            outcome.history().write(run.resolve(HISTORY));
            metrics = metrics(model, trainRows, valRows, testRows, o.training().batch(), outcome);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(run.resolve(METRICS).toFile(), metrics);
            log.printf(Locale.ROOT, "elixr: validation perplexity %s (unigram baseline %s), test perplexity %s (unigram %s); "
                            + "%.0f tokens/s; wrote %s (config.json, model.safetensors, tokenizer.json, metrics.json)%n",
                    shown(metrics.get("validation_perplexity")), shown(metrics.get("validation_unigram_perplexity")),
                    shown(metrics.get("test_perplexity")), shown(metrics.get("test_unigram_perplexity")), outcome.tokensPerSecond(), run);
        }
        RunInfo.record(run, "llm", describe(o, cfg, trainRows, valRows, testRows), o.training().seed(), Map.of(), commandLine, started,
                outcome.session(), skipped);
        return new Result(outcome, model, metrics);
    }

    /**
     * The report text of each study of a split with a usable report, once per study (several images share a study), in
     * file order; the unusable ones are counted in skipped.
     */
    static List<String> reports(MimicCxrJpg.Contents contents, String split, SkippedItems skipped) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (CxrStudy s : contents.usable(split, skipped)) {
            if (!seen.add(s.studyId())) continue;
            String text = ReportText.sectioned(s.report());
            if (!text.isEmpty()) out.add(text);
        }
        return out;
    }

    /** The run's tokenizer: trained on the training reports, or, when resuming, the one the run already has. */
    private static BpeTokenizer tokenizer(Path run, List<String> train, int vocab, boolean resume, PrintStream log) throws IOException {
        Path file = run.resolve(TOKENIZER);
        if (resume && Files.exists(file)) return BpeTokenizer.read(file);
        long t0 = System.nanoTime();
        Path tmp = run.resolve(TOKENIZER + ".tmp");
        BpeTrainer.write(BpeTrainer.train(train, vocab), tmp);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        BpeTokenizer t = BpeTokenizer.read(file);
        log.printf(Locale.ROOT, "elixr: byte-level BPE of %d tokens trained on %d reports in %.1f s%n", t.size(), train.size(), (System.nanoTime() - t0) / 1e9);
        return t;
    }

    /** Each report as {@code <s> tokens </s>}, cut to the context. */
    static LmTraining.Corpus corpus(BpeTokenizer tok, List<String> reports, int context, String what, PrintStream log) {
        List<int[]> rows = new ArrayList<>();
        int cut = 0;
        for (String r : reports) {
            int[] ids = tok.encode(r, false);
            int[] row = new int[Math.min(ids.length + 2, context)];
            row[0] = BpeTrainer.BOS_ID;
            System.arraycopy(ids, 0, row, 1, Math.min(ids.length, row.length - 1));
            if (ids.length + 2 <= context) row[row.length - 1] = BpeTrainer.EOS_ID;
            else cut++;
            rows.add(row);
        }
        if (cut > 0) log.printf(Locale.ROOT, "elixr: %d of %d %s reports are longer than the context of %d tokens and were cut%n", cut, reports.size(), what, context);
        return new LmTraining.Corpus(rows, BpeTrainer.PAD_ID);
    }

    /** The text of instruction rows (context, prompts, answers), what the BPE tokenizer is trained on. */
    static List<String> texts(List<InstructionRow> rows) {
        List<String> out = new ArrayList<>();
        for (InstructionRow r : rows) {
            StringBuilder sb = new StringBuilder(r.context());
            for (InstructionRow.Turn t : r.turns()) sb.append('\n').append(t.prompt()).append(' ').append(t.answer());
            out.add(sb.toString());
        }
        return out;
    }

    /** Each instruction row's ids ({@link InstructionRow#encode}); rows where not one turn fits the context are dropped and counted. */
    static LmTraining.Corpus instructionCorpus(BpeTokenizer tok, List<InstructionRow> rows, int context, String what, PrintStream log) {
        List<int[]> out = new ArrayList<>();
        int dropped = 0;
        for (InstructionRow r : rows) {
            int[] ids = r.encode(tok, context);
            if (ids == null) dropped++;
            else out.add(ids);
        }
        if (dropped > 0) log.printf(Locale.ROOT, "elixr: %d of %d %s instruction rows have no turn that fits the context of %d tokens and were left out%n",
                dropped, rows.size(), what, context);
        return new LmTraining.Corpus(out, BpeTrainer.PAD_ID);
    }

    /** config.json and model.safetensors, the weights written to a temporary name first and moved into place. */
    private static void saveModel(Path run, LlamaModel model) throws IOException {
        Path tmp = run.resolve("model.tmp");
        model.save(tmp);
        Files.move(tmp.resolve("model.safetensors"), run.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp.resolve("config.json"), run.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(tmp);
    }

    /**
     * The validation perplexity of the final weights as the last epoch measured it (that epoch ends at the last step),
     * or null where no epoch ended there: the final metrics then need not run the validation reports again.
     */
    static LmTraining.Perplexity lastValidation(LmTraining.Outcome outcome, LmTraining.Corpus val) {
        var epochs = outcome.history().epochs();
        if (epochs.isEmpty()) return null;
        TrainingHistory.Epoch last = epochs.get(epochs.size() - 1);
        return last.step() == outcome.totalSteps() ? new LmTraining.Perplexity(last.valLoss(), val.count() == 0 ? 0 : val.predicted()) : null;
    }

    static Map<String, Object> metrics(LlamaModel model, LmTraining.Corpus train, LmTraining.Corpus val, LmTraining.Corpus test, int batch,
                                       LmTraining.Outcome outcome) {
        UnigramBaseline unigram = UnigramBaseline.fit(train, model.config().vocabSize());
        Map<String, Object> m = new LinkedHashMap<>();
        LmTraining.Perplexity vp = lastValidation(outcome, val);
        if (vp == null) vp = LmTraining.perplexity(model, val, batch);
        LmTraining.Perplexity tp = LmTraining.perplexity(model, test, batch);
        m.put("validation_perplexity", number(vp.value()));
        m.put("validation_unigram_perplexity", number(unigram.perplexity(val).value()));
        m.put("validation_tokens", vp.tokens());
        m.put("test_perplexity", number(tp.value()));
        m.put("test_unigram_perplexity", number(unigram.perplexity(test).value()));
        m.put("test_tokens", tp.tokens());
        m.put("train_tokens", train.predicted());
        m.put("parameters", model.parameterCount());
        m.put("steps", outcome.steps());
        m.put("seconds_last_session", outcome.seconds());
        m.put("tokens_per_second", outcome.tokensPerSecond());
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (TrainingHistory.Epoch e : outcome.history().epochs()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("epoch", e.epoch());
            x.put("train_loss", e.trainLoss());
            x.put("validation_loss", number(e.valLoss()));
            x.put("validation_perplexity", number(Math.exp(e.valLoss())));
            epochs.add(x);
        }
        m.put("epochs", epochs);
        return m;
    }

    /** A perplexity of metrics.json as printed: three decimals, or "none" (a split without reports). */
    public static String shown(Object x) { return x == null ? "none" : String.format(Locale.ROOT, "%.3f", (Double) x); }

    /** x, or null (JSON null) when it is NaN: a split without reports has no perplexity. */
    private static Double number(double x) { return Double.isNaN(x) ? null : x; }

    /** The settings that decide what the run computes, as option → value ({@code training.json}). */
    static Map<String, String> settings(Options o) {
        Map<String, String> m = new LinkedHashMap<>();
        Shape s = o.shape();
        LmTraining.Config t = o.training();
        m.put("--layers", Integer.toString(s.layers()));
        m.put("--dim", Integer.toString(s.width()));
        m.put("--heads", Integer.toString(s.heads()));
        m.put("--kv-heads", Integer.toString(s.kvHeads()));
        m.put("--context", Integer.toString(s.context()));
        m.put("--vocab", Integer.toString(s.vocab()));
        m.put("--epochs", Integer.toString(t.epochs()));
        m.put("--batch", Integer.toString(t.batch()));
        m.put("--lr", Double.toString(t.optimisation().lr()));
        m.put("--weight-decay", Double.toString(t.optimisation().weightDecay()));
        m.put("--warmup", Double.toString(t.optimisation().warmupFraction()));
        m.put("--grad-clip", Double.toString(t.optimisation().gradClip()));
        m.put("--seed", Long.toString(t.seed()));
        m.put("--data", o.data().toAbsolutePath().normalize().toString());
        m.put("--instructions", Boolean.toString(o.instructions() != null));
        return m;
    }

    static Map<String, Object> describe(Options o, LlamaConfig cfg, LmTraining.Corpus train, LmTraining.Corpus val, LmTraining.Corpus test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", o.data().toAbsolutePath().toString());
        m.put("train_reports", train.count());
        m.put("validation_reports", val.count());
        m.put("test_reports", test.count());
        m.put("corpus", o.instructions() == null ? "reports, one per row" : o.instructions().describe());
        m.put("llama", new ObjectMapper().convertValue(cfg.toJson(), Map.class));
        m.put("training", o.training());
        return m;
    }
}
