package dev.elixr.tools;

import dev.elixr.tasks.demo.ElixrDemo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code elixr demo}: synthetic data → ELIXR-C training → the three evaluations → ELIXR-B stage 1 → its evaluations →
 * ELIXR-B stage 2 on the instruction LM (trained beside ELIXR-C and stage 1 on two cores, after them otherwise) → VQA,
 * report QA, impressions → report.html.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate synthetic chest X-rays with reports, train ELIXR-C, evaluate it (zero-shot, data-efficient, "
                + "search), train ELIXR-B stage 1 (a Q-Former on ELIXR-C's frozen image tower), evaluate it the same way (search "
                + "also re-ranked by ITM), train a small language model (on two cores beside ELIXR-C and stage 1, its progress in "
                + "DIR/lm.log) and ELIXR-B stage 2 (the adapter into it), answer visual "
                + "questions, check reports and write impressions beside a text-only baseline, and write DIR/report.html with all "
                + "of it. Data and models are cached in DIR.")
final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--out", defaultValue = "elixr-demo", description = "output directory (default: ./elixr-demo)") Path out;
    @Option(names = "--quick", description = "a small, fast run (about a minute) through the same code path") boolean quick;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--studies", defaultValue = "0", description = "synthetic studies to generate (default 6000; --quick 400)") int studies;
    @Option(names = "--image-size", defaultValue = "0", description = "image side in pixels (default 96; --quick 48)") int imageSize;
    @Option(names = "--epochs", defaultValue = "0", description = "contrastive training epochs (default 24; --quick 2)") int epochs;
    @Option(names = "--difficulty", description = "synthetic data difficulty: easy, normal, hard (default easy)") String difficulty;
    @Option(names = "--elixr-b-epochs", defaultValue = "0", description = "ELIXR-B stage-1 epochs (default 4; --quick 1)") int elixrBEpochs;
    @Option(names = "--no-elixr-b", description = "stop after ELIXR-C (no Q-Former training or ELIXR-B evaluations)") boolean noElixrB;
    @Option(names = "--no-stage2", description = "stop after ELIXR-B stage 1 (no language model, stage 2, VQA, report QA or impressions)")
    boolean noStage2;
    @CommandLine.Mixin ObjectiveOptions objective;

    @Override
    public Integer call() throws Exception {
        var plan = (quick ? ElixrDemo.Plan.quick() : ElixrDemo.Plan.full()).resized(studies, imageSize, epochs);
        if (difficulty != null) plan = plan.withDifficulty(difficulty);
        if (objective.given()) plan = plan.withObjective(objective.objective(plan.training().objective()));
        var b = plan.stageOne();
        if (noElixrB) plan = plan.withStageOne(null);
        else if (elixrBEpochs > 0) plan = plan.withStageOne(b.withEpochs(elixrBEpochs));
        if (noStage2 && plan.stageOne() != null) plan = plan.withStageTwo(null);
        var s = ElixrDemo.run(out, plan, seed, System.err, CommandLineText.of(spec));
        System.out.print(ElixrDemo.table(s));
        System.out.println(serveLine(out));
        return 0;
    }

    /** The one command that indexes the demo's images and serves its run (elixr serve). */
    static String serveLine(java.nio.file.Path out) {
        String run = CommandLineText.quote(out.resolve("run").toString()), data = CommandLineText.quote(out.resolve("data").toString()),
                index = CommandLineText.quote(out.resolve("index").toString());
        return "serve it: ./elixr index build --run " + run + " --data " + data + " --out " + index
                + " && ./elixr serve --run " + run + " --index " + index;
    }
}
