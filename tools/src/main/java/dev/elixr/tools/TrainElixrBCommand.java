package dev.elixr.tools;

import dev.elixr.models.qformer.ItcLoss;
import dev.elixr.models.qformer.LanguageProjection;
import dev.elixr.models.qformer.TextPooling;
import dev.elixr.tasks.language.QuestionRepeats;
import dev.elixr.tasks.language.Stage2Job;
import dev.elixr.tasks.language.Stage2Training;
import dev.elixr.tasks.language.TaskMix;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.train.QFormerTraining;
import dev.elixr.tasks.train.QFormerTrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code elixr train elixr-b --stage 1}: the Q-Former on the frozen ELIXR-C image tower (ITC + ITM + ITG);
 * {@code --stage 2}: the adapter into a frozen LLM on impressions, visual questions and report checks.
 */
@Command(name = "elixr-b", mixinStandardHelpOptions = true,
        description = "Train ELIXR-B. Stage 1: a BLIP-2 Q-Former (ITC + ITM + ITG) on the frozen image tower of an ELIXR-C run, "
                + "whose spatial tokens are computed once and cached in the run directory. Stage 2: the adapter (language_projection) "
                + "from the stage-1 Q-Former's query outputs into a frozen LLM, on impression generation, VQA and report-QA items mixed "
                + "in stated proportions, the loss on answer tokens only.")
final class TrainElixrBCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--stage", required = true, description = "1 (image-text alignment) or 2 (the adapter into a frozen LLM)") int stage;
    @Option(names = "--image-run", description = "stage 1: a finished ELIXR-C run directory (elixr train elixr-c)") Path imageRun;
    @Option(names = "--stage1-run", description = "stage 2: a finished ELIXR-B stage-1 run directory") Path stage1Run;
    @Option(names = "--llm", description = "stage 2: the frozen LLM, a Hugging Face Llama-family folder (config.json, model.safetensors, "
            + "tokenizer.json) or a run directory holding one") Path llm;
    @Option(names = "--data", required = true, description = "data set root (its layout: --dataset; e.g. from elixr demo)") Path data;
    @Option(names = "--dataset", defaultValue = CxrDataset.AUTO, paramLabel = DatasetOption.LABEL, description = DatasetOption.TRAINING) String dataset;
    @Option(names = "--decode", paramLabel = "display|cxr-foundation",
            description = "stage 1: how image files are decoded; always the image run's recorded decoding (its elixr-c.json), so"
                    + " this only confirms it: another value is refused") String decode;
    @Option(names = "--out", required = true, description = "run directory to write") Path out;
    @Option(names = "--text-init", defaultValue = "none", paramLabel = "none|image-run|image-run+projection",
            description = "stage 1: where the Q-Former's text side starts: none (from scratch, the default), image-run (word/position"
                    + " embeddings, self-attention and feed-forward from the image run's trained text tower, as BLIP-2 starts from BERT;"
                    + " the Q-Former then takes the tower's width, layers, heads and FFN size) or image-run+projection (also text_projection"
                    + " from the image run's text projection, which reads the mean of the word states: needs --projection equal to the"
                    + " image run's embedding width; meant with --text-pooling word-mean)") String textInit;
    @Option(names = "--text-pooling", defaultValue = "cls", paramLabel = "cls|word-mean",
            description = "stage 1: ITC's text feature: cls (the [CLS] output, BLIP-2's; the default) or word-mean (the mean of the word"
                    + " states, as ELIXR-C's text tower pools; a deviation from BLIP-2). Recorded in the run; evaluation uses it") String textPooling;
    @Option(names = "--image-positions", description = "stage 1: add a learned position embedding (2-D sine-cosine init) to the image"
            + " tower's tokens before cross-attention: a convolutional tower's flattened feature map does not carry positions") boolean imagePositions;
    @Option(names = "--width", description = "stage 1: Q-Former width (default 64, or the text tower's with --text-init image-run; the paper's is 768)") Integer width;
    @Option(names = "--layers", description = "stage 1: Q-Former layers (default 2, or the text tower's; the paper's 12)") Integer layers;
    @Option(names = "--heads", description = "stage 1: attention heads (default 4, or the text tower's)") Integer heads;
    @Option(names = "--ffn", description = "stage 1: feed-forward size (default twice the width, or the text tower's)") Integer ffn;
    @Option(names = "--cross-attention-every", defaultValue = "2", description = "stage 1: cross-attention in layers 0, f, 2f, … (default 2, BLIP-2's; 1: every layer)") int crossAttentionEvery;
    @Option(names = "--image-summary", description = "stage 1: one extra image token, a learned linear map of the whole flattened tower map"
            + " started from the image run's head and projection (the conv tower has no [CLS] token)") boolean imageSummary;
    @Option(names = "--itc-centre-queries", description = "stage 1: ITC on each query's embedding minus its mean over the batch's images,"
            + " L2-normalised again (a running mean, saved with the model, at evaluation): an image-independent query can then not set a floor"
            + " under the max over queries. A deviation from BLIP-2 (default: off). Recorded in the run") boolean centreQueries;
    @Option(names = "--itc-query-pooling", defaultValue = "max", paramLabel = "max|log-sum-exp",
            description = "stage 1: ITC's similarity of an image and a text over the queries: max (BLIP-2's, the default) or log-sum-exp"
                    + " (log Σ_q exp(cos_q/τ), its smooth form: every query gets a gradient, not only the best; a deviation from BLIP-2 in"
                    + " training only: evaluation scores by the best query). Recorded in the run") String itcQueryPooling;
    @Option(names = "--itc-queries", defaultValue = "0", description = "stage 1: ITC, and the image embeddings that zero-shot, search"
            + " and the embedding probes score, read only the first K queries (0: all, BLIP-2's, the default); ITM, ITG and stage 2 read all."
            + " A deviation from BLIP-2. Recorded in the run") int itcQueries;
    @Option(names = "--queries", defaultValue = "8", description = "stage 1: learned queries (default 8; the paper's 32)") int queries;
    @Option(names = "--projection", defaultValue = "32", description = "stage 1: ITC projection width (default 32; ELIXR's 128)") int projection;
    @Option(names = "--impression-only", description = "stage 1: probability of training on the IMPRESSION alone, drawn before sentence"
            + " sampling, as elixr-c trains (default 0: the full report)") Double impressionOnly;
    @Option(names = "--sentence-sampling", description = "stage 1: probability of training on a random subset of a report's sentences,"
            + " as elixr-c trains (default 0: the full report)") Double sentenceSampling;
    @Option(names = "--epochs", defaultValue = "10", description = "stage 1: passes over the training images") int epochs;
    @Option(names = "--steps", defaultValue = "600", description = "stage 2: optimiser steps (default ${DEFAULT-VALUE})") int steps;
    @Option(names = "--batch", description = "images (stage 1, default 32) or items (stage 2, default 8) per step") Integer batch;
    @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (AdamW, warm-up then cosine)") double lr;
    @Option(names = "--weight-decay", defaultValue = "0.05") double weightDecay;
    @Option(names = "--warmup", defaultValue = "0.1", description = "warm-up as a fraction of all steps") double warmup;
    @Option(names = "--grad-clip", defaultValue = "1.0", description = "global gradient-norm clip") double gradClip;
    @Option(names = "--adapter", defaultValue = "mlp", paramLabel = "linear|mlp",
            description = "stage 2: BLIP-2's linear language_projection or ELIXR's small MLP (default ${DEFAULT-VALUE})") String adapter;
    @Option(names = "--train-qformer", description = "stage 2: train the Q-Former (and ln_vision) with the adapter (default: frozen)") boolean trainQFormer;
    @Option(names = "--mix", defaultValue = "impression=0.25,vqa=0.5,report-qa=0.25",
            description = "stage 2: task proportions of each batch (default ${DEFAULT-VALUE})") String mix;
    @Option(names = "--statement-first", description = "stage 2: report checks in two steps, what the image shows (\"image: …\", from the data set's "
            + "structured truth) and then the verdict after that statement and the report; the LLM should be an instruction LM trained so "
            + "(elixr train lm --instructions --statement-first)") boolean statementFirst;
    @Option(names = "--task-per-step", description = "stage 2: each step draws one task for its whole batch (in the --mix proportions), so that "
            + "short visual questions are not padded to a report check's length (default: each item draws its task)") boolean taskPerStep;
    @Option(names = "--vqa-repeats", paramLabel = "CATEGORY=K,…", description = "stage 2: each training visual question of a category stands K "
            + "times in the pool the VQA share draws from (e.g. laterality=3,severity=3: the side and the severity drawn three times as often; "
            + "0 drops a category; default: every question once)") String vqaRepeats;
    @Option(names = "--max-answer-tokens", defaultValue = "64", description = "stage 2: longest answer kept, end of sequence included") int maxAnswerTokens;
    @Option(names = "--validate-every", defaultValue = "100", description = "stage 2: steps between validation losses (and one at the end)") int validateEvery;
    @Option(names = "--validation-items", defaultValue = "64", description = "stage 2: validation items per task") int validationItems;
    @Option(names = "--checkpoint-every", defaultValue = "50", description = "steps between checkpoints (and one at the end)") int checkpointEvery;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--resume", description = "continue from the run's newest checkpoint") boolean resume;
    @Option(names = "--stop-after", defaultValue = "0", hidden = true, description = "stop after this step (testing)") long stopAfter;

    @Override
    public Integer call() throws Exception {
        var optimisation = new ContrastiveTraining.Optimisation(lr, weightDecay, warmup, gradClip);
        var session = new ContrastiveTraining.Session(seed, resume, checkpointEvery, stopAfter);
        if (stage == 1) {
            if (vqaRepeats != null) throw new ParameterException(spec.commandLine(), "--vqa-repeats is for --stage 2: stage 1 trains on reports, not questions");
            if (imageRun == null) throw new ParameterException(spec.commandLine(), "--stage 1 needs --image-run RUN_C");
            var texts = new QFormerTraining.Texts(impressionOnly == null ? 0 : impressionOnly, sentenceSampling == null ? 0 : sentenceSampling);
            var training = new QFormerTraining.Config(new ContrastiveTraining.Data(epochs, batch == null ? 32 : batch, false), optimisation, session, texts,
                    switch (itcQueryPooling) {
                        case "max" -> ItcLoss.QueryPooling.MAX;
                        case "log-sum-exp" -> ItcLoss.QueryPooling.LOG_SUM_EXP;
                        default -> throw new ParameterException(spec.commandLine(), "--itc-query-pooling '" + itcQueryPooling + "': expected max or log-sum-exp");
                    });
            var imageConfig = ElixrCRun.readConfig(imageRun);
            imageConfig.image().preprocessing().requireDecode(decode, imageRun.toString());
            var init = QFormerTrainingJob.TextInit.parse(textInit);
            var base = init.fromImageRun()
                    ? QFormerTrainingJob.Shape.of(imageConfig.text().bertConfig(), queries, projection) : QFormerTrainingJob.Shape.tiny();
            int w = width == null ? base.width() : width;
            var shape = new QFormerTrainingJob.Shape(w, layers == null ? base.layers() : layers, heads == null ? base.heads() : heads,
                    queries, projection, ffn != null ? ffn : width == null ? base.ffn() : 2 * w, crossAttentionEvery);
            var options = new QFormerTrainingJob.Options(data, imageRun, out, shape, training, CxrDataset.resolve(dataset, data), init, imagePositions, imageSummary,
                    TextPooling.parse(textPooling), centreQueries, itcQueries);
            var o = QFormerTrainingJob.run(options, CommandLineText.of(spec), System.err);
            System.out.printf("trained %d/%d steps in %.1f s (%.1f images/s); run: %s%n", o.steps(), o.totalSteps(), o.seconds(),
                    o.imagesPerSecond(), out.toAbsolutePath());
            return 0;
        }
        if (stage != 2) throw new ParameterException(spec.commandLine(), "--stage " + stage + ": stages 1 and 2 exist");
        if (!dataset.equalsIgnoreCase(CxrDataset.AUTO) && CxrDataset.parse(dataset) != CxrDataset.MIMIC || decode != null)
            throw new ParameterException(spec.commandLine(), "--dataset and --decode are for --stage 1: stage 2 reads MIMIC-CXR-JPG"
                    + " and decodes as its stage-1 run's image run");
        if (impressionOnly != null || sentenceSampling != null)
            throw new ParameterException(spec.commandLine(), "--impression-only and --sentence-sampling are for --stage 1: stage 2 trains on"
                    + " its instruction items");
        if (centreQueries || itcQueries != 0)
            throw new ParameterException(spec.commandLine(), "--itc-centre-queries and --itc-queries are for --stage 1: stage 2 reads its stage-1 run's Q-Former as trained");
        if (stage1Run == null || llm == null) throw new ParameterException(spec.commandLine(), "--stage 2 needs --stage1-run RUN_B and --llm DIR_OR_RUN");
        var training = new Stage2Training.Config(steps, batch == null ? 8 : batch, validateEvery, optimisation, session);
        var options = new Stage2Job.Options(data, stage1Run, llm, out, LanguageProjection.Kind.parse(adapter), trainQFormer, taskPerStep ? TaskMix.parse(mix).drawnPerStep() : TaskMix.parse(mix),
                maxAnswerTokens, validationItems, training).withStatementFirst(statementFirst).withVqaRepeats(QuestionRepeats.parse(vqaRepeats));
        var o = Stage2Job.run(options, CommandLineText.of(spec), System.err);
        System.out.printf("trained %d/%d steps in %.1f s (%.1f items/s); run: %s%n", o.steps(), o.totalSteps(), o.seconds(),
                o.itemsPerSecond(), out.toAbsolutePath());
        return 0;
    }
}
