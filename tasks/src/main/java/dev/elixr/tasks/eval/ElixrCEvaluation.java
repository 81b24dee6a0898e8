package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.DataSufficiency;
import dev.elixr.tasks.data.ReportFile;
import dev.elixr.tasks.data.SkippedItems;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.LabelPolicy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.progress.Progress;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.train.ReportText;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The evaluations of a trained ELIXR-C run on a data set (MIMIC-CXR-JPG layout): zero-shot classification,
 * data-efficient probes against a supervised baseline, and semantic search, each writing
 * {@code RUN/eval/<task>/} with its {@link SplitManifest} ({@code manifest.json}) and {@link EvalRecord}
 * ({@code eval.json}). Images are decoded and embedded once and shared by the tasks. With
 * {@link #withManifest}, a task evaluates exactly the images (and probe subsets, and seed) of an earlier manifest.
 */
public final class ElixrCEvaluation {
    /** The label policy the evaluations apply (see {@link EmbeddedSplit#binaryLabel}), recorded unless overridden. */
    static final String DEFAULT_LABEL_POLICY = "ignore: uncertain (-1) and blank labels are left out; 1 positive, 0 negative";

    private final ElixrCRun run;
    private final Path dir;
    private final EvaluatedModel model;
    private final Path data;
    private final List<CxrStudy> studies;
    private final Map<String, ReportFile.Report> unusableReports;
    private final PrintStream log;
    private final Map<String, Object> options = new LinkedHashMap<>();
    private String commandLine;
    private Path manifestFile;
    private SplitManifest manifest;
    private ImageBank test, train;
    private EmbeddedSplit testEmbedded;
    private Map<String, Integer> testIndex;

    private ElixrCEvaluation(ElixrCRun run, Path dir, EvaluatedModel model, Path data, MimicCxrJpg.Contents contents, PrintStream log) {
        this.run = run;
        this.dir = dir;
        this.model = model;
        this.data = data;
        this.studies = contents.studies();
        this.unusableReports = contents.unusableReports();
        this.log = log;
    }

    public static ElixrCEvaluation open(Path runDir, Path data, PrintStream log) throws IOException {
        return open(runDir, data, CxrDataset.MIMIC, log);
    }

    /**
     * The evaluations of a run on a data set in the given layout; findings the data set has no labels for are named on
     * {@code log} and recorded in eval.json ({@code findings_without_labels}): their AUCs are undefined and left out of
     * every mean.
     */
    public static ElixrCEvaluation open(Path runDir, Path data, CxrDataset dataset, PrintStream log) throws IOException {
        ElixrCEvaluation e;
        if (Files.exists(runDir.resolve(ElixrBRun.CONFIG))) {  // an ELIXR-B run: its Q-Former on its image run's frozen tower
            ElixrBRun b = ElixrBRun.load(runDir, log);
            e = new ElixrCEvaluation(b.imageRun(), runDir, EvaluatedModel.of(b), data, dataset.contents(data), log);
        } else {
            ElixrCRun c = ElixrCRun.load(runDir);
            e = new ElixrCEvaluation(c, runDir, EvaluatedModel.of(c), data, dataset.contents(data), log);
        }
        e.dataset = dataset;
        e.option("dataset", dataset.key());
        if (!dataset.unlabelledFindings().isEmpty()) {
            List<String> names = dataset.unlabelledFindings().stream().map(CheXpertLabel::column).toList();
            e.option("findings_without_labels", names);
            log.println("elixr: the " + dataset.key() + " data set has no labels for " + String.join(", ", names)
                    + ": skipped in its metrics (undefined AUC, left out of the means)");
        }
        return e;
    }

    private CxrDataset dataset = CxrDataset.MIMIC;

    /** The layout of the evaluated data set. */
    public CxrDataset dataset() { return dataset; }

    /** Reuses a split manifest (null: none): its images, probe subsets and seed replace the data set's splits and --seed. */
    public ElixrCEvaluation withManifest(Path file) throws IOException {
        if (file == null) return this;
        manifest = SplitManifest.read(file);
        manifestFile = file;
        test = train = null;
        testEmbedded = null;
        testIndex = null;
        return this;
    }

    /** The command line recorded in each task's eval.json. */
    public ElixrCEvaluation withCommandLine(String commandLine) {
        this.commandLine = commandLine;
        return this;
    }

    /** An option recorded in the next tasks' eval.json (e.g. "label_policy", "prompts"). */
    public ElixrCEvaluation option(String key, Object value) {
        options.put(key, value);
        return this;
    }

    public ElixrCRun run() { return run; }

    private ProbeFeatures probeFeatures = ProbeFeatures.DEFAULT;
    private LabelPolicy probeLabelPolicy = LabelPolicy.IGNORE_BOTH;
    private boolean centreQueries;
    private int itmCandidates;
    private SemanticSearch.Result itmReranked;

    /**
     * Search also re-ranks the top {@code candidates} images of each query with the ITM head (ELIXR-B runs only; 0: off),
     * written beside the ITC ranking ({@link SemanticSearch#rerank}).
     */
    public ElixrCEvaluation withItmRerank(int candidates) {
        if (candidates < 0) throw new IllegalArgumentException("--itm-rerank " + candidates + ": expected a number of candidates ≥ 0");
        this.itmCandidates = candidates;
        return this;
    }

    /** The ITM re-ranked result of the last search, or null when it did not re-rank. */
    public SemanticSearch.Result itmReranked() { return itmReranked; }

    /** Search ranks by cos(image, query − mean training-report embedding) ({@link CentredTextEncoder}). */
    public ElixrCEvaluation withQueryCentring(boolean on) {
        this.centreQueries = on;
        return this;
    }

    /** Which frozen image representation the data-efficient probes read. */
    /** The label policy the data-efficient probes (and their supervised baseline) fit and are scored under; recorded. */
    public ElixrCEvaluation withProbeLabelPolicy(LabelPolicy p) {
        this.probeLabelPolicy = p;
        return this;
    }

    public ElixrCEvaluation withProbeFeatures(ProbeFeatures f) {
        this.probeFeatures = f;
        return this;
    }

    public Path evalDir(String task) { return dir.resolve("eval").resolve(task); }

    /** {@code RUN/eval/<task>} for the test split, {@code RUN/eval/<task>-<split>} for another. */
    private Path evalDir(String task, String split) { return evalDir(split.equals("test") ? task : task + "-" + split); }

    /**
     * A split's probe features (the {@link #withProbeFeatures} choice) with its labels, "train" or "test": what the
     * data-efficient probes fit on and are scored on; the cross-site probes fit on one site's and score on another's.
     */
    EmbeddedSplit probeSplit(String split) {
        ImageBank bank = switch (split) {
            case "train" -> train();
            case "test" -> test();
            default -> throw new IllegalArgumentException("probe split '" + split + "': train or test");
        };
        return EmbeddedSplit.of(bank.studies(), model.probeFeatures(probeFeatures, bank));
    }

    ImageBank test() {
        if (test == null) test = load("test");
        return test;
    }

    ImageBank train() {
        if (train == null) train = load("train");
        return train;
    }

    EmbeddedSplit testEmbedded() {
        if (testEmbedded == null) testEmbedded = EmbeddedSplit.of(test().studies(), model.embedImages(test()));
        return testEmbedded;
    }

    /**
     * The decoded images of a split: the data set's (unreadable ones skipped and counted, too many of them refused:
     * {@link DataSufficiency}), or the manifest's in its order (all of them, or a refusal).
     */
    private ImageBank load(String split) {
        List<CxrStudy> chosen = studiesOf(split);
        if (chosen.isEmpty()) throw new IllegalArgumentException("no " + split + " images in " + data + " (split '" + split + "')");
        ImageBank bank = run.imagePipeline().load(chosen, log, split);
        if (manifest == null) DataSufficiency.require(data, split, split, chosen.size(), bank.count(), bank.skipped(), log);
        if (manifest != null && bank.count() != chosen.size()) {
            Set<String> kept = new HashSet<>();
            for (CxrStudy s : bank.studies()) kept.add(s.dicomId());
            String missing = chosen.stream().map(CxrStudy::dicomId).filter(id -> !kept.contains(id)).findFirst().orElseThrow();
            throw SplitManifest.bad(manifestFile, "dicom_id '" + missing + "' (" + split + ") could not be read from " + data
                    + ", so this evaluation cannot use the manifest's images");
        }
        return bank;
    }

    private List<CxrStudy> studiesOf(String split) {
        if (manifest == null) return studies.stream().filter(s -> s.split().equals(split)).toList();
        Map<String, CxrStudy> byId = new HashMap<>();
        for (CxrStudy s : studies) byId.putIfAbsent(s.dicomId(), s);
        List<CxrStudy> out = SplitManifest.resolve(manifest.split(split, manifestFile), byId, manifestFile, data.toString());
        long elsewhere = out.stream().filter(s -> !s.split().equals(split)).count();
        if (elsewhere > 0)
            log.println("elixr: warning: " + elsewhere + " of the " + out.size() + " '" + split + "' images of " + manifestFile
                    + " are in another split of " + data);
        return out;
    }

    /** The seed of the task: the manifest's when one is reused. */
    private long seed(String task, long requested) {
        if (manifest == null) return requested;
        manifest.requireTask(task, manifestFile);
        if (manifest.seed() != requested)
            log.println("elixr: using the seed " + manifest.seed() + " of " + manifestFile + " (not " + requested + ")");
        return manifest.seed();
    }

    public ZeroShot.Result zeroShot(Prompts prompts, int bootstrap, long seed) throws IOException {
        return zeroShot(prompts, LabelPolicy.IGNORE_BOTH, "test", bootstrap, seed);
    }

    /**
     * Zero-shot on {@code split} ("test", or "validate" to choose prompts without looking at the test split), written
     * to {@code RUN/eval/zero-shot/} for the test split and {@code RUN/eval/zero-shot-<split>/} for any other.
     */
    public ZeroShot.Result zeroShot(Prompts prompts, LabelPolicy policy, String split, int bootstrap,
                                    long seed) throws IOException {
        return zeroShot(prompts, policy, split, bootstrap, seed, QueryScoring.BEST, evalDir("zero-shot", split));
    }

    /**
     * As {@link #zeroShot(Prompts, LabelPolicy, String, int, long)}, an ELIXR-B run's images scored against each prompt
     * direction by {@code scoring}; {@link QueryScoring#MEAN} is refused on an ELIXR-C run, whose image has one
     * embedding and no queries to average over.
     */
    public ZeroShot.Result zeroShot(Prompts prompts, LabelPolicy policy, String split, int bootstrap, long seed,
                                    QueryScoring scoring) throws IOException {
        return zeroShot(prompts, policy, split, bootstrap, seed, scoring, evalDir("zero-shot", split));
    }

    /** Zero-shot on {@code split}, written to {@code out} (the cross-site evaluation writes one folder per site). */
    ZeroShot.Result zeroShot(Prompts prompts, LabelPolicy policy, String split, int bootstrap, long seed, Path out) throws IOException {
        return zeroShot(prompts, policy, split, bootstrap, seed, QueryScoring.BEST, out);
    }

    /** Zero-shot on {@code split} with the given query scoring, written to {@code out}. */
    public ZeroShot.Result zeroShot(Prompts prompts, LabelPolicy policy, String split, int bootstrap, long seed, QueryScoring scoring,
                                    Path out) throws IOException {
        boolean queries = model.name().equals("elixr-b");
        if (scoring != QueryScoring.BEST && !queries)
            throw new IllegalArgumentException("--query-scoring " + scoring.key() + ": " + dir + " is an ELIXR-C run, whose image has one"
                    + " embedding and no queries to average over; the option is for ELIXR-B runs");
        EvalOptions.bootstrap(bootstrap);
        Instant started = Instant.now();
        seed = seed("zero-shot", seed);
        ImageBank bank = split.equals("test") ? test() : load(split);
        EmbeddedSplit images = split.equals("test") ? testEmbedded() : EmbeddedSplit.of(bank.studies(), model.embedImages(bank));
        var r = ZeroShot.evaluate(images, split, prompts, model::embedTexts, policy, scoring, bootstrap, seed);
        ZeroShot.write(r, out);
        Map<String, Object> o = taskOptions(false);
        o.put("label_policy", policy.toString());
        if (queries) o.put("query_scoring", scoring.key() + ": " + scoring.meaning());
        o.putIfAbsent("bootstrap", bootstrap);
        o.put("split", split);
        record("zero-shot", out, seed, Map.of(split, images.ids()), null, o, started,
                new SkippedItems().addAll(bank.skipped()));
        return r;
    }

    public SemanticSearch.Result search(List<SearchQuery> queries, int k) throws IOException {
        return search(queries, k, "test");
    }

    /**
     * Semantic search over {@code split} ("test", or "validate" to choose training or query options without looking at
     * the test split), written to {@code RUN/eval/search/} for the test split and {@code RUN/eval/search-<split>/} otherwise.
     */
    public SemanticSearch.Result search(List<SearchQuery> queries, int k, String split) throws IOException {
        EvalOptions.k(k);
        Instant started = Instant.now();
        seed("search", 0);
        ImageBank bank = split.equals("test") ? test() : load(split);
        EmbeddedSplit images = split.equals("test") ? testEmbedded() : EmbeddedSplit.of(bank.studies(), model.embedImages(bank));
        boolean structured = bank.studies().stream().anyMatch(s -> !s.attributes().isEmpty());
        List<StudyTruth> truths = bank.studies().stream().map(s -> StudyTruth.of(s, structured)).toList();
        TextEncoder encoder = model::embedTexts;
        SkippedItems skipped = new SkippedItems().addAll(bank.skipped());
        if (centreQueries) {
            List<String> reports = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (CxrStudy s : studies) {
                if (!s.split().equals("train") || !seen.add(s.studyId())) continue;
                ReportFile.Report bad = unusableReports.get(s.studyId());
                if (bad != null) skipped.add("train", SkippedItems.REPORTS, bad.problem().key(), bad.file());
                else reports.add(ReportText.findingsAndImpression(s.report()));
            }
            if (reports.isEmpty()) throw new IllegalArgumentException("--centre: no usable training report in " + data + " to centre the queries on");
            encoder = new CentredTextEncoder(encoder, CentredTextEncoder.meanOf(encoder, reports));
        }
        var r = SemanticSearch.evaluate(images, truths, queries, encoder, k);
        itmReranked = null;
        if (itmCandidates > 0) {
            SemanticSearch.Reranker reranker = model.itmReranker(bank);
            if (reranker == null)
                throw new IllegalArgumentException("--itm-rerank: " + dir + " is an " + model.name() + " run, which has no ITM head "
                        + "(re-ranking needs an ELIXR-B run)");
            log.println("elixr: re-ranking the top " + itmCandidates + " images of each query with ITM ...");
            itmReranked = SemanticSearch.rerank(r, reranker, Math.min(itmCandidates, images.size()));
        }
        SemanticSearch.write(r, itmReranked, itmCandidates, evalDir("search", split));
        Map<String, Object> o = taskOptions(false);
        o.put("query_centring", centreQueries ? "mean embedding of the training reports subtracted" : "none");
        o.put("itm_rerank", itmCandidates > 0 ? "top " + itmCandidates + " by ITC re-ranked by ITM match logit + ITC similarity (BLIP-2)" : "none");
        o.putIfAbsent("k", k);
        o.putIfAbsent("queries", queries.size());
        o.putIfAbsent("relevance", structured ? "structured synthetic truth" : "CheXpert labels");
        o.put("split", split);
        record("search", evalDir("search", split), null, Map.of(split, images.ids()), null, o, started, skipped);
        return r;
    }

    /** Options of the supervised-only baseline: passes over each subset (within [minSteps, maxSteps]), batch, lr. */
    public record Baseline(int epochs, int minSteps, int maxSteps, int batch, double lr) {
        public Baseline {
            EvalOptions.range("--baseline-epochs", epochs, 1, 1000, "passes of the supervised baseline over each subset; 0 runs no baseline");
            EvalOptions.range("--baseline-max-steps", maxSteps, Math.max(1, minSteps), 1_000_000, "baseline steps per subset at most");
            EvalOptions.range("baseline batch", batch, 2, 65_536, "images per baseline step");
        }
    }

    public DataEfficient.Result dataEfficient(double[] fractions, int repeats, long seed, Baseline baseline,
                                             List<Probe> probes) throws IOException {
        if (manifest == null) EvalOptions.fractions(fractions, repeats);
        Instant started = Instant.now();
        seed = seed("data-efficient", seed);
        ImageBank tr = train(), te = test();
        EmbeddedSplit trainSplit = EmbeddedSplit.of(tr.studies(), model.probeFeatures(probeFeatures, tr)).withLabelPolicy(probeLabelPolicy);
        EmbeddedSplit testSplit = EmbeddedSplit.of(te.studies(), model.probeFeatures(probeFeatures, te)).withLabelPolicy(probeLabelPolicy);
        DataEfficient.Config cfg;
        List<DataEfficient.Subset> subsets;
        if (manifest == null) {
            cfg = new DataEfficient.Config(Findings.DATA_EFFICIENT_5, fractions, repeats, seed);
            subsets = DataEfficient.sample(trainSplit, cfg);
        } else {
            subsets = ManifestSubsets.rows(manifest, manifestFile, trainSplit);
            cfg = ManifestSubsets.config(manifest, subsets);
            log.println("elixr: using the " + subsets.size() + " probe subsets of " + manifestFile);
        }
        List<DataEfficient.FeatureSource> sources = new ArrayList<>();
        sources.add(new DataEfficient.FeatureSource() {
            @Override public String name() { return model.name(); }
            @Override public DataEfficient.Features features(int[] subset, long s) {
                float[][] x = new float[subset.length][];
                for (int i = 0; i < subset.length; i++) x[i] = trainSplit.embeddings()[subset[i]];
                return new DataEfficient.Features(x, testSplit.embeddings());
            }
        });
        if (baseline != null)
            sources.add(new SupervisedBaseline(run.model().config(), tr, te, cfg.findings(), probeLabelPolicy,
                    baseline.epochs(), baseline.minSteps(), baseline.maxSteps(), baseline.batch(), baseline.lr()));
        var progress = new Progress("data-efficient", (long) subsets.size() * sources.size(), "fits");
        var r = DataEfficient.evaluate(trainSplit, testSplit, sources, probes, cfg, subsets, (d, t, what) -> progress.advance(1, what));
        DataEfficient.write(r, evalDir("data-efficient"));
        Map<String, Object> o = taskOptions(true);
        o.putIfAbsent("fractions", cfg.fractions());
        o.putIfAbsent("repeats", cfg.repeats());
        o.putIfAbsent("features", probeFeatures.key());
        if (!probeLabelPolicy.equals(LabelPolicy.IGNORE_BOTH)) o.put("label_policy", probeLabelPolicy.toString());
        o.putIfAbsent("probes", probes.stream().map(Probe::name).toList());
        o.putIfAbsent("baseline", baseline);
        record("data-efficient", evalDir("data-efficient"), seed, Map.of("train", trainSplit.ids(), "test", testSplit.ids()),
                ManifestSubsets.of(cfg, subsets, trainSplit), o, started, new SkippedItems().addAll(tr.skipped()).addAll(te.skipped()));
        return r;
    }

    private Map<String, Object> taskOptions(boolean labels) {
        Map<String, Object> o = new LinkedHashMap<>(options);
        if (labels) o.putIfAbsent("label_policy", DEFAULT_LABEL_POLICY);
        return o;
    }

    /**
     * Writes the task's manifest.json and eval.json, adds what was skipped (images by reason; training reports for
     * search's centring) to its metrics.json, and prints it.
     */
    private void record(String task, Path dir, Long seed, Map<String, List<String>> splits, SplitManifest.ProbeSubsets subsets,
                        Map<String, Object> taskOptions, Instant started, SkippedItems skipped) throws IOException {
        Path metrics = dir.resolve("metrics.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(metrics.toFile());
        root.set("skipped", json.valueToTree(skipped.toJson()));
        json.writerWithDefaultPrettyPrinter().writeValue(metrics.toFile(), root);
        for (String line : skipped.lines()) log.println("elixr: " + task + ": " + line);
        Path file = dir.resolve(SplitManifest.FILE);
        Map<String, List<String>> ordered = new LinkedHashMap<>();
        for (String s : List.of("train", "validate", "test")) if (splits.containsKey(s)) ordered.put(s, splits.get(s));
        SplitManifest.of(task, data, seed == null ? 0 : seed, ordered, subsets).write(file);
        EvalRecord.write(dir, run, this.dir, model.name(), new EvalRecord.Inputs(task, commandLine, seed, taskOptions, file, manifestFile, data, started));
    }

    /** A test image by dicom_id as the image tower saw it (after preprocessing, before standardisation): for thumbnails. */
    public GreyImage testImage(String dicomId) {
        if (testIndex == null) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < test().count(); i++) index.put(test().studies().get(i).dicomId(), i);
            testIndex = index;
        }
        Integer i = testIndex.get(dicomId);
        if (i == null) throw new IllegalArgumentException("no test image with dicom_id '" + dicomId + "'");
        return test().image(i);
    }
}
