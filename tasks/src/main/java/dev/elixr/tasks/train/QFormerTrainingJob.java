package dev.elixr.tasks.train;

import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.elixr.ElixrB;
import dev.elixr.models.elixr.ImageSummaryToken;
import dev.elixr.models.hf.HfConfigs;
import dev.elixr.models.qformer.QFormer;
import dev.elixr.models.qformer.QFormerConfig;
import dev.elixr.models.qformer.QFormerTextInit;
import dev.elixr.models.qformer.TextPooling;
import dev.elixr.tensor.Tensor;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.Encoding;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.DataSufficiency;
import dev.elixr.tasks.data.SkippedItems;
import dev.elixr.tasks.data.MimicCxrJpg;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The job behind {@code elixr train elixr-b --stage 1} (the loop is {@link QFormerTraining}): loads the ELIXR-C run
 * (its model, vocabulary and saved preprocessing), computes the frozen tower's spatial tokens of every training and
 * validation image once ({@link ImageTokenCache}, reused by later sessions), tokenises the reports with the image run's
 * vocabulary plus [DEC], trains the Q-Former, and writes the run directory ({@link ElixrBRun}) with {@code run.json},
 * holding the run directory's {@link RunLock} throughout.
 */
public final class QFormerTrainingJob {
    private QFormerTrainingJob() {}

    /**
     * The Q-Former's shape: width H, layers, heads, learned queries, projection width, FFN size; cross-attention every 2nd
     * layer (BLIP-2), GELU, no dropout (so that resuming is bitwise). The image width is the tower's channel count.
     */
    public record Shape(int width, int layers, int heads, int queries, int projection, int ffn, int crossAttentionFrequency) {
        /** Cross-attention every 2nd layer (BLIP-2). */
        public Shape(int width, int layers, int heads, int queries, int projection, int ffn) { this(width, layers, heads, queries, projection, ffn, 2); }

        /** With another number of learned queries. */
        public Shape withQueries(int q) { return new Shape(width, layers, heads, q, projection, ffn, crossAttentionFrequency); }

        /** With cross-attention in layers 0, f, 2f, …. */
        public Shape withCrossAttentionFrequency(int f) { return new Shape(width, layers, heads, queries, projection, ffn, f); }

        /** FFN 2H. */
        public Shape(int width, int layers, int heads, int queries, int projection) { this(width, layers, heads, queries, projection, 2 * width); }

        /** The demo's: 64 wide, 2 layers, 4 heads, 8 queries, projections to 32. */
        public static Shape tiny() { return new Shape(64, 2, 4, 8, 32); }

        /** A text encoder's transformer shape (to start the Q-Former's text side from it), with the given queries and projection. */
        public static Shape of(BertConfig text, int queries, int projection) {
            return new Shape(text.hiddenSize(), text.numLayers(), text.numHeads(), queries, projection, text.intermediateSize());
        }

        QFormerConfig config(int imageWidth, int vocabSize, int padId, int decId, int maxLength) {
            return new QFormerConfig(new QFormerConfig.Transformer(width, layers, heads, ffn, 1e-12f, 0f, Activation.GELU),
                    new QFormerConfig.Queries(queries, crossAttentionFrequency, imageWidth), new QFormerConfig.Text(vocabSize, maxLength, padId, decId), projection);
        }
    }

    /**
     * Where the Q-Former's text side starts: from scratch, from the image run's trained text tower ({@link QFormerTextInit}),
     * or from that tower and its text projection ({@code text_projection}, {@link QFormerTextInit#applyProjection}: the
     * projection width must be the image run's embedding width).
     */
    public enum TextInit {
        NONE, IMAGE_RUN, IMAGE_RUN_PROJECTION;

        public String key() {
            return switch (this) {
                case NONE -> "none";
                case IMAGE_RUN -> "image-run";
                case IMAGE_RUN_PROJECTION -> "image-run+projection";
            };
        }

        /** Whether the tower's weights are copied (either image-run value). */
        public boolean fromImageRun() { return this != NONE; }

        public static TextInit parse(String s) {
            return switch (s) {
                case "none" -> NONE;
                case "image-run" -> IMAGE_RUN;
                case "image-run+projection" -> IMAGE_RUN_PROJECTION;
                default -> throw new IllegalArgumentException("--text-init '" + s + "': expected none, image-run or image-run+projection");
            };
        }
    }

    /**
     * dataset: the layout of {@code data} ({@code --dataset}); one with reports (MIMIC-CXR-JPG or IU X-ray). textInit: where
     * the Q-Former's text side starts (from the image run, the shape must be the image run's text tower's).
     * imagePositions: whether the tower's tokens get a learned position embedding before cross-attention. textPooling: ITC's
     * text feature ({@link TextPooling#CLS}, BLIP-2's, when null).
     */
    public record Options(Path data, Path imageRun, Path out, Shape shape, QFormerTraining.Config training, CxrDataset dataset,
                          TextInit textInit, boolean imagePositions, boolean imageSummary, TextPooling textPooling, boolean centreQueries,
                          int itcQueries) {
        public Options {
            if (itcQueries < 0 || itcQueries > shape.queries())
                throw new IllegalArgumentException("--itc-queries " + itcQueries + ": between 1 and --queries " + shape.queries() + " (0: all)");
            if (dataset == null) dataset = CxrDataset.MIMIC;
            if (textInit == null) textInit = TextInit.NONE;
            if (textPooling == null) textPooling = TextPooling.CLS;
        }

        /** ITC's query embeddings not centred (BLIP-2's). */
        public Options(Path data, Path imageRun, Path out, Shape shape, QFormerTraining.Config training, CxrDataset dataset,
                       TextInit textInit, boolean imagePositions, boolean imageSummary, TextPooling textPooling) {
            this(data, imageRun, out, shape, training, dataset, textInit, imagePositions, imageSummary, textPooling, false, 0);
        }

        public Options(Path data, Path imageRun, Path out, Shape shape, QFormerTraining.Config training, CxrDataset dataset,
                       TextInit textInit, boolean imagePositions, boolean imageSummary) {
            this(data, imageRun, out, shape, training, dataset, textInit, imagePositions, imageSummary, TextPooling.CLS);
        }

        public Options(Path data, Path imageRun, Path out, Shape shape, QFormerTraining.Config training, CxrDataset dataset,
                       TextInit textInit, boolean imagePositions) {
            this(data, imageRun, out, shape, training, dataset, textInit, imagePositions, false);
        }

        /** Text side from scratch. */
        public Options(Path data, Path imageRun, Path out, Shape shape, QFormerTraining.Config training, CxrDataset dataset) {
            this(data, imageRun, out, shape, training, dataset, TextInit.NONE, false);
        }

        /** On MIMIC-CXR-JPG, text side from scratch. */
        public Options(Path data, Path imageRun, Path out, Shape shape, QFormerTraining.Config training) {
            this(data, imageRun, out, shape, training, CxrDataset.MIMIC);
        }

        public Options withTextInit(TextInit t) { return new Options(data, imageRun, out, shape, training, dataset, t, imagePositions, imageSummary, textPooling, centreQueries, itcQueries); }

        /** With ITC's text feature pooled as given ({@link TextPooling}). */
        public Options withTextPooling(TextPooling p) { return new Options(data, imageRun, out, shape, training, dataset, textInit, imagePositions, imageSummary, p, centreQueries, itcQueries); }

        /** With (or without) a learned position embedding for the tower's tokens ({@link dev.elixr.models.elixr.ImagePositionEmbedding}). */
        public Options withImagePositions(boolean on) { return new Options(data, imageRun, out, shape, training, dataset, textInit, on, imageSummary, textPooling, centreQueries, itcQueries); }

        /** With (or without) a summary token over the whole tower map, started from the image run's head ({@link ImageSummaryToken}). */
        public Options withImageSummary(boolean on) { return new Options(data, imageRun, out, shape, training, dataset, textInit, imagePositions, on, textPooling, centreQueries, itcQueries); }

        /** With ITC reading only the first {@code k} queries (0: all, BLIP-2's). */
        public Options withItcQueries(int k) { return new Options(data, imageRun, out, shape, training, dataset, textInit, imagePositions, imageSummary, textPooling, centreQueries, k); }

        /** With (or without) ITC's query embeddings centred per query over the images ({@link dev.elixr.models.qformer.QueryCentring}). */
        public Options withCentreQueries(boolean on) { return new Options(data, imageRun, out, shape, training, dataset, textInit, imagePositions, imageSummary, textPooling, on, itcQueries); }
    }

    /** Linear weights N(0, 1/fan_in): from scratch at the demo's width BERT's 0.02 leaves ITM at its prior (see {@link QFormer.Initialisation#FAN_IN}). */
    static final QFormer.Initialisation INITIALISATION = QFormer.Initialisation.FAN_IN;

    /**
     * Trains into {@code o.out()}. Studies whose report is missing, empty or binary are skipped and counted, and a training
     * split with too few usable images is refused ({@link DataSufficiency}) before the run directory is written.
     */
    public static QFormerTraining.Outcome run(Options o, String commandLine, PrintStream log) throws IOException {
        Instant started = Instant.now();
        if (o.out().toAbsolutePath().normalize().equals(o.data().toAbsolutePath().normalize()))
            throw new IllegalArgumentException("--out " + o.out() + " is the data set folder itself: write the run to another folder");
        RunLock.requireFree(o.out());
        if (!o.training().resume() && Files.isDirectory(o.out().resolve("checkpoints")))
            throw new IllegalArgumentException("run " + o.out() + " already has checkpoints: pass --resume to continue it, or choose another --out");
        if (!o.dataset().hasReports())
            throw new IllegalArgumentException("--dataset " + o.dataset().key() + " has no reports, and ELIXR-B stage 1 trains on image-report"
                    + " pairs: train on MIMIC-CXR-JPG or IU X-ray and evaluate on " + o.dataset().key());
        MimicCxrJpg.Contents contents = o.dataset().contents(o.data());
        int listed = ElixrCTrainingJob.split(contents.studies(), "train").size();
        if (listed == 0) throw new IllegalArgumentException("no training images in " + o.data() + " (split 'train' of the " + o.dataset().key() + " data set)");
        SkippedItems skipped = new SkippedItems();
        List<CxrStudy> train = contents.usable("train", skipped), val = contents.usable("validate", skipped);
        DataSufficiency.require(o.data(), "train", "training", listed, train.size(), skipped, log);
        QFormerTraining.Outcome outcome;
        try (RunLock lock = RunLock.acquire(o.out())) {
            outcome = locked(o, train, val, listed, skipped, commandLine, started, log);
        }
        for (String line : skipped.lines()) log.println("elixr: " + line);
        return outcome;
    }

    private static QFormerTraining.Outcome locked(Options o, List<CxrStudy> train, List<CxrStudy> val, int listed, SkippedItems skipped,
                                                  String commandLine, Instant started, PrintStream log) throws IOException {
        Path run = o.out();
        ElixrCRun imageRun = ElixrCRun.load(o.imageRun());
        String digest = Provenance.sha256(o.imageRun().resolve(ElixrCRun.WEIGHTS));
        ElixrBRun.Spec previous = o.training().resume() ? ElixrBRun.readSpec(run) : null;
        Map<String, String> settings = TrainingSettings.of(o.training(), o.shape(), o.textInit());
        if (o.imagePositions()) settings.put("--image-positions", "true");
        if (o.imageSummary()) settings.put("--image-summary", "true");
        if (o.shape().crossAttentionFrequency() != 2) settings.put("--cross-attention-every", Integer.toString(o.shape().crossAttentionFrequency()));
        settings.put("--text-pooling", o.textPooling().key());  // always: a resume that leaves it out means cls, and is checked
        settings.put("--itc-centre-queries", Boolean.toString(o.centreQueries()));
        settings.put("--itc-queries", Integer.toString(o.itcQueries()));  // always (absent in older runs: all, not checked)  // always, as --text-pooling (absent in older runs: not checked)
        if (previous != null) TrainingSettings.checkResume(run, settings);
        if (previous != null && !previous.imageRunSha256().equals(digest))
            throw new IllegalArgumentException("run " + run + " was trained on image run weights " + previous.imageRunSha256()
                    + ", but " + o.imageRun() + " now has " + digest + ": resuming would mix two image encoders; start a new --out");
        log.printf("elixr: %d training and %d validation images from %s (%s); frozen image tower from %s%n", train.size(), val.size(),
                o.data(), o.dataset().key(), o.imageRun());
        QFormerTraining.Pairs trainPairs = pairs(run, "train", imageRun, digest, train, log);
        QFormerTraining.Pairs valPairs = val.isEmpty() ? null : pairs(run, "validate", imageRun, digest, val, log);
        countUnreadable(skipped, "train", train, trainPairs);
        if (valPairs != null) countUnreadable(skipped, "validate", val, valPairs);
        DataSufficiency.require(o.data(), "train", "training", listed, trainPairs.count(), skipped, log);
        WordPieceTokenizer tok = imageRun.tokenizer();
        int vocab = tok.vocab().size();
        if (previous != null && !sameShape(o.shape(), previous.qformer()))  // a run from before training.json recorded the shape
            throw new IllegalArgumentException("--resume: " + run + " holds a Q-Former of another shape (" + previous.qformer()
                    + "); repeat the run's own --width --layers --heads --queries --projection --cross-attention-every, or train into another --out");
        QFormerConfig cfg = previous != null ? previous.qformer()
                : o.shape().config(trainPairs.images().width(), vocab + 1, trainPairs.padId(), ElixrBRun.decTokenId(vocab),
                imageRun.model().config().text().maxTokens());
        int positions = previous != null ? previous.imagePositions() : o.imagePositions() ? trainPairs.images().tokens() : 0;
        int summary = previous != null ? previous.imageSummary() : o.imageSummary() ? trainPairs.images().tokens() : 0;
        TextPooling pooling = previous != null ? previous.textPooling() : o.textPooling();
        boolean centre = previous != null ? previous.centreQueries() : o.centreQueries();
        int itcQueries = previous != null ? previous.itcQueries() : o.itcQueries();
        ElixrBRun.writeSpec(run, new ElixrBRun.Spec(o.imageRun(), digest, cfg, positions, summary, pooling, centre, itcQueries));
        if (previous == null || !Files.exists(run.resolve(TrainingSettings.FILE))) TrainingSettings.write(run, settings);
        if (o.textInit().fromImageRun())
            QFormerTextInit.requireCompatible(cfg, imageRun.model().config().text().bertConfig(), textSource(o));
        Tensor textProjection = o.textInit() == TextInit.IMAGE_RUN_PROJECTION ? imageRunTextProjection(imageRun, o) : null;
        SplitMix64 rng = new SplitMix64(o.training().seed());
        ElixrB model = ElixrB.create(cfg, INITIALISATION, rng, positions, summary, pooling, centre, itcQueries);
        if (itcQueries > 0)
            log.printf("elixr: ITC (and the image embeddings that evaluation scores) read the first %d of the %d queries (--itc-queries); ITM, ITG and stage 2 read all%n",
                    itcQueries, cfg.queries().count());
        if (summary > 0) {
            model.imageSummary().initFrom(imageRun.model().namedParameters(), "ELIXR-C run " + o.imageRun(), rng);
            log.println("elixr: image summary token (a linear map of the whole tower map) from the image head and projection of " + o.imageRun());
        }
        if (o.textInit().fromImageRun()) {
            var copied = QFormerTextInit.apply(model.qformer(), imageRun.model().textEncoder().bert(), textSource(o));
            log.printf("elixr: Q-Former text side (%d tensors: embeddings, self-attention, feed-forward) from %s%n",
                    copied.tensors().size(), textSource(o));
        }
        if (textProjection != null) {
            QFormerTextInit.applyProjection(model.qformer(), textProjection, "ELIXR-C run " + o.imageRun());
            log.println("elixr: Q-Former text_projection from the text projection of " + o.imageRun());
        }
        if (pooling != TextPooling.CLS)
            log.println("elixr: ITC's text feature is the mean of the text's word states (--text-pooling " + pooling.key() + "), not BLIP-2's [CLS]");
        if (o.training().itcQueryPooling() == dev.elixr.models.qformer.ItcLoss.QueryPooling.LOG_SUM_EXP)
            log.println("elixr: ITC's similarity over the queries is log-sum-exp at the contrastive temperature in training (--itc-query-pooling), not BLIP-2's max");
        if (centre)
            log.println("elixr: ITC's query embeddings centred per query on the batch's mean (a running mean saved for evaluation; --itc-centre-queries), not BLIP-2's");
        log.printf("elixr: ELIXR-B stage 1, Q-Former with %,d parameters (%s) on %d image tokens of width %d%n",
                model.parameterCount(), cfg, trainPairs.images().tokens(), trainPairs.images().width());
        TextSampler texts = sampler(o.training(), trainPairs, train, tok, imageRun.model().config().text().maxTokens());
        if (texts != null)
            log.printf(java.util.Locale.ROOT, "elixr: training texts by ELIXR-C's sampler, negated sentences kept: the impression alone with probability %s, else a sentence subset with probability %s%n",
                    o.training().texts().impressionOnly(), o.training().texts().sentenceSampling());
        QFormerTraining.Outcome outcome = QFormerTraining.train(model, trainPairs, texts, valPairs == null ? emptyLike(trainPairs) : valPairs,
                o.training(), new Checkpoints(run, 2), log);
        if (outcome.steps() >= outcome.totalSteps()) ElixrBRun.save(run, model, outcome.history());
        RunInfo.record(run, "elixr-b", describe(o, cfg, trainPairs.count(), valPairs == null ? 0 : valPairs.count()), o.training().seed(),
                imageRun.model().config().image().preprocessing().describe(), commandLine, started, outcome.session(), skipped);
        return outcome;
    }

    private static String textSource(Options o) { return "the text tower of ELIXR-C run " + o.imageRun(); }

    /** The image run's {@code text_projection.weight} [E, text width]. */
    private static Tensor imageRunTextProjection(ElixrCRun imageRun, Options o) {
        var p = imageRun.model().namedParameters().get("text_projection.weight");
        if (p == null) throw new IllegalArgumentException("--text-init image-run+projection: ELIXR-C run " + o.imageRun() + " has no text_projection.weight");
        return p.value().toCpu().contiguous();
    }

    /** A split's cached image tokens paired with its reports (findings and impression), tokenised, and their duplicate groups. */
    static QFormerTraining.Pairs pairs(Path run, String split, ElixrCRun imageRun, String digest, List<CxrStudy> studies,
                                       PrintStream log) throws IOException {
        ImageTokenCache.Tokens tokens = ImageTokenCache.load(run, split, imageRun, digest, studies, log);
        Map<String, CxrStudy> byId = studies.stream().collect(Collectors.toMap(CxrStudy::dicomId, Function.identity(), (a, b) -> a));
        WordPieceTokenizer tok = imageRun.tokenizer();
        int maxTokens = imageRun.model().config().text().maxTokens();
        List<Encoding> texts = new ArrayList<>();
        long[] groups = new long[tokens.count()];
        for (int i = 0; i < tokens.count(); i++) {
            CxrStudy s = byId.get(tokens.ids().get(i));
            String text = ReportText.findingsAndImpression(s.report());
            texts.add(tok.encode(text, maxTokens, false));
            groups[i] = DuplicateKey.TEXT.group(s, text);
        }
        return new QFormerTraining.Pairs(tokens, texts, groups, tok.vocab().id(WordPieceTokenizer.PAD));
    }

    /**
     * The sampler of the training texts ({@link QFormerTraining.Texts}), or null for the full reports: ELIXR-C's
     * {@link TextSampler} over the pairs' studies in the order of their cached tokens, with the run's seed.
     */
    static TextSampler sampler(QFormerTraining.Config cfg, QFormerTraining.Pairs pairs, List<CxrStudy> studies, WordPieceTokenizer tok,
                               int maxTokens) {
        if (!cfg.texts().sampled()) return null;
        Map<String, CxrStudy> byId = studies.stream().collect(Collectors.toMap(CxrStudy::dicomId, Function.identity(), (a, b) -> a));
        List<CxrStudy> ordered = pairs.images().ids().stream().map(byId::get).toList();
        return new TextSampler(tok, ordered, pairs.texts(), cfg.texts().objective(), maxTokens, cfg.seed());
    }

    /** The split's images without tokens (the image pipeline could not decode them; its log named why). */
    private static void countUnreadable(SkippedItems skipped, String split, List<CxrStudy> studies, QFormerTraining.Pairs pairs) {
        java.util.Set<String> kept = new java.util.HashSet<>(pairs.images().ids());
        for (CxrStudy s : studies) if (!kept.contains(s.dicomId())) skipped.add(split, SkippedItems.IMAGES, "unreadable", s.image());
    }

    static boolean sameShape(Shape s, QFormerConfig c) {
        return s.width() == c.width() && s.layers() == c.depth() && s.heads() == c.transformer().heads()
                && s.queries() == c.queries().count() && s.projection() == c.projectionWidth() && s.ffn() == c.transformer().ffnSize()
                && s.crossAttentionFrequency() == c.queries().crossAttentionFrequency();
    }

    private static QFormerTraining.Pairs emptyLike(QFormerTraining.Pairs p) {
        var t = p.images();
        return new QFormerTraining.Pairs(new ImageTokenCache.Tokens(new float[0], 0, t.tokens(), t.width(), List.of(), false),
                List.of(), new long[0], p.padId());
    }

    static Map<String, Object> describe(Options o, QFormerConfig cfg, int trainImages, int valImages) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", 1);
        m.put("data", o.data().toAbsolutePath().toString());
        m.put("dataset", o.dataset().key());
        m.put("image_run", o.imageRun().toAbsolutePath().toString());
        m.put("train_images", trainImages);
        m.put("validation_images", valImages);
        m.put("qformer", HfConfigs.qformerJson(cfg));
        m.put("initialisation", INITIALISATION.name().toLowerCase(java.util.Locale.ROOT));
        m.put("text_init", o.textInit() == TextInit.NONE ? "none: from scratch"
                : o.textInit().key() + ": word/position embeddings, embedding LayerNorm, self-attention and text feed-forward (query feed-forward too)"
                + " from the text tower of " + o.imageRun().toAbsolutePath()
                + (o.textInit() == TextInit.IMAGE_RUN_PROJECTION ? ", text_projection from its text projection (bias 0)" : "")
                + "; cross-attention, queries and " + (o.textInit() == TextInit.IMAGE_RUN_PROJECTION ? "the other heads" : "heads") + " from scratch");
        m.put("text_pooling", o.textPooling() == TextPooling.CLS ? "cls: ITC's text feature is the [CLS] output (BLIP-2's)"
                : "word-mean: ITC's text feature is the mean of the word states (no [CLS], [SEP] or padding), as ELIXR-C's text tower pools;"
                + " a deviation from BLIP-2");
        m.put("image_positions", o.imagePositions() ? "learned position embedding of the tower's tokens after ln_vision, 2-D sine-cosine init" : "none");
        m.put("image_summary", o.imageSummary() ? "one extra image token: a learned linear map of the whole flattened tower map, started from"
                + " the image run's head and projection (randomly projected to the token width)" : "none");
        m.put("itc_centre_queries", o.centreQueries() ? "true: ITC's query embeddings minus each query's mean over the batch's images, L2-normalised"
                + " again; evaluation subtracts the running mean (momentum " + dev.elixr.models.qformer.QueryCentring.MOMENTUM + ") saved with the model;"
                + " a deviation from BLIP-2" : "false: ITC's query embeddings as BLIP-2's");
        m.put("itc_queries", o.itcQueries() == 0 ? "all: ITC reads every query, as BLIP-2's"
                : o.itcQueries() + ": ITC, and the image embeddings that zero-shot, search and the embedding probes score, read the first "
                + o.itcQueries() + " of the " + o.shape().queries() + " queries; ITM, ITG and stage 2 read all; a deviation from BLIP-2");
        QFormerTraining.Texts t = o.training().texts();
        m.put("training_texts", t.sampled() ? String.format(java.util.Locale.ROOT, "drawn by ELIXR-C's sampler, negated sentences kept: the impression alone with"
                + " probability %s, else a random subset of the report's sentences with probability %s, else the full report; seeded per step"
                + " (sentence_sampling stream)", t.impressionOnly(), t.sentenceSampling()) : "the full reports (findings and impression)");
        m.put("training", o.training());
        return m;
    }
}
