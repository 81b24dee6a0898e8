package dev.elixr.tools;

import dev.elixr.tasks.language.InstructionCorpus;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.LmTraining;
import dev.elixr.tasks.train.LmTrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code elixr train lm}: the small report language model, ELIXR-B stage 2's default frozen LLM. */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Train a small Llama-architecture language model and a byte-level BPE tokenizer on the reports of a data set; "
                + "the run directory is a Hugging Face folder (config.json, model.safetensors, tokenizer.json) that "
                + "elixr generate --model RUN reads, with metrics.json (validation and test perplexity beside a unigram baseline's).")
final class TrainLmCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--data", required = true, description = "data set root (MIMIC-CXR-JPG layout, e.g. from elixr data synth)") Path data;
    @Option(names = "--out", required = true, description = "run directory to write") Path out;
    @Option(names = "--layers", defaultValue = "4", description = "decoder layers (default 4)") int layers;
    @Option(names = "--dim", defaultValue = "128", description = "hidden width (default 128)") int dim;
    @Option(names = "--heads", defaultValue = "4", description = "query heads (default 4)") int heads;
    @Option(names = "--kv-heads", defaultValue = "2", description = "key-value heads, grouped-query attention (default 2)") int kvHeads;
    @Option(names = "--context", defaultValue = "256", description = "positions per row; longer reports are cut (default 256)") int context;
    @Option(names = "--vocab", defaultValue = "1024", description = "BPE vocabulary size, at most (default 1024)") int vocab;
    @Option(names = "--epochs", defaultValue = "0", description = "passes over the training reports (default 0: as many as 250 steps need)") int epochs;
    @Option(names = "--batch", defaultValue = "16", description = "reports per step") int batch;
    @Option(names = "--lr", defaultValue = "3e-3", description = "peak learning rate (AdamW, warm-up then cosine to 1%%)") double lr;
    @Option(names = "--weight-decay", defaultValue = "0.1") double weightDecay;
    @Option(names = "--warmup", defaultValue = "0.05", description = "warm-up as a fraction of all steps") double warmup;
    @Option(names = "--grad-clip", defaultValue = "1.0", description = "global gradient-norm clip") double gradClip;
    @Option(names = "--checkpoint-every", defaultValue = "50", description = "steps between checkpoints (and one at the end)") int checkpointEvery;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--resume", description = "continue from the run's newest checkpoint") boolean resume;
    @Option(names = "--instructions", description = "train on the stage-2 instruction formats instead of plain reports: per training study its "
            + "FINDINGS, then impression generation and its vqa.jsonl questions, or its report-qa.jsonl checks, each answered (training split only)")
    boolean instructions;
    @Option(names = "--statement-first", description = "with --instructions: report checks in two steps, what the image shows (\"image: …\", from the data "
            + "set's structured truth) and then the verdict after that statement and the report (for a stage 2 trained with --statement-first)")
    boolean statementFirst;
    @Option(names = "--stop-after", defaultValue = "0", hidden = true, description = "stop after this step (testing)") long stopAfter;

    LmTrainingJob.Options options() {
        var training = new LmTraining.Config(epochs, batch, new ContrastiveTraining.Optimisation(lr, weightDecay, warmup, gradClip),
                new ContrastiveTraining.Session(seed, resume, checkpointEvery, stopAfter));
        var o = new LmTrainingJob.Options(data, out, new LmTrainingJob.Shape(layers, dim, heads, kvHeads, context, vocab), training);
        if (statementFirst && !instructions) throw new IllegalArgumentException("--statement-first shapes the instruction corpus: it needs --instructions");
        return instructions ? o.withInstructions(new InstructionCorpus(data, 0, statementFirst)) : o;
    }

    @Override
    public Integer call() throws Exception {
        var r = LmTrainingJob.run(options(), CommandLineText.of(spec), System.err);
        var o = r.outcome();
        System.out.printf("trained %d/%d steps in %.1f s (%.0f tokens/s); run: %s%n", o.steps(), o.totalSteps(), o.seconds(),
                o.tokensPerSecond(), out.toAbsolutePath());
        if (!r.metrics().isEmpty())
            System.out.printf("validation perplexity %s (unigram %s); try: ./elixr generate --model %s --prompt \"FINDINGS:\"%n",
                    LmTrainingJob.shown(r.metrics().get("validation_perplexity")), LmTrainingJob.shown(r.metrics().get("validation_unigram_perplexity")), out);
        return 0;
    }
}
