package dev.elixr.tools;

import dev.elixr.tasks.demo.ElixrCDemo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code elixr demo}: synthetic data → ELIXR-C training → the three evaluations → report.html. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate synthetic chest X-rays with reports, train ELIXR-C, evaluate it (zero-shot, data-efficient, "
                + "search) and write DIR/report.html. Data and model are cached in DIR.")
final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--out", defaultValue = "elixr-demo", description = "output directory (default: ./elixr-demo)") Path out;
    @Option(names = "--quick", description = "a small, fast run (about a minute) through the same code path") boolean quick;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--studies", defaultValue = "0", description = "synthetic studies to generate (default 6000; --quick 400)") int studies;
    @Option(names = "--image-size", defaultValue = "0", description = "image side in pixels (default 96; --quick 48)") int imageSize;
    @Option(names = "--epochs", defaultValue = "0", description = "contrastive training epochs (default 24; --quick 2)") int epochs;
    @Option(names = "--difficulty", description = "synthetic data difficulty: easy, normal, hard (default easy)") String difficulty;
    @CommandLine.Mixin ObjectiveOptions objective;

    @Override
    public Integer call() throws Exception {
        var plan = (quick ? ElixrCDemo.Plan.quick() : ElixrCDemo.Plan.full()).resized(studies, imageSize, epochs);
        if (difficulty != null) plan = plan.withDifficulty(difficulty);
        if (objective.given()) plan = plan.withObjective(objective.objective(plan.training().objective()));
        var s = ElixrCDemo.run(out, plan, seed, System.err, CommandLineText.of(spec));
        System.out.print(ElixrCDemo.table(s));
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
