package dev.elixr.tasks.eval;

import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.report.Png;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.train.ImageBank;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluations of a trained ELIXR-C run on a data set (MIMIC-CXR-JPG layout): zero-shot classification,
 * data-efficient probes against a supervised baseline, and semantic search, each writing
 * {@code RUN/eval/<task>/}. Images are decoded and embedded once and shared by the tasks.
 */
public final class ElixrCEvaluation {
    private final ElixrCRun run;
    private final Path data;
    private final List<CxrStudy> studies;
    private final PrintStream log;
    private ImageBank test, train;
    private EmbeddedSplit testEmbedded;

    private ElixrCEvaluation(ElixrCRun run, Path data, List<CxrStudy> studies, PrintStream log) {
        this.run = run;
        this.data = data;
        this.studies = studies;
        this.log = log;
    }

    public static ElixrCEvaluation open(Path runDir, Path data, PrintStream log) throws IOException {
        return new ElixrCEvaluation(ElixrCRun.load(runDir), data, MimicCxrJpg.read(data), log);
    }

    public ElixrCRun run() { return run; }

    private ProbeFeatures probeFeatures = ProbeFeatures.DEFAULT;

    /** Which frozen image representation the data-efficient probes read. */
    public ElixrCEvaluation withProbeFeatures(ProbeFeatures f) {
        this.probeFeatures = f;
        return this;
    }

    public Path evalDir(String task) { return run.dir().resolve("eval").resolve(task); }

    ImageBank test() {
        if (test == null) {
            List<CxrStudy> t = studies.stream().filter(s -> s.split().equals("test")).toList();
            if (t.isEmpty()) throw new IllegalArgumentException("no test images in " + data + " (split 'test')");
            test = ImageBank.load(t, run.model().config().imageSize(), log, "test");
        }
        return test;
    }

    ImageBank train() {
        if (train == null)
            train = ImageBank.load(studies.stream().filter(s -> s.split().equals("train")).toList(),
                    run.model().config().imageSize(), log, "train");
        return train;
    }

    EmbeddedSplit testEmbedded() {
        if (testEmbedded == null) testEmbedded = EmbeddedSplit.of(test().studies(), run.embedImages(test()));
        return testEmbedded;
    }

    public ZeroShot.Result zeroShot(Prompts prompts, int bootstrap, long seed) throws IOException {
        var r = ZeroShot.evaluate(testEmbedded(), prompts, run.textEncoder(), bootstrap, seed);
        ZeroShot.write(r, evalDir("zero-shot"));
        return r;
    }

    public SemanticSearch.Result search(List<SearchQuery> queries, int k) throws IOException {
        boolean structured = test().studies().stream().anyMatch(s -> !s.attributes().isEmpty());
        List<StudyTruth> truths = test().studies().stream().map(s -> StudyTruth.of(s, structured)).toList();
        var r = SemanticSearch.evaluate(testEmbedded(), truths, queries, run.textEncoder(), k);
        SemanticSearch.write(r, evalDir("search"));
        return r;
    }

    /** Options of the supervised-only baseline: passes over each subset (within [minSteps, maxSteps]), batch, lr. */
    public record Baseline(int epochs, int minSteps, int maxSteps, int batch, double lr) {}

    public DataEfficient.Result dataEfficient(double[] fractions, int repeats, long seed, Baseline baseline,
                                             List<Probe> probes) throws IOException {
        ImageBank tr = train(), te = test();
        EmbeddedSplit trainSplit = EmbeddedSplit.of(tr.studies(), probeFeatures.of(run, tr));
        EmbeddedSplit testSplit = EmbeddedSplit.of(te.studies(), probeFeatures.of(run, te));
        List<DataEfficient.FeatureSource> sources = new ArrayList<>();
        sources.add(new DataEfficient.FeatureSource() {
            @Override public String name() { return "elixr-c"; }
            @Override public DataEfficient.Features features(int[] subset, long s) {
                float[][] x = new float[subset.length][];
                for (int i = 0; i < subset.length; i++) x[i] = trainSplit.embeddings()[subset[i]];
                return new DataEfficient.Features(x, testSplit.embeddings());
            }
        });
        if (baseline != null)
            sources.add(new SupervisedBaseline(run.model().config(), tr, te, Findings.DATA_EFFICIENT_5,
                    baseline.epochs(), baseline.minSteps(), baseline.maxSteps(), baseline.batch(), baseline.lr()));
        var cfg = new DataEfficient.Config(Findings.DATA_EFFICIENT_5, fractions, repeats, seed);
        var progress = new dev.elixr.tasks.progress.Progress("data-efficient", countRuns(cfg, sources.size()), "fits");
        var r = DataEfficient.evaluate(trainSplit, testSplit, sources, probes, cfg, (d, t, what) -> progress.advance(1, what));
        DataEfficient.write(r, evalDir("data-efficient"));
        return r;
    }

    static long countRuns(DataEfficient.Config cfg, int sources) {
        long n = 0;
        for (double f : cfg.fractions()) n += (long) sources * DataEfficient.repeatsFor(f, cfg);
        return n;
    }

    /** PNG thumbnails of test images by dicom_id (for the report). */
    public java.util.function.Function<String, byte[]> thumbnails() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < test().count(); i++) index.put(test().studies().get(i).dicomId(), i);
        int s = test().size();
        return id -> Png.grey(test().pixels(index.get(id)), s, s);
    }
}
