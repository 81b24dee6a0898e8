package dev.elixr.tools;

import dev.elixr.tasks.demo.ElixrCDemo;
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

    @Override
    public Integer call() throws Exception {
        var s = ElixrCDemo.run(out, quick ? ElixrCDemo.Plan.quick() : ElixrCDemo.Plan.full(), seed, System.err, CommandLineText.of(spec));
        System.out.print(ElixrCDemo.table(s));
        return 0;
    }
}
