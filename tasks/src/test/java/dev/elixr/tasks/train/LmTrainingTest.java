package dev.elixr.tasks.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.Generator;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.llm.Sampler;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tasks.testing.WithThreads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code elixr train lm} end to end on a small synthetic set: tokenizer, learning, the run as a Hugging Face folder, resume. */
class LmTrainingTest {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    static final LmTrainingJob.Shape TINY = new LmTrainingJob.Shape(2, 32, 2, 1, 192, 400);
    @TempDir static Path dir;
    static Path data, trained;
    static LmTrainingJob.Result result;

    @BeforeAll
    static void trainOnce() throws Exception {
        data = dir.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(200, 7).withSize(32).withProgress(false).withSplit(0.1, 0.25));
        trained = dir.resolve("run-lm");
        result = LmTrainingJob.run(options(trained, 6, false, 0), "elixr train lm (test)", QUIET);
    }

    static LmTrainingJob.Options options(Path out, int epochs, boolean resume, long stopAfter) {
        return new LmTrainingJob.Options(data, out, TINY, new LmTraining.Config(epochs, 8,
                new ContrastiveTraining.Optimisation(5e-3, 0.1, 0.05, 1.0), new ContrastiveTraining.Session(3, resume, 5, stopAfter)));
    }

    static List<String> reports(String split) throws Exception {
        return LmTrainingJob.reports(MimicCxrJpg.contents(data, data, false), split, new dev.elixr.tasks.data.SkippedItems());
    }

    @Test
    void batchesOfAnEpochUseEachRowOnceAndAreLengthSortedSlicesOfTheirWindowInShuffledOrder() {
        var rng = new java.util.SplittableRandom(5);
        int batch = 4, n = 2 * LmTraining.BUCKET * batch + 30, steps = n / batch, perWindow = LmTraining.BUCKET;
        List<int[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) rows.add(new int[2 + rng.nextInt(40)]);
        var corpus = new LmTraining.Corpus(rows, 0);
        int[] order = ContrastiveTraining.permutation(n, 9, 0);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        int ascending = 0;
        for (int k = 0; k < steps; k++) {
            int[] b = LmTraining.rows(corpus, order, batch, k);
            for (int r : b) assertTrue(seen.add(r), "row " + r + " drawn twice");
            int start = k / perWindow * perWindow * batch, end = Math.min(start + perWindow * batch, steps * batch);
            java.util.Set<Integer> window = new java.util.HashSet<>();
            for (int i = start; i < end; i++) window.add(order[i]);
            int lo = java.util.Arrays.stream(b).map(r -> rows.get(r).length).min().orElseThrow();
            int hi = java.util.Arrays.stream(b).map(r -> rows.get(r).length).max().orElseThrow();
            for (int r : b) assertTrue(window.contains(r), "step " + k + " takes row " + r + " from outside its window");
            // a slice of the window sorted by length: no row of the window left out of it lies strictly inside its range
            java.util.Set<Integer> mine = new java.util.HashSet<>();
            for (int r : b) mine.add(r);
            for (int r : window)
                if (!mine.contains(r)) assertFalse(rows.get(r).length > lo && rows.get(r).length < hi, "step " + k + ": row " + r + " of length " + rows.get(r).length + " inside [" + lo + "," + hi + "]");
            if (k + 1 < steps && (k + 1) % perWindow != 0) {
                int nextLo = java.util.Arrays.stream(LmTraining.rows(corpus, order, batch, k + 1)).map(r -> rows.get(r).length).min().orElseThrow();
                if (hi <= nextLo) ascending++;
            }
        }
        assertEquals(steps * batch, seen.size());
        assertTrue(ascending < steps * 3 / 4, ascending + " of " + steps + " steps followed by a batch of longer rows: the window's batches run in length order");
    }

    @Test
    void epochsZeroTrainsTheFewestWholeEpochsThatMakeTheAutomaticNumberOfSteps() {
        var opt = new ContrastiveTraining.Optimisation(1e-3, 0, 0, 1);
        var auto = new LmTraining.Config(0, 16, opt, ContrastiveTraining.Session.of(1));
        assertEquals(1, auto.epochs(16 * LmTraining.AUTO_STEPS + 5));
        assertEquals(2, auto.epochs(16 * (LmTraining.AUTO_STEPS - 1)));
        assertEquals(LmTraining.AUTO_STEPS, auto.epochs(20));
        assertEquals(3, new LmTraining.Config(3, 16, opt, ContrastiveTraining.Session.of(1)).epochs(100_000));
    }

    @Test
    void theRunsTokenizerDecodesEveryReportOfEverySplitBackToItself() throws Exception {
        BpeTokenizer tok = BpeTokenizer.read(trained.resolve(LmTrainingJob.TOKENIZER));
        int n = 0;
        for (String split : new String[] {"train", "validate", "test"}) {
            for (String r : reports(split)) {
                assertEquals(r, tok.decode(tok.encode(r, false), false));
                n++;
            }
        }
        assertTrue(n >= 190, n + " reports");
    }

    @Test
    void trainedModelBeatsTheUnigramBaselineOnHeldOutReportsWhereAnUntrainedOneDoesNot() throws Exception {
        BpeTokenizer tok = BpeTokenizer.read(trained);
        LmTraining.Corpus train = LmTrainingJob.corpus(tok, reports("train"), TINY.context(), "training", QUIET);
        LmTraining.Corpus test = LmTrainingJob.corpus(tok, reports("test"), TINY.context(), "test", QUIET);
        double unigram = UnigramBaseline.fit(train, tok.size()).perplexity(test).value();
        double model = LmTraining.perplexity(LlamaModel.load(trained), test, 8).value();
        double untrained = LmTraining.perplexity(LlamaModel.random(LlamaModel.load(trained).config(), 3), test, 8).value();
        System.out.printf("test perplexity: trained %.3f, unigram %.3f, untrained %.3f%n", model, unigram, untrained);
        assertTrue(untrained > unigram, "the comparison must tell: an untrained model (" + untrained + ") is no better than unigram (" + unigram + ")");
        assertTrue(model < 0.5 * unigram, "test perplexity " + model + " is not below half the unigram baseline's " + unigram);
        assertEquals(model, (double) result.metrics().get("test_perplexity"), 1e-3 * model, "metrics.json's test perplexity");
    }

    @Test
    void metricsTakeTheValidationPerplexityOfTheLastEpochWhichTheSavedWeightsGiveAgain() throws Exception {
        BpeTokenizer tok = BpeTokenizer.read(trained);
        LmTraining.Corpus val = LmTrainingJob.corpus(tok, reports("validate"), TINY.context(), "validation", QUIET);
        var epochs = result.outcome().history().epochs();
        double last = Math.exp(epochs.get(epochs.size() - 1).valLoss());
        assertEquals(last, (double) result.metrics().get("validation_perplexity"), 0.0, "the last epoch's figure, not measured again");
        assertEquals(last, LmTraining.perplexity(LlamaModel.load(trained), val, 8).value(), 1e-6 * last, "the saved weights' validation perplexity");
        assertEquals(val.predicted(), ((Number) result.metrics().get("validation_tokens")).longValue());
    }

    @Test
    void runDirectoryIsAHuggingFaceFolderThatTheLlmHostLoadsAndGeneratesFrom() throws Exception {
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "metrics.json", "history.json", "run.json", "training.json"})
            assertTrue(Files.exists(trained.resolve(f)), f);
        LlamaModel m = LlamaModel.load(trained);
        BpeTokenizer tok = BpeTokenizer.forModel(trained);
        var r = new Generator(m, tok).generate(null, tok.encode("FINDINGS:"), 20, new Sampler(Sampler.Options.greedy()),
                m.config().eosTokenIds(), List.of(), s -> { });
        assertTrue(r.tokens().length > 0 && !r.text().isBlank(), "generated: '" + r.text() + "'");
        var metrics = new ObjectMapper().readTree(trained.resolve(LmTrainingJob.METRICS).toFile());
        assertEquals(6, metrics.get("epochs").size(), "validation perplexity after every epoch");
        assertTrue(metrics.get("validation_perplexity").asDouble() < metrics.get("validation_unigram_perplexity").asDouble(), metrics.toString());
    }

    @Test
    void stoppedAndResumedRunEndsBitwiseWhereAnUninterruptedRunEnds() throws Exception {
        Path whole = dir.resolve("run-whole"), parts = dir.resolve("run-parts");
        LmTrainingJob.run(options(whole, 1, false, 0), "test", QUIET);
        var stopped = LmTrainingJob.run(options(parts, 1, false, 7), "test", QUIET);
        assertEquals(7, stopped.outcome().steps());
        assertFalse(Files.exists(parts.resolve("model.safetensors")), "a stopped run must not write final weights");
        var resumed = LmTrainingJob.run(options(parts, 1, true, 0), "test", QUIET);
        assertEquals(7, resumed.outcome().resumedFrom());
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.safetensors")), Files.readAllBytes(parts.resolve("model.safetensors")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("tokenizer.json")), Files.readAllBytes(parts.resolve("tokenizer.json")));
    }

    @Test
    void aRunWhoseShardsRanSideBySideOnTwoThreadsEndsBitwiseWhereARunOnOneThreadEnds() throws Exception {
        Path two = dir.resolve("run-two-threads"), one = dir.resolve("run-one-thread");
        WithThreads.run(2, () -> LmTrainingJob.run(options(two, 1, false, 0), "test", QUIET));
        WithThreads.run(1, () -> LmTrainingJob.run(options(one, 1, false, 0), "test", QUIET));
        assertArrayEquals(Files.readAllBytes(two.resolve("model.safetensors")), Files.readAllBytes(one.resolve("model.safetensors")));
    }

    @Test
    void resumingWithOtherSettingsAndAFreshRunOverCheckpointsAreRefused() throws Exception {
        Path out = dir.resolve("run-refuse");
        LmTrainingJob.run(options(out, 1, false, 2), "test", QUIET);
        var fresh = assertThrows(IllegalArgumentException.class, () -> LmTrainingJob.run(options(out, 1, false, 0), "test", QUIET));
        assertTrue(fresh.getMessage().contains("--resume"), fresh.getMessage());
        var other = assertThrows(IllegalArgumentException.class, () -> LmTrainingJob.run(options(out, 2, true, 0), "test", QUIET));
        assertTrue(other.getMessage().contains("--epochs 1 (this command: 2)"), other.getMessage());
    }
}
